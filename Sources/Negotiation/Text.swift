// Small text helpers every module of the package shares.

/// A value as a message shows it: between `mark`s, cut after `limit` characters, with control
/// characters and line separators escaped, so that each problem stays one readable line
/// whatever the input (a value of megabytes, a quoted scalar with newlines).
package func quoted(_ value: some StringProtocol, limit: Int = 100, mark: String = "'") -> String {
    var shown = mark
    var count = 0
    for character in value {
        if count == limit {
            shown += "…"
            break
        }
        count += 1
        for scalar in character.unicodeScalars {
            switch scalar {
            case "\n": shown += "\\n"
            case "\r": shown += "\\r"
            case "\t": shown += "\\t"
            case _ where scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}":
                shown += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default: shown.unicodeScalars.append(scalar)
            }
        }
    }
    return shown + mark
}

/// Bytes as lowercase hexadecimal digits.
package func hexString(_ bytes: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(64)
    for byte in bytes {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
}

/// The bytes a string of hexadecimal digits spells; `nil` when it is not one.
package func bytes(fromHex text: String) -> [UInt8]? {
    let utf8 = text.utf8
    guard utf8.count % 2 == 0 else { return nil }
    func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
    var out: [UInt8] = []
    out.reserveCapacity(utf8.count / 2)
    var high: UInt8?
    for c in utf8 {
        guard let n = nibble(c) else { return nil }
        if let h = high {
            out.append(h << 4 | n)
            high = nil
        } else {
            high = n
        }
    }
    return out
}

/// The quote with up to `around` characters of its article on each side, cut at word
/// boundaries, the quote itself in [brackets]; `nil` when the article does not hold it verbatim.
public func quoteInContext(_ quote: String, in text: String, around: Int = 80) -> String? {
    guard !quote.isEmpty, let range = text.range(of: quote) else { return nil }
    var start = text.index(range.lowerBound, offsetBy: -around, limitedBy: text.startIndex) ?? text.startIndex
    var end = text.index(range.upperBound, offsetBy: around, limitedBy: text.endIndex) ?? text.endIndex
    if start > text.startIndex, let space = text[start..<range.lowerBound].firstIndex(where: \.isWhitespace) { start = text.index(after: space) }
    if end < text.endIndex, let space = text[range.upperBound..<end].lastIndex(where: \.isWhitespace) { end = space }
    let before = text[start..<range.lowerBound], after = text[range.upperBound..<end]
    let shown = (start > text.startIndex ? "…" : "") + before + "[" + quote + "]" + after + (end < text.endIndex ? "…" : "")
    return shown.split(whereSeparator: \.isWhitespace).joined(separator: " ")
}

/// The line (from 1) the byte at `offset` is on.
package func lineNumber(at offset: Int, in bytes: [UInt8]) -> Int {
    bytes[..<min(offset, bytes.count)].reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
}
