/// Writes and reads the canonical JSON of log records, fast: a module of its own, with no
/// knowledge of what the records hold (``Negotiation``'s encoding says that).
///
/// Foundation's coders cost more per event than an ingest's whole budget for one (see
/// docs/performance.md). The writer emits exactly the bytes
/// `JSONEncoder` does with `.sortedKeys` and `.withoutEscapingSlashes` (a test compares them on
/// generated records); the reader accepts any RFC 8259 JSON.
package struct JSONWriter {
    package private(set) var bytes: [UInt8] = []
    /// Whether each open container needs a comma before its next value, the innermost in the
    /// lowest bit: one word, not an array allocated for every record and checked for
    /// uniqueness at every value.
    private var needsComma: UInt64 = 0
    /// The containers open; those below the 64 innermost keep their bit in `outerNeedsComma`.
    private var depth = 0
    private var outerNeedsComma: [Bool] = []

    package init(capacity: Int = 512) { bytes.reserveCapacity(capacity) }

    package mutating func beginObject() {
        comma()
        bytes.append(UInt8(ascii: "{"))
        open()
    }

    package mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        close()
    }

    package mutating func beginArray() {
        comma()
        bytes.append(UInt8(ascii: "["))
        open()
    }

    package mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        close()
    }

    /// A container starts: its first value takes no comma.
    private mutating func open() {
        if depth >= 64 { outerNeedsComma.append(needsComma >> 63 == 1) }
        needsComma <<= 1
        depth += 1
    }

    /// The innermost container ends: the one around it is innermost again.
    private mutating func close() {
        guard depth > 0 else { return }
        depth -= 1
        needsComma >>= 1
        if depth >= 64, let outer = outerNeedsComma.popLast(), outer { needsComma |= 1 << 63 }
    }

    /// A key; the caller writes keys of an object in ascending byte order.
    package mutating func key(_ name: StaticString) {
        comma()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        // Two appends, not an array literal: that allocated an array per key.
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        needsComma &= ~1
    }

    /// A key that is not known statically (a language code).
    package mutating func key(_ name: String) {
        string(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma &= ~1
    }

    package mutating func string(_ text: String) {
        comma()
        bytes.append(UInt8(ascii: "\""))
        // Runs of bytes that need no escape are copied whole: byte by byte, strings took most
        // of a checkpoint's encoding.
        if text.utf8.withContiguousStorageIfAvailable({ escape($0) }) == nil {
            var native = text
            native.withUTF8 { escape($0) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func escape(_ utf8: UnsafeBufferPointer<UInt8>) {
        // Most text needs no escape: found by a loop without an early exit, which the compiler
        // vectorises, and then copied at once.
        var needsEscape: UInt8 = 0
        for byte in utf8 {
            needsEscape |= (byte < 0x20 ? 1 : 0) | (byte == UInt8(ascii: "\"") ? 1 : 0) | (byte == UInt8(ascii: "\\") ? 1 : 0)
        }
        if needsEscape == 0 {
            bytes.append(contentsOf: utf8)
            return
        }
        var start = 0
        for i in 0..<utf8.count {
            let byte = utf8[i]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<i]))
            start = i + 1
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            default:
                let digits = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                          digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
            }
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<utf8.count]))
    }

    package mutating func int(_ value: Int) {
        comma()
        bytes.append(contentsOf: String(value).utf8)
    }

    package mutating func bool(_ value: Bool) {
        comma()
        let text: StaticString = value ? "true" : "false"
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// A parsed value, written canonically: each object's keys in ascending byte order (the
    /// last of a key repeated), numbers as they were read.
    package mutating func value(_ value: JSONValue) {
        switch value {
        case .null:
            comma()
            bytes.append(contentsOf: "null".utf8)
        case .bool(let b): bool(b)
        case .number(let n):
            comma()
            bytes.append(contentsOf: n.utf8)
        case .string(let s): string(s)
        case .array(let items):
            beginArray()
            for item in items { self.value(item) }
            endArray()
        case .object(let object):
            var members: [String: JSONValue] = [:]
            for (key, member) in object { members[key] = member }
            beginObject()
            for key in members.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                self.key(key)
                if let member = members[key] { self.value(member) }
            }
            endObject()
        }
    }

    /// An object of text values, keys in ascending byte order.
    package mutating func stringMap(_ map: [String: String]) {
        beginObject()
        for key in map.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            self.key(key)
            string(map[key] ?? "")
        }
        endObject()
    }

    package mutating func strings(_ values: [String]) {
        beginArray()
        for value in values { string(value) }
        endArray()
    }

    /// The separator before a value or key, except the first of its container and right after a key.
    private mutating func comma() {
        guard depth > 0 else { return }
        if needsComma & 1 == 1 { bytes.append(UInt8(ascii: ",")) }
        needsComma |= 1
    }
}

