import CYAML
import FileIO
import Foundation
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

// MARK: Fields and diagnostics

/// Collects the problems found while reading a corpus, so that all of them are reported at once.
package final class Diagnostics {
    package private(set) var issues: [CorpusIssue] = []

    package init() {}

    func add(_ issue: CorpusIssue) { issues.append(issue) }

    /// The problems collected so far, which are then forgotten.
    package func drain() -> [CorpusIssue] {
        defer { issues.removeAll() }
        return issues
    }

    package func add(file: String, line: Int?, field: String?, problem: String, expected: String? = nil) {
        issues.append(CorpusIssue(file: file, line: line, field: field, problem: problem, expected: expected))
    }
}

/// Reads a whole file of UTF-8 text, reporting a missing, unreadable, empty or non-UTF-8 file:
/// its bytes, checked (`String(decoding:as:)` makes them text without a change).
func readText(atPath path: String, shownAs file: String, into diagnostics: Diagnostics) -> [UInt8]? {
    var bytes: [UInt8] = []
    return readText(atPath: path, shownAs: file, into: diagnostics, reusing: &bytes) ? bytes : nil
}

/// ``readText(atPath:shownAs:into:)`` into `bytes`, whose memory is used again when large
/// enough: a worker reading event file after event file then allocates once, not a fresh
/// block (and fresh pages) for each. `false` when the file was reported.
func readText(atPath path: String, shownAs file: String, into diagnostics: Diagnostics, reusing bytes: inout [UInt8]) -> Bool {
    if let error = readFileBytes(atPath: path, into: &bytes) {
        let (problem, expected) = error.corpusProblem
        diagnostics.add(file: file, line: nil, field: nil, problem: problem, expected: expected)
        return false
    }
    guard !bytes.isEmpty else {
        diagnostics.add(file: file, line: nil, field: nil, problem: "the file is empty", expected: "UTF-8 text")
        return false
    }
    guard isValidUTF8(bytes) else {
        let offset = firstInvalidUTF8Offset(bytes)
        diagnostics.add(file: file, line: lineNumber(at: offset, in: bytes), field: nil,
                        problem: "byte \(offset) (0x\(String(bytes[offset], radix: 16))) is not valid UTF-8",
                        expected: "UTF-8 text")
        return false
    }
    if let nul = firstNUL(bytes) {
        diagnostics.add(file: file, line: lineNumber(at: nul, in: bytes), field: nil, problem: "the file contains a NUL byte at offset \(nul)", expected: "text")
        return false
    }
    return true
}

/// Whether the bytes are UTF-8, checked in place and eight bytes at a time while they are
/// ASCII (the standard library's check goes byte by byte after the first non-ASCII one).
func isValidUTF8(_ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBufferPointer(isValidUTF8)
}

/// ``isValidUTF8(_:)-([UInt8])`` of bytes in memory: well-formed UTF-8 (no overlong form, no
/// surrogate, nothing past U+10FFFF, no sequence cut short).
func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = bytes.baseAddress else { return true }
    let raw = UnsafeRawPointer(base)
    let end = bytes.count
    let high: UInt64 = 0x8080_8080_8080_8080
    var i = 0
    while i < end {
        if i + 8 <= end {
            let nonASCII = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & high
            if nonASCII == 0 {
                i += 8
                continue
            }
            // Straight to the first byte that is not ASCII (the word is read little-endian).
            i += nonASCII.littleEndian.trailingZeroBitCount / 8
        }
        if bytes[i] < 0x80 {
            i += 1
            continue
        }
        guard let length = utf8SequenceLength(at: i, in: bytes) else { return false }
        i += length
    }
    return true
}

