import Extraction
import Foundation
import Lexicons
import Testing

/// The reading of text a character at a time, as the tokenizer and the sentence splitter did
/// before they read most characters from the UTF-8 bytes: what the byte reading must give.
enum ReferenceTokenizer {
    struct Read: Equatable {
        var text: String
        var folded: String
        var lower: String
        var kind: Token.Kind
        var range: Range<String.Index>

        init(_ t: Token) {
            (text, folded, lower, kind, range) = (t.text, t.folded, t.lower, t.kind, t.range)
        }

        init(text: String, folded: String, lower: String, kind: Token.Kind, range: Range<String.Index>) {
            (self.text, self.folded, self.lower, self.kind, self.range) = (text, folded, lower, kind, range)
        }

        /// Equal as the extractor compares words: the same characters (Swift's `==`).
        static func == (a: Read, b: Read) -> Bool {
            a.text == b.text && a.folded == b.folded && a.lower == b.lower && a.kind == b.kind && a.range == b.range
        }
    }

    static func tokens(_ text: String) -> [Read] {
        var result: [Read] = []
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character.isLetter || character.isNumber {
                var end = text.index(after: index)
                while end < text.endIndex, text[end].isLetter || text[end].isNumber || text[end] == "\u{0301}" {
                    end = text.index(after: end)
                }
                let word = String(text[index..<end])
                let kind: Token.Kind = character.isNumber ? .number : .word
                result.append(Read(text: word, folded: Tokenizer.fold(word), lower: word.lowercased(), kind: kind, range: index..<end))
                index = end
            } else if character.isWhitespace {
                index = text.index(after: index)
            } else {
                let end = text.index(after: index)
                let mark = String(character)
                let folded: String
                switch mark {
                case "\u{2019}", "\u{2018}", "`": folded = "'"
                case "\u{2010}", "\u{2011}": folded = "-"
                case "\u{201C}", "\u{201D}", "\u{201E}": folded = "\""
                default: folded = mark
                }
                result.append(Read(text: mark, folded: folded, lower: folded, kind: .punctuation, range: index..<end))
                index = end
            }
        }
        return result
    }
}

struct ReferenceSentence: Equatable {
    var paragraph: Int
    var range: Range<String.Index>
    var text: String
    var tokens: [ReferenceTokenizer.Read]
}

/// The sentence splitter as it was, without a bound on a sentence's length.
struct ReferenceSplitter {
    var abbreviations: Set<String>

    /// The sentences of `text`, in order: paragraph, range and text.
    func sentences(_ text: String) -> [ReferenceSentence] {
        var result: [ReferenceSentence] = []
        for (paragraph, unit) in paragraphs(text).enumerated() {
            for range in split(text, unit) {
                let trimmed = trim(text, range)
                guard !trimmed.isEmpty else { continue }
                let body = collapseSpaces(String(text[trimmed]))
                let tokens = ReferenceTokenizer.tokens(body)
                guard tokens.contains(where: { $0.kind != .punctuation }) else { continue }
                result.append(ReferenceSentence(paragraph: paragraph, range: trimmed, text: body, tokens: tokens))
            }
        }
        return result
    }

    // MARK: Paragraphs

    /// Ranges of paragraphs: lines, soft-wrapped lines joined, bullets removed.
    func paragraphs(_ text: String) -> [Range<String.Index>] {
        var lines: [Range<String.Index>] = []
        var start = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == "\n" || text[index] == "\r\n" || text[index] == "\r" {
                lines.append(start..<index)
                start = text.index(after: index)
            }
            index = text.index(after: index)
        }
        lines.append(start..<text.endIndex)

