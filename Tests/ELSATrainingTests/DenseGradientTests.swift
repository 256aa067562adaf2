import Testing
import ELSAData
import ELSALinearAlgebra
import ELSASparse
@testable import ELSATraining
import _ELSASupport

/// A small batch with a fixed history per user.
func smallBatchRows(items: Int) -> CSRMatrix {
    CSRMatrix(rows: 4, columns: items, binaryRows: [[0, 2, 5], [1, 2], [3, 4, 6, 8], [0, 7]])
}

/// `smallBatchRows` with some entries dropped, as input dropout would: one user keeps one item, one none.
func smallBatchInput(items: Int) -> CSRMatrix {
    CSRMatrix(rows: 4, columns: items, binaryRows: [[0, 5], [2], [3, 6, 8], []])
}

@Test(arguments: [(Activation.relu6, Int.max, false), (Activation.relu, Int.max, false), (Activation.relu6, 10, false),
                  (Activation.relu6, Int.max, true), (Activation.relu, 10, true)])
func denseGradientMatchesFiniteDifferences(activation: Activation, maxOutput: Int, droppedInput: Bool) {
    let items = 12, d = 6
    // Larger than Xavier so that many predictions are positive and the gradient is informative.
    var parameters = XavierInitializer.matrix(rows: items, columns: d, seed: 11)
    for i in parameters.storage.indices { parameters.storage[i] *= 3 }
    let rows = smallBatchRows(items: items)
    let input = droppedInput ? smallBatchInput(items: items) : nil
    var generator = SeededGenerator(seed: 5)
    let batch = TrainingBatch(rows: rows, inputRows: input, maxOutput: maxOutput, generator: &generator)
    if maxOutput < items { #expect(batch.outputs.count == 10) }
    let step = DenseTrainingStep(threads: 1)
    let (loss, gradient) = step.gradient(batch: batch, parameters: parameters, activation: activation)

    let outputs = batch.outputs.items.map(Int.init)
    let base = parameters.storage.map(Double.init)
    func reference(_ a: [Double]) -> Double {
        referenceLoss(parameters: a, items: items, dimension: d, rows: rows, inputRows: input, outputs: outputs, activation: activation)
    }
    #expect(abs(loss - reference(base)) < 1e-5 * max(1, abs(reference(base))))
    if droppedInput {
        // The dropped input changes the loss: the check would not notice an input that is ignored.
        let full = referenceLoss(parameters: base, items: items, dimension: d, rows: rows, outputs: outputs, activation: activation)
        #expect(abs(full - reference(base)) > 1e-3 * abs(full))
    }

    var numeric = [Double](repeating: 0, count: base.count)
    let h = 1e-5
    for index in base.indices {
        var plus = base, minus = base
        plus[index] += h; minus[index] -= h
        numeric[index] = (reference(plus) - reference(minus)) / (2 * h)
    }
    var differenceSquared = 0.0, normSquared = 0.0
    for index in base.indices {
        let analytic = Double(gradient.storage[index])
        differenceSquared += (analytic - numeric[index]) * (analytic - numeric[index])
        normSquared += numeric[index] * numeric[index]
    }
    #expect(normSquared > 1e-12, "the check needs a nonzero gradient")
    let relativeError = (differenceSquared / normSquared).squareRoot()
    #expect(relativeError < 1e-3, "relative error \(relativeError)")
    // Rows outside the outputs get no gradient.
    for item in 0..<items where !outputs.contains(item) {
        for j in 0..<d { #expect(gradient[item, j] == 0) }
    }
}
