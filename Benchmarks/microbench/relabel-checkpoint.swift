// Research tool, not part of the product (session 20): rewrite the run label in a compressed ELSA
// checkpoint's header, so that a copy of a trunk trained without a teacher can be resumed with
// `--distill-from` for its target stage only. `elsa train` refuses a checkpoint whose run label
// (data, split, seed, teacher) differs from its own; everything else in the file is kept byte for
// byte and the checksum is recomputed. The label to write is the one `elsa train` prints in its
// "checkpoint of another run: ... this run is LABEL" error.
//
//   swiftc -O -parse-as-library -module-name relabel Sources/ELSAData/{SectionFile,Checksum,FileIO,DataError,SeededGenerator}.swift \
//       Benchmarks/microbench/relabel-checkpoint.swift -o /tmp/relabel
//   /tmp/relabel TRUNK.ckpt FORK.ckpt "LABEL"
import Foundation

@main
enum Relabel {
    static func main() throws {
        let arguments = CommandLine.arguments
        guard arguments.count == 4 else {
            print("usage: relabel CHECKPOINT-IN CHECKPOINT-OUT NEW-RUN-LABEL")
            Foundation.exit(2)
        }
        let (input, output, label) = (arguments[1], arguments[2], arguments[3])
        let contents = try SectionFile.read(input, magic: "ELSACKPT", version: 1)
        guard let object = try JSONSerialization.jsonObject(with: contents.header) as? [String: Any],
              let old = object["run"] as? String else {
            print("\(input): the header has no run label")
            Foundation.exit(1)
        }
        func encoded(_ text: String) -> String { String(decoding: try! JSONEncoder().encode(text), as: UTF8.self) }
        let header = String(decoding: contents.header, as: UTF8.self)
        guard header.components(separatedBy: encoded(old)).count == 2 else {
            print("\(input): the run label is not found exactly once in the raw header")
            Foundation.exit(1)
        }
        let relabelled = Data(header.replacingOccurrences(of: encoded(old), with: encoded(label)).utf8)
        let sections = contents.sections
        try contents.bytes.withUnsafeBytes { raw in
            try SectionFile.write(output, magic: "ELSACKPT", version: 1, header: relabelled,
                                  sections: sections.map { UnsafeRawBufferPointer(rebasing: raw[$0]) })
        }
        print("old run: \(old)\nnew run: \(label)\nwrote \(output)")
    }
}
