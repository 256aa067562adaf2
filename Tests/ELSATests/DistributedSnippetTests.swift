import ELSA
import ELSADistributed
import Foundation
import Testing

/// docs/scale.md's library example, compiled here (it is run by `mpirun` only: MPI_Init belongs to a job).
func scaleDocumentExample(recipe: TrainingRecipe) throws {
    let processes = MPICommunicator()   // MPI_Init; MPICommunicator.launchedByMPIRun tells whether mpirun started this
    let run = try TrainingRun(recipe: recipe, experiment: try Experiment(recipe: recipe))
    run.communicator = processes.size > 1 ? processes : nil
    let outcome = try run.run()
    if processes.rank == 0 { try ModelFile.write(outcome.model, metadata: [:], to: "model.elsa") }
    processes.finalize()
}

/// A process that mpirun did not start trains alone: `elsa train` never initializes MPI there.
@Test func aProcessMPIRunDidNotStartIsAlone() {
    #expect(ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_SIZE"] != nil || !MPICommunicator.launchedByMPIRun)
    #expect(ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_SIZE"] == nil || MPICommunicator.launchedByMPIRun)
}
