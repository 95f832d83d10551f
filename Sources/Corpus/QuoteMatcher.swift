import Foundation
import Negotiation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds an event's quote in its article, after typographic normalisation only: Unicode NFC,
/// U+00A0 and U+202F as a space, ’ as ', and runs of white space as one space. Case, other
/// punctuation and words must match exactly.
public struct QuoteMatcher: Sendable {
    private let text: [UInt8]

    /// Prepares an article's text (normalised once, searched many times).
    public init(article: String) {
        text = Self.normalizedBytes(article)
    }

    /// Whether the normalised quote occurs in the normalised article. An empty quote never does.
    public func contains(_ quote: String) -> Bool {
        Self.withNormalForm(of: quote) { normal, _ in contains(normal: normal) }
    }

    /// Where the quote's normal form first occurs in the normalised article, as byte offsets
    /// into it; `nil` when it does not. For comparing where two quotes lie, not for speed.
    public func span(of quote: String) -> Range<Int>? {
        let needle = Self.normalizedBytes(quote)
        guard !needle.isEmpty else { return nil }
        return text.firstRange(of: needle)
    }

    /// Whether a quote's normal form occurs in the normalised article.
    func contains(normal: UnsafeRawBufferPointer) -> Bool {
        guard !normal.isEmpty, normal.count <= text.count else { return false }
        return text.withUnsafeBytes { Self.occurs(normal, in: $0) }
    }

