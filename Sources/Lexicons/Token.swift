import Foundation

/// A word, number or punctuation mark of a sentence, with where it is in the sentence's text.
///
/// Matching ignores case, and ignores accents only when the text has none: « Etats-Unis »
/// matches the lexicon's « États-Unis », but « proposé » (a participle) does not match the
/// lexicon's « propose » (a verb).
public struct Token: Sendable, Hashable {
    /// What a token is.
    public enum Kind: Sendable, Hashable {
        case word
        /// Starts with a digit: `11`, `1er`, `2025`, `30th`.
        case number
        case punctuation
    }

    /// As written.
    public var text: String
    /// Lowercase, accents removed.
    public var folded: String
    /// Lowercase, accents kept.
    public var lower: String
    /// Word, number or punctuation.
    public var kind: Kind
    /// Where it is in the text it was read from.
    public var range: Range<String.Index>
    /// Whether the word has accents (or other marks that folding removes): `folded` is not
    /// `lower`. Worked out when the token is read, as matching asks it of every word.
    let hasDiacritics: Bool
    /// Which phrase lists of an extractor may have a phrase starting at this token, one bit
    /// each (``PhraseSet/bit``); a list whose bit is clear is not searched here. All bits are
    /// set until an extractor works them out for its article's language.
    package var lists: UInt64 = .max
    /// `lower` and `folded` as numbers in an extractor's vocabulary of lexicon words
    /// (``Token/notInVocabulary`` when the lexicon has no such word), so that comparing them
    /// with a phrase's words compares numbers; ``Token/unnumbered`` until an extractor numbers
    /// them, and the strings are compared.
    package var lowerID = Token.unnumbered
    package var foldedID = Token.unnumbered

    static let unnumbered: Int32 = -2
    package static let notInVocabulary: Int32 = -1

    /// `hasDiacritics` is `folded != lower`: a caller that knows it says so.
    init(text: String, folded: String, lower: String, kind: Kind, range: Range<String.Index>, hasDiacritics: Bool? = nil) {
        self.text = text
        self.folded = folded
        self.lower = lower
        self.kind = kind
        self.range = range
        self.hasDiacritics = hasDiacritics ?? (folded != lower)
    }

    /// Tokens are equal when read the same from the same place; what matching has worked out
    /// about them does not count.
    public static func == (a: Token, b: Token) -> Bool {
        a.text == b.text && a.folded == b.folded && a.lower == b.lower && a.kind == b.kind && a.range == b.range
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(text)
        hasher.combine(folded)
        hasher.combine(lower)
        hasher.combine(kind)
        hasher.combine(range)
    }

    /// A word or a number.
    public var isWord: Bool { kind != .punctuation }

    /// Whether the first letter is a capital (names, places, English month names).
    public var isCapitalized: Bool { text.first?.isUppercase ?? false }

    /// The leading digits of a number token (`1er` → 1, `30th` → 30).
    public var leadingNumber: Int? {
        guard kind == .number else { return nil }
        return Int(text.prefix { $0.isASCII && $0.isNumber })
    }
}

/// Cuts text into tokens.
///
/// Letters and digits make words; apostrophes (' and ’) and hyphens separate words but are kept
/// as punctuation, so « l’Ukraine » gives `l`, `’`, `ukraine` and « cessez-le-feu » gives
/// `cessez`, `-`, `le`, `-`, `feu`: a lexicon phrase is written with spaces or hyphens alike.
public enum Tokenizer {
    /// The tokens of `text`, white space dropped.
    public static func tokens(_ text: String) -> [Token] {
        var folds = FoldCache()
        return tokens(text, in: text.startIndex..<text.endIndex, folds: &folds)
    }

    /// The tokens of a part of `text`; ranges refer to `text`.
    public static func tokens(_ text: String, in bounds: Range<String.Index>) -> [Token] {
        var folds = FoldCache()
        return tokens(text, in: bounds, folds: &folds)
    }

    /// The tokens of a part of `text`, folding words through `folds`, which a caller keeps
    /// for a whole article.
    static func tokens(_ text: String, in bounds: Range<String.Index>, folds: inout FoldCache) -> [Token] {
        let utf8 = text.utf8
        let span = utf8.distance(from: utf8.startIndex, to: bounds.lowerBound)..<utf8.distance(from: utf8.startIndex, to: bounds.upperBound)
        return utf8.withContiguousStorageIfAvailable { tokens(text, $0, span, &folds) }
            ?? Array(utf8).withUnsafeBufferPointer { tokens(text, $0, span, &folds) }
    }