/// The length of the well-formed UTF-8 sequence at `i`, whose first byte is not ASCII (two to
/// four bytes: no overlong form, no surrogate, nothing past U+10FFFF); `nil` when there is none.
@inline(__always)
func utf8SequenceLength(at i: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    func continues(_ at: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool {
        at < bytes.count && range.contains(bytes[at])
    }
    let b = bytes[i]
    switch b {
    case 0xC2...0xDF:
        return continues(i + 1) ? 2 : nil
    case 0xE0...0xEF:
        let second: ClosedRange<UInt8> = b == 0xE0 ? 0xA0...0xBF : b == 0xED ? 0x80...0x9F : 0x80...0xBF
        return continues(i + 1, second) && continues(i + 2) ? 3 : nil
    case 0xF0...0xF4:
        let second: ClosedRange<UInt8> = b == 0xF0 ? 0x90...0xBF : b == 0xF4 ? 0x80...0x8F : 0x80...0xBF
        return continues(i + 1, second) && continues(i + 2) && continues(i + 3) ? 4 : nil
    default:
        return nil
    }
}

/// The high bit of each of the word's eight bytes that equals `byte`, and no other bit. Exact
/// byte by byte (no carry runs from one byte into the next), so a set bit's place names its
/// byte: the word-at-a-time searches (field codes, double-quoted runs, quotes' spaces) share it.
@inline(__always)
func bytesEqual(to byte: UInt8, in word: UInt64) -> UInt64 {
    let low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    let x = word ^ (UInt64(byte) &* 0x0101_0101_0101_0101)
    return ~(((x & low) &+ low) | x | low)
}

/// A whole file's bytes through ``InputFile`` (a regular file, of at most its limit); `nil`
/// when it cannot be read.
func readFileBytes(atPath path: String) -> [UInt8]? {
    try? InputFile.read(path)
}

/// A whole file's bytes in `bytes` (its memory used again when large enough), through
/// ``InputFile``; why it could not be read, or `nil`.
package func readFileBytes(atPath path: String, into bytes: inout [UInt8]) -> FileError? {
    do {
        try InputFile.read(path, into: &bytes)
        return nil
    } catch {
        return error
    }
}

extension FileError {
    /// What a corpus message says of it, beside the file's name: the problem and what was expected.
    package var corpusProblem: (problem: String, expected: String) {
        switch reason {
        case .missing: ("no such file", "a readable file")
        case .notARegularFile(let kind): ("it is \(kind), not a regular file", "a regular file")
        case .tooLarge(let limit): ("it holds more than \(FileError.size(limit))", "a file of at most \(FileError.size(limit))")
        case .system(let errno): ("cannot read the file: \(errno.description)", "a readable file")
        }
    }
}

/// Asks the kernel to start reading the files into its cache, and returns without waiting: the
/// reads that follow, one file at a time, then find the pages there or on their way. A file
/// that cannot be opened is left to the read to report; a FIFO is opened without waiting for
/// a writer.
func adviseWillRead(paths: [String]) {
    for path in paths {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { continue }
        _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_WILLNEED)
        close(descriptor)
    }
}

/// The offset of the first NUL byte, found with memchr.
package func firstNUL(_ bytes: [UInt8]) -> Int? {
    bytes.withUnsafeBytes { buffer in
        guard let base = buffer.baseAddress, let hit = memchr(base, 0, buffer.count) else { return nil }
        return base.distance(to: UnsafeRawPointer(hit))
    }
}

/// The offset of the first byte that is not valid UTF-8 (the last one's, ending in a scalar).
package func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int {
    var parser = Unicode.UTF8.ForwardParser()
    var iterator = bytes.makeIterator()
    var offset = 0
    while true {
        switch parser.parseScalar(from: &iterator) {
        case .valid(let encoded): offset += encoded.count
        case .error: return offset
        case .emptyInput: return max(0, bytes.count - 1)
        }
    }
}

extension YAMLNode {
    /// A YAML file's tree, read as a corpus file is: a regular file of UTF-8 text (no NUL, at
    /// most ``InputFile``'s limit), parsed with anchors refused and nesting bounded. Every
    /// problem goes to `diagnostics` with the file (as `file` shows it) and the line; `nil` then.
    package static func read(atPath path: String, shownAs file: String? = nil, into diagnostics: Diagnostics) -> YAMLNode? {
        guard let bytes = readText(atPath: path, shownAs: file ?? path, into: diagnostics) else { return nil }
        return parseYAML(bytes, file: file ?? path, into: diagnostics)
    }
}

