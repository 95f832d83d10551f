import EventLog

/// What a walk of the log found (`parley verify`, `GET /v1/verify`): the counts, the first bad
/// sequence and every problem, the head a noted hash was found at, the log's format and what
/// its chain leaves out; or why the log could not be walked.
public struct VerifyAnswer: Encodable, Sendable {
    public var intact: Bool
    public var entriesChecked: UInt64
    public var blobsChecked: Int
    /// The head the walk reached: the answer's `head`, and not among its own keys.
    public var head: Head?
    public var firstBadSequence: UInt64?
    public var problems: [String]
    public var expectedHeadAt: UInt64?
    /// Why the log could not be walked, when it could not: "damaged", "no log",
    /// "input/output", "conflict" or "other".
    public var failure: String?
    /// The log's format, and what its hash chain leaves out (nothing for format 2).
    public var format: Int?
    public var notCoveredByTheChain: [String] = []

    private enum CodingKeys: String, CodingKey {
        case intact, entriesChecked, blobsChecked, firstBadSequence, problems, expectedHeadAt, failure, format, notCoveredByTheChain
    }

    /// The answer of a walk; `expectedHeadAt` is where a noted head hash was found, if asked.
    public init(_ report: VerificationReport, expectedHeadAt: UInt64? = nil) {
        intact = report.isIntact
        entriesChecked = report.entriesChecked
        blobsChecked = report.blobsChecked
        head = report.head
        firstBadSequence = report.firstBadSequence
        problems = report.problems.map(\.message)
        self.expectedHeadAt = expectedHeadAt
        format = report.format
        notCoveredByTheChain = report.notCoveredByTheChain
    }

    /// The answer when the log could not be walked at all.
    public init(failure: String, problems: [String]) {
        intact = false
        entriesChecked = 0
        blobsChecked = 0
        self.problems = problems
        self.failure = failure
    }
}
