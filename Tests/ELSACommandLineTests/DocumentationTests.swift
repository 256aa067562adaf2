import Foundation
import Testing

/// The documentation against the tool: docs/cli.md is the tool's help as generated, and every command the README
/// and the user guide show names a subcommand and options that exist.
@Suite struct DocumentationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func theCommandLineReferenceIsCurrent() throws {
        let folder = try WorkFolder()
        defer { folder.remove() }
        let elsa = try #require(ELSAExecutable.url)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [Self.root.appendingPathComponent("scripts/cli-docs.sh").path, elsa.path]
        let output = folder.file("cli.md")
        try Data().write(to: output)
        process.standardOutput = try FileHandle(forWritingTo: output)
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let generated = try String(contentsOf: output, encoding: .utf8)
        let committed = try String(contentsOf: Self.root.appendingPathComponent("docs/cli.md"), encoding: .utf8)
        #expect(generated.contains("## elsa train") && generated.contains("## elsa similar-items"))
        #expect(generated == committed, "docs/cli.md is out of date: run make docs")
    }

    /// The `elsa` commands in the shell blocks of `text`: (subcommand, options), continuation lines joined.
    static func commands(in text: String) -> [(line: String, subcommand: String, options: [String])] {
        var found: [(String, String, [String])] = []
        var inShell = false
        var pending = ""
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            if line.hasPrefix("```") {
                inShell = ["```sh", "```bash", "```shell"].contains(line.trimmingCharacters(in: .whitespaces))
                pending = ""
                continue
            }
            guard inShell else { continue }
            let code = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            if code.hasSuffix("\\") {
                pending += code.dropLast() + " "
                continue
            }
            let whole = pending + code
            pending = ""
            let tokens = whole.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            // The program name, not an option's value (`--model elsa`).
            for (index, token) in tokens.enumerated() where (token == "elsa" || token.hasSuffix("/elsa") || token == "$E")
                && index + 1 < tokens.count && (index == 0 || !tokens[index - 1].hasPrefix("-")) {
                let subcommand = tokens[index + 1]
                guard subcommand.first?.isLetter == true || subcommand.hasPrefix("--") else { continue }
                var options: [String] = subcommand.hasPrefix("--") ? [subcommand] : []
                for next in tokens[(index + 2)...] {
                    if ["|", ">", "2>", "&&", ";", "&", ">>"].contains(next) || next.hasPrefix(">") { break }
                    if next.hasPrefix("--") { options.append(String(next.split(separator: "=").first!)) }
                }
                found.append((whole, subcommand.hasPrefix("--") ? "" : subcommand, options))
            }
        }
        return found
    }

    @Test func documentedCommandsUseOptionsThatExist() throws {
        let folder = try WorkFolder()
        defer { folder.remove() }
        let docs = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("docs").path)
            .filter { $0.hasSuffix(".md") }.map { "docs/\($0)" }
        var helps: [String: String] = [:]
        var checked = 0
        for file in ["README.md", "recipes/README.md"] + docs.sorted() {
            let text = try String(contentsOf: Self.root.appendingPathComponent(file), encoding: .utf8)
            for command in Self.commands(in: text) {
                if helps[command.subcommand] == nil {
                    let help = try ELSAExecutable.run(command.subcommand.isEmpty ? ["--help"] : [command.subcommand, "--help-hidden"],
                                                      in: folder.url)
                    #expect(help.status == 0, "\(file): elsa \(command.subcommand) is not a command: \(command.line)")
                    helps[command.subcommand] = help.output
                }
                let help = helps[command.subcommand]!
                for option in command.options {
                    let pattern = "(?<![A-Za-z0-9-])" + NSRegularExpression.escapedPattern(for: option) + "(?![A-Za-z0-9-])"
                    #expect(help.range(of: pattern, options: .regularExpression) != nil,
                            "\(file): elsa \(command.subcommand) has no option \(option): \(command.line)")
                }
                checked += 1
            }
        }
        #expect(checked >= 20, "only \(checked) documented commands found")
    }

    /// Every non-test target of Package.swift and its dependencies (products by name), parsed from the manifest's text.
    static func packageTargets() throws -> [String: [String]] {
        let manifest = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
        var targets: [String: [String]] = [:]
        for kind in [".target(", ".executableTarget(", ".systemLibrary("] {
            var rest = manifest[...]
            while let start = rest.range(of: kind) {
                // The call's text, to its closing parenthesis.
                var depth = 0, end = start.upperBound
                var index = start.lowerBound
                while index < rest.endIndex {
                    let character = rest[index]
                    if character == "(" { depth += 1 }
                    if character == ")" { depth -= 1; if depth == 0 { end = index; break } }
                    index = rest.index(after: index)
                }
                let call = String(rest[start.upperBound..<end])
                rest = rest[end...]
                let quoted = { (text: String) -> [String] in
                    text.components(separatedBy: "\"").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
                }
                guard let name = quoted(call).first else { continue }
                var dependencies: [String] = []
                if let list = call.range(of: "dependencies: [") {
                    let inside = call[list.upperBound...].prefix { $0 != "]" }
                    // A product dependency names its product first: `.product(name: "X", package: "Y")`.
                    var skipNext = false
                    for (offset, piece) in inside.components(separatedBy: "\"").enumerated() where offset % 2 == 1 {
                        if skipNext { skipNext = false; continue }
                        dependencies.append(piece)
                        if inside.components(separatedBy: "\"")[offset - 1].hasSuffix("name: ") { skipNext = true }
                    }
                }
                targets[name] = dependencies
            }
        }
        return targets
    }

    @Test func architectureMatchesThePackage() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("docs/architecture.md"), encoding: .utf8)
        let block = try #require(text.components(separatedBy: "<!-- module graph").dropFirst().first?
            .components(separatedBy: "```text\n").dropFirst().first?.components(separatedBy: "```").first)
        var documented: [String: [String]] = [:]
        for line in block.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            documented[parts[0]] = parts.count > 1 && !parts[1].isEmpty ? parts[1].components(separatedBy: ", ") : []
        }
        let declared = try Self.packageTargets()
        #expect(declared.count >= 10)
        #expect(documented == declared, "docs/architecture.md's module graph differs from Package.swift")
        // Each Swift target declares exactly the modules its files import (no more, no fewer).
        let known = Set(declared.keys).union(["ZIPFoundation", "ArgumentParser"])
        for (name, dependencies) in declared {
            let folder = Self.root.appendingPathComponent("Sources/\(name)")
            guard let files = FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] else { continue }
            var imported = Set<String>()
            for file in files where file.hasSuffix(".swift") {
                let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
                for line in text.split(separator: "\n") {
                    let words = line.split(separator: " ").map(String.init).filter { !$0.hasPrefix("@") }
                    guard words.first == "import", words.count >= 2 else { continue }
                    let module = String(words.last!.split(separator: ".").first!)
                    if known.contains(module) && module != name { imported.insert(module) }
                }
            }
            if files.contains(where: { $0.hasSuffix(".swift") }) {
                #expect(imported == Set(dependencies), "\(name) imports \(imported.sorted()) but declares \(dependencies)")
            }
        }
        // The table describes every module of the graph.
        for name in declared.keys { #expect(text.contains("| `\(name)` |"), "docs/architecture.md does not describe \(name)") }
    }

    /// The DocC catalog lists the library's whole surface: the estimators and every declaration the ELSA module re-exports.
    @Test func theCatalogListsThePublicSurface() throws {
        let umbrella = try String(contentsOf: Self.root.appendingPathComponent("Sources/ELSA/ELSA.swift"), encoding: .utf8)
        let catalog = try String(contentsOf: Self.root.appendingPathComponent("Sources/ELSA/ELSA.docc/ELSA.md"), encoding: .utf8)
        let exported = umbrella.split(separator: "\n").filter { $0.hasPrefix("@_exported import ") }
            .compactMap { $0.split(separator: ".").last.map(String.init) }
        #expect(exported.count >= 50)
        for name in exported + ["CompressedELSA", "DenseELSA", "ItemEmbeddingEstimator", "ScoredItem", "EstimatorError"] {
            #expect(catalog.contains("``\(name)``"), "the DocC catalog does not list \(name)")
        }
    }
}
