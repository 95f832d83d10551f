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
        tokens(text, in: text.startIndex..<text.endIndex)
    }

    /// The tokens of a part of `text`; ranges refer to `text`.
    public static func tokens(_ text: String, in bounds: Range<String.Index>) -> [Token] {
        var result: [Token] = []
        var index = bounds.lowerBound
        while index < bounds.upperBound {
            let character = text[index]
            if character.isLetter || character.isNumber {
                var end = text.index(after: index)
                while end < bounds.upperBound, text[end].isLetter || text[end].isNumber || text[end] == "\u{0301}" {
                    end = text.index(after: end)
                }
                let word = String(text[index..<end])
                let kind: Token.Kind = character.isNumber ? .number : .word
                result.append(Token(text: word, folded: fold(word), lower: word.lowercased(), kind: kind, range: index..<end))
                index = end
            } else if character.isWhitespace {
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

extension Token {
    /// Whether the word has accents (or other marks that folding removes).
    var hasDiacritics: Bool { folded != lower }

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
