/// One sentence of an article, with where it is.
public struct Sentence: Sendable, Hashable {
    /// 0-based position in the article.
    public var index: Int
    /// 0-based paragraph (a line, or lines joined by a soft wrap, or a list item).
    public var paragraph: Int
    /// Where it is in the article's text; the article's own characters.
    public var range: Range<String.Index>
    /// The article's words, verbatim, with runs of white space as one space.
    public var text: String
    /// The tokens of `text`.
    public var tokens: [Token]
}

/// Cuts an article into sentences.
///
/// A sentence ends at `.`, `!`, `?` or `…` followed by a capital, a digit or an opening quote,
/// unless the word before the dot is an abbreviation (M., MM., Mme, Dr, St…) or an initial
/// (J. D. Vance, U.S.). Nothing inside « », “ ”, "…" or ( ) ends a sentence, so a quotation of
/// several sentences, or a quotation inside a quotation, stays within the sentence that
/// reports it. A paragraph (a line) always ends a sentence, except a soft wrap (the next line
/// starts in lowercase); headings and titles are sentences. List bullets (•, -, *, 1.) start a
/// sentence and are not part of it. Unbalanced quotes cannot swallow the article: quote depth
/// starts again at each paragraph.
///
/// No sentence is longer than ``maximumLength`` characters. A longer run with no sentence end
/// (a text without punctuation, a transcript, a quotation never closed in a long paragraph)
/// is cut into pieces of at most that many characters, each then read as a sentence: at the
/// last white space after a comma, semicolon or colon in the second half of the piece, else at
/// the last white space of that half, else (a word of half the bound) at the bound itself.
/// Real sentences are far shorter (the seed articles' longest paragraph has 639 characters),
/// and an event's quote is its sentence: without a bound, a sentence of a megabyte would be
/// quoted whole in every event it gives.
public struct SentenceSplitter: Sendable {
    /// Words that a dot does not end, compared case-sensitively (`M` but not `m`).
    public var abbreviations: Set<String>
    /// The most characters a sentence may have; longer runs are cut into pieces.
    public var maximumLength: Int

    /// The default ``maximumLength``: three times the longest paragraph of the seed articles.
    public static let defaultMaximumLength = 2_000

    /// A splitter that knows these abbreviations and cuts sentences longer than `maximumLength`
    /// characters (at least 2).
    public init(abbreviations: Set<String>, maximumLength: Int = SentenceSplitter.defaultMaximumLength) {
        self.abbreviations = abbreviations
        self.maximumLength = max(2, maximumLength)
    }

    /// The sentences of `text`, in order.
    public func sentences(_ text: String) -> [Sentence] {
        var result: [Sentence] = []
        forEachSentence(text) { result.append($0) }
        return result
    }

    /// Each sentence of `text`, in order, as it is cut: a caller that reads them one by one
    /// need not hold every sentence's tokens at once.
    package func forEachSentence(_ text: String, _ body: (Sentence) -> Void) {
        var count = 0
        var folds = FoldCache()
        for (paragraph, unit) in paragraphs(text).enumerated() {
            for range in split(text, unit) {
                for piece in pieces(text, trim(text, range)) {
                    let trimmed = trim(text, piece)
                    guard !trimmed.isEmpty else { continue }
                    let words = collapseSpaces(String(text[trimmed]))
                    let tokens = Tokenizer.tokens(words, in: words.startIndex..<words.endIndex, folds: &folds)
                    guard tokens.contains(where: \.isWord) else { continue }
                    body(Sentence(index: count, paragraph: paragraph, range: trimmed, text: words, tokens: tokens))
                    count += 1
                }
            }
        }
    }

    // MARK: Long runs

    /// `range` cut into pieces of at most ``maximumLength`` characters (see the type's notes).
    func pieces(_ text: String, _ range: Range<String.Index>) -> [Range<String.Index>] {
        var result: [Range<String.Index>] = []
        var start = range.lowerBound
        // A range with no more bytes than the bound has no more characters either.
        if text.utf8.distance(from: range.lowerBound, to: range.upperBound) <= maximumLength { return [range] }
        while true {
            // The bound: `maximumLength` characters on, or the end.
            guard let bound = text.index(start, offsetBy: maximumLength, limitedBy: range.upperBound), bound < range.upperBound else {
                result.append(start..<range.upperBound)
                return result
            }
            let cut = cutPoint(text, start..<bound)
            result.append(start..<cut)
            start = cut
            while start < range.upperBound, text[start].isWhitespace { start = text.index(after: start) }
            guard start < range.upperBound else { return result }
        }
    }

