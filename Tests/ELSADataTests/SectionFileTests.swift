import Foundation
import Testing
@testable import ELSAData
import _ELSASupport

@Suite struct SectionFileTests {
    @Test func roundTripKeepsHeaderAndSectionsExactly() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("nested/state.bin")  // the folder is created
        let floats: [Float] = [1.5, -0, .infinity, 3e-38]
        let indices: [Int32] = [7, -1, Int32.max]
        let empty: [UInt8] = []
        let header = Data(#"{"stage":3}"#.utf8)
        try floats.withUnsafeBytes { a in
            try indices.withUnsafeBytes { b in
                try empty.withUnsafeBytes { c in
                    try SectionFile.write(path, magic: "TESTFILE", version: 2, header: header, sections: [a, b, c])
                }
            }
        }
        let contents = try SectionFile.read(path, magic: "TESTFILE", version: 2)
        #expect(contents.header == header)
        #expect(contents.sections.count == 3)
        #expect(try contents.array(0, of: Float.self, file: path).map(\.bitPattern) == floats.map(\.bitPattern))
        #expect(try contents.array(1, of: Int32.self, file: path) == indices)
        #expect(try contents.array(2, of: UInt8.self, file: path).isEmpty)
        // Only the file itself is left in the folder (the temporary file was renamed).
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/nested") == ["state.bin"])

        // 24 + 3 · 8 bytes of prefix, an 8-byte checksum, the header, then 16 + 12 + 0 bytes of sections.
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(bytes.count == 56 + header.count + 16 + 12)
        func rejects(_ damaged: [UInt8], magic: String = "TESTFILE", version: UInt32 = 2, _ words: String) throws {
            try Data(damaged).write(to: URL(fileURLWithPath: path))
            do {
                _ = try SectionFile.read(path, magic: magic, version: version)
                Issue.record("accepted: \(words)")
            } catch let error as DataError {
                #expect(error.description.hasPrefix(path) && error.description.contains(words), "\(error)")
            }
        }
        try rejects(bytes, magic: "OTHERONE", "not a OTHERONE file")
        try rejects(bytes, version: 1, "version 2")
        var flipped = bytes
        flipped[bytes.count - 5] ^= 1
        try rejects(flipped, "checksum mismatch")
        try rejects(Array(bytes.dropLast(3)), "truncated")
        try rejects(bytes + [0], "1 bytes after the end")
    }

    @Test func abandonedTemporariesOfDeadProcessesAreRemoved() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("run.checkpoint")
        // Int32.max is above any pid_max, so no process has it; this process is alive.
        let dead = folder.file(".run.checkpoint.tmp-\(Int32.max)-12345")
        let alive = folder.file(".run.checkpoint.tmp-\(getpid())-678")
        let other = folder.file(".other.checkpoint.tmp-\(Int32.max)-1")
        for file in [dead, alive, other, path] { try Data([1, 2, 3]).write(to: URL(fileURLWithPath: file)) }
        #expect(SectionFile.removeAbandonedTemporaries(of: path) == [dead])
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(left == [".other.checkpoint.tmp-\(Int32.max)-1", ".run.checkpoint.tmp-\(getpid())-678", "run.checkpoint"])
    }
}