/// `text` as a JSON string literal, quotes and escapes included, as the log's records write
/// strings.
package func jsonStringLiteral(_ text: String) -> String {
    var writer = JSONWriter()
    writer.string(text)
    return String(decoding: writer.bytes, as: UTF8.self)
}

/// A JSON object's members in document order. Records have a dozen keys or so: a linear scan
/// beats hashing them into a dictionary, which cost most of a checkpoint's decoding.
package struct JSONObject: Equatable, Sequence, ExpressibleByDictionaryLiteral {
    private(set) var members: [(key: String, value: JSONValue)] = []

    package init(dictionaryLiteral elements: (String, JSONValue)...) {
        members = elements.map { ($0.0, $0.1) }
    }

    package init() {}

    package mutating func append(_ key: String, _ value: JSONValue) { members.append((key, value)) }

    /// The value of the last member named `key`, as a dictionary would keep it.
    package subscript(key: String) -> JSONValue? {
        members.last { $0.key == key }?.value
    }

    package func makeIterator() -> IndexingIterator<[(key: String, value: JSONValue)]> { members.makeIterator() }

    package func compactMapValues<T>(_ transform: (JSONValue) -> T?) -> [String: T] {
        var result: [String: T] = [:]
        for (key, value) in members { result[key] = transform(value) }
        return result
    }

    package static func == (a: JSONObject, b: JSONObject) -> Bool {
        a.members.count == b.members.count && zip(a.members, b.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}

/// A parsed JSON value.
package enum JSONValue: Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    package var string: String? { if case .string(let s) = self { s } else { nil } }
    package var int: Int? { if case .number(let n) = self { Int(n) } else { nil } }
    package var bool: Bool? { if case .bool(let b) = self { b } else { nil } }
    package var array: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
    package var object: JSONObject? { if case .object(let o) = self { o } else { nil } }
}

/// A JSON document that could not be read, and where.
package struct JSONReadError: Error, CustomStringConvertible {
    package var offset: Int
    package var problem: String
    package var description: String { "\(problem) at byte \(offset)" }
}

/// A small recursive-descent reader of RFC 8259 JSON, bounded in depth.
package struct JSONReader {
    package static let maximumDepth = 64

    private let bytes: UnsafeRawBufferPointer
    private var position = 0

    /// Parses a whole document.
    package static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONReadError) -> JSONValue {
        var reader = JSONReader(bytes: bytes)
        reader.skipSpace()
        let value = try reader.value(depth: 0)
        reader.skipSpace()
        guard reader.position == bytes.count else { throw JSONReadError(offset: reader.position, problem: "trailing bytes") }
        return value
    }

    private init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// The values of the members `keys` of the object `bytes` holds (`nil` for one absent, the
    /// last for one repeated, as ``JSONObject`` keeps them), reading past the other members
    /// without building them: their strings are checked for syntax but not decoded as UTF-8.
    /// `nil` for each key when the document is not an object.
    package static func members(_ keys: [String], of bytes: UnsafeRawBufferPointer) throws(JSONReadError) -> [JSONValue?] {
        var reader = JSONReader(bytes: bytes)
        var found = [JSONValue?](repeating: nil, count: keys.count)
        reader.skipSpace()
        guard reader.current == UInt8(ascii: "{") else {
            _ = try parse(bytes)
            return found
        }
        let wanted = keys.map { Array($0.utf8) }
        reader.position += 1
        reader.skipSpace()
        var open = reader.current != UInt8(ascii: "}")
        if !open { reader.position += 1 }
        while open {
            reader.skipSpace()
            guard reader.current == UInt8(ascii: "\"") else { throw JSONReadError(offset: reader.position, problem: "expected a key") }
            let key = try reader.key(among: wanted)
            reader.skipSpace()
            guard reader.current == UInt8(ascii: ":") else { throw JSONReadError(offset: reader.position, problem: "expected ':'") }
            reader.position += 1
            reader.skipSpace()
            if let key { found[key] = try reader.value(depth: 1) } else { try reader.skipValue(depth: 1) }
            reader.skipSpace()
            switch reader.current {
            case UInt8(ascii: ","): break
            case UInt8(ascii: "}"): open = false
            default: throw JSONReadError(offset: reader.position, problem: "expected ',' or '}'")
            }
            reader.position += 1
        }
        reader.skipSpace()
        guard reader.position == bytes.count else { throw JSONReadError(offset: reader.position, problem: "trailing bytes") }
        return found
    }

    /// Reads a key, and says which of `wanted` it is; compares the bytes when it has no escape.
    private mutating func key(among wanted: [[UInt8]]) throws(JSONReadError) -> Int? {
        let start = position + 1
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\"), bytes[end] >= 0x20 { end += 1 }
        if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
            position = end + 1
            let raw = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
            return wanted.firstIndex { $0.elementsEqual(raw) }
        }
        let text = Array(try string().utf8)
        return wanted.firstIndex(of: text)
    }

    /// Reads past one value, checking its syntax, without building it.
    private mutating func skipValue(depth: Int) throws(JSONReadError) {
        guard depth < Self.maximumDepth else { throw JSONReadError(offset: position, problem: "nesting too deep") }
        guard let c = current else { throw JSONReadError(offset: position, problem: "unexpected end") }
        switch c {
        case UInt8(ascii: "\""):
            position += 1
            while let c = current, c != UInt8(ascii: "\"") {
                guard c >= 0x20 else { throw JSONReadError(offset: position, problem: "a control character in a string") }
                position += c == UInt8(ascii: "\\") ? 2 : 1
            }
            guard current != nil else { throw JSONReadError(offset: position, problem: "an unterminated string") }
            position += 1
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            // Rare in the records read this way: build it and drop it.
            _ = try value(depth: depth)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            while let c = current, c == UInt8(ascii: "-") || c == UInt8(ascii: "+") || c == UInt8(ascii: ".")
                || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) {
                position += 1
            }
        default:
            _ = try value(depth: depth)
        }
    }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipSpace() {
        while let c = current, c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { position += 1 }
    }

    private mutating func expect(_ literal: String, _ value: JSONValue) throws(JSONReadError) -> JSONValue {
        for byte in literal.utf8 {
            guard current == byte else { throw JSONReadError(offset: position, problem: "expected \(literal)") }
            position += 1
        }
        return value
    }

    private mutating func value(depth: Int) throws(JSONReadError) -> JSONValue {
        guard depth < Self.maximumDepth else { throw JSONReadError(offset: position, problem: "nesting too deep") }
        guard let c = current else { throw JSONReadError(offset: position, problem: "unexpected end") }
        switch c {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try expect("true", .bool(true))
        case UInt8(ascii: "f"): return try expect("false", .bool(false))
        case UInt8(ascii: "n"): return try expect("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number()
        default: throw JSONReadError(offset: position, problem: "unexpected byte 0x\(String(c, radix: 16))")
        }
    }

    private mutating func number() -> JSONValue {
        let start = position
        while let c = current, c == UInt8(ascii: "-") || c == UInt8(ascii: "+") || c == UInt8(ascii: ".")
            || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) {
            position += 1
        }
        return .number(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self))
    }

    private mutating func object(depth: Int) throws(JSONReadError) -> JSONValue {
        position += 1
        var result = JSONObject()
        skipSpace()
        if current == UInt8(ascii: "}") {
            position += 1
            return .object(result)
        }
        while true {
            skipSpace()
            guard current == UInt8(ascii: "\"") else { throw JSONReadError(offset: position, problem: "expected a key") }
            let key = try string()
            skipSpace()
            guard current == UInt8(ascii: ":") else { throw JSONReadError(offset: position, problem: "expected ':'") }
            position += 1
            skipSpace()
            result.append(key, try value(depth: depth + 1))
            skipSpace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"):
                position += 1
                return .object(result)
            default: throw JSONReadError(offset: position, problem: "expected ',' or '}'")
            }
        }
    }

    private mutating func array(depth: Int) throws(JSONReadError) -> JSONValue {
        position += 1
        var result: [JSONValue] = []
        skipSpace()
        if current == UInt8(ascii: "]") {
            position += 1
            return .array(result)
        }
        while true {
            skipSpace()
            result.append(try value(depth: depth + 1))
            skipSpace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"):
                position += 1
                return .array(result)
            default: throw JSONReadError(offset: position, problem: "expected ',' or ']'")
            }
        }
    }

    private mutating func string() throws(JSONReadError) -> String {
        position += 1
        let start = position
        // The common case: no escapes, one copy.
        while let c = current, c != UInt8(ascii: "\""), c != UInt8(ascii: "\\") {
            guard c >= 0x20 else { throw JSONReadError(offset: position, problem: "a control character in a string") }
            position += 1
        }
        if current == UInt8(ascii: "\"") {
            defer { position += 1 }
            return try validated(start..<position)
        }
        var out = [UInt8](UnsafeRawBufferPointer(rebasing: bytes[start..<position]))
        while let c = current {
            switch c {
            case UInt8(ascii: "\""):
                position += 1
                guard let text = String(validating: out, as: UTF8.self) else {
                    throw JSONReadError(offset: start, problem: "a string that is not UTF-8")
                }
                return text
            case UInt8(ascii: "\\"):
                position += 1
                try escape(into: &out)
            case 0x00..<0x20:
                throw JSONReadError(offset: position, problem: "a control character in a string")
            default:
                out.append(c)
                position += 1
            }
        }
        throw JSONReadError(offset: position, problem: "an unterminated string")
    }

    private func validated(_ range: Range<Int>) throws(JSONReadError) -> String {
        guard let text = String(validating: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self) else {
            throw JSONReadError(offset: range.lowerBound, problem: "a string that is not UTF-8")
        }
        return text
    }

    private mutating func escape(into out: inout [UInt8]) throws(JSONReadError) {
        guard let c = current else { throw JSONReadError(offset: position, problem: "an unterminated escape") }
        position += 1
        switch c {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(c)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if (0xD800..<0xDC00).contains(scalar) {
                guard current == UInt8(ascii: "\\") else { throw JSONReadError(offset: position, problem: "a lone surrogate") }
                position += 1
                guard current == UInt8(ascii: "u") else { throw JSONReadError(offset: position, problem: "a lone surrogate") }
                position += 1
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw JSONReadError(offset: position, problem: "a lone surrogate") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw JSONReadError(offset: position, problem: "an invalid \\u escape") }
            out.append(contentsOf: Array(String(Character(unicode)).utf8))
        default:
            throw JSONReadError(offset: position - 1, problem: "an unknown escape")
        }
    }

    private mutating func hex4() throws(JSONReadError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let c = current, let digit = c.hexDigitValue else {
                throw JSONReadError(offset: position, problem: "an invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }
}

extension UInt8 {
    fileprivate var hexDigitValue: UInt8? {
        switch self {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): self - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): self - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): self - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