        var units: [Range<String.Index>] = []
        var current: Range<String.Index>?
        for line in lines {
            let content = trim(text, line)
            guard !content.isEmpty else {
                if let c = current { units.append(c) }
                current = nil
                continue
            }
            let (body, isBullet) = removingBullet(text, content)
            if let c = current, !isBullet, continuesSentence(text, previous: c, next: body) {
                current = c.lowerBound..<body.upperBound
            } else {
                if let c = current { units.append(c) }
                current = body
            }
        }
        if let c = current { units.append(c) }
        return units
    }

    /// A soft wrap: the previous line stops mid-sentence and the next one starts in lowercase.
    private func continuesSentence(_ text: String, previous: Range<String.Index>, next: Range<String.Index>) -> Bool {
        guard let last = text[previous].last, let first = text[next].first else { return false }
        if ".!?…:»\"”".contains(last) { return false }
        return first.isLowercase
    }

    /// The line without its bullet (`•`, `-`, `–`, `*`, `·`, `1.`, `2)`, `a)`), and whether it had one.
    private func removingBullet(_ text: String, _ line: Range<String.Index>) -> (Range<String.Index>, Bool) {
        let s = text[line]
        guard let first = s.first else { return (line, false) }
        var markerEnd: String.Index?
        if "•·‣▪●◦*-–—".contains(first) {
            markerEnd = s.index(after: s.startIndex)
        } else if first.isNumber || first.isLetter {
            let digits = s.prefix { $0.isASCII && $0.isNumber }
            let lead = digits.isEmpty ? s.prefix(1) : digits
            let afterLead = s.index(s.startIndex, offsetBy: lead.count)
            if (digits.isEmpty ? lead.first?.isLowercase ?? false : digits.count <= 2), afterLead < s.endIndex,
               s[afterLead] == ")" || (s[afterLead] == "." && !digits.isEmpty) {
                markerEnd = s.index(after: afterLead)
            }
        }
        guard let end = markerEnd, end < s.endIndex, s[end].isWhitespace else { return (line, false) }
        let rest = trim(text, end..<line.upperBound)
        return rest.isEmpty ? (line, false) : (rest, true)
    }

    // MARK: Sentences

    private static let openers: [Character: Character] = ["«": "»", "“": "”", "„": "”", "(": ")", "[": "]"]
    private static let closers: Set<Character> = ["»", "”", ")", "]"]
    private static let terminals: Set<Character> = [".", "!", "?", "…"]

    /// Sentence ranges within one paragraph.
    private func split(_ text: String, _ unit: Range<String.Index>) -> [Range<String.Index>] {
        var ranges: [Range<String.Index>] = []
        var stack: [Character] = []
        var start = unit.lowerBound
        var index = unit.lowerBound
        var lastNonSpace: Character?
        while index < unit.upperBound {
            let c = text[index]
            let next = text.index(after: index)
            var closed = false
            if let close = Self.openers[c] {
                stack.append(close)
            } else if c == "\"" {
                if stack.last == "\"" {
                    stack.removeLast()
                    closed = true
                } else {
                    stack.append("\"")
                }
            } else if Self.closers.contains(c) {
                // A closer that closes nothing (« qu' »on ») is ignored.
                if let i = stack.lastIndex(of: c) { stack.removeSubrange(i...) }
                closed = true
            }
            if closed {
                // « … fini. » Puis … : a quotation that ends with its sentence ends the sentence.
                if stack.isEmpty, let before = lastNonSpace, Self.terminals.contains(before), startsSentence(text, from: next, in: unit) {
                    ranges.append(start..<next)
                    start = next
                }
            } else if stack.isEmpty, Self.terminals.contains(c) {
                var end = next
                while end < unit.upperBound, Self.terminals.contains(text[end]) || Self.closers.contains(text[end]) {
                    end = text.index(after: end)
                }
                if end == unit.upperBound || (text[end].isWhitespace && startsSentence(text, from: end, in: unit)),
                   c != "." || !isAbbreviation(text, before: index, from: start) {
                    ranges.append(start..<end)
                    start = end
                    lastNonSpace = text[text.index(before: end)]
                    index = end
                    continue
                }
            }
            if !c.isWhitespace { lastNonSpace = c }
            index = next
        }
        if start < unit.upperBound { ranges.append(start..<unit.upperBound) }
        return ranges
    }

    /// After white space: a capital, a digit, an opening quote or bracket, or a dash.
    private func startsSentence(_ text: String, from index: String.Index, in unit: Range<String.Index>) -> Bool {
        var i = index
        while i < unit.upperBound, text[i].isWhitespace { i = text.index(after: i) }
        guard i < unit.upperBound else { return true }
        let c = text[i]
        return c.isUppercase || c.isNumber || Self.openers[c] != nil || c == "\"" || c == "—" || c == "–"
    }

    /// Whether the word ending just before the dot at `dot` is an abbreviation or an initial.
    private func isAbbreviation(_ text: String, before dot: String.Index, from start: String.Index) -> Bool {
        var i = dot
        while i > start, text[text.index(before: i)].isLetter { i = text.index(before: i) }
        let word = String(text[i..<dot])
        guard !word.isEmpty else { return false }
        if word.count == 1, word.first?.isUppercase ?? false { return true }
        return abbreviations.contains(word)
    }

    private func trim(_ text: String, _ range: Range<String.Index>) -> Range<String.Index> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper, text[lower].isWhitespace { lower = text.index(after: lower) }
        while upper > lower, text[text.index(before: upper)].isWhitespace { upper = text.index(before: upper) }
        return lower..<upper
    }

    private func collapseSpaces(_ s: String) -> String {
        var out = ""
        var pendingSpace = false
        for c in s {
            if c == "\n" || c == "\r\n" || c == "\r" || c == "\t" || c == " " {
                pendingSpace = true
            } else {
                if pendingSpace, !out.isEmpty { out.append(" ") }
                pendingSpace = false
                out.append(c)
            }
        }
        return out
    }
}