    /// Where to end a piece that starts at `window.lowerBound` and has at most the window's
    /// characters: before the last white space of the window's second half that follows `,`,
    /// `;` or `:`, else before its last white space, else at the bound. Every piece but the last
    /// thus has more than half the bound, and no character is looked at more than a few times.
    private func cutPoint(_ text: String, _ window: Range<String.Index>) -> String.Index {
        let half = text.index(window.lowerBound, offsetBy: maximumLength / 2)
        var lastSpace: String.Index?
        // `window.upperBound` is a character of the text: a white space there ends a full piece.
        var i = window.upperBound
        while i > half {
            if text[i].isWhitespace {
                if ",;:".contains(text[text.index(before: i)]) { return i }
                if lastSpace == nil { lastSpace = i }
            }
            i = text.index(before: i)
        }
        return lastSpace ?? window.upperBound
    }

    // MARK: Paragraphs

    /// Ranges of paragraphs: lines, soft-wrapped lines joined, bullets removed.
    func paragraphs(_ text: String) -> [Range<String.Index>] {
        // Line ends are looked for among the bytes: a line feed or a carriage return is always a
        // character of its own (or, CR-LF, one together), never part of another.
        let utf8 = text.utf8
        func lineRanges(_ bytes: UnsafeBufferPointer<UInt8>) -> [Range<String.Index>] {
            func index(_ offset: Int) -> String.Index { utf8.index(utf8.startIndex, offsetBy: offset) }
            var lines: [Range<String.Index>] = []
            var start = 0
            var i = 0
            while i < bytes.count {
                let byte = bytes[i]
                i += 1
                guard byte == 0x0A || byte == 0x0D else { continue }
                lines.append(index(start)..<index(i - 1))
                if byte == 0x0D, i < bytes.count, bytes[i] == 0x0A { i += 1 }
                start = i
            }
            lines.append(index(start)..<text.endIndex)
            return lines
        }
        let lines = utf8.withContiguousStorageIfAvailable(lineRanges) ?? Array(utf8).withUnsafeBufferPointer(lineRanges)

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

    /// Whether an ASCII character is one of the openers, closers, quotes or terminals: `(`,
    /// `[`, `)`, `]`, `"`, `.`, `!`, `?`.
    @inline(__always) private static func isMark(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x21, 0x22, 0x28, 0x29, 0x2E, 0x3F, 0x5B, 0x5D: true
        default: false
        }
    }

    /// Whether a scalar is one of the openers, closers, quotes or terminals (of one scalar
    /// each, and none the start of a longer character: see `UTF8Reading`).
    @inline(__always) private static func isMark(_ value: UInt32) -> Bool {
        switch value {
        case 0x21, 0x22, 0x28, 0x29, 0x2E, 0x3F, 0x5B, 0x5D, 0xAB, 0xBB, 0x201C, 0x201D, 0x201E, 0x2026: true
        default: false
        }
    }

    /// Sentence ranges within one paragraph.
    private func split(_ text: String, _ unit: Range<String.Index>) -> [Range<String.Index>] {
        text.utf8.withContiguousStorageIfAvailable { split(text, $0, unit) }
            ?? Array(text.utf8).withUnsafeBufferPointer { split(text, $0, unit) }
    }