    /// The tokens of bytes `span` of `text`, whose UTF-8 bytes are `bytes`.
    ///
    /// What `UTF8Reading` shows to be characters of one scalar each (most words, spaces and
    /// marks of Latin-script text) is read from the bytes; anything else a character at a time.
    private static func tokens(_ text: String, _ bytes: UnsafeBufferPointer<UInt8>, _ span: Range<Int>, _ folds: inout FoldCache) -> [Token] {
        let utf8 = text.utf8
        func index(_ offset: Int) -> String.Index { utf8.index(utf8.startIndex, offsetBy: offset) }
        let reading = UTF8Reading(bytes: bytes, end: span.upperBound)
        var result: [Token] = []
        var i = span.lowerBound
        while i < span.upperBound {
            let byte = bytes[i]
            let first = reading.scalar(at: i)
            if isASCIILetterOrDigit(byte) || UTF8Reading.isLatinLetter(first.value) {
                // A word of ASCII letters and digits and Latin letters, if what follows it cannot
                // join its last letter.
                var end = i
                var ascii = true
                while end < span.upperBound {
                    if isASCIILetterOrDigit(bytes[end]) {
                        end += 1
                    } else if bytes[end] >= 0xC0, case let next = reading.scalar(at: end), UTF8Reading.isLatinLetter(next.value) {
                        end += next.length
                        ascii = false
                    } else {
                        break
                    }
                }
                if reading.breaks(before: end) {
                    let word = UnsafeBufferPointer(rebasing: bytes[i..<end])
                    let text = String(decoding: word, as: UTF8.self)
                    let kind: Token.Kind = byte >= 0x30 && byte <= 0x39 ? .number : .word
                    if ascii {
                        // Its lowercase, as `lowercased()` gives it: A to Z become a to z.
                        let lower = word.contains(where: isASCIIUppercase)
                            ? String(decoding: word.map { isASCIIUppercase($0) ? $0 | 0x20 : $0 }, as: UTF8.self) : text
                        result.append(Token(text: text, folded: lower, lower: lower, kind: kind, range: index(i)..<index(end), hasDiacritics: false))
                    } else {
                        let (lower, folded, hasDiacritics) = folds.forms(text)
                        result.append(Token(text: text, folded: folded, lower: lower, kind: kind, range: index(i)..<index(end),
                                            hasDiacritics: hasDiacritics))
                    }
                    i = end
                    continue
                }
            } else if byte != 0x0D, UTF8Reading.isKnownMark(first.value) || byte < 0x80, reading.breaks(before: i + first.length) {
                // A space or a mark of its own.
                if !UTF8Reading.isWhitespace(first.value) {
                    let mark: String
                    if byte < 0x80 {
                        mark = String(Unicode.Scalar(byte))
                    } else {
                        mark = String(decoding: UnsafeBufferPointer(rebasing: bytes[i..<(i + first.length)]), as: UTF8.self)
                    }
                    // `foldPunctuation`, for these marks.
                    let folded: String
                    switch first.value {
                    case 0x60, 0x2018, 0x2019: folded = "'"
                    case 0x201C, 0x201D, 0x201E: folded = "\""
                    default: folded = mark
                    }
                    result.append(Token(text: mark, folded: folded, lower: folded, kind: .punctuation, range: index(i)..<index(i + first.length),
                                        hasDiacritics: false))
                }
                i += first.length
                continue
            }
            let start = index(i)
            let upper = index(span.upperBound)
            let character = text[start]
            var next = text.index(after: start)
            if isLetterOrNumber(character) {
                while next < upper, isLetterOrNumber(text[next]) || text[next] == "\u{0301}" {
                    next = text.index(after: next)
                }
                let word = String(text[start..<next])
                let kind: Token.Kind = isNumber(character) ? .number : .word
                let (lower, folded, hasDiacritics) = folds.forms(word)
                result.append(Token(text: word, folded: folded, lower: lower, kind: kind, range: start..<next, hasDiacritics: hasDiacritics))
            } else if !isWhitespace(character) {
                let mark = String(character)
                let folded = foldPunctuation(mark)
                result.append(Token(text: mark, folded: folded, lower: folded, kind: .punctuation, range: start..<next, hasDiacritics: false))
            }
            i = utf8.distance(from: utf8.startIndex, to: next)
        }
        return result
    }

    /// An ASCII capital letter.
    @inline(__always) static func isASCIIUppercase(_ byte: UInt8) -> Bool {
        byte >= 0x41 && byte <= 0x5A
    }

    /// An ASCII letter or digit.
    @inline(__always) static func isASCIILetterOrDigit(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
    }

    /// `Character.isLetter || isNumber`, without the Unicode tables for ASCII.
    @inline(__always) static func isLetterOrNumber(_ c: Character) -> Bool {
        guard let a = c.asciiValue else { return c.isLetter || c.isNumber }
        return (a >= 0x30 && a <= 0x39) || (a | 0x20 >= 0x61 && a | 0x20 <= 0x7A)
    }

    /// `Character.isNumber`, without the Unicode tables for ASCII.
    @inline(__always) static func isNumber(_ c: Character) -> Bool {
        guard let a = c.asciiValue else { return c.isNumber }
        return a >= 0x30 && a <= 0x39
    }

