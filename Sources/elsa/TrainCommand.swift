import ArgumentParser
import Foundation
import ELSA
import ELSADistributed
import ELSAExperiments
import _ELSASupport

/// `elsa train`: builds the recipe (a file, then the options given), trains it through `TrainingRun`,
/// evaluates on the held-out users, prints and saves.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train dense or compressed ELSA, evaluate on held-out users, save.",
        usage: "elsa train [--recipe <file>] [--data <path> --format <name>] [--model <name>] [<options>]",
        discussion: "Defaults: the paper's method (exponential schedule, restarting). Options are recipe fields and "
            + "override --recipe. --help-hidden lists every option.")

    @Option(help: ArgumentHelp("Recipe or report JSON; options override it.", valueName: "file")) var recipe: String?
    @OptionGroup(title: "Data") var dataOptions: DataOptions
    @OptionGroup(title: "Split") var split: TrainSplitOptions
    @OptionGroup(title: "Model") var model: TrainModelOptions
    @OptionGroup(title: "Schedule (compressed-elsa)") var schedule: TrainScheduleOptions
    @OptionGroup(title: "Optimizer") var optimizer: TrainOptimizerOptions
    @OptionGroup(title: "Target stage (compressed-elsa)") var targetStage: TrainTargetStageOptions
    @OptionGroup(title: "Teachers (compressed-elsa)") var teachers: TrainTeacherOptions
    @OptionGroup(title: "Checkpoints") var checkpoints: TrainCheckpointOptions
    @OptionGroup(title: "Output") var outputs: TrainOutputOptions

    /// The recipe file's recipe with the options given in place of its fields.
    func resolvedRecipe() throws -> TrainingRecipe {
        var resolved = try recipe.map { try TrainingRecipe.read(from: $0) } ?? TrainingRecipe()
        let data = dataOptions.applied(to: resolved.data ?? DataRecipe())
        resolved.data = data == DataRecipe() ? nil : data
        split.apply(to: &resolved)
        model.apply(to: &resolved)
        try schedule.apply(to: &resolved)
        optimizer.apply(to: &resolved)
        targetStage.apply(to: &resolved)
        teachers.apply(to: &resolved)
        checkpoints.apply(to: &resolved)
        outputs.apply(to: &resolved)
        return resolved
    }

    /// A field at fault is named in one line; with a recipe file the usage text would not help, so it is left out.
    func validate() throws {
        do {
            try resolvedRecipe().validate()
        } catch let error as RecipeError {
            if recipe != nil { throw CommandError(error.description) }
            throw ValidationError(error.description)
        }
    }

    /// Alone, or as one process of an `mpirun` job (items sharded over the processes; rank 0 evaluates, prints and
    /// writes). A failure in any process ends every process of the job.
    func run() throws {
        guard MPICommunicator.launchedByMPIRun else { return try train(processes: nil) }
        let processes = MPICommunicator()
        do {
            try train(processes: processes.size > 1 ? processes : nil)
        } catch {
            guard processes.size > 1 else { processes.finalize(); throw error }
            FileHandle.standardError.write(Data("Error (elsa train, rank \(processes.rank) of \(processes.size)): \(error)\n".utf8))
            processes.abort(code: 1)
        }
        processes.finalize()
    }

    func train(processes: MPICommunicator?) throws {
        let start = Date()
        let rank = processes?.rank ?? 0
        // Only rank 0 speaks and writes; the others train their rows and hand them over.
        let say = { (message: String) in if rank == 0 { note(message) } }
        var recipe = try commandLine { try resolvedRecipe() }
        recipe.threads = recipe.resolvedThreads
        let data = recipe.data ?? DataRecipe()
        let output = outputs.output, report = outputs.report
        try OutputPaths.check(
            inputs: DataOptions.inputFiles(data)
                + [("--from-model", recipe.startFrom), ("--distill-from", recipe.teachers.model),
                   ("--target-distill-from", recipe.teachers.targetModel), ("--fork-from", recipe.checkpoint.forkFrom),
                   ("--recipe", self.recipe)],
            outputs: [("--output", output), ("--report", report), ("--checkpoint", recipe.checkpoint.file), ("--cache", data.cache),
                      ("--write-recipe", outputs.writeRecipe)] + splitFiles(split.writeSplit))
        for path in [output, report, outputs.writeRecipe].compactMap({ $0 }) { try makeFolder(of: path) }
        if let path = outputs.writeRecipe, rank == 0 {
            try recipe.write(to: path)
            say("recipe written to \(path)")
        }
        // Two runs on one checkpoint would overwrite and then delete each other's file.
        let checkpoint = recipe.checkpoint.file.map { TrainingRun.checkpointFile($0, rank: rank, of: processes?.size ?? 1) }
        let checkpointLock = try checkpoint.map { try FileLock(for: $0) }
        defer { checkpointLock?.release() }
        let experiment = try commandLine { try Experiment(recipe: recipe) }
        say(experiment.loaded.summary + String(format: "\n(read and preprocessed in %.3f s)", experiment.loaded.seconds))
        say("split: \(experiment.split.train.rows) training users, "
             + (experiment.published.map { "the published test set (\($0.test.nonzeroCount) interactions)" } ?? "\(experiment.split.testUsers.count) test users")
             + (recipe.selection.validationUsers > 0 ? ", \(experiment.split.validationUsers.count) validation users" : ""))
        if rank == 0 { try writeSplitIfAsked(experiment, folder: split.writeSplit) }
        var outcome: TrainingOutcome
        do {
            let run = try TrainingRun(recipe: recipe, experiment: experiment, observer: rank == 0 ? ProgressPrinter() : nil)
            run.communicator = processes
            outcome = try run.run()
        } catch let error as TrainingRunError {
            throw CommandError(error.description)
        } catch let error as RecipeError {
            throw CommandError(error.description)
        }
        if let processes {
            outcome.parameters["processes"] = .int(processes.size)
            if rank != 0 {
                if let checkpoint, FileManager.default.fileExists(atPath: checkpoint) { try FileManager.default.removeItem(atPath: checkpoint) }
                return
            }
        }
        let result = try experiment.evaluate(outcome.model)
        var written = experiment.report(model: recipe.model.rawValue, result: result, seconds: Date().timeIntervalSince(start))
        if experiment.published != nil { outcome.parameters["split"] = "published" }
        written.trainSeconds = outcome.trainSeconds
        written.bytesPerItem = outcome.model.embedding.bytesPerItem
        written.dimension = outcome.dimension
        written.nonzerosPerRow = outcome.model.embedding.nonzerosPerRow
        written.epochs = outcome.history
        if recipe.selection.validationUsers > 0 { written.validationUsers = experiment.split.validationUsers.count }
        written.selectedEpoch = outcome.selectedEpoch
        written.parameters = outcome.parameters
        written.recipe = outcome.recipe
        print("\(recipe.model.rawValue) d=\(outcome.dimension) on \(experiment.source.name): "
              + "\(String(format: "%.1f", outcome.trainSeconds)) s training, \(written.bytesPerItem!) B per item")
        print(written.metricsTable)
        if let output {
            var metadata = outcome.parameters.mapValues(\.description)
            metadata["model"] = recipe.model.rawValue
            metadata["dataset"] = experiment.source.name
            metadata["dimension"] = "\(outcome.dimension)"
            metadata["seed"] = "\(recipe.seed)"
            metadata["testUsers"] = "\(written.testUsers)"
            metadata["recipe"] = outcome.recipe.compactJSON
            metadata["version"] = EngineVersion.current
            try ModelFile.write(outcome.model, metadata: metadata, to: output)
            say("model written to \(output)")
        } else {
            say("the model was not saved: give --output FILE to keep it")
        }
        if let report {
            try written.write(to: report)
            say("report written to \(report)")
        }
        // The finished checkpoint goes, unless it is the file just written (the path checks refuse that already).
        if let checkpoint, FileManager.default.fileExists(atPath: checkpoint),
           ![output, report].contains(where: { $0.map(OutputPaths.resolved) == OutputPaths.resolved(checkpoint) }) {
            try FileManager.default.removeItem(atPath: checkpoint)
        }
    }
}
