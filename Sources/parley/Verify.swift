import ArgumentParser
import EventLog
import Negotiation

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Walk the hash chain and the stored articles; exit non-zero on any break.",
        discussion: """
            Checks that sequences run 1, 2, 3… with no gap, that every entry's stored hash is \
            SHA-256(previous hash ‖ sequence ‖ payload), and that every stored article still \
            hashes to its catalog SHA-256. Prints the entries checked and the head hash; on a \
            break, the first bad sequence.
            """
    )

    @OptionGroup var log: LogOptions
    @OptionGroup var output: OutputOptions

    struct Result: Encodable {
        var intact: Bool
        var entriesChecked: UInt64
        var blobsChecked: Int
        var headSequence: UInt64
        var headHash: String
        var firstBadSequence: UInt64?
        var problems: [String]
    }

    func run() throws {
        let report = try log.openForReading().verify()
        let result = Result(
            intact: report.isIntact, entriesChecked: report.entriesChecked, blobsChecked: report.blobsChecked,
            headSequence: report.head.sequence, headHash: report.head.hashHex,
            firstBadSequence: report.firstBadSequence, problems: report.problems.map(\.message))
        if output.json {
            try printJSON(result)
        } else {
            print("entries checked: \(report.entriesChecked)")
            print("articles checked: \(report.blobsChecked)")
            print("head: \(report.head.sequence) \(report.head.hashHex)")
            if let bad = report.firstBadSequence { print("first bad sequence: \(bad)") }
            for problem in report.problems { print("problem: \(problem.message)") }
            print(report.isIntact ? "chain intact" : "chain BROKEN")
        }
        if !report.isIntact { throw ExitCode(1) }
    }
}
