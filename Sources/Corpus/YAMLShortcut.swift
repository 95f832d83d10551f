import Negotiation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A reader for the shape event files nearly always have, tried before libyaml: block mappings
/// and sequences, one-line scalars (plain, single- or double-quoted) and one-line flow
/// collections of scalars. It gives exactly the tree libyaml's events build (the same texts and
/// lines), or declines, and libyaml reads the file from the start: every error message is
/// libyaml's.
///
/// libyaml's event parser is the slow part of checking an event file; this reader goes over
/// most bytes once or twice. It declines whatever it does not know for certain how libyaml reads: tabs, carriage
/// returns, line separators, control characters, invalid UTF-8, a byte-order mark, directives
/// and document markers, anchors, aliases and tags, block scalars, multi-line scalars, empty
/// values, keys other than plain words, escapes other than `\"`, `\\`, `\/`, `\n` and `\t`,
/// plain scalars starting with an indicator or holding `: ` (or, in a flow collection, any of
/// `:#[{`), flow collections over several lines or nested beyond a mapping in a sequence, and
/// nesting deeper than 16 levels. `YAMLShortcutTests` holds it to libyaml's trees.
struct YAMLShortcut: ~Copyable {
    private let bytes: UnsafeBufferPointer<UInt8>
    /// The next byte to read.
    private var position = 0
    /// Where the current line starts, and its number (from 1, as in the tree).
    private var lineStart = 0
    private var line = 1

    /// Deeper nesting is left to libyaml, which refuses more than ``YAMLNode/maximumDepth``.
    static let maximumDepth = 16

    /// Why the reader gave up: it only ever gives up, and libyaml takes over.
    struct Declined: Error {}

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// The document's tree when it has the usual shape (a block mapping at its root), else `nil`.
    static func read(_ bytes: UnsafeBufferPointer<UInt8>) -> YAMLNode? {
        guard hasOnlyPlainCharacters(bytes) else { return nil }
        var reader = YAMLShortcut(bytes)
        return try? reader.document()
    }

    // MARK: Characters

    /// Whether the bytes are UTF-8 whose every character libyaml reads as itself: line feeds,
    /// printable ASCII and the printable characters beyond, but none of its other line breaks
    /// (U+0085, U+2028, U+2029), no C1 control, and none of U+FEFF, U+FFFE and U+FFFF.
    static func hasOnlyPlainCharacters(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let end = bytes.count
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        while i < end {
            // Eight bytes at a time while they are printable ASCII or line feeds.
            if i + 8 <= end, Self.isPlainASCII(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) {
                i += 8
                continue
            }
            let b = bytes[i]
            if b < 0x80 {
                guard b >= 0x20 && b != 0x7F || b == 0x0A else { return false }
                i += 1
                continue
            }
            guard let length = utf8SequenceLength(at: i, in: bytes) else { return false }
            let c1 = bytes[i + 1]
            let c2 = length > 2 ? bytes[i + 2] : 0
            // U+0080 to U+009F: C1 controls, and U+0085, a line break to libyaml.
            if b == 0xC2, c1 < 0xA0 { return false }
            // U+2028 and U+2029 (line breaks), U+FEFF, U+FFFE and U+FFFF.
            if b == 0xE2, c1 == 0x80, c2 == 0xA8 || c2 == 0xA9 { return false }
            if b == 0xEF, c1 == 0xBB && c2 == 0xBF || c1 == 0xBF && c2 >= 0xBE { return false }
            i += length
        }
        return true
    }

    /// Whether each of the eight bytes is printable ASCII (0x20 to 0x7E) or a line feed. No
    /// sum below carries into the next byte, as every byte is below 0x80 when they are made.
    static func isPlainASCII(_ word: UInt64) -> Bool {
        let high: UInt64 = 0x8080_8080_8080_8080
        guard word & high == 0 else { return false }
        let control = ~(word &+ 0x6060_6060_6060_6060) & high   // below 0x20
        let delete = (word &+ 0x0101_0101_0101_0101) & high      // 0x7F
        let notLineFeed = ((word ^ 0x0A0A_0A0A_0A0A_0A0A) &+ 0x7F7F_7F7F_7F7F_7F7F) & high
        return control & notLineFeed | delete == 0
    }

    /// Whether none of the eight bytes is `"`, `\` or a line feed, where a double-quoted
    /// scalar's plain run stops.
    static func continuesDoubleQuoted(_ word: UInt64) -> Bool {
        bytesEqual(to: UInt8(ascii: "\""), in: word) | bytesEqual(to: UInt8(ascii: "\\"), in: word) | bytesEqual(to: newline, in: word) == 0
    }

