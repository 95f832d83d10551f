import CYAML
import Negotiation

/// A YAML node with the line it starts on: what the corpus reader and the extraction lexicons walk.
///
/// Built from libyaml's event stream, or, for a file of the usual shape, by ``YAMLShortcut``,
/// which gives the same tree. Scalars stay text (no implicit typing: `on`, `no` and
/// `2025-03-11` are strings until a field reads them), anchors and aliases are refused, and
/// nesting is bounded, so hostile input cannot expand or overflow the stack.
package enum YAMLNode: Sendable {
    case scalar(String, line: Int)
    case mapping([(key: YAMLNode, value: YAMLNode)], line: Int)
    case sequence([YAMLNode], line: Int)

    package var line: Int {
        switch self {
        case .scalar(_, let line), .mapping(_, let line), .sequence(_, let line): line
        }
    }

    /// The deepest nesting accepted.
    static let maximumDepth = 64

    /// A YAML syntax problem and the line it was found on.
    struct SyntaxError: Error {
        var line: Int?
        var problem: String
    }

    /// Parses one YAML document; `nil` for an empty stream.
    static func parse(_ bytes: [UInt8]) throws(SyntaxError) -> YAMLNode? {
        try parse(bytes, streaming: nil) { _ in }
    }

    /// Parses one YAML document, handing each item of the top-level list under `key` to
    /// `onItem` as soon as it is read instead of keeping it: the returned tree has that list
    /// empty. A catalog of fifty thousand articles is then never a tree in memory.
    static func parse(_ bytes: [UInt8], streaming key: String?, onItem: (YAMLNode) -> Void) throws(SyntaxError) -> YAMLNode? {
        // A streamed list's items reach the caller as they are read, so a reader that may still
        // decline, after some of them, is not tried first.
        if key == nil, let node = bytes.withUnsafeBufferPointer(YAMLShortcut.read) { return node }
        return try parseWithLibYAML(bytes, streaming: key, onItem: onItem)
    }

    /// ``parse(_:streaming:onItem:)`` by libyaml alone, without ``YAMLShortcut``.
    static func parseWithLibYAML(_ bytes: [UInt8], streaming key: String? = nil,
                                 onItem: (YAMLNode) -> Void = { _ in }) throws(SyntaxError) -> YAMLNode? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { throw SyntaxError(line: nil, problem: "cannot start the YAML parser") }
        defer { yaml_parser_delete(&parser) }
        return try bytes.withUnsafeBufferPointer { (buffer) throws(SyntaxError) -> YAMLNode? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            return try build(&parser, streaming: key, onItem: onItem)
        }
    }

    private struct Open {
        var isMapping: Bool
        /// Where its items start in the shared list of items read (one list for all open
        /// collections, not an array of its own growing item by item).
        var start: Int
        var line: Int
        /// Its items go to the caller, not into the tree.
        var streamed = false
    }

    private static func build(_ parser: inout yaml_parser_t, streaming key: String?,
                              onItem: (YAMLNode) -> Void) throws(SyntaxError) -> YAMLNode? {
        var stack: [Open] = []
        var items: [YAMLNode] = []
        var root: YAMLNode?
        var documents = 0
        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(&parser, &event) == 1 else { throw error(of: parser) }
            defer { yaml_event_delete(&event) }
            let line = Int(event.start_mark.line) + 1
            var finished: YAMLNode?
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return root
            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                if documents > 1 { throw SyntaxError(line: line, problem: "a second YAML document ('---') in one file") }
            case YAML_ALIAS_EVENT:
                throw SyntaxError(line: line, problem: "aliases (*name) are not supported")
            case YAML_SCALAR_EVENT:
                if event.data.scalar.anchor != nil { throw SyntaxError(line: line, problem: "anchors (&name) are not supported") }
                let value = UnsafeBufferPointer(start: event.data.scalar.value, count: event.data.scalar.length)
                // Escapes (`"\0"`, `"\e"`, `"\x85"`) make characters the file's bytes may not hold.
                if let scalar = firstControlCharacter(value) {
                    throw SyntaxError(line: line, problem: "a text holds the control character \(scalar), written as an escape; only tab and line feed are taken")
                }
                finished = .scalar(String(decoding: value, as: UTF8.self), line: line)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                let isMapping = event.type == YAML_MAPPING_START_EVENT
                let anchor = isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
                if anchor != nil { throw SyntaxError(line: line, problem: "anchors (&name) are not supported") }
                guard stack.count < maximumDepth else {
                    throw SyntaxError(line: line, problem: "nesting deeper than \(maximumDepth) levels")
                }
                // The value of `key` in the root mapping: a key read, its value starting.
                var streamed = false
                if !isMapping, let key, stack.count == 1, stack[0].isMapping, (items.count - stack[0].start) % 2 == 1,
                   case .scalar(let name, _)? = items.last, name == key {
                    streamed = true
                }
                stack.append(Open(isMapping: isMapping, start: items.count, line: line, streamed: streamed))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let open = stack.popLast() else { throw SyntaxError(line: line, problem: "unbalanced collection") }
                if open.isMapping {
                    var pairs: [(key: YAMLNode, value: YAMLNode)] = []
                    pairs.reserveCapacity((items.count - open.start) / 2)
                    var i = open.start
                    while i + 1 < items.count {
                        pairs.append((items[i], items[i + 1]))
                        i += 2
                    }
                    finished = .mapping(pairs, line: open.line)
                } else {
                    finished = .sequence(Array(items[open.start...]), line: open.line)
                }
                items.removeSubrange(open.start...)
            default:
                break
            }
            if let finished {
                if stack.isEmpty {
                    root = finished
                } else if stack[stack.count - 1].streamed {
                    onItem(finished)
                } else {
                    items.append(finished)
                }
            }
        }
    }

    private static func error(of parser: yaml_parser_t) -> SyntaxError {
        let problem = parser.problem.map { String(cString: $0) } ?? "unreadable YAML"
        // libyaml's own nesting bound, met while it scans ahead over open flow collections
        // (`[[[[…`), names its C setter: say what ours says.
        if problem.hasPrefix("Maximum nesting level reached") {
            return SyntaxError(line: Int(parser.problem_mark.line) + 1, problem: "nesting deeper than \(maximumDepth) levels")
        }
        let context = parser.context.map { String(cString: $0) }
        return SyntaxError(line: Int(parser.problem_mark.line) + 1,
                           problem: [context, problem].compactMap { $0 }.joined(separator: ", "))
    }
}

/// The first character of `bytes` (UTF-8) that no text of the corpus may hold, as `U+001B`:
/// a C0 control but tab and line feed, DEL, a C1 control, or a line or paragraph separator
/// (U+2028, U+2029), which would move a terminal's cursor or break a line where none is seen.
func firstControlCharacter(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
    var i = 0
    while i < bytes.count {
        let b = bytes[i]
        var code: UInt32?
        if b < 0x20, b != 0x09, b != 0x0A {
            code = UInt32(b)
        } else if b == 0x7F {
            code = 0x7F
        } else if b == 0xC2, i + 1 < bytes.count, (0x80...0x9F).contains(bytes[i + 1]) {
            code = UInt32(bytes[i + 1])
        } else if b == 0xE2, i + 2 < bytes.count, bytes[i + 1] == 0x80, bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9 {
            code = 0x2000 | UInt32(bytes[i + 2] - 0x80)
        }
        if let code {
            let hex = String(code, radix: 16, uppercase: true)
            return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        }
        i += 1
    }
    return nil
}
