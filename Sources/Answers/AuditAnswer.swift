import Negotiation

/// The `--json` shape of an audit.
public struct AuditJSON: Encodable {
    public struct Step: Encodable {
        var on: String, event: String, type: String, party: String?
        var change: Change
        var article: String?, quote: String?, sequence: UInt64, hash: String
        var fixedBy: [String]
        /// Every article that reports the act, its own first.
        var sources: [SourceJSON]
    }
    public struct SourceJSON: Encodable {
        var article: String, quote: String?, sequence: UInt64
    }
    public struct Fix: Encodable {
        var event: String, type: String, target: String?, reason: String?, sequence: UInt64, hash: String
    }
    public struct Net: Encodable {
        var from: Day, to: Day, change: Change
    }

    public var proposal: String
    public var track: String
    public var steps: [Step]
    public var recordFixes: [Fix]
    public var net: Net?

    public init(_ audit: Audit, articles: [String: Article]) {
        proposal = audit.proposal
        track = audit.track
        steps = audit.steps.map { s in
            let e = s.event.event
            return Step(on: e.on?.description ?? "", event: e.id, type: e.type.rawValue, party: e.actor, change: s.change,
                        article: e.article, quote: e.quote, sequence: s.event.sequence, hash: String(s.event.hash.prefix(12)),
                        fixedBy: s.fixedBy, sources: e.sources.map { SourceJSON(article: $0.article, quote: $0.quote, sequence: $0.sequence) })
        }
        recordFixes = audit.fixes.map { f in
            Fix(event: f.event.id, type: f.event.type.rawValue, target: f.event.target, reason: f.event.reason,
                sequence: f.sequence, hash: String(f.hash.prefix(12)))
        }
        net = audit.net.map { Net(from: $0.from, to: $0.to, change: $0.change) }
    }
}