@Suite("Reading text from its bytes gives the tokens and sentences that reading it a character at a time gives")
struct ByteReadingTests {
    /// Pieces of text that test where characters end: accents written whole and as combining
    /// marks, marks that join what comes before them, other scripts, line ends, no-break spaces,
    /// quotes, brackets, sentence marks and abbreviations.
    static let pieces = [
        "Kiev", "Kyïv", "États-Unis", "Etats", "l’Ukraine", "aujourd'hui", "e\u{301}te\u{301}", "été", "ÉTÉ", "œuvre", "Straße", "Łódź",
        "ǅemal", "ƻ", "×", "÷", "naïve", "Zelensky", "Зеленский", "Κίεβο", "日本", "👍🏽", "👨‍👩‍👧", "🇺🇦", "\u{301}", "a\u{301}", ".\u{301}",
        " \u{301}", "«\u{301}", "\u{600}a", "\u{D4E}.", "x\u{200D}y", "\r\n", "\r", "\n", "\n\n", "\t", " ", "  ", "\u{A0}", "\u{202F}",
        "\u{2009}", "«", "»", "« ", " »", "“", "”", "„", "\"", "(", ")", "[", "]", "…", ".", "!", "?", "?!", "...", ",", ";", ":", "-", "–", "—",
        "’", "‘", "`", "'", "M.", "MM.", "Dr.", "St.", "U.S.", "J. D.", "3.5", "1er", "2025", "30th", "M", "Il", "il", "Moscou a accepté",
        "\n• ", "\n1. ", "\n- ", "a)", "\u{2028}", "\u{85}", "\u{7F}", "\u{0}",
    ]

    static func text(_ seed: Int) -> String {
        var generator = RobustnessTests.Generator(state: UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 | 1)
        var text = ""
        for _ in 0..<(5 + generator.next(120)) {
            text += pieces[generator.next(pieces.count)] + (generator.next(3) == 0 ? "" : " ")
        }
        return text
    }

    @Test(arguments: 0..<300)
    func tokensAreThoseReadACharacterAtATime(_ seed: Int) {
        let text = Self.text(seed)
        #expect(Tokenizer.tokens(text).map(ReferenceTokenizer.Read.init) == ReferenceTokenizer.tokens(text), "\(text.debugDescription)")
    }

    @Test(arguments: 0..<300)
    func sentencesAreThoseReadACharacterAtATime(_ seed: Int) {
        let text = Self.text(seed)
        let abbreviations: Set<String> = ["M", "MM", "Dr", "St", "Mme"]
        let read = SentenceSplitter(abbreviations: abbreviations, maximumLength: Int.max).sentences(text).map {
            ReferenceSentence(paragraph: $0.paragraph, range: $0.range, text: $0.text, tokens: $0.tokens.map(ReferenceTokenizer.Read.init))
        }
        #expect(read == ReferenceSplitter(abbreviations: abbreviations).sentences(text), "\(text.debugDescription)")
    }

    @Test func theYAMLQuoterWritesWhatTheScalarByScalarRuleWrites() {
        func reference(_ text: String) -> String {
            var out = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\\": out += "\\\\"
                case "\"": out += "\\\""
                case "\n": out += "\\n"
                case "\t": out += "\\t"
                case "\r": out += "\\r"
                case "\u{85}": out += "\\N"
                case "\u{2028}": out += "\\L"
                case "\u{2029}": out += "\\P"
                case "\u{FEFF}": out += "\\uFEFF"
                case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                    out += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16, uppercase: true)
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
        let samples = ["", "plain words", "« Oui », a-t-il dit.", "a \"b\" \\ c", "tab\there", "\r\n", "\u{0}\u{1F}\u{7F}", "\u{80}\u{85}\u{A8}",
                       "\u{2027}\u{2028}\u{2029}\u{202A}", "\u{20A8}", "\u{FEFE}\u{FEFF}", "𝄞 é e\u{301}", "é\"", String(repeating: "ab\"", count: 500)]
        for sample in samples + (0..<100).map(Self.text) {
            #expect(EventFileWriter.quoted(sample) == reference(sample), "\(sample.debugDescription)")
        }
    }
}
