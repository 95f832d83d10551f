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
    var lists: UInt64 = .max

    init(text: String, folded: String, lower: String, kind: Kind, range: Range<String.Index>) {
        self.text = text
        self.folded = folded
        self.lower = lower
        self.kind = kind
        self.range = range
        hasDiacritics = folded != lower
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
        var result: [Token] = []
        var index = bounds.lowerBound
        let utf8 = text.utf8
        while index < bounds.upperBound {
            // A word of ASCII letters and digits followed by ASCII (or nothing): its characters
            // are its bytes, and nothing after it can join it.
            let byte = utf8[index]
            if isASCIILetterOrDigit(byte) {
                var end = utf8.index(after: index)
                while end < bounds.upperBound, isASCIILetterOrDigit(utf8[end]) { end = utf8.index(after: end) }
                if end == bounds.upperBound || utf8[end] < 0x80 {
                    let word = String(text[index..<end])
                    let lower = word.lowercased()
                    result.append(Token(text: word, folded: lower, lower: lower, kind: byte <= 0x39 ? .number : .word, range: index..<end))
                    index = end
                    continue
                }
            } else if byte < 0x80, byte != 0x0D {
                // An ASCII space or mark followed by ASCII (or nothing): a character of its own.
                let after = utf8.index(after: index)
                if after == bounds.upperBound || utf8[after] < 0x80 {
                    if byte != 0x20, byte < 0x09 || byte > 0x0D {
                        let mark = String(Unicode.Scalar(byte))
                        let folded = byte == 0x60 ? "'" : mark
                        result.append(Token(text: mark, folded: folded, lower: folded, kind: .punctuation, range: index..<after))
                    }
                    index = after
                    continue
                }
            }
            let character = text[index]
            if isLetterOrNumber(character) {
                var end = text.index(after: index)
                while end < bounds.upperBound, isLetterOrNumber(text[end]) || text[end] == "\u{0301}" {
                    end = text.index(after: end)
                }
                let word = String(text[index..<end])
                let kind: Token.Kind = isNumber(character) ? .number : .word
                let lower = word.lowercased()
                result.append(Token(text: word, folded: folds.fold(word, lower: lower), lower: lower, kind: kind, range: index..<end))
                index = end
            } else if isWhitespace(character) {
                index = text.index(after: index)
            } else {
                let end = text.index(after: index)
                let mark = String(character)
                let folded = foldPunctuation(mark)
                result.append(Token(text: mark, folded: folded, lower: folded, kind: .punctuation, range: index..<end))
                index = end
            }
        }
        return result
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

/// `Tokenizer.fold` of the words of one text, each worked out once: a word of ASCII letters
/// and digits folds to its lowercase, and others (accented ones) are asked of Foundation the
/// first time only.
struct FoldCache {
    private var folded: [String: String] = [:]

    /// `Tokenizer.fold(word)`, given `word.lowercased()`.
    mutating func fold(_ word: String, lower: String) -> String {
        if word.utf8.allSatisfy({ $0 < 0x80 }) { return lower }
        if let known = folded[word] { return known }
        let result = Tokenizer.fold(word)
        folded[word] = result
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
    var isJoiner: Bool { kind == .punctuation && (folded == "'" || folded == "-") }
}
