import EventLog
import Foundation
import Negotiation

/// The one shape of every `--json` answer: an object with the day it answers for (`asOf`),
/// what was known (`knownOn`: only articles published by then), the head of the log it was
/// computed from (`head`, its sequence and hash), and the command's own keys beside them.
/// Each of the three is `null` when the command has no such thing: `show` answers for no day,
/// `eval` reads no log. docs/CODEBOOK.md ("JSON answers") documents it.
public struct JSONAnswer<Payload: Encodable>: Encodable {
    public var asOf: Day?
    public var knownOn: Day?
    public var head: HeadJSON?
    public var payload: Payload

    public init(asOf: Day? = nil, knownOn: Day? = nil, head: Head?, _ payload: Payload) {
        self.asOf = asOf
        self.knownOn = knownOn
        self.head = head.map(HeadJSON.init)
        self.payload = payload
    }

    private enum Key: String, CodingKey { case asOf, knownOn, head }

    public func encode(to encoder: any Encoder) throws {
        // The payload's keys go in the same object: its encoder hands back this container.
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(asOf, forKey: .asOf)
        try c.encode(knownOn, forKey: .knownOn)
        try c.encode(head, forKey: .head)
        try payload.encode(to: encoder)
    }
}

/// The head an answer was computed from.
public struct HeadJSON: Encodable, Sendable {
    public var sequence: UInt64
    public var hash: String

    public init(_ head: Head) {
        sequence = head.sequence
        hash = head.hashHex
    }
}

extension JSONAnswer {
    /// The answer as the command line prints it and the server sends it: sorted keys (so the
    /// same answer is the same bytes), indented, slashes unescaped, and a final newline.
    public func json() throws -> String {
        try Self.text(of: self)
    }

    /// Any value as ``json()`` writes an answer.
    public static func text(of value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }
}
