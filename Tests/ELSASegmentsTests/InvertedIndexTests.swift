import Testing
import ELSASparse
@testable import ELSASegments

@Suite struct InvertedIndexTests {
    /// 4 items x 3 latents; item 3 stores an explicit zero at latent 1.
    let embedding = CSRMatrix(rows: 4, columns: 3, rowOffsets: [0, 2, 3, 5, 7],
                              columnIndices: [0, 2, 1, 0, 2, 1, 2],
                              values: [0.6, -0.8, -1.0, -0.28, 0.96, 0, 1])

    @Test func listsItemsPerLatentWithSigns() {
        let index = InvertedIndex(embedding: embedding)
        #expect(index.latentCount == 3 && index.itemCount == 4)
        #expect(index.entries(ofLatent: 0).map(\.item) == [0, 2])
        #expect(index.entries(ofLatent: 0).map(\.weight) == [0.6, -0.28])
        #expect(index.entries(ofLatent: 1).map(\.item) == [1])  // the stored zero of item 3 is not listed
        #expect(index.entries(ofLatent: 2).map(\.item) == [0, 2, 3])
        #expect(index.items(of: SignedLatent("+0")!) == [0])
        #expect(index.items(of: SignedLatent("-0")!) == [2])
        #expect(index.items(of: SignedLatent("-2")!) == [0])
        #expect(index.items(of: SignedLatent("+2")!) == [2, 3])
        #expect(index.items(of: SignedLatent("+1")!) == [])
        #expect(index.listLengths == [2, 1, 3])
    }

    @Test func indexOfDenseModelSkipsZeros() {
        let dense = model([[0.6, 0, -0.8], [0, 1, 0]])
        let index = InvertedIndex(model: dense)
        #expect(index.listLengths == [1, 1, 1])
        #expect(index.items(of: SignedLatent(latent: 2, sign: .negative)) == [0])
    }

    @Test func signedLatentTextIsUnambiguous() {
        let zeroPlus = SignedLatent(latent: 0, sign: .positive), zeroMinus = SignedLatent(latent: 0, sign: .negative)
        #expect(zeroPlus.description == "+0" && zeroMinus.description == "-0")
        #expect(SignedLatent("+0") == zeroPlus && SignedLatent("-0") == zeroMinus)
        #expect(SignedLatent("-12") == SignedLatent(latent: 12, sign: .negative))
        for bad in ["12", "+", "+-1", "+1a", " +1", "", "*3"] { #expect(SignedLatent(bad) == nil) }
        #expect(SignedLatent(slot: zeroMinus.slot) == zeroMinus && SignedLatent(slot: 25) == SignedLatent("-12"))
        #expect([SignedLatent("-1")!, SignedLatent("+2")!, SignedLatent("+1")!, SignedLatent("-0")!].sorted().map(\.description)
                == ["-0", "+1", "-1", "+2"])
    }
}
