/// A fast reader for the plain shape event files have: block mappings and sequences, one-line
/// plain and double-quoted scalars, one-line flow lists and mappings of scalars, comments.
///
/// It returns the tree ``YAMLNode/parse(_:)`` would (same scalars, same lines), or `nil` as soon
/// as it meets anything else (anchors, tags, multi-line scalars, other escapes, tabs, odd
/// characters, a syntax error…), and the caller then parses the file with libyaml, which also
/// names any problem. libyaml spent a quarter of the time it takes to read an event file.
enum PlainYAML {
    static func parse(_ bytes: [UInt8]) -> YAMLNode? {
        bytes.withUnsafeBufferPointer { buffer in
            guard isPlainText(buffer) else { return nil }
            var reader = Reader(b: buffer)
            return reader.document()
        }
    }

    /// No byte or character that libyaml treats specially: controls but the line feed, DEL, C1
    /// controls (and U+0085, a line break in YAML 1.1), U+2028, U+2029, U+FEFF, U+FFFE, U+FFFF.
    private static func isPlainText(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while i < b.count {
            let c = b[i]
            if c < 0x80 {
                if (c < 0x20 && c != 0x0A) || c == 0x7F { return false }
            } else if c == 0xC2 {
                if i + 1 < b.count, b[i + 1] < 0xA0 { return false }
            } else if c == 0xE2 {
                if i + 2 < b.count, b[i + 1] == 0x80, b[i + 2] == 0xA8 || b[i + 2] == 0xA9 { return false }
            } else if c == 0xEF {
                if i + 2 < b.count, b[i + 1] == 0xBB, b[i + 2] == 0xBF { return false }
                if i + 2 < b.count, b[i + 1] == 0xBF, b[i + 2] == 0xBE || b[i + 2] == 0xBF { return false }
            }
            i += 1
        }
        return true
    }

    /// A line with content: not blank, not only a comment.
    private struct Line {
        var start: Int
        var end: Int
        /// The column of its first character.
        var indent: Int
        var number: Int
    }

    private struct Reader {
        let b: UnsafeBufferPointer<UInt8>
        var lines: [Line] = []

        init(b: UnsafeBufferPointer<UInt8>) {
            self.b = b
            var start = 0
            var number = 1
            while start <= b.count {
                var end = start
                while end < b.count, b[end] != 0x0A { end += 1 }
                var first = start
                while first < end, b[first] == 0x20 { first += 1 }
                if first < end, b[first] != UInt8(ascii: "#") {
                    lines.append(Line(start: start, end: end, indent: first - start, number: number))
                }
                number += 1
                start = end + 1
            }
        }

        func document() -> YAMLNode? {
            guard let first = lines.first, first.indent == 0,
                  let (root, next) = block(0, indent: 0), next == lines.count else { return nil }
            return root
        }

        private func isDashItem(_ line: Line) -> Bool {
            let i = line.start + line.indent
            return b[i] == UInt8(ascii: "-") && i + 1 < line.end && b[i + 1] == 0x20
        }

        private func block(_ k: Int, indent: Int) -> (YAMLNode, Int)? {
            isDashItem(lines[k]) ? sequence(k, indent: indent) : mapping(k, indent: indent, firstColumn: nil)
        }

        /// A block sequence whose dashes are at `indent`.
        private func sequence(_ k: Int, indent: Int) -> (YAMLNode, Int)? {
            var items: [YAMLNode] = []
            var k = k
            let line = lines[k].number
            while k < lines.count, lines[k].indent == indent, isDashItem(lines[k]) {
                let current = lines[k]
                var column = indent + 2
                while current.start + column < current.end, b[current.start + column] == 0x20 { column += 1 }
                guard current.start + column < current.end, b[current.start + column] != UInt8(ascii: "#") else { return nil }
                if key(current, at: column) != nil {
                    guard let (node, next) = mapping(k, indent: column, firstColumn: column) else { return nil }
                    items.append(node)
                    k = next
                } else {
                    guard let node = inlineValue(current, at: column) else { return nil }
                    items.append(node)
                    k += 1
                    if k < lines.count, lines[k].indent > indent { return nil }
                }
            }
            if k < lines.count, lines[k].indent > indent { return nil }
            return (.sequence(items, line: line), k)
        }