/// Parses YAML into a node tree with line numbers, reporting a syntax error where it is.
package func parseYAML(_ bytes: [UInt8], file: String, streaming key: String? = nil, into diagnostics: Diagnostics,
               onItem: (YAMLNode) -> Void = { _ in }) -> YAMLNode? {
    do {
        guard let node = try YAMLNode.parse(bytes, streaming: key, onItem: onItem) else {
            diagnostics.add(file: file, line: nil, field: nil, problem: "the file holds no YAML document", expected: "a YAML mapping")
            return nil
        }
        return node
    } catch {
        diagnostics.add(file: file, line: error.line, field: nil, problem: "YAML syntax error: \(error.problem)", expected: "valid YAML")
        return nil
    }
}

package func describe(_ node: YAMLNode, quoting: Bool = true) -> String {
    switch node {
    case .scalar(let text, _): quoting ? quoted(text, limit: 80) : "a text"
    case .mapping: "a mapping"
    case .sequence: "a list"
    }
}

/// Whether the text is empty or only white space. Text that starts with a printable ASCII
/// character is not, found without looking up a scalar's properties.
private func isBlank(_ text: String) -> Bool {
    if let first = text.utf8.first, first > 0x20, first < 0x7F { return false }
    return text.unicodeScalars.allSatisfy(\.properties.isWhitespace)
}

/// The names a mapping's fields may have, each with its ``Fields/nameCode(_:)``, worked out
/// once: a name is then looked for among those of the same code only.
package struct FieldNames: ExpressibleByArrayLiteral {
    let names: [String]
    private let codes: [UInt8]

    init(_ names: [String]) {
        self.names = names
        codes = names.map(Fields.nameCode)
    }

    package init(arrayLiteral names: String...) { self.init(names) }

    /// Whether `name`, whose code is `code`, is one of the names.
    func contains(_ name: String, code: UInt8) -> Bool {
        for i in codes.indices where codes[i] == code && names[i] == name { return true }
        return false
    }

    /// The names as a message lists them.
    var listed: String { names.joined(separator: ", ") }
}

