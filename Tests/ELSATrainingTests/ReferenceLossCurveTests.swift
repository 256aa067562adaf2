import Foundation
import Testing
import ELSAData
import ELSALinearAlgebra
import ELSASparse
@testable import ELSATraining

/// Dense ELSA's per-epoch training losses pinned to the authors' implementation.
///
/// The numbers below were produced by the reference (github.com/zombak79/compressed_elsa at 4fb9f06,
/// torch 2.1.2, keras 3.0.2, `CompressedSparseKerasELSA.train_step` with a fresh keras Nadam) on this
/// fixture, with this engine's Xavier matrix and this engine's batch order, all items as outputs:
///
///     ELSA_WRITE_REFERENCE_FIXTURE=/tmp/fixture swift test -c release --disable-xctest \
///         --filter ReferenceLossCurveTests                       # writes config.json, interactions.txt, init.txt, orders.txt
///     python Benchmarks/reference/pinned_losses.py /tmp/fixture  # prints the four curves (Benchmarks/reference/README.md)
///
/// `warm` is the reference's procedure: one step of a fresh Nadam on the first batch of epoch 1 rewrites the
/// Xavier matrix, then a fresh Nadam trains from it; `plain` trains from Xavier. The engine must stay within 1%.
struct ReferenceLossCurveFixture {
    static let configuration = TrainingConfiguration(dimension: 16, epochs: 6, batchSize: 64, maxOutput: Int.max,
                                                     optimizer: NadamConfiguration(learningRate: 0.1), activation: .relu6,
                                                     threads: 1, seed: 11)
    let interactions: CSRMatrix

    init() {
        interactions = SyntheticData.generate(SyntheticConfiguration(userCount: 400, itemCount: 120, segmentCount: 8,
                                                                     interactionsPerUser: 12, seed: 5)).dataset.interactions
    }

    /// Writes the fixture in the layout `Benchmarks/reference/pinned_losses.py` reads.
    func write(to folder: String) throws {
        let c = Self.configuration
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        func put(_ name: String, _ text: String) throws {
            try text.write(toFile: (folder as NSString).appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try put("config.json", """
            {"users": \(interactions.rows), "items": \(interactions.columns), "dimension": \(c.dimension), \
            "batchSize": \(c.batchSize), "learningRate": \(c.optimizer.learningRate), "epochs": \(c.epochs)}
            """)
        try put("interactions.txt", (0..<interactions.rows).map { interactions.columns(ofRow: $0).map(String.init).joined(separator: " ") }
            .joined(separator: "\n") + "\n")
        let xavier = XavierInitializer.matrix(rows: interactions.columns, columns: c.dimension, seed: c.seed)
        try put("init.txt", (0..<xavier.rows).map { r in
            (0..<xavier.columns).map { String(format: "%.9g", Double(xavier[r, $0])) }.joined(separator: " ")
        }.joined(separator: "\n") + "\n")
        try put("orders.txt", (1...c.epochs).map { epoch in
            BatchSchedule(users: interactions.rows, batchSize: c.batchSize, seed: c.seed, epoch: epoch).batches
                .flatMap { $0 }.map(String.init).joined(separator: " ")
        }.joined(separator: "\n") + "\n")
    }

    func losses(_ initialization: Initialization, preStageStep: Bool = false) -> [Double] {
        var configuration = Self.configuration
        configuration.initialization = initialization
        configuration.preStageStep = preStageStep
        let trainer = DenseELSATrainer(initializingOn: interactions, configuration: configuration)
        trainer.train(interactions)
        return trainer.history.map(\.loss)
    }
}

/// The reference's mean batch loss of each epoch on the fixture (see `ReferenceLossCurveFixture`).
let referenceWarmLosses: [Double] = [0.005732876913888114, 0.0049253299034067565, 0.004358892595129353,
                                     0.00434075848066381, 0.004286185439143862, 0.004304280471322792]
/// `warm_prefit`: the script's whole procedure, with the extra step on the first batch before training.
let referenceWarmPrefitLosses: [Double] = [0.005335999985358545, 0.004875910468399525, 0.00433339923620224,
                                           0.004302631631227476, 0.004270236939191818, 0.004288243695295283]
let referencePlainLosses: [Double] = [0.007055515822555337, 0.005042166582175663, 0.0044345722001578125,
                                      0.004401729974363532, 0.0043572065021310535, 0.004355822157646928]

@Test func fixtureIsWrittenWhenAsked() throws {
    guard let folder = ProcessInfo.processInfo.environment["ELSA_WRITE_REFERENCE_FIXTURE"] else { return }
    let fixture = ReferenceLossCurveFixture()
    try fixture.write(to: folder)
    // The engine's own curves beside the fixture, to set against the reference's.
    let curves = ["warm": fixture.losses(.warmSteps(1)), "warm_prefit": fixture.losses(.warmSteps(1), preStageStep: true),
                  "plain": fixture.losses(.xavier)]
    try JSONEncoder().encode(curves).write(to: URL(fileURLWithPath: folder).appendingPathComponent("engine-losses.json"))
}

@Test func warmStartedLossesFollowTheReference() {
    let fixture = ReferenceLossCurveFixture()
    let ours = fixture.losses(.warmSteps(1))
    #expect(ours.count == referenceWarmLosses.count)
    for (epoch, (mine, theirs)) in zip(ours, referenceWarmLosses).enumerated() {
        #expect(abs(mine - theirs) <= 0.01 * theirs, "epoch \(epoch + 1): engine \(mine), reference \(theirs)")
    }
}

@Test func theScriptsWholeProcedureFollowsTheReference() {
    let fixture = ReferenceLossCurveFixture()
    let ours = fixture.losses(.warmSteps(1), preStageStep: true)
    #expect(ours.count == referenceWarmPrefitLosses.count)
    for (epoch, (mine, theirs)) in zip(ours, referenceWarmPrefitLosses).enumerated() {
        #expect(abs(mine - theirs) <= 0.01 * theirs, "epoch \(epoch + 1): engine \(mine), reference \(theirs)")
    }
}

@Test func plainXavierLossesFollowTheReference() {
    let fixture = ReferenceLossCurveFixture()
    let ours = fixture.losses(.xavier)
    #expect(ours.count == referencePlainLosses.count)
    for (epoch, (mine, theirs)) in zip(ours, referencePlainLosses).enumerated() {
        #expect(abs(mine - theirs) <= 0.01 * theirs, "epoch \(epoch + 1): engine \(mine), reference \(theirs)")
    }
}