    /// `Character.isWhitespace`, without the Unicode tables for ASCII (tab to carriage return,
    /// and space; a CR-LF pair is one character whose ASCII value is the line feed's).
    @inline(__always) static func isWhitespace(_ c: Character) -> Bool {
        guard let a = c.asciiValue else { return c.isWhitespace }
        return a == 0x20 || (a >= 0x09 && a <= 0x0D)
    }

    /// Lowercase, without diacritics; `œ` and `æ` are left as they are.
    public static func fold(_ word: String) -> String {
        word.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }

    /// Typographic variants of the same mark compare equal: ’ is ', a non-breaking hyphen is -.
    static func foldPunctuation(_ mark: String) -> String {
        switch mark {
        case "\u{2019}", "\u{2018}", "`": "'"
        case "\u{2010}", "\u{2011}": "-"
        case "\u{201C}", "\u{201D}", "\u{201E}": "\""
        default: mark
        }
    }
}

/// Reading UTF-8 bytes a character at a time without Unicode's tables, where that is safe.
///
/// A character (a grapheme cluster) can end before a scalar only if that scalar cannot join
/// what comes before it. ASCII never joins (but a line feed after a carriage return), nor do
/// the Latin letters U+00C0 to U+024F, nor the spaces and marks of `isKnownMark`; anything
/// else (a combining accent, another script) is left to `Character`. So a scalar of these
/// followed by one of these, or by nothing, is a character by itself.
struct UTF8Reading {
    let bytes: UnsafeBufferPointer<UInt8>
    /// The end of the text read (a byte offset).
    let end: Int

    /// The scalar starting at byte `i` (a scalar boundary before `end`), and its length.
    @inline(__always) func scalar(at i: Int) -> (value: UInt32, length: Int) {
        let lead = bytes[i]
        if lead < 0x80 { return (UInt32(lead), 1) }
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
        var value = UInt32(lead & (0x7F >> length))
        for k in 1..<length where i + k < end { value = value << 6 | UInt32(bytes[i + k] & 0x3F) }
        return (value, length)
    }

    /// Whether a character surely ends before byte `i`: at the end, or before a scalar that
    /// joins nothing before it (see the type's notes). A line feed after a carriage return is
    /// not asked about: callers read a carriage return a character at a time.
    @inline(__always) func breaks(before i: Int) -> Bool {
        guard i < end else { return true }
        if bytes[i] < 0x80 { return true }
        let value = scalar(at: i).value
        return (0xC0...0x24F).contains(value) || Self.isKnownMark(value)
    }

    /// A Latin letter of U+00C0 to U+024F (× and ÷ are not): a letter, and not a number.
    @inline(__always) static func isLatinLetter(_ value: UInt32) -> Bool {
        (0xC0...0x24F).contains(value) && value != 0xD7 && value != 0xF7
    }

    /// Spaces and marks of Latin-script text, none a letter or a number: no-break spaces
    /// (U+00A0, U+202F, which are white space), « », dashes, curly quotes and the ellipsis.
    @inline(__always) static func isKnownMark(_ value: UInt32) -> Bool {
        switch value {
        case 0xA0, 0xAB, 0xBB, 0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x201E, 0x2026, 0x202F: true
        default: false
        }
    }

    /// Whether an ASCII character or a known mark is white space (`Character.isWhitespace`).
    @inline(__always) static func isWhitespace(_ value: UInt32) -> Bool {
        value == 0x20 || (0x09...0x0D).contains(value) || value == 0xA0 || value == 0x202F
    }
}

/// The lowercase and folded forms of the words of one text that are not plain ASCII, each
/// worked out once (`lowercased()` and `Tokenizer.fold`, the latter asked of Foundation).
struct FoldCache {
    private var forms: [String: (lower: String, folded: String, hasDiacritics: Bool)] = [:]

    /// `word.lowercased()`, `Tokenizer.fold(word)`, and whether they differ.
    mutating func forms(_ word: String) -> (lower: String, folded: String, hasDiacritics: Bool) {
        if let known = forms[word] { return known }
        let lower = word.lowercased()
        let folded = word.utf8.allSatisfy({ $0 < 0x80 }) ? lower : Tokenizer.fold(word)
        let result = (lower, folded, folded != lower)
        forms[word] = result
        return result
    }
}

extension Token {
    /// Whether the token is the lexicon word `word` (given lowercase and folded).
    func matches(lower word: String, folded: String) -> Bool {
        lower == word || (!hasDiacritics && self.folded == folded)
    }

    /// Whether the token begins with the lexicon prefix (given lowercase and folded).
    func begins(lower prefix: String, folded: String) -> Bool {
        lower.hasPrefix(prefix) || (!hasDiacritics && self.folded.hasPrefix(folded))
    }

    /// Apostrophes and hyphens join words rather than separate phrases: lexicon phrases
    /// ignore them.
    package var isJoiner: Bool { kind == .punctuation && (folded == "'" || folded == "-") }
}