    private static let space = UInt8(ascii: " ")
    private static let newline = UInt8(ascii: "\n")
    private static let hash = UInt8(ascii: "#")
    private static let colon = UInt8(ascii: ":")
    private static let dash = UInt8(ascii: "-")

    /// Whether `b` may start a key: a letter, a digit or `_`.
    private static func startsKey(_ b: UInt8) -> Bool {
        (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z") || b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")
            || b == UInt8(ascii: "_")
    }

    /// Whether `b` may be in a key after its first byte: also `-` and `.`.
    private static func continuesKey(_ b: UInt8) -> Bool {
        startsKey(b) || b == dash || b == UInt8(ascii: ".")
    }

    /// YAML's indicators, which a plain scalar read here may not start with.
    private static func isIndicator(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "["),
             UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "#"), UInt8(ascii: "&"),
             UInt8(ascii: "*"), UInt8(ascii: "!"), UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "'"),
             UInt8(ascii: "\""), UInt8(ascii: "%"), UInt8(ascii: "@"), UInt8(ascii: "`"), space:
            true
        default:
            false
        }
    }

    private func byte(at i: Int) -> UInt8? { i < bytes.count ? bytes[i] : nil }

    /// Whether the byte at `i` ends a token: a space, the end of the line or of the file.
    private func isBlankOrEnd(at i: Int) -> Bool {
        i >= bytes.count || bytes[i] == Self.space || bytes[i] == Self.newline
    }

    private func text(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    // MARK: Lines

    /// Moves to the start of the next line (or the end of the file).
    private mutating func nextLine() {
        let rest = bytes.count - position
        guard rest > 0, let base = bytes.baseAddress,
              let found = memchr(base + position, Int32(Self.newline), rest) else {
            position = bytes.count
            lineStart = position
            return
        }
        position = base.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 1
        lineStart = position
        line += 1
    }

    /// Skips blank and comment lines from the start of a line; the indent of the next line
    /// with content (the reader stays at its start), or `nil` at the end of the file.
    private mutating func nextContent() -> Int? {
        while position < bytes.count {
            var p = position
            while p < bytes.count, bytes[p] == Self.space { p += 1 }
            guard p < bytes.count else { return nil }
            if bytes[p] == Self.newline || bytes[p] == Self.hash {
                nextLine()
                continue
            }
            return p - position
        }
        return nil
    }

    private mutating func skipSpaces() {
        while byte(at: position) == Self.space { position += 1 }
    }

    /// After a value: spaces, then the end of the line, perhaps after a comment.
    private mutating func endOfLine() throws(Declined) {
        skipSpaces()
        guard let b = byte(at: position), b != Self.newline else { return nextLine() }
        // A comment, after a space (`"a"#b` is left to libyaml).
        guard b == Self.hash, bytes[position - 1] == Self.space else { throw Declined() }
        nextLine()
    }

    // MARK: Block collections

    private mutating func document() throws(Declined) -> YAMLNode {
        guard nextContent() == 0, looksLikeKey(at: position) else { throw Declined() }
        let root = try blockMapping(depth: 1)
        guard nextContent() == nil else { throw Declined() }
        return root
    }

    /// Whether a key (a plain word then `: `, or `:` at the end of the line) starts at `p`.
    private func looksLikeKey(at p: Int) -> Bool {
        guard let first = byte(at: p), Self.startsKey(first) else { return false }
        var i = p + 1
        while let b = byte(at: i), Self.continuesKey(b) { i += 1 }
        // libyaml refuses a key over 1,024 characters.
        return i - p <= Self.longestKey && byte(at: i) == Self.colon && isBlankOrEnd(at: i + 1)
    }

    static let longestKey = 128

    /// A key (``looksLikeKey(at:)``) at the reader, which ends after its colon.
    private mutating func key() throws(Declined) -> YAMLNode {
        guard looksLikeKey(at: position) else { throw Declined() }
        let start = position
        while bytes[position] != Self.colon { position += 1 }
        defer { position += 1 }
        return .scalar(text(start..<position), line: line)
    }

    /// Whether a block sequence's entry (`- `, or `-` at the end of the line) starts at `p`.
    private func isEntry(at p: Int) -> Bool {
        byte(at: p) == Self.dash && isBlankOrEnd(at: p + 1)
    }

    /// A block mapping whose first key is at the reader; its indent is that key's column.
    private mutating func blockMapping(depth: Int) throws(Declined) -> YAMLNode {
        guard depth <= Self.maximumDepth else { throw Declined() }
        let indent = position - lineStart
        let mappingLine = line
        var pairs: [(key: YAMLNode, value: YAMLNode)] = []
        // An event has about ten fields: grown one by one, the array was copied four times.
        pairs.reserveCapacity(12)
        while true {
            pairs.append((try key(), try value(under: indent, depth: depth)))
            guard let next = nextContent(), next >= indent else { break }
            guard next == indent, !isEntry(at: lineStart + next) else { throw Declined() }
            position = lineStart + next
        }
        return .mapping(pairs, line: mappingLine)
    }

    /// The value after a key of the mapping indented by `indent`: on the key's line, or a block
    /// collection on the lines after it.
    private mutating func value(under indent: Int, depth: Int) throws(Declined) -> YAMLNode {
        skipSpaces()
        if let b = byte(at: position), b != Self.newline, b != Self.hash {
            return try inlineValue(depth: depth)
        }
        nextLine()
        // Nothing below the key is an empty value: left to libyaml.
        guard let next = nextContent(), next >= indent else { throw Declined() }
        position = lineStart + next
        if isEntry(at: position) { return try blockSequence(depth: depth + 1, indentless: next == indent) }
        guard next > indent else { throw Declined() }
        return try blockMapping(depth: depth + 1)
    }

    /// A block sequence whose first `-` is at the reader. `indentless`: at its mapping's
    /// indent, so a line there that is not an entry ends it.
    private mutating func blockSequence(depth: Int, indentless: Bool) throws(Declined) -> YAMLNode {
        guard depth <= Self.maximumDepth else { throw Declined() }
        let indent = position - lineStart
        let sequenceLine = line
        var items: [YAMLNode] = []
        while true {
            position += 1
            skipSpaces()
            // An entry with nothing after its `-` on the line, or another `-`: left to libyaml.
            guard let b = byte(at: position), b != Self.newline, b != Self.hash, !isEntry(at: position) else { throw Declined() }
            items.append(looksLikeKey(at: position) ? try blockMapping(depth: depth + 1) : try inlineValue(depth: depth))
            guard let next = nextContent(), next >= indent else { break }
            guard next == indent else { throw Declined() }
            guard isEntry(at: lineStart + next) else {
                if indentless { break }
                throw Declined()
            }
            position = lineStart + next
        }
        return .sequence(items, line: sequenceLine)
    }

    // MARK: Values on one line

    /// A scalar or flow collection, then the end of its line.
    private mutating func inlineValue(depth: Int) throws(Declined) -> YAMLNode {
        let node: YAMLNode
        switch bytes[position] {
        case UInt8(ascii: "\""): node = .scalar(try doubleQuoted(), line: line)
        case UInt8(ascii: "'"): node = .scalar(try singleQuoted(), line: line)
        case UInt8(ascii: "["): node = try flowSequence(depth: depth + 1)
        case UInt8(ascii: "{"): node = try flowMapping(depth: depth + 1)
        default: node = .scalar(try blockPlain(), line: line)
        }
        try endOfLine()
        return node
    }

    /// A plain scalar in a block: the rest of the line up to a comment, without trailing spaces.
    private mutating func blockPlain() throws(Declined) -> String {
        guard !Self.isIndicator(bytes[position]) else { throw Declined() }
        let start = position
        var end = position
        while let b = byte(at: position), b != Self.newline {
            if b == Self.colon, isBlankOrEnd(at: position + 1) { throw Declined() }
            if b == Self.hash, bytes[position - 1] == Self.space { break }
            position += 1
            if b != Self.space { end = position }
        }
        return text(start..<end)
    }

    /// A double-quoted scalar ending on its line.
    private mutating func doubleQuoted() throws(Declined) -> String {
        position += 1
        let start = position
        var unescaped: [UInt8]?
        var runStart = position
        guard let base = bytes.baseAddress else { throw Declined() }
        let raw = UnsafeRawPointer(base)
        while true {
            // Eight bytes at a time while none ends the scalar, escapes or breaks the line.
            while position + 8 <= bytes.count, Self.continuesDoubleQuoted(raw.loadUnaligned(fromByteOffset: position, as: UInt64.self)) {
                position += 8
            }
            guard let b = byte(at: position), b != Self.newline else { throw Declined() }
            if b == UInt8(ascii: "\"") { break }
            if b != UInt8(ascii: "\\") {
                position += 1
                continue
            }
            let replacement: UInt8
            switch byte(at: position + 1) {
            case UInt8(ascii: "\"")?: replacement = UInt8(ascii: "\"")
            case UInt8(ascii: "\\")?: replacement = UInt8(ascii: "\\")
            case UInt8(ascii: "/")?: replacement = UInt8(ascii: "/")
            case UInt8(ascii: "n")?: replacement = Self.newline
            case UInt8(ascii: "t")?: replacement = 0x09
            default: throw Declined()
            }
            if unescaped == nil { unescaped = [] }
            unescaped?.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<position]))
            unescaped?.append(replacement)
            position += 2
            runStart = position
        }
        defer { position += 1 }
        guard var unescaped else { return text(start..<position) }
        unescaped.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<position]))
        return String(decoding: unescaped, as: UTF8.self)
    }

    /// A single-quoted scalar ending on its line (`''` is a quote).
    private mutating func singleQuoted() throws(Declined) -> String {
        position += 1
        var content: [UInt8] = []
        while true {
            guard let b = byte(at: position), b != Self.newline else { throw Declined() }
            position += 1
            if b == UInt8(ascii: "'") {
                guard byte(at: position) == UInt8(ascii: "'") else { break }
                position += 1
            }
            content.append(b)
        }
        return String(decoding: content, as: UTF8.self)
    }

    /// A flow sequence on one line, of scalars and flow mappings of scalars.
    private mutating func flowSequence(depth: Int) throws(Declined) -> YAMLNode {
        guard depth <= Self.maximumDepth else { throw Declined() }
        let sequenceLine = line
        var items: [YAMLNode] = []
        try flowEntries(closedBy: UInt8(ascii: "]")) { (reader: inout YAMLShortcut) throws(Declined) in
            if reader.bytes[reader.position] == UInt8(ascii: "{") {
                items.append(try reader.flowMapping(depth: depth + 1))
            } else {
                items.append(try reader.flowScalar())
            }
        }
        return .sequence(items, line: sequenceLine)
    }

    /// A flow mapping on one line, of plain keys and scalar values.
    private mutating func flowMapping(depth: Int) throws(Declined) -> YAMLNode {
        guard depth <= Self.maximumDepth else { throw Declined() }
        let mappingLine = line
        var pairs: [(key: YAMLNode, value: YAMLNode)] = []
        try flowEntries(closedBy: UInt8(ascii: "}")) { (reader: inout YAMLShortcut) throws(Declined) in
            let key = try reader.key()
            reader.skipSpaces()
            pairs.append((key, try reader.flowScalar()))
        }
        return .mapping(pairs, line: mappingLine)
    }

    /// The entries of a flow collection whose opening bracket is at the reader, each read by
    /// `entry` from its first byte, separated by commas; the reader ends after `closing`.
    private mutating func flowEntries(closedBy closing: UInt8,
                                      _ entry: (inout YAMLShortcut) throws(Declined) -> Void) throws(Declined) {
        position += 1
        skipSpaces()
        if byte(at: position) == closing {
            position += 1
            return
        }
        while true {
            guard let b = byte(at: position), b != Self.newline, b != UInt8(ascii: ","), b != closing else { throw Declined() }
            try entry(&self)
            skipSpaces()
            switch byte(at: position) {
            case UInt8(ascii: ",")?:
                position += 1
                skipSpaces()
            case closing?:
                position += 1
                return
            default:
                throw Declined()
            }
        }
    }

    /// A scalar in a flow collection: quoted, or plain up to `,`, `]` or `}` without trailing
    /// spaces (and holding none of `:#[{`).
    private mutating func flowScalar() throws(Declined) -> YAMLNode {
        let scalarLine = line
        guard let first = byte(at: position) else { throw Declined() }
        if first == UInt8(ascii: "\"") { return .scalar(try doubleQuoted(), line: scalarLine) }
        if first == UInt8(ascii: "'") { return .scalar(try singleQuoted(), line: scalarLine) }
        guard !Self.isIndicator(first) else { throw Declined() }
        let start = position
        var end = position
        loop: while let b = byte(at: position) {
            switch b {
            case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"): break loop
            case Self.newline, Self.colon, Self.hash, UInt8(ascii: "["), UInt8(ascii: "{"):
                throw Declined()
            default:
                position += 1
                if b != Self.space { end = position }
            }
        }
        return .scalar(text(start..<end), line: scalarLine)
    }
}
