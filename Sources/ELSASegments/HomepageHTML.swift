import Foundation

/// A static HTML page (one file, inline CSS, no scripts or external assets) showing the
/// homepages of one or several users: per user a "For you" row and the segment rows, each a
/// horizontally scrolling row of item cards with titles.
public enum HomepageHTML {
    /// The page for `pages` (a label per user and the user's homepage).
    /// - Parameters:
    ///   - namer: item titles and segment names.
    ///   - segmentation: the segments the rows refer to.
    ///   - title: the page title.
    /// - Precondition: the homepages refer to items of `namer.itemIDs` and segments of `segmentation`.
    public static func render(pages: [(user: String, homepage: Homepage)], namer: SegmentNamer,
                              segmentation: Segmentation, title: String = "ELSA homepage") -> String {
        var html = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>\(escape(title))</title>
        <style>
        body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 24px; background: #14161a; color: #e8e8e8; }
        h1 { font-size: 22px; margin: 0 0 16px; }
        h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #333; padding-bottom: 4px; }
        h3 { font-size: 14px; font-weight: 600; margin: 14px 0 6px; color: #cfcfcf; }
        h3 .meta { font-weight: 400; color: #8a8f98; margin-left: 8px; }
        .row { display: flex; gap: 10px; overflow-x: auto; padding-bottom: 6px; }
        .card { flex: 0 0 150px; min-height: 84px; border-radius: 8px; padding: 10px; box-sizing: border-box;
                background: #23262d; border-top: 4px solid var(--band); display: flex; flex-direction: column; justify-content: space-between; }
        .card .title { font-size: 13px; line-height: 1.3; }
        .card .id { font-size: 11px; color: #8a8f98; margin-top: 6px; }
        .empty { color: #8a8f98; font-size: 13px; }
        </style>
        </head>
        <body>
        <h1>\(escape(title))</h1>

        """
        for (user, homepage) in pages {
            html += "<section>\n<h2>User \(escape(user))</h2>\n"
            html += "<h3>For you<span class=\"meta\">\(homepage.forYou.count) items</span></h3>\n"
            html += row(homepage.forYou, band: "#e50914", namer: namer)
            for segmentRow in homepage.segmentRows {
                let segment = segmentation.segments[segmentRow.segment]
                let meta = "segment \(segment.id) · \(segment.size) items · latents \(segment.latents.map(\.description).joined(separator: " ")) · score \(String(format: "%.3f", segmentRow.score))"
                html += "<h3>\(escape(namer.name(of: segment, count: 2)))<span class=\"meta\">\(escape(meta))</span></h3>\n"
                html += row(segmentRow.items, band: "hsl(\((segment.id * 47) % 360), 65%, 55%)", namer: namer)
            }
            if homepage.segmentRows.isEmpty { html += "<p class=\"empty\">No segment has a positive score for this user.</p>\n" }
            html += "</section>\n"
        }
        html += "</body>\n</html>\n"
        return html
    }

    private static func row(_ items: [Homepage.RankedItem], band: String, namer: SegmentNamer) -> String {
        var html = "<div class=\"row\">\n"
        for entry in items {
            let id = namer.itemIDs[entry.item]
            html += "<div class=\"card\" style=\"--band: \(band)\"><div class=\"title\">\(escape(namer.label(of: entry.item)))</div>"
            html += "<div class=\"id\">\(escape(id)) · \(String(format: "%.3f", entry.score))</div></div>\n"
        }
        if items.isEmpty { html += "<div class=\"empty\">nothing to show</div>\n" }
        return html + "</div>\n"
    }

    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by character references.
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
