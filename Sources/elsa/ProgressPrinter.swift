import Foundation
import ELSA
import _ELSASupport

/// Prints a line per epoch to standard error and, in a terminal, a live bar within the epoch.
/// After `start(_:)` each line also counts the run's epochs and estimates the time left.
final class ProgressPrinter: TrainingRunObserver {
    private let live = isatty(2) != 0
    private var lastDraw = Date.distantPast
    var prefix = ""
    private var eta: RunETA?
    private var started = Date()

    func note(_ message: String) { FileHandle.standardError.write(Data((message + "\n").utf8)) }

    /// Counts epochs (and predicts the time left) with `eta` from now on.
    func started(_ eta: RunETA) {
        self.eta = eta
        started = Date()
    }

    /// Counts a validation evaluation into the time left (before the epoch's line).
    func evaluated(seconds: Double) { eta?.evaluated(seconds: seconds) }

    func batchFinished(epoch: Int, batch: Int, of total: Int, loss: Double) {
        guard live, Date().timeIntervalSince(lastDraw) > 0.2 || batch == total else { return }
        lastDraw = Date()
        let width = 30
        let filled = width * batch / max(1, total)
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        FileHandle.standardError.write(Data("\r\(prefix)epoch \(epoch) [\(bar)] \(batch)/\(total) loss \(String(format: "%.6f", loss))".utf8))
    }

    func epochFinished(_ report: EpochReport) {
        let clear = live ? "\r\u{1B}[K" : ""
        let count = eta.map { "/\($0.totalEpochs)" } ?? ""
        var line = String(format: "%@%@epoch %3d%@  stage %2d  k %5d  loss %.6f  %7.2f s  %8.0f users/s",
                          clear, prefix, report.epoch, count, report.stage, report.k, report.loss, report.seconds, report.usersPerSecond)
        if let recall = report.validation?["recall@20"] { line += String(format: "  validation recall@20 %.4f", recall) }
        if let rate = report.learningRate { line += String(format: "  lr %.4g", rate) }
        if let regrown = report.regrown { line += "  regrown \(regrown)" }
        if var eta {
            let left = eta.secondsLeft(afterEpochAt: report.k, seconds: report.seconds,
                                       elapsed: eta.restoredSeconds + Date().timeIntervalSince(started))
            self.eta = eta
            if eta.epochsDone < eta.totalEpochs { line += "  ETA " + RunETA.clock(left) }
        }
        line += "\n"
        FileHandle.standardError.write(Data(line.utf8))
    }
}

/// Informational output goes to standard error so that standard output stays parseable.
func note(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
