import Foundation

/// What every fuzz target shares: a scratch file for the input (the readers and loaders take a
/// path), a failed invariant that crashes (so libFuzzer keeps the input), and the seed corpus.
///
/// libFuzzer calls `LLVMFuzzerInitialize` once; with `ELSA_FUZZ_WRITE_SEEDS=FOLDER` set, a target
/// writes its seed files (small valid files made by the engine) into FOLDER and exits.
enum FuzzSupport {
    /// A folder of this process on a memory file system when there is one (`/dev/shm`).
    static let folder: String = {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let path = base + "/elsa-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: FuzzSupport.folder) }
        return path
    }()

    /// Writes `bytes` to `name` in this process's folder and returns the path.
    static func file(_ name: String, _ bytes: [UInt8]) -> String {
        let path = folder + "/" + name
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        precondition(descriptor >= 0, "cannot create \(path)")
        var done = 0
        bytes.withUnsafeBytes { raw in
            while done < raw.count {
                let written = write(descriptor, raw.baseAddress! + done, raw.count - done)
                precondition(written > 0, "cannot write \(path)")
                done += written
            }
        }
        close(descriptor)
        return path
    }

    /// The input as an array.
    static func bytes(_ data: UnsafePointer<UInt8>, _ size: Int) -> [UInt8] {
        Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// Crashes (a finding for libFuzzer) when an invariant of an accepted input fails.
    static func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
        if !condition() {
            FileHandle.standardError.write(Data("invariant failed: \(message())\n".utf8))
            abort()
        }
    }

    /// Crashes unless `error` is one of the typed errors that name `path`.
    static func requireNamed(_ error: Error, _ path: String) {
        let text = "\(error)"
        require(text.hasPrefix(path), "an error that does not name the file: \(type(of: error)): \(text)")
    }

    /// With `ELSA_FUZZ_WRITE_SEEDS=FOLDER`: writes `seeds()` (name, bytes) into FOLDER and exits.
    static func writeSeedsIfAsked(_ seeds: () throws -> [(String, [UInt8])]) {
        guard let target = ProcessInfo.processInfo.environment["ELSA_FUZZ_WRITE_SEEDS"] else { return }
        do {
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
            for (name, bytes) in try seeds() {
                try Data(bytes).write(to: URL(fileURLWithPath: target + "/" + name))
            }
        } catch {
            FileHandle.standardError.write(Data("cannot write the seeds: \(error)\n".utf8))
            exit(1)
        }
        exit(0)
    }

    /// The bytes of the file that `write` makes at a scratch path.
    static func written(_ name: String, _ write: (String) throws -> Void) throws -> [UInt8] {
        let path = folder + "/seed-" + name
        try write(path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
