import Foundation
import Testing
@testable import ELSASegments

@Suite struct SegmentReportTests {
    @Test func jsonHoldsSignedLatentStringsAndAllItemIDs() throws {
        // p = (1, 0, 0) and q = (0.6, 0.8, 0) merge (p·q = 0.6 > 0.4) into (+0, +1); r alone on −2.
        let embedding = sparse([[1, 0, 0], [0.6, 0.8, 0], [0, 0, -0.8]])
        let segmentation = try Segmentation(embedding: embedding, options: SegmentationOptions(mergeThreshold: 0.4))
        let metadata = ItemMetadata(titles: ["m10": "Ten, The", "m11": "Eleven"], genres: ["m10": ["Drama"], "m11": ["Drama", "War"]])
        let namer = SegmentNamer(itemIDs: ["m10", "m11", "m12"], metadata: metadata)
        let report = SegmentReport(segmentation, index: InvertedIndex(embedding: embedding), namer: namer, topItemCount: 1,
                                   genres: metadata.genres(of: namer.itemIDs))
        let json = try JSONSerialization.jsonObject(with: try report.jsonData()) as! [String: Any]
        let segments = json["segments"] as! [[String: Any]]
        #expect(segments.count == 2)
        #expect(segments[0]["id"] as? Int == 0 && segments[0]["size"] as? Int == 2)
        #expect(segments[0]["latents"] as? [String] == ["+0", "+1"])
        #expect(segments[0]["latentIndices"] as? [Int] == [0, 1] && segments[0]["latentSigns"] as? [Int] == [1, 1])
        #expect(segments[1]["latentIndices"] as? [Int] == [2] && segments[1]["latentSigns"] as? [Int] == [-1])
        #expect(segments[0]["items"] as? [String] == ["m11", "m10"])  // most central first
        #expect(segments[0]["name"] as? String == "Eleven · Ten, The")
        #expect((segments[0]["topItems"] as? [[String: Any]])?.first?["title"] as? String == "Eleven")
        #expect(segments[0]["mostCommonGenre"] as? String == "Drama" && segments[0]["genrePurity"] as? Double == 1)
        #expect(segments[1]["latents"] as? [String] == ["-2"] && segments[1]["items"] as? [String] == ["m12"])
        #expect(segments[1]["name"] as? String == "m12")  // no title: the id
        #expect((json["summary"] as? [String: Any])?["segmentCount"] as? Int == 2)
        #expect((json["latentEncoding"] as? String)?.contains("+12") == true)
        // Round trip.
        #expect(try JSONDecoder().decode(SegmentReport.self, from: try report.jsonData()) == report)
        // Every latent string parses back.
        for entry in report.segments { #expect(entry.latents.allSatisfy { SignedLatent($0) != nil }) }
    }

    @Test func namesUseTitlesOrIDsAndTheSize() throws {
        let segment = Segment(id: 3, latents: [SignedLatent("+1")!], items: [2, 0, 1], centralities: [3, 2, 1])
        let namer = SegmentNamer(itemIDs: ["a", "b", "c"], metadata: ItemMetadata(titles: ["c": "Gamma"]))
        #expect(namer.name(of: segment, count: 2) == "Gamma · a")
        #expect(namer.description(of: segment, count: 2) == "Gamma · a (+ 1 more, 3 items)")
        #expect(namer.description(of: segment, count: 5) == "Gamma · a · b (3 items)")
        #expect(SegmentNamer(itemIDs: ["a", "b", "c"]).label(of: 2) == "c")
    }
}