        /// A block mapping whose keys are at `indent`; the first key at `firstColumn` of its line
        /// when it follows a dash.
        private func mapping(_ k: Int, indent: Int, firstColumn: Int?) -> (YAMLNode, Int)? {
            var pairs: [(key: YAMLNode, value: YAMLNode)] = []
            var k = k
            let line = lines[k].number
            var column = firstColumn
            while k < lines.count, column != nil || lines[k].indent == indent {
                let current = lines[k]
                let at = column ?? indent
                column = nil
                guard let (name, afterColon) = key(current, at: at) else { return nil }
                let keyNode = YAMLNode.scalar(name, line: current.number)
                var value = afterColon
                while current.start + value < current.end, b[current.start + value] == 0x20 { value += 1 }
                if current.start + value == current.end || b[current.start + value] == UInt8(ascii: "#") {
                    // The value is a block below: more indented, or a sequence at the key's indent.
                    guard k + 1 < lines.count else { return nil }
                    let next = lines[k + 1]
                    let child: (YAMLNode, Int)?
                    if next.indent > indent {
                        child = block(k + 1, indent: next.indent)
                    } else if next.indent == indent, isDashItem(next) {
                        child = sequence(k + 1, indent: indent)
                    } else {
                        return nil
                    }
                    guard let (node, after) = child else { return nil }
                    pairs.append((keyNode, node))
                    k = after
                } else {
                    guard value > afterColon, let node = inlineValue(current, at: value) else { return nil }
                    pairs.append((keyNode, node))
                    k += 1
                    if k < lines.count, lines[k].indent > indent { return nil }
                }
            }
            if k < lines.count, lines[k].indent > indent { return nil }
            return (.mapping(pairs, line: line), k)
        }

        /// A simple key (letters, digits, `_`, `-`, not first) and the column after its colon,
        /// which must be followed by a space or the end of the line.
        private func key(_ line: Line, at column: Int) -> (String, Int)? {
            var i = line.start + column
            let start = i
            while i < line.end, isKeyByte(b[i], first: i == start) { i += 1 }
            guard i > start, i < line.end, b[i] == UInt8(ascii: ":"), i + 1 == line.end || b[i + 1] == 0x20 else { return nil }
            return (String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self), i + 1 - line.start)
        }

        private func isKeyByte(_ c: UInt8, first: Bool) -> Bool {
            (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
                || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "_") || (!first && c == UInt8(ascii: "-"))
        }

        /// A value that ends its line (but for spaces and a comment).
        private func inlineValue(_ line: Line, at column: Int) -> YAMLNode? {
            let i = line.start + column
            let parsed: (YAMLNode, Int)?
            switch b[i] {
            case UInt8(ascii: "\""): parsed = quoted(line, i)
            case UInt8(ascii: "["): parsed = flowSequence(line, i)
            case UInt8(ascii: "{"): parsed = flowMapping(line, i)
            default: return plain(line, i)
            }
            guard let (node, end) = parsed, restIsComment(line, end) else { return nil }
            return node
        }

        /// Only spaces, then the end of the line or a comment after a space.
        private func restIsComment(_ line: Line, _ from: Int) -> Bool {
            var i = from
            while i < line.end, b[i] == 0x20 { i += 1 }
            return i == line.end || (i > from && b[i] == UInt8(ascii: "#"))
        }

        private static let indicators: Set<UInt8> = Set("-?:,[]{}#&*!|>'\"%@`".utf8)