    /// Calls `body` with the quote's normal form, and whether that form is the quote's own bytes.
    static func withNormalForm<Result>(of quote: String, _ body: (UnsafeRawBufferPointer, Bool) -> Result) -> Result {
        var quote = quote
        var source = nfc(quote)
        return quote.withUTF8 { original in
            // Whether the normal form is the quote's own bytes.
            func isOriginal(_ normal: UnsafeRawBufferPointer) -> Bool {
                guard normal.count == original.count else { return false }
                guard let a = normal.baseAddress, let b = original.baseAddress else { return true }
                return memcmp(a, b, normal.count) == 0
            }
            return source.withUTF8 { utf8 in
                // Nearly every quote is its own normal form: then it is handed over as it is.
                if isOwnNormalForm(utf8) {
                    let normal = UnsafeRawBufferPointer(utf8)
                    return body(normal, isOriginal(normal))
                }
                // Else its normal form is written to scratch space (it is never longer than the
                // quote), not to an array allocated for each event.
                return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(utf8.count, 1)) { scratch in
                    let count = normalize(utf8: utf8, into: scratch)
                    let normal = UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: scratch[..<count]))
                    return body(normal, isOriginal(normal))
                }
            }
        }
    }

    /// Whether ``normalize(utf8:into:)`` leaves the bytes as they are, found eight bytes at a
    /// time: no byte below 0x20, none that may start a white space or ’ (0xC2, 0xE0 to 0xE3:
    /// 0xE0 too, for a shorter test), and no space first, last or beside another. `false` also
    /// for some text that is its own normal form (a control character, say); never `true` for
    /// text that is not.
    package static func isOwnNormalForm(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress, let first = bytes.first, let last = bytes.last else { return true }
        guard first != 0x20, last != 0x20 else { return false }
        let raw = UnsafeRawPointer(base)
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        var refused: UInt64 = 0
        // Whether the byte before the current word is a space.
        var spaceBefore: UInt64 = 0
        var i = 0
        while i + 8 <= bytes.count {
            let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            // Below 0x20 (exact for whether any is); 0xE0 to 0xE3 (below 4 once 0xE0 is taken
            // off, the same test); 0xC2.
            let lead = word ^ (ones &* 0xE0)
            refused |= ((word &- ones &* 0x20) & ~word) | ((lead &- ones &* 4) & ~lead) | bytesEqual(to: 0xC2, in: word)
            // The spaces, each marked by its byte's high bit, then two side by side.
            let spaces = bytesEqual(to: 0x20, in: word)
            refused |= spaces & (spaces << 8 | spaceBefore >> 56)
            spaceBefore = spaces & (0x80 << 56)
            i += 8
        }
        guard refused & high == 0 else { return false }
        var previous: UInt8 = spaceBefore != 0 ? 0x20 : 0
        while i < bytes.count {
            let b = bytes[i]
            if b < 0x20 || b == 0xC2 || (0xE0...0xE3).contains(b) || (b == 0x20 && previous == 0x20) { return false }
            previous = b
            i += 1
        }
        return true
    }

    /// Whether `quote`, its own normal form and beginning with an ASCII character, occurs in
    /// the article `text` as it is, followed by an ASCII character or nothing. It then occurs
    /// in the article's normal form too: an ASCII character neither composes with nor is
    /// reordered around what stands beside it, so normalising the article leaves these bytes
    /// as they are (they are NFC and normal already), and changes only what lies outside them.
    /// `false` only means it was not found this way, or not within a linear budget of
    /// comparisons.
    static func occursVerbatim(_ quote: UnsafeRawBufferPointer, in text: UnsafeRawBufferPointer) -> Bool {
        guard let lead = quote.first, lead < 0x80 else { return false }
        if case .found = search(quote, in: text, accepting: { end in end == text.count || text[end] < 0x80 }) { return true }
        return false
    }

    /// Byte search with memchr and memcmp: a generic `firstRange(of:)` spent most of an ingest.
    ///
    /// Comparing at every hit is quadratic on repetitive text (a quote of "aaa…ab" in an
    /// article of "aaaa…"): past a budget of compared bytes proportional to the article, the
    /// rest is searched in linear time.
    package static func occurs(_ needle: UnsafeRawBufferPointer, in haystack: UnsafeRawBufferPointer) -> Bool {
        switch search(needle, in: haystack, accepting: { _ in true }) {
        case .found: true
        case .absent: false
        case .unfinished(let offset): occursInLinearTime(needle, in: UnsafeRawBufferPointer(rebasing: haystack[offset...]))
        }
    }

    /// How a budgeted search ended: it found an occurrence it accepts, there is none, or it
    /// spent its budget with the haystack from the offset given on still to search.
    private enum Search {
        case found
        case absent
        case unfinished(from: Int)
    }

    /// The search ``occurs(_:in:)`` and ``occursVerbatim(_:in:)`` share: each occurrence is
    /// offered to `accept` with the offset where it ends, until one is accepted or the budget is
    /// spent.
    private static func search(_ needle: UnsafeRawBufferPointer, in haystack: UnsafeRawBufferPointer,
                               accepting accept: (_ end: Int) -> Bool) -> Search {
        guard let n = needle.baseAddress, let h = haystack.baseAddress, !needle.isEmpty, needle.count <= haystack.count else { return .absent }
        let first = Int32(needle[0])
        var offset = 0
        let lastStart = haystack.count - needle.count
        var budget = 4 * haystack.count + 4_096
        while offset <= lastStart {
            guard let hit = memchr(h + offset, first, lastStart - offset + 1) else { return .absent }
            let start = h.distance(to: UnsafeRawPointer(hit))
            if memcmp(hit, n, needle.count) == 0, accept(start + needle.count) { return .found }
            offset = start + 1
            budget -= needle.count
            if budget < 0 { return .unfinished(from: offset) }
        }
        return .absent
    }

    /// Knuth–Morris–Pratt: each byte of the haystack is looked at a bounded number of times.
    package static func occursInLinearTime(_ needle: UnsafeRawBufferPointer, in haystack: UnsafeRawBufferPointer) -> Bool {
        guard !needle.isEmpty, needle.count <= haystack.count else { return false }
        // The length of the longest proper prefix of needle[...i] that is also its suffix.
        var border = [Int](repeating: 0, count: needle.count)
        var k = 0
        for i in 1..<needle.count {
            while k > 0, needle[i] != needle[k] { k = border[k - 1] }
            if needle[i] == needle[k] { k += 1 }
            border[i] = k
        }
        var matched = 0
        for byte in haystack {
            while matched > 0, byte != needle[matched] { matched = border[matched - 1] }
            if byte == needle[matched] { matched += 1 }
            if matched == needle.count { return true }
        }
        return false
    }

    /// Neither ASCII white space nor a lead byte of U+0085, U+00A0, U+1680 or U+2000–U+3000.
    @inline(__always)
    private static func isPlain(_ b: UInt8) -> Bool {
        b > 0x20 ? !(b == 0xC2 || (0xE1...0xE3).contains(b)) : !(b == 0x20 || (0x09...0x0D).contains(b))
    }

    /// What each byte is to the normal form: 0 a byte copied as it is, 1 ASCII white space, 2 the
    /// lead byte of a scalar that may be white space or ’ (``isPlain(_:)`` is false for 1 and 2).
    private static let byteClasses: [UInt8] = (0...255).map { b in
        isPlain(UInt8(b)) ? 0 : (b == 0x20 || (0x09...0x0D).contains(b)) ? 1 : 2
    }

    /// The normal form both sides are compared in.
    public static func normalize(_ text: String) -> String {
        String(decoding: normalizedBytes(text), as: UTF8.self)
    }

    /// The normal form as UTF-8, built byte by byte: a scalar-by-scalar `String` spent a fifth
    /// of an ingest. White space is ASCII white space, U+0085, U+00A0, U+1680, U+2000–U+200A,
    /// U+2028, U+2029, U+202F, U+205F and U+3000 (Unicode's White_Space set).
    static func normalizedBytes(_ text: String) -> [UInt8] {
        var source = nfc(text)
        return source.withUTF8 { utf8 in
            [UInt8](unsafeUninitializedCapacity: utf8.count) { out, written in
                written = normalize(utf8: utf8, into: out)
            }
        }
    }

    /// Writes the normal form of NFC text's UTF-8 to `out`, which holds at least as many bytes
    /// as the text (the normal form is never longer: white space only shrinks, ’ becomes '),
    /// and returns how many it wrote.
    ///
    /// A space is written for the first white space after other text and none for the rest of
    /// the run, and a last one dropped at the end: the same as writing one space between runs
    /// of other text, but without a branch per word (text is mostly short words).
    private static func normalize(utf8 bytes: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        byteClasses.withUnsafeBufferPointer { classes in
            guard let input = bytes.baseAddress, let output = out.baseAddress, out.count >= bytes.count else { return 0 }
            let count = bytes.count
            // Bytes written; never more than those read (`i`), so the capacity suffices.
            var n = 0
            // Whether white space now writes nothing: at the start, and after a space written.
            var afterSpace = true
            var i = 0
            while i < count {
                let b = input[i]
                let kind = classes[Int(b)]
                if kind < 2 {
                    // Copied, or one space for a run of white space: no branch on which.
                    let isSpace = kind == 1
                    output[n] = isSpace ? 0x20 : b
                    n &+= isSpace && afterSpace ? 0 : 1
                    afterSpace = isSpace
                    i &+= 1
                    continue
                }
                var length = 1
                var isSpace = false
                var apostrophe = false
                switch b {
                case 0xC2 where i + 1 < count && (input[i + 1] == 0x85 || input[i + 1] == 0xA0):
                    isSpace = true
                    length = 2
                case 0xE1 where i + 2 < count && input[i + 1] == 0x9A && input[i + 2] == 0x80:
                    isSpace = true
                    length = 3
                case 0xE2 where i + 2 < count && input[i + 1] == 0x80:
                    let c = input[i + 2]
                    isSpace = (0x80...0x8A).contains(c) || c == 0xA8 || c == 0xA9 || c == 0xAF
                    apostrophe = c == 0x99
                    length = 3
                case 0xE2 where i + 2 < count && input[i + 1] == 0x81 && input[i + 2] == 0x9F:
                    isSpace = true
                    length = 3
                case 0xE3 where i + 2 < count && input[i + 1] == 0x80 && input[i + 2] == 0x80:
                    isSpace = true
                    length = 3
                default:
                    break
                }
                if isSpace {
                    if !afterSpace {
                        output[n] = 0x20
                        n += 1
                    }
                    afterSpace = true
                } else {
                    afterSpace = false
                    if apostrophe {
                        output[n] = UInt8(ascii: "'")
                        n += 1
                    } else if length == 3 {
                        // An E2 80 xx scalar that is neither space nor apostrophe: copy it.
                        (output + n).initialize(from: input + i, count: 3)
                        n += 3
                    } else {
                        output[n] = b
                        n += 1
                        length = 1
                    }
                }
                i += length
            }
            // A space written last ends the text: dropped.
            if afterSpace, n > 0 { n -= 1 }
            return n
        }
    }
}

/// An article's text as read, for checking quotes against it: the answers of a
/// ``QuoteMatcher``, without normalising the article while every quote is found in it as it is
/// (``QuoteMatcher/occursVerbatim(_:in:)``), as nearly every quote is: an article is normalised
/// (and made a `String`) only when a quote is not found in it as it is.
///
/// Owned by one thread: it normalises the article the first time a quote needs it.
final class QuoteSearch {
    private let bytes: [UInt8]
    private var normalized: QuoteMatcher?

    /// `bytes`: the article's text, valid UTF-8.
    init(article bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// ``QuoteMatcher/contains(_:)`` of the article.
    func contains(_ quote: String) -> Bool {
        QuoteMatcher.withNormalForm(of: quote) { normal, isTheQuote in
            if isTheQuote, bytes.withUnsafeBytes({ QuoteMatcher.occursVerbatim(normal, in: $0) }) { return true }
            let matcher = normalized ?? QuoteMatcher(article: String(decoding: bytes, as: UTF8.self))
            normalized = matcher
            return matcher.contains(normal: normal)
        }
    }
}
