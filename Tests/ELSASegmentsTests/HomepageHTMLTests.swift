import Testing
@testable import ELSASegments

@Suite struct HomepageHTMLTests {
    @Test func pageIsSelfContainedAndEscaped() throws {
        let recommender = try SegmentRecommender(model: eightItems, options: SegmentationOptions(mergeThreshold: 1))
        let pages = try recommender.homepages(histories: histories([[0, 1]], items: 8), layout: HomepageLayout(rows: 2, itemsPerRow: 2))
        var titles = [String: String]()
        for item in 0..<8 { titles["i\(item)"] = "Movie <\(item)> & \"friends\"" }
        let namer = SegmentNamer(itemIDs: eightItems.itemIDs, metadata: ItemMetadata(titles: titles))
        let html = HomepageHTML.render(pages: [(user: "u<1>", homepage: pages[0])], namer: namer,
                                       segmentation: recommender.segmentation)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.hasSuffix("</html>\n"))
        #expect(html.contains("<style>") && !html.contains("<script") && !html.contains("http") && !html.contains("<link"))
        #expect(html.contains("User u&lt;1&gt;"))
        let shown = pages[0].forYou.count + pages[0].segmentRows.reduce(0) { $0 + $1.items.count }
        #expect(html.components(separatedBy: "class=\"card\"").count - 1 == shown)
        for item in pages[0].segmentRows.flatMap(\.items) {
            #expect(html.contains("Movie &lt;\(item.item)&gt; &amp; &quot;friends&quot;"))
        }
        #expect(!html.contains("Movie <"))
        #expect(HomepageHTML.escape("a'b") == "a&#39;b")
    }
}
