import ArgumentParser
import Foundation
import ELSA
import ELSALinearAlgebra

/// What the BLAS runs with on this machine: the kernels OpenBLAS chose, its threads and the
/// variables `elsa` set for it when it started.
struct PlatformCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "platform",
        abstract: "Print OpenBLAS's kernels, threads and the environment elsa runs it with.",
        discussion: "--environment prints only the OpenBLAS variables, one NAME=value per line, for a shell's env(1): the Makefile runs the test suite with them.")

    @Flag(help: "Print only the OpenBLAS variables set in this process, as NAME=value lines.") var environment = false

    func run() throws {
        let variables = [BLASWorkerSpin.variable, BLASCoreType.variable]
        let set = variables.compactMap { name in ProcessInfo.processInfo.environment[name].map { "\(name)=\($0)" } }
        if environment {
            for line in set { print(line) }
            return
        }
        for line in PlatformDescription.current.lines { print(line) }
    }
}
