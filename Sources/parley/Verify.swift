import ArgumentParser
import EventLog
import Negotiation

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

    func validate() throws {
        if let expectHead, expectHead.count < 16 || !expectHead.allSatisfy(\.isHexDigit) {
            throw ValidationError("--expect-head '\(expectHead)': expected at least 16 hexadecimal digits of a head hash")
        }
    }

    struct Result: Encodable {
        var intact: Bool
        var entriesChecked: UInt64
        var blobsChecked: Int
        var headSequence: UInt64
        var headHash: String
        var firstBadSequence: UInt64?
        var problems: [String]
        var expectedHeadAt: UInt64?
        var format: Int
        var notCoveredByTheChain: [String]
    }

    func run() throws {
        let store = try log.openForReading()
        var report = try store.verify()
        var expectedAt: UInt64?
        if let expectHead {
            expectedAt = try store.log.sequence(ofHash: expectHead)
            if expectedAt == nil {
                report.problems.append(.init(message: "the head you expected (\(expectHead.prefix(16))…) is not in this log: it was rolled back, or it is another log"))
            }
        }
        let result = Result(
            intact: report.isIntact, entriesChecked: report.entriesChecked, blobsChecked: report.blobsChecked,
            headSequence: report.head.sequence, headHash: report.head.hashHex,
            firstBadSequence: report.firstBadSequence, problems: report.problems.map(\.message), expectedHeadAt: expectedAt,
            format: report.format, notCoveredByTheChain: report.notCoveredByTheChain)
        if output.json {
            try printJSON(result)
        } else {
            print("entries checked: \(report.entriesChecked)")
            print("articles checked: \(report.blobsChecked)")
            print("head: \(report.head.sequence) \(report.head.hashHex)")
            if let bad = report.firstBadSequence { print("first bad sequence: \(bad)") }
            if let expectedAt { print("expected head: at sequence \(expectedAt)" + (expectedAt == report.head.sequence ? " (the head)" : ", the log has grown since")) }
            if !report.notCoveredByTheChain.isEmpty {
                print("format \(report.format): the chain does not cover \(report.notCoveredByTheChain.joined(separator: " or ")); "
                    + "a change to them goes unseen (a log begun by this build, in a new folder, covers them)")
            }
            for problem in report.problems { print("problem: \(problem.message)") }
            print(report.isIntact ? "chain intact" : "verification FAILED")
        }
        if !report.isIntact { throw ExitCode(1) }
    }
}