/// The fields of one YAML mapping, read with their line numbers. Every problem goes to the
/// diagnostics, with the file, line and the field's path.
package struct Fields {
    let file: String
    let path: String
    package let line: Int?
    /// The mapping's entries in file order, kept as they are (copying each field into an
    /// array of its own retained every value and allocated for every mapping read): a
    /// mapping has a dozen at most, and a linear search beats hashing them.
    private let mapping: [(key: YAMLNode, value: YAMLNode)]
    /// The entries whose key is not an allowed name, by index: nearly always none. A
    /// repeated key needs no entry, as a lookup stops at the first.
    private let unknown: [Int]
    /// A bit of every key's code (its low six bits): most names looked up are of fields the
    /// mapping does not have (an event has a third of the fields it may), and are then
    /// answered without comparing a name.
    private let nameBits: UInt64
    /// The ``nameCode(_:)`` of the first 16 keys, a byte each (0 for a key that is not text):
    /// a lookup compares a name only with the keys of the same code, nearly always the one it
    /// is looking for, rather than with each key in turn.
    private let codes: (UInt64, UInt64)
    let diagnostics: Diagnostics

    /// `nil` (with an issue) when `node` is not a mapping. Unknown and repeated keys are reported.
    package init?(_ node: YAMLNode, file: String, path: String, allowed: FieldNames, diagnostics: Diagnostics) {
        self.file = file
        self.path = path
        self.line = node.line
        self.diagnostics = diagnostics
        guard case .mapping(let mapping, _) = node else {
            // A whole document that is not a mapping is not quoted: it may be any file a link
            // points to (/etc/passwd), not a corpus file someone mistyped.
            diagnostics.add(file: file, line: node.line, field: path.isEmpty ? nil : path,
                            problem: path.isEmpty ? "the file holds \(describe(node, quoting: false))" : "found \(describe(node))",
                            expected: "a mapping of fields (\(allowed.listed))")
            return nil
        }
        var unknown: [Int] = []
        var nameBits: UInt64 = 0
        var codes: (UInt64, UInt64) = (0, 0)
        for i in mapping.indices {
            let key = mapping[i].key
            guard case .scalar(let name, _) = key else {
                diagnostics.add(file: file, line: key.line, field: path.isEmpty ? nil : path,
                                problem: "a key is \(describe(key))", expected: "field names")
                continue
            }
            let code = Self.nameCode(name)
            Self.setCode(code, at: i, in: &codes)
            let bit: UInt64 = 1 << (code & 63)
            // The field's path is spelled out only for a message.
            var fieldPath: String { path.isEmpty ? name : "\(path).\(name)" }
            if !allowed.contains(name, code: code) {
                let shown = quoted(name, mark: "")
                diagnostics.add(file: file, line: key.line, field: path.isEmpty ? shown : "\(path).\(shown)", problem: "unknown field \(quoted(name))",
                                expected: "one of \(allowed.listed)")
                unknown.append(i)
            } else if nameBits & bit != 0, Self.first(name, code: code, in: mapping, codes: codes, before: i) != nil {
                diagnostics.add(file: file, line: key.line, field: fieldPath, problem: "the field is given twice",
                                expected: "each field once")
            }
            nameBits |= bit
        }
        self.mapping = mapping
        self.unknown = unknown
        self.nameBits = nameBits
        self.codes = codes
    }

    /// A byte from a name's length and first byte, never 0: different codes, different names
    /// (the same code may still be two names).
    @inline(__always)
    static func nameCode(_ name: String) -> UInt8 {
        let utf8 = name.utf8
        let code = UInt8(truncatingIfNeeded: utf8.count &* 31 &+ Int(utf8.first ?? 0))
        return code == 0 ? 1 : code
    }

    /// Keeps the code of the key at `i` in its byte of `codes`, for the first 16 keys.
    @inline(__always)
    private static func setCode(_ code: UInt8, at i: Int, in codes: inout (UInt64, UInt64)) {
        switch i {
        case 0..<8: codes.0 |= UInt64(code) << (8 * i)
        case 8..<16: codes.1 |= UInt64(code) << (8 * (i - 8))
        default: break
        }
    }

    /// The index of the first entry before `end` whose key is the text `name`, of code `code`:
    /// only keys of that code are compared (and all past the 16th).
    private static func first(_ name: String, code: UInt8, in mapping: [(key: YAMLNode, value: YAMLNode)],
                              codes: (UInt64, UInt64), before end: Int) -> Int? {
        func isName(_ i: Int) -> Bool {
            if case .scalar(let other, _) = mapping[i].key { other == name } else { false }
        }
        // The keys of code `code` among the eight whose codes `word` holds, from `base`: the high
        // bit of each byte equal to `code` is set, a word at a time.
        func first(in word: UInt64, from base: Int) -> Int? {
            guard base < end else { return nil }
            var equal = bytesEqual(to: code, in: word)
            if end - base < 8 { equal &= (1 << (8 * (end - base))) &- 1 }
            while equal != 0 {
                let i = base + equal.trailingZeroBitCount / 8
                if isName(i) { return i }
                equal &= equal &- 1
            }
            return nil
        }
        if let i = first(in: codes.0, from: 0) ?? first(in: codes.1, from: 8) { return i }
        for i in 16..<max(16, end) where isName(i) { return i }
        return nil
    }

    private subscript(key: String) -> YAMLNode? {
        // The first entry named `key` is the field, unless the name is not allowed (then none
        // of its entries is: a name's first entry is never left out as repeated).
        let code = Self.nameCode(key)
        guard nameBits & (1 << (code & 63)) != 0,
              let i = Self.first(key, code: code, in: mapping, codes: codes, before: mapping.count), !unknown.contains(i) else { return nil }
        return mapping[i].value
    }

    package func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    package func has(_ key: String) -> Bool { self[key] != nil }

    package func node(_ key: String) -> YAMLNode? { self[key] }

    package func line(_ key: String) -> Int? { self[key]?.line ?? line }

    package func report(_ key: String, _ problem: String, expected: String? = nil, line: Int? = nil) {
        diagnostics.add(file: file, line: line ?? self.line(key), field: fieldPath(key), problem: problem, expected: expected)
    }

    /// A text field, in Unicode NFC. A missing required field, a non-text value or empty text is reported.
    package func string(_ key: String, required: Bool = false, expected: @autoclosure () -> String = "text") -> String? {
        guard let node = self[key] else {
            if required { report(key, "missing", expected: expected(), line: line) }
            return nil
        }
        guard case .scalar(let raw, _) = node else {
            report(key, "found \(describe(node))", expected: expected())
            return nil
        }
        let text = nfc(raw)
        if isBlank(text) {
            report(key, "empty", expected: expected())
            return nil
        }
        return text
    }

    /// A day field (`2025-03-14`): `nil` when absent or not a day, a wrong one reported with
    /// what is wrong with it (`wrong`, what is expected then; `expected` by default).
    package func day(_ key: String, required: Bool = false, expected: String, wrong: String? = nil) -> Day? {
        guard let text = string(key, required: required, expected: expected) else { return nil }
        guard let day = Day(iso: text) else {
            report(key, problemWithDay(text), expected: wrong ?? expected)
            return nil
        }
        return day
    }

    /// A list of texts (a single text is taken as a list of one).
    package func strings(_ key: String, expected: @autoclosure () -> String = "a list of texts") -> [String]? {
        guard let node = self[key] else { return nil }
        switch node {
        case .scalar(let text, _) where !text.isEmpty:
            return [nfc(text)]
        case .sequence(let sequence, _):
            var result: [String] = []
            for (i, item) in sequence.enumerated() {
                guard case .scalar(let text, _) = item, !text.isEmpty else {
                    diagnostics.add(file: file, line: item.line, field: "\(fieldPath(key))[\(i)]",
                                    problem: "found \(describe(item))", expected: expected())
                    continue
                }
                result.append(nfc(text))
            }
            return result
        default:
            report(key, "found \(describe(node))", expected: expected())
            return nil
        }
    }

    /// `true` or `false`.
    func bool(_ key: String) -> Bool? {
        guard let node = self[key] else { return nil }
        if case .scalar(let text, _) = node {
            switch text {
            case "true", "yes": return true
            case "false", "no": return false
            default: break
            }
        }
        report(key, "found \(describe(node))", expected: "true or false")
        return nil
    }

    /// A list of mappings, each read with `body`.
    func list<T>(_ key: String, _ body: (YAMLNode, String) -> T?) -> [T]? {
        guard let node = self[key] else { return nil }
        guard case .sequence(let sequence, _) = node else {
            report(key, "found \(describe(node))", expected: "a list")
            return nil
        }
        return sequence.enumerated().compactMap { i, item in body(item, "\(fieldPath(key))[\(i)]") }
    }

    /// A mapping from text to text, e.g. `names: {en: …, fr: …}`.
    func dictionary(_ key: String) -> [String: String]? {
        guard let node = self[key] else { return nil }
        guard case .mapping(let mapping, _) = node else {
            report(key, "found \(describe(node))", expected: "a mapping of language codes to text")
            return nil
        }
        var result: [String: String] = [:]
        for (k, v) in mapping {
            guard case .scalar(let language, _) = k, case .scalar(let text, _) = v else {
                report(key, "an entry is not text", expected: "language code: text")
                continue
            }
            result[language] = nfc(text)
        }
        return result
    }
}