        /// A plain scalar in a block: to the end of the line or a comment, without `: `.
        private func plain(_ line: Line, _ start: Int) -> YAMLNode? {
            guard !Self.indicators.contains(b[start]) else { return nil }
            var i = start
            var end = start
            while i < line.end {
                let c = b[i]
                if c == UInt8(ascii: "#"), b[i - 1] == 0x20 { break }
                if c == UInt8(ascii: ":"), i + 1 == line.end || b[i + 1] == 0x20 { return nil }
                if c != 0x20 { end = i + 1 }
                i += 1
            }
            return .scalar(String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self), line: line.number)
        }

        /// A double-quoted scalar on one line, with the escapes `\"`, `\\`, `\/`, `\n` and `\t`
        /// only; the index after its closing quote.
        private func quoted(_ line: Line, _ open: Int) -> (YAMLNode, Int)? {
            var i = open + 1
            var runStart = i
            var escaped: [UInt8]?
            while i < line.end {
                let c = b[i]
                if c == UInt8(ascii: "\"") {
                    let text: String
                    if var bytes = escaped {
                        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: b[runStart..<i]))
                        text = String(decoding: bytes, as: UTF8.self)
                    } else {
                        text = String(decoding: UnsafeBufferPointer(rebasing: b[runStart..<i]), as: UTF8.self)
                    }
                    return (.scalar(text, line: line.number), i + 1)
                }
                if c == UInt8(ascii: "\\") {
                    guard i + 1 < line.end else { return nil }
                    let replacement: UInt8
                    switch b[i + 1] {
                    case UInt8(ascii: "\""): replacement = UInt8(ascii: "\"")
                    case UInt8(ascii: "\\"): replacement = UInt8(ascii: "\\")
                    case UInt8(ascii: "/"): replacement = UInt8(ascii: "/")
                    case UInt8(ascii: "n"): replacement = 0x0A
                    case UInt8(ascii: "t"): replacement = 0x09
                    default: return nil
                    }
                    var bytes = escaped ?? []
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: b[runStart..<i]))
                    bytes.append(replacement)
                    escaped = bytes
                    i += 2
                    runStart = i
                    continue
                }
                i += 1
            }
            return nil
        }

        /// A plain scalar in a flow list or mapping: up to `,`, `]` or `}`; none of `:#[{`.
        private func flowPlain(_ line: Line, _ start: Int) -> (YAMLNode, Int)? {
            guard start < line.end, !Self.indicators.contains(b[start]) else { return nil }
            var i = start
            var end = start
            while i < line.end {
                let c = b[i]
                if c == UInt8(ascii: ",") || c == UInt8(ascii: "]") || c == UInt8(ascii: "}") { break }
                if c == UInt8(ascii: ":") || c == UInt8(ascii: "#") || c == UInt8(ascii: "[") || c == UInt8(ascii: "{") { return nil }
                if c != 0x20 { end = i + 1 }
                i += 1
            }
            return (.scalar(String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self), line: line.number), i)
        }

        private func flowScalar(_ line: Line, _ start: Int) -> (YAMLNode, Int)? {
            guard start < line.end else { return nil }
            if b[start] == UInt8(ascii: "\"") {
                guard let (node, end) = quoted(line, start) else { return nil }
                return (node, skipSpaces(line, end))
            }
            return flowPlain(line, start)
        }

        private func skipSpaces(_ line: Line, _ from: Int) -> Int {
            var i = from
            while i < line.end, b[i] == 0x20 { i += 1 }
            return i
        }

        /// `[a, "b"]` on one line; the index after `]`.
        private func flowSequence(_ line: Line, _ open: Int) -> (YAMLNode, Int)? {
            var items: [YAMLNode] = []
            var i = skipSpaces(line, open + 1)
            guard i < line.end else { return nil }
            if b[i] == UInt8(ascii: "]") { return (.sequence([], line: line.number), i + 1) }
            while true {
                guard let (node, after) = flowScalar(line, i), after < line.end else { return nil }
                items.append(node)
                if b[after] == UInt8(ascii: "]") { return (.sequence(items, line: line.number), after + 1) }
                guard b[after] == UInt8(ascii: ",") else { return nil }
                i = skipSpaces(line, after + 1)
                guard i < line.end, b[i] != UInt8(ascii: "]") else { return nil }
            }
        }

        /// `{k: v, k: "v"}` on one line; the index after `}`.
        private func flowMapping(_ line: Line, _ open: Int) -> (YAMLNode, Int)? {
            var pairs: [(key: YAMLNode, value: YAMLNode)] = []
            var i = skipSpaces(line, open + 1)
            guard i < line.end else { return nil }
            if b[i] == UInt8(ascii: "}") { return (.mapping([], line: line.number), i + 1) }
            while true {
                let start = i
                while i < line.end, isKeyByte(b[i], first: i == start) { i += 1 }
                guard i > start, i + 1 < line.end, b[i] == UInt8(ascii: ":"), b[i + 1] == 0x20 else { return nil }
                let key = YAMLNode.scalar(String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self), line: line.number)
                guard let (value, after) = flowScalar(line, skipSpaces(line, i + 1)), after < line.end else { return nil }
                pairs.append((key, value))
                if b[after] == UInt8(ascii: "}") { return (.mapping(pairs, line: line.number), after + 1) }
                guard b[after] == UInt8(ascii: ",") else { return nil }
                i = skipSpaces(line, after + 1)
                guard i < line.end, b[i] != UInt8(ascii: "}") else { return nil }
            }
        }
    }
}
