import Testing
import Foundation
import ELSAData
import ELSASparse
@testable import ELSATraining
import _ELSASupport

/// 200 users, each with 50 of 120 items (10,000 entries).
private func manyRows() -> CSRMatrix {
    var generator = SeededGenerator(seed: 12)
    let rows = (0..<200).map { _ -> [Int32] in
        var items = Array(0..<Int32(120))
        generator.shuffle(&items)
        return Array(items[0..<50]).sorted()
    }
    return CSRMatrix(rows: 200, columns: 120, binaryRows: rows)
}

@Test func inputDropoutKeepsASubsetOfEachRowAtTheGivenRate() {
    let rows = manyRows()
    var generator = SeededGenerator(seed: 3)
    let untouched = TrainingBatch.droppingEntries(of: rows, probability: 0, generator: &generator)
    #expect(untouched == rows)
    for probability in [0.25, 0.5] {
        var first = SeededGenerator(seed: 3), second = SeededGenerator(seed: 3)
        let dropped = TrainingBatch.droppingEntries(of: rows, probability: probability, generator: &first)
        #expect(dropped == TrainingBatch.droppingEntries(of: rows, probability: probability, generator: &second))
        #expect(dropped.rows == rows.rows && dropped.columns == rows.columns)
        for u in 0..<rows.rows {
            let kept = Array(dropped.columns(ofRow: u))
            #expect(kept == kept.sorted())
            #expect(Set(kept).isSubset(of: Set(rows.columns(ofRow: u))))
        }
        // 10,000 independent draws: the kept fraction has standard deviation below 0.005.
        let kept = Double(dropped.nonzeroCount) / Double(rows.nonzeroCount)
        #expect(abs(kept - (1 - probability)) < 0.02, "kept \(kept) at dropout \(probability)")
    }
}

@Test func inputDropoutTrainsReproduciblyAndChangesTheModel() throws {
    let problem = try PlantedProblem(users: 400, items: 120)
    func trained(dropout: Double) -> DenseELSATrainer {
        let trainer = DenseELSATrainer(itemCount: 120, configuration: TrainingConfiguration(
            dimension: 16, epochs: 2, batchSize: 64, maxOutput: 60, threads: 2, seed: 9, inputDropout: dropout))
        trainer.train(problem.split.train)
        return trainer
    }
    let plain = trained(dropout: 0), first = trained(dropout: 0.5), second = trained(dropout: 0.5)
    #expect(first.parameters == second.parameters)
    #expect(first.history.map(\.loss) == second.history.map(\.loss))
    #expect(first.parameters != plain.parameters)
    // Predicting dropped items from fewer inputs is harder: the training loss is higher.
    #expect(first.history.last!.loss > plain.history.last!.loss)
}

@Test func configurationsWrittenBeforeInputDropoutDecodeWithoutIt() throws {
    let configuration = TrainingConfiguration(dimension: 8, epochs: 3, seed: 5, inputDropout: 0.3)
    let data = try JSONEncoder().encode(configuration)
    #expect(try JSONDecoder().decode(TrainingConfiguration.self, from: data) == configuration)
    var object = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
    object.removeValue(forKey: "inputDropout")
    let old = try JSONDecoder().decode(TrainingConfiguration.self, from: JSONSerialization.data(withJSONObject: object))
    var expected = configuration
    expected.inputDropout = 0
    #expect(old == expected)
}