    /// Sentence ranges within one paragraph of `text`, whose UTF-8 bytes are `bytes`.
    private func split(_ text: String, _ bytes: UnsafeBufferPointer<UInt8>, _ unit: Range<String.Index>) -> [Range<String.Index>] {
        let utf8 = text.utf8
        func offset(_ index: String.Index) -> Int { utf8.distance(from: utf8.startIndex, to: index) }
        let end = offset(unit.upperBound)
        var ranges: [Range<String.Index>] = []
        var stack: [Character] = []
        // How many of each closer the stack holds: a closer that closes nothing is known as
        // such without a pass over the stack.
        var open: [Character: Int] = [:]
        var start = unit.lowerBound
        // Where the reading is, as a byte offset.
        var o = offset(unit.lowerBound)
        // Whether the last character that is not white space is a sentence mark.
        var afterMark = false
        // The end of the last run of sentence marks and closers looked at, and whether a
        // sentence may start after it: every mark of a run (« !!! », « ... ») has the same.
        var run: (end: String.Index, startsSentence: Bool)?
        let reading = UTF8Reading(bytes: bytes, end: end)
        while o < end {
            // Most characters are letters, digits, spaces or commas, which open, close or end
            // nothing; those `UTF8Reading` knows to be characters by themselves are read from
            // the bytes (ASCII but a carriage return, Latin letters, known marks and spaces).
            let byte = bytes[o]
            if byte < 0x80 {
                if byte != 0x0D, !Self.isMark(byte), reading.breaks(before: o + 1) {
                    if byte != 0x20, byte < 0x09 || byte > 0x0D { afterMark = false }
                    o += 1
                    continue
                }
            } else {
                let (value, length) = reading.scalar(at: o)
                if UTF8Reading.isLatinLetter(value) || (UTF8Reading.isKnownMark(value) && !Self.isMark(value)), reading.breaks(before: o + length) {
                    if !UTF8Reading.isWhitespace(value) { afterMark = false }
                    o += length
                    continue
                }
            }
            let index = utf8.index(utf8.startIndex, offsetBy: o)
            let c = text[index]
            let next = text.index(after: index)
            if let a = c.asciiValue, !Self.isMark(a) {
                if !Tokenizer.isWhitespace(c) { afterMark = false }
                o = offset(next)
                continue
            }
            var closed = false
            if let close = Self.openers[c] {
                stack.append(close)
                open[close, default: 0] += 1
            } else if c == "\"" {
                if stack.last == "\"" {
                    stack.removeLast()
                    open["\"", default: 0] -= 1
                    closed = true
                } else {
                    stack.append("\"")
                    open["\"", default: 0] += 1
                }
            } else if Self.closers.contains(c) {
                // A closer that closes nothing (« qu' »on ») is ignored.
                if open[c, default: 0] > 0, let i = stack.lastIndex(of: c) {
                    for removed in stack[i...] { open[removed, default: 0] -= 1 }
                    stack.removeSubrange(i...)
                }
                closed = true
            }
            if closed {
                // « … fini. » Puis … : a quotation that ends with its sentence ends the sentence.
                if stack.isEmpty, afterMark, startsSentence(text, from: next, in: unit) {
                    ranges.append(start..<next)
                    start = next
                }
            } else if stack.isEmpty, Self.terminals.contains(c) {
                if run.map({ index >= $0.end }) ?? true {
                    var end = next
                    while end < unit.upperBound, Self.terminals.contains(text[end]) || Self.closers.contains(text[end]) {
                        end = text.index(after: end)
                    }
                    run = (end, end == unit.upperBound || (text[end].isWhitespace && startsSentence(text, from: end, in: unit)))
                }
                if let run, run.startsSentence, c != "." || !isAbbreviation(text, bytes, before: index, from: start) {
                    ranges.append(start..<run.end)
                    start = run.end
                    afterMark = Self.terminals.contains(text[text.index(before: run.end)])
                    o = offset(run.end)
                    continue
                }
            }
            if !c.isWhitespace { afterMark = Self.terminals.contains(c) }
            o = offset(next)
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
    ///
    /// A word of ASCII letters after ASCII (or the start) is read from the bytes: each of its
    /// letters is a character by itself, and so is what comes before it.
    private func isAbbreviation(_ text: String, _ bytes: UnsafeBufferPointer<UInt8>, before dot: String.Index, from start: String.Index) -> Bool {
        let utf8 = text.utf8
        let first = utf8.distance(from: utf8.startIndex, to: start)
        let end = utf8.distance(from: utf8.startIndex, to: dot)
        var k = end
        while k > first, bytes[k - 1] < 0x80, Tokenizer.isASCIILetterOrDigit(bytes[k - 1]), bytes[k - 1] > 0x39 { k -= 1 }
        guard k == first || (bytes[k - 1] < 0x80 && (k - 1 == first || bytes[k - 2] < 0x80)) else {
            return isAbbreviation(text, before: dot, from: start)
        }
        guard k < end else { return false }
        if k + 1 == end, bytes[k] >= 0x41, bytes[k] <= 0x5A { return true }
        return abbreviations.contains(String(decoding: UnsafeBufferPointer(rebasing: bytes[k..<end]), as: UTF8.self))
    }

    /// Whether the word ending just before the dot at `dot` is an abbreviation or an initial,
    /// read a character at a time.
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
        // Most sentences have single spaces only: nothing to do.
        func plain(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            var previous: UInt8 = 0x20  // a space first is not plain
            for byte in bytes {
                if byte == 0x0A || byte == 0x0D || byte == 0x09 || (byte == 0x20 && previous == 0x20) { return false }
                previous = byte
            }
            return previous != 0x20  // nor a space last (or nothing at all)
        }
        if s.utf8.withContiguousStorageIfAvailable(plain) ?? Array(s.utf8).withUnsafeBufferPointer(plain) { return s }
        var out = ""
        var pendingSpace = false
        for c in s {
            // `asciiValue` is the line feed's for CR-LF too.
            if let a = c.asciiValue, a == 0x0A || a == 0x0D || a == 0x09 || a == 0x20 {
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
