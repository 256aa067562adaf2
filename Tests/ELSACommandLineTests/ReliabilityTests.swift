import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// What a careless or hostile command line must never do: overwrite a file the run reads or another output,
/// save a failed run as a model, or start on flags no machine can honour. Each case ends with a one-line
/// error, a nonzero exit, and every file as it was.
@Suite struct ReliabilityTests {
    /// A dense run on the embedded synthetic data, small enough to finish in a moment.
    static let denseRun = ["train", "--model", "elsa", "--dimension", "8", "--epochs", "1", "--threads", "1"]

    /// Runs `arguments` in `folder` and checks the refusal: nonzero exit, `message` in the errors, no epoch
    /// trained, and the folder's files (besides the runner's own output files) exactly as before.
    func expectRefusal(_ arguments: [String], in folder: WorkFolder, saying message: String,
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let names = folder.names().filter { !$0.hasSuffix(".out") && !$0.hasSuffix(".err") }
        let before = names.map { folder.bytes($0) }
        let run = try ELSAExecutable.run(arguments, in: folder.url)
        #expect(run.status != 0, "exit 0 for \(arguments)", sourceLocation: sourceLocation)
        #expect(run.errors.contains(message), "\(run.errors)", sourceLocation: sourceLocation)
        #expect(!run.errors.contains("epoch ") && !run.output.contains("epoch "), "trained before refusing", sourceLocation: sourceLocation)
        #expect(folder.names().filter { !$0.hasSuffix(".out") && !$0.hasSuffix(".err") } == names, sourceLocation: sourceLocation)
        #expect(names.map { folder.bytes($0) } == before, "a file changed", sourceLocation: sourceLocation)
    }

    /// A small interaction file: 60 users with 8 items each.
    func writeData(_ folder: WorkFolder) throws -> URL {
        var text = "user,item\n"
        for user in 1...60 { for item in 1...8 { text += "u\(user),i\((user * item) % 40)\n" } }
        return try folder.write("input.csv", text)
    }

    @Test func outputsThatWouldDestroyAnInputAreRefused() throws {
        let folder = try WorkFolder()
        defer { folder.remove() }
        let data = try writeData(folder)
        let csv = ["--data", data.path, "--format", "csv"]
        try expectRefusal(Self.denseRun + csv + ["--output", "input.csv"], in: folder, saying: "input.csv (--output) is also --data")
        try expectRefusal(Self.denseRun + csv + ["--report", "./sub/../input.csv"], in: folder, saying: "(--report) is also --data")
        try expectRefusal(["evaluate", "--model", "popularity", "--cache", data.path] + csv, in: folder, saying: "(--cache) is also --data")
        // A symlink to the data is the data.
        try FileManager.default.createSymbolicLink(atPath: folder.file("link.csv").path, withDestinationPath: data.path)
        try expectRefusal(Self.denseRun + csv + ["--output", "link.csv"], in: folder, saying: "link.csv (--output) is also --data")

        let model = try ELSAExecutable.run(Self.denseRun + ["--output", "m.model"], in: folder.url)
        #expect(model.status == 0, "\(model.errors)")
        try expectRefusal(["export", "--model-file", "m.model", "--format", "npz", "--output", "m.model"], in: folder,
                          saying: "m.model (--output) is also --model-file")
        try expectRefusal(["evaluate", "--model", "popularity", "--cache", "m.model"] + csv, in: folder,
                          saying: "m.model: cannot read: exists and is not an interaction cache")
    }

    @Test func twoOutputsOnOneFileAreRefused() throws {
        let folder = try WorkFolder()
        defer { folder.remove() }
        try folder.write("x", "kept")
        try expectRefusal(Self.denseRun + ["--output", "x", "--report", "x"], in: folder, saying: "x is named by both --output and --report")
        try expectRefusal(Self.denseRun + ["--checkpoint-minutes", "0", "--checkpoint", "c.model", "--output", "c.model"], in: folder,
                          saying: "c.model is named by both --output and --checkpoint")
        try FileManager.default.createDirectory(at: folder.file("dir"), withIntermediateDirectories: true)
        try expectRefusal(Self.denseRun + ["--output", "dir/"], in: folder, saying: "dir/ (--output) is a folder")
    }

    @Test func aCheckpointInUseIsRefusedNamingItsHolder() throws {
        let folder = try WorkFolder()
        defer { folder.remove() }
        // This process holds the lock as a running training would.
        let descriptor = open(folder.file("c.checkpoint.lock").path, O_RDWR | O_CREAT, 0o644)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        try #require(flock(descriptor, LOCK_EX | LOCK_NB) == 0)
        let pid = Array("\(getpid())\n".utf8)
        _ = pid.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        try expectRefusal(Self.denseRun + ["--checkpoint", "c.checkpoint", "--output", "m.model"], in: folder,
                          saying: "c.checkpoint is in use by another run (process \(getpid()))")
    }

    @Test func runsThatCannotTrainAreRefused() throws {
        let folder = try WorkFolder()
        defer { folder.remove() }
        for rate in ["1e30", "inf", "nan"] {
            try expectRefusal(Self.denseRun + ["--learning-rate", rate, "--output", "m.model"], in: folder, saying: "--learning-rate must be positive")
            try expectRefusal(CommandLineTests.smallRun + ["--learning-rate", rate, "--output", "m.model"], in: folder,
                              saying: "--learning-rate must be positive")
            try expectRefusal(["train", "--model", "compressae", "--from-model", "m.model", "--learning-rate", rate], in: folder,
                              saying: "--learning-rate must be positive")
        }
        try expectRefusal(Self.denseRun + ["--validation-users", "2900", "--test-users", "100", "--output", "m.model"], in: folder,
                          saying: "no training users are left")
        try expectRefusal(Self.denseRun + ["--dimension", "1000000000000"], in: folder, saying: "--dimension must be in 1...1048576")
        try expectRefusal(["schedule", "--dimension", "64", "--target-nonzeros", "8", "--epochs-per-stage", "1000000000"], in: folder,
                          saying: "epochs per stage must be at most 10000")
        try expectRefusal(CommandLineTests.smallRun + ["--target-epochs", "1000000000"], in: folder,
                          saying: "epochs at the target must be in 1...10000")
        try expectRefusal(CommandLineTests.smallRun + ["--dense-path-fraction", "nan"], in: folder,
                          saying: "--dense-path-fraction must be in 0...1, got nan")
        try expectRefusal(Self.denseRun + ["--rating-column", "9223372036854775807"], in: folder,
                          saying: "--rating-column must be in 0...4095")
    }
}
