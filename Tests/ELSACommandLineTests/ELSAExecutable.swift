import Foundation
import Testing

/// Runs the built `elsa` executable, as users' scripts do.
///
/// The binary is `ELSA_EXECUTABLE` when that is set, otherwise the `elsa` that the build put beside this
/// test process (`swift test` builds every product of the package into the same folder; `make test`
/// builds it first).
enum ELSAExecutable {
    static let url: URL? = {
        if let path = ProcessInfo.processInfo.environment["ELSA_EXECUTABLE"] { return URL(fileURLWithPath: path) }
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        // On macOS the test binary sits inside an .xctest bundle: walk up to the build folder.
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("elsa")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return nil
    }()

    /// What a finished run left: its exit status and everything it printed.
    struct Outcome {
        let status: Int32
        let output: String
        let errors: String
    }

    /// Starts `elsa arguments...` in `folder`, its output and errors going to files there.
    static func start(_ arguments: [String], in folder: URL) throws -> (process: Process, output: URL, errors: URL) {
        guard let url else {
            Issue.record("no elsa executable beside \(CommandLine.arguments[0]): build it first (make build) or set ELSA_EXECUTABLE")
            throw CancellationError()
        }
        let name = UUID().uuidString
        let output = folder.appendingPathComponent("\(name).out"), errors = folder.appendingPathComponent("\(name).err")
        try Data().write(to: output)
        try Data().write(to: errors)
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return (process, output, errors)
    }

    /// Runs `elsa arguments...` in `folder` to its end.
    static func run(_ arguments: [String], in folder: URL) throws -> Outcome {
        let (process, output, errors) = try start(arguments, in: folder)
        process.waitUntilExit()
        return finished(process, output: output, errors: errors)
    }

    static func finished(_ process: Process, output: URL, errors: URL) -> Outcome {
        let read = { (file: URL) in (try? String(contentsOf: file, encoding: .utf8)) ?? "" }
        return Outcome(status: process.terminationStatus, output: read(output), errors: read(errors))
    }
}

/// A fresh folder for one test's files, removed by `remove()`.
struct WorkFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("elsa-cli-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> URL {
        let file = file(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
        return file
    }

    func bytes(_ name: String) -> Data? { FileManager.default.contents(atPath: file(name).path) }

    /// The bytes of `name`; a missing file is an error that names it.
    func contents(_ name: String) throws -> Data {
        guard let data = bytes(name) else { throw MissingFile(name: name) }
        return data
    }

    struct MissingFile: Error, CustomStringConvertible {
        let name: String
        var description: String { "\(name) was not written" }
    }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: file(name).path) }

    /// The names in the folder, sorted.
    func names() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted() }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// A JSON file as a dictionary.
func jsonObject(_ data: Data) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: data)
    return try #require(object as? [String: Any])
}

/// A little-endian float32 `.npy` file: its shape and values in row-major order.
func readFloatNPY(_ data: Data) throws -> (rows: Int, columns: Int, values: [Float]) {
    let bytes = [UInt8](data)
    try #require(bytes.count > 10 && bytes[0] == 0x93 && Array(bytes[1...5]) == Array("NUMPY".utf8))
    let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
    let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
    try #require(header.contains("'descr': '<f4'") && header.contains("'fortran_order': False"))
    let shapeText = try #require(header.range(of: "'shape': (")).upperBound
    let dimensions = header[shapeText...].prefix { $0 != ")" }.split(separator: ",")
        .compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    try #require(dimensions.count == 2)
    let payload = bytes[(10 + headerLength)...]
    try #require(payload.count == dimensions[0] * dimensions[1] * 4)
    var values = [Float](repeating: 0, count: dimensions[0] * dimensions[1])
    values.withUnsafeMutableBytes { $0.copyBytes(from: payload) }
    return (dimensions[0], dimensions[1], values)
}
