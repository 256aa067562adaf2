import Foundation
import Testing
@testable import ELSATraining

/// Keras 3 Nadam written out for one scalar, in Double, step by step.
func kerasNadamReference(gradients: [Double], start: Double, lr: Double = 0.1) -> Double {
    let beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7
    var theta = start, m = 0.0, v = 0.0, product = 1.0
    for (index, g) in gradients.enumerated() {
        let t = Double(index + 1)
        let muT = beta1 * (1 - 0.5 * pow(0.96, t))
        let muNext = beta1 * (1 - 0.5 * pow(0.96, t + 1))
        product *= muT
        let productNext = product * muNext
        m = m + (g - m) * (1 - beta1)
        v = v + (g * g - v) * (1 - beta2)
        let mHat = muNext * m / (1 - productNext) + (1 - muT) * g / (1 - product)
        let vHat = v / (1 - pow(beta2, t))
        theta -= mHat * lr / (vHat.squareRoot() + epsilon)
    }
    return theta
}

@Test func firstNadamStepMatchesHandComputation() {
    // t = 1, g = 0.5: μ1 = 0.9·(1 − 0.5·0.96) = 0.468, μ2 = 0.9·(1 − 0.5·0.9216) = 0.48528,
    // m = 0.05, v = 0.00025, m̂ = 0.48528·0.05 / (1 − 0.468·0.48528) + 0.532·0.5 / 0.532,
    // v̂ = 0.25, θ ← θ − 0.1 · m̂ / (0.5 + 1e-7).
    let mHat = 0.48528 * 0.05 / (1 - 0.468 * 0.48528) + 0.5
    let expected = 1.0 - 0.1 * mHat / (0.5 + 1e-7)
    let optimizer = Nadam(parameterCount: 1)
    var parameter: [Float] = [1]
    let gradient: [Float] = [0.5]
    let k = optimizer.beginStep()
    optimizer.update(parameters: &parameter, gradient: gradient, offset: 0, count: 1, coefficients: k)
    #expect(abs(Double(parameter[0]) - expected) < 1e-6)
    #expect(optimizer.iterations == 1)
}

@Test func nadamFollowsKerasOverManySteps() {
    let gradients: [Double] = (0..<50).map { sin(Double($0)) * 0.3 + 0.05 }
    let optimizer = Nadam(parameterCount: 3)
    var parameters: [Float] = [1, -2, 0.5]
    for g in gradients {
        let k = optimizer.beginStep()
        let grad = [Float](repeating: Float(g), count: 3)
        optimizer.update(parameters: &parameters, gradient: grad, offset: 0, count: 3, coefficients: k)
    }
    for (index, start) in [1.0, -2.0, 0.5].enumerated() {
        #expect(abs(Double(parameters[index]) - kerasNadamReference(gradients: gradients, start: start)) < 1e-4)
    }
}

@Test func carryingOverKeepsSurvivingMoments() {
    let optimizer = Nadam(parameterCount: 4)
    var parameters: [Float] = [1, 2, 3, 4]
    let k = optimizer.beginStep()
    optimizer.update(parameters: &parameters, gradient: [0.1, 0.2, 0.3, 0.4], offset: 0, count: 4, coefficients: k)
    let carried = optimizer.carryingOver([3, 1])
    #expect(carried.momentum == [optimizer.momentum[3], optimizer.momentum[1]])
    #expect(carried.velocity == [optimizer.velocity[3], optimizer.velocity[1]])
    #expect(carried.iterations == 1)
}

@Test func resetOptimizerFollowsKerasFromTheStartAgain() {
    // 20 steps, reset, then the 50 steps of the reference: the result must be Keras's from a fresh start.
    let optimizer = Nadam(parameterCount: 2)
    var scratch: [Float] = [3, 4]
    for _ in 0..<20 {
        let k = optimizer.beginStep()
        optimizer.update(parameters: &scratch, gradient: [0.7, -0.2], offset: 0, count: 2, coefficients: k)
    }
    optimizer.reset()
    #expect(optimizer.iterations == 0)
    #expect(optimizer.momentum == [0, 0] && optimizer.velocity == [0, 0])
    let gradients: [Double] = (0..<50).map { cos(Double($0)) * 0.2 - 0.1 }
    var parameters: [Float] = [0.25, -1]
    for g in gradients {
        let k = optimizer.beginStep()
        optimizer.update(parameters: &parameters, gradient: [Float(g), Float(g)], offset: 0, count: 2, coefficients: k)
    }
    for (index, start) in [0.25, -1.0].enumerated() {
        #expect(abs(Double(parameters[index]) - kerasNadamReference(gradients: gradients, start: start)) < 1e-4)
    }
}
