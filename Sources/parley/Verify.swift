import Answers
import ArgumentParser
import EventLog
import Negotiation
import Store

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Walk the hash chain and the stored articles; exit non-zero on any break.",
        discussion: """
            Checks that sequences run 1, 2, 3… with no gap, that every entry's stored hash is \
            SHA-256(previous hash ‖ sequence ‖ recorded time ‖ id length ‖ id ‖ payload) (in a log of \
            format 1, SHA-256(previous hash ‖ sequence ‖ payload), which it says), and that every stored article still \
            hashes to its catalog SHA-256. Prints the entries checked and the head hash; on a \
            break, the first bad sequence.
            """
    )

    @OptionGroup var log: LogOptions
    @OptionGroup var output: OutputOptions

    @Option(name: .customLong("expect-head"), help: ArgumentHelp(
        "A head hash seen before (16 hex digits or more): fail unless the log still holds it.",
        discussion: "Detects a rolled-back log: a data.mdb copied back over a newer one verifies on its own.",
        valueName: "hash"))
    var expectHead: String?

    @Flag(help: ArgumentHelp(
        "Also check the derived indexes against a replay of the log.",
        discussion: "The indexes only make queries fast and carry no checksum: this replays the whole log (seconds for a million events) and compares their answers on every event day. `parley reindex` rebuilds them."))
    var indexes = false

    func validate() throws {
        if let expectHead, expectHead.count < 16 || !expectHead.allSatisfy(\.isHexDigit) {
            throw ValidationError("--expect-head '\(expectHead)': expected at least 16 hexadecimal digits of a head hash")
        }
    }

    func run() throws {
        let result: VerifyAnswer
        let exitCode: Int32
        do {
            (result, exitCode) = try check()
        } catch {
            // The log could not be walked: damage is a failed verification like any other,
            // and every outcome is reported in the form asked for.
            guard let failure = Failure(error) else { throw error }
            result = VerifyAnswer(failure: failure.kind.rawValue, problems: failure.problems)
            exitCode = failure.exitCode
            if output.json {
                try printAnswer(head: nil, result)
            } else if failure.kind == .damaged {
                for problem in failure.problems { print("problem: \(problem)") }
                print("verification FAILED: the log is damaged where it cannot be read")
            } else {
                printError("Error: " + failure.problems.joined(separator: "\n"))
            }
            throw ExitCode(exitCode)
        }
        if output.json {
            try printAnswer(head: result.head, result)
        } else {
            print("entries checked: \(result.entriesChecked)")
            print("articles checked: \(result.blobsChecked)")
            print("head: \(result.head?.description ?? "none")")
            if let bad = result.firstBadSequence { print("first bad sequence: \(bad)") }
            if let expectedAt = result.expectedHeadAt {
                print("expected head: at sequence \(expectedAt)" + (expectedAt == result.head?.sequence ? " (the head)" : ", the log has grown since"))
            }
            if let format = result.format, !result.notCoveredByTheChain.isEmpty {
                print("format \(format): the chain does not cover \(result.notCoveredByTheChain.joined(separator: " or ")); "
                    + "a change to them goes unseen (a log begun by this build, in a new folder, covers them)")
            }
            for problem in result.problems { print("problem: \(problem)") }
            print(result.intact ? "chain intact" : "verification FAILED")
        }
        if exitCode != 0 { throw ExitCode(exitCode) }
    }

    /// Verifies the log; the exit status is 1 when anything was found wrong.
    private func check() throws -> (VerifyAnswer, Int32) {
        // Without the counts checked at open: the walk names the first entry at fault instead.
        var options = EventLog.Options(readOnly: true, indexes: NegotiationStore.indexNames)
        options.checksCounts = false
        let store = NegotiationStore(log: try EventLog(directory: log.path, options: options))
        var report = try store.verify()
        var expectedAt: UInt64?
        if let expectHead {
            expectedAt = try store.log.sequence(ofHash: expectHead)
            if expectedAt == nil {
                report.problems.append(.init(message: "the head you expected (\(expectHead.prefix(16))…) is not in this log: it was rolled back, or it is another log"))
            }
        }
        if indexes, report.isIntact, let disagreement = try store.indexDisagreement() {
            report.problems.append(.init(message: "\(disagreement): they are damaged; `parley reindex` rebuilds them from the log"))
        }
        let result = VerifyAnswer(report, expectedHeadAt: expectedAt)
        return (result, report.isIntact ? 0 : 1)
    }
}
