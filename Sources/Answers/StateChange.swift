import Foundation
import Negotiation

/// What differs between two states of a track, field by field, as `state --json` names them.
public enum StateChange {
    static let fields = ["status", "proposal", "positions.UA", "positions.RU", "inEffect.since", "inEffect.by", "ended.on",
                         "ended.reason", "disputed", "openConditions.count", "violations", "meetings", "sources"]

    public static func between(_ before: TrackState?, _ after: TrackState) throws -> [String] {
        let new = try JSONTree(after)
        let old = try before.map(JSONTree.init)
        var changes: [String] = []
        for field in fields {
            let now = new.value(at: field)
            let then = old?.value(at: field)
            guard now != then, !(then == nil && (now == "null" || now == "none" || now == "0" || now == "false")) else { continue }
            changes.append("\(field) \(then ?? "—") → \(now ?? "—")")
        }
        return changes
    }
}

/// A JSON document read back, to look up a field by its path.
public enum JSONTree: Decodable {
    case null, bool(Bool), number(Double), string(String), array([JSONTree]), object([String: JSONTree])

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONTree].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONTree].self)) }
    }

    /// A track's state as `state --json` gives it, read back.
    public init(_ state: TrackState) throws {
        self = try JSONDecoder().decode(JSONTree.self, from: JSONEncoder().encode(StateJSON(state)))
    }

    /// The value at a dotted path as text (`null` for null, a count for `….count` of a list),
    /// `nil` when the path leads nowhere.
    public func value(at path: String) -> String? {
        var node = self
        for key in path.split(separator: ".").map(String.init) {
            switch node {
            case .object(let fields):
                guard let next = fields[key] else { return nil }
                node = next
            case .array(let items):
                if key == "count" { return String(items.count) }
                guard let i = Int(key), items.indices.contains(i) else { return nil }
                node = items[i]
            default:
                return nil
            }
        }
        return node.text
    }

    private var text: String {
        switch self {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .number(let n): n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
        case .string(let s): s
        case .array(let items): items.map(\.text).joined(separator: "; ")
        case .object: "{…}"
        }
    }
}
