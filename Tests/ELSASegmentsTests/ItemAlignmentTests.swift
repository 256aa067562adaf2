import Testing
@testable import ELSASegments

@Suite struct ItemAlignmentTests {
    @Test func itemAlignmentMovesColumnsToModelOrder() {
        let data = histories([[0, 1, 2], [2]], items: 3)  // data items "x", "i1", "i0"
        let aligned = ItemAlignment(interactions: data, dataItemIDs: ["x", "i1", "i0"], modelItemIDs: ["i0", "i1", "i2"])
        #expect(aligned.interactions.columns == 3)
        #expect(Array(aligned.interactions.columns(ofRow: 0)) == [0, 1])
        #expect(Array(aligned.interactions.columns(ofRow: 1)) == [0])
        #expect(aligned.droppedInteractions == 1 && aligned.unknownItems == 1)
    }
}
