import EventLog
import Negotiation

/// The one shape of every `--json` answer: an object with the day it answers for (`asOf`),
/// what was known (`knownOn`: only articles published by then), the head of the log it was
/// computed from (`head`, its sequence and hash), and the command's own keys beside them.
/// Each of the three is `null` when the command has no such thing: `show` answers for no day,
/// `eval` reads no log. docs/CODEBOOK.md ("JSON answers") documents it.
struct JSONAnswer<Payload: Encodable>: Encodable {
    var asOf: Day?
    var knownOn: Day?
    var head: HeadJSON?
    var payload: Payload

    init(asOf: Day? = nil, knownOn: Day? = nil, head: Head?, _ payload: Payload) {
        self.asOf = asOf
        self.knownOn = knownOn
        self.head = head.map(HeadJSON.init)
        self.payload = payload
    }

    private enum Key: String, CodingKey { case asOf, knownOn, head }

    func encode(to encoder: any Encoder) throws {
        // The payload's keys go in the same object: its encoder hands back this container.
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(asOf, forKey: .asOf)
        try c.encode(knownOn, forKey: .knownOn)
        try c.encode(head, forKey: .head)
        try payload.encode(to: encoder)
    }
}

/// The head an answer was computed from.
struct HeadJSON: Encodable {
    var sequence: UInt64
    var hash: String

    init(_ head: Head) {
        sequence = head.sequence
        hash = head.hashHex
    }
}

/// Prints a `--json` answer in its one shape.
func printAnswer(asOf: Day? = nil, knownOn: Day? = nil, head: Head?, _ payload: some Encodable) throws {
    try printJSON(JSONAnswer(asOf: asOf, knownOn: knownOn, head: head, payload))
}
