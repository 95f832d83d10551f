import Corpus
import Extraction
import FileIO

/// An event file as its lines, with where each event is: what review changes line by line, so
/// that everything else in the file (comments, order, events written by hand) stays as it was.
public struct EventFileText: Sendable {
    /// One event of the file: its lines, and its fields as text for a person to read.
    public struct Item: Sendable {
        public var id: String
        /// The first line (0-based) of its block, its comments above it included; and the line
        /// after its last.
        var first: Int
        var end: Int
        /// The comment lines just above it (the extractor's confidence and cue).
        public var comments: [String]
        /// Its fields in file order: scalars as written, lists joined.
        public var fields: [(key: String, value: String)]

        public subscript(key: String) -> String? { fields.first { $0.key == key }?.value }
        public var isDraft: Bool { self["status"] == "draft" }
    }

    public let path: String
    private(set) var lines: [String]
    public private(set) var items: [Item] = []
    /// The file's own `article:` (the events' default).
    public private(set) var article: String?

    /// Reads the event file at `path`.
    public init(path: String) throws(IntakeError) {
        let bytes: [UInt8]
        do { bytes = try InputFile.read(path) } catch { throw .file(error) }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .bad(path, "the file is not UTF-8 text", expected: "an event file") }
        try self.init(path: path, text: text)
    }

    init(path: String, text: String) throws(IntakeError) {
        self.path = path
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        self.lines = lines
        try index()
    }

    /// The file's text, as it would be written.
    public var text: String { lines.joined(separator: "\n") + "\n" }

    public var drafts: [Item] { items.filter(\.isDraft) }

    public func item(_ id: String) -> Item? { items.first { $0.id == id } }

    /// The lines of one event, as a person edits them.
    public func block(_ id: String) -> String? {
        item(id).map { lines[$0.first..<$0.end].joined(separator: "\n") + "\n" }
    }

    /// Marks the draft reviewed, by `reviewer`.
    public mutating func accept(_ id: String, by reviewer: String) throws(IntakeError) {
        guard let item = item(id) else { throw unknown(id) }
        let keyed = (item.first..<item.end).filter { Self.key(of: lines[$0]) != nil }
        for at in keyed.reversed() where Self.key(of: lines[at]) == "reviewed-by" { lines.remove(at: at) }
        let fieldLines = (item.first..<item.end).filter { Self.key(of: lines[$0]) != nil }
        // After its `status` line, or its first field when a person deleted it.
        guard let at = fieldLines.first(where: { Self.key(of: lines[$0]) == "status" }) ?? fieldLines.first else { return }
        let indent = String(repeating: " ", count: Self.split(lines[at]).indent.count)
        let reviewed = [indent + "status: reviewed", indent + "reviewed-by: " + EventFileWriter.quoted(reviewer)]
        if Self.key(of: lines[at]) == "status" {
            lines[at] = Self.split(lines[at]).indent + "status: reviewed"
            lines.insert(reviewed[1], at: at + 1)
        } else {
            lines.insert(contentsOf: reviewed, at: at + 1)
        }
        try index()
    }

    /// Takes the event out of the file, with the comments above it.
    public mutating func reject(_ id: String) throws(IntakeError) {
        guard let item = item(id) else { throw unknown(id) }
        lines.removeSubrange(item.first..<item.end)
        // One blank line between the blocks around it, not two.
        func blank(_ i: Int) -> Bool { lines[i].trimmingCharacters(in: .whitespaces).isEmpty }
        var at = item.first
        while at > 0, blank(at - 1), at == lines.count || blank(at) {
            lines.remove(at: at - 1)
            at -= 1
        }
        if items.count == 1, let at = lines.firstIndex(where: { $0.hasPrefix("events:") }) {
            lines[at] = "events: []"
        }
        try index()
    }

    /// Puts `text` (a person's edit of ``block(_:)``) in the event's place.
    public mutating func replace(_ id: String, with text: String) throws(IntakeError) {
        guard let item = item(id) else { throw unknown(id) }
        var new = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while new.last?.trimmingCharacters(in: .whitespaces) == "" { new.removeLast() }
        let before = lines
        lines.replaceSubrange(item.first..<item.end, with: new)
        do {
            try index()
        } catch {
            lines = before
            try index()
            throw error
        }
    }

    /// Puts a person's edit of the draft `id` in its place and accepts what it became: the
    /// event itself, and any event the edit added (a renamed one among them). Nothing changes
    /// when the edit does not read as events.
    public mutating func acceptEdit(_ id: String, text: String, by reviewer: String) throws(IntakeError) {
        let before = self
        do {
            try replace(id, with: text)
            let old = Set(before.items.map(\.id))
            for item in items where item.id == id || !old.contains(item.id) {
                try accept(item.id, by: reviewer)
            }
        } catch {
            self = before
            throw error
        }
    }

    /// A new event file for `article`, with no event yet (written by ``write()``).
    public static func empty(path: String, article: String) throws(IntakeError) -> EventFileText {
        try EventFileText(path: path, text: "article: \(article)\nevents: []\n")
    }

    /// Adds events written by a person (their lines, as in an event file) after the file's
    /// last, each marked reviewed by `reviewer`; returns their ids. Nothing changes when the
    /// lines do not read as events, or an id is already in the file.
    @discardableResult
    public mutating func append(_ text: String, by reviewer: String) throws(IntakeError) -> [String] {
        var block = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while block.last?.trimmingCharacters(in: .whitespaces) == "" { block.removeLast() }
        while block.first?.trimmingCharacters(in: .whitespaces) == "" { block.removeFirst() }
        guard !block.isEmpty else { throw .bad(path, "no event in the lines given", expected: "- id: …, type: …, as in an event file") }
        // Events written from the margin are indented as the file's list is.
        if block.contains(where: { $0.hasPrefix("- ") }) { block = block.map { $0.isEmpty ? $0 : "  " + $0 } }
        let before = self
        let old = Set(items.map(\.id))
        if let at = lines.firstIndex(of: "events: []") { lines[at] = "events:" }
        while lines.last?.trimmingCharacters(in: .whitespaces) == "" { lines.removeLast() }
        lines.append("")
        lines.append(contentsOf: block)
        do throws(IntakeError) {
            try index()
            let added = items.map(\.id).filter { !old.contains($0) }
            guard !added.isEmpty, items.count == before.items.count + added.count else {
                throw IntakeError.bad(path, "the lines given add no new event (an id already in the file?)", expected: "events with ids of their own")
            }
            for id in added { try accept(id, by: reviewer) }
            return added
        } catch {
            self = before
            throw error
        }
    }

    /// Replaces the draft with a `source` of `target`: the same act, reported again by this
    /// article, in the draft's own quote.
    public mutating func makeSource(_ id: String, of target: String, by reviewer: String) throws(IntakeError) {
        guard let item = item(id) else { throw unknown(id) }
        let q = EventFileWriter.quoted
        var block = item.comments
        block.append("  # reviewed: the same act as \(target), reported again by this article")
        block.append("  - id: \(id)")
        block.append("    type: source")
        block.append("    of: \(target)")
        if let article = item["article"] { block.append("    article: \(article)") }
        if let quote = item["quote"] { block.append("    quote: \(q(quote))") }
        block.append("    status: reviewed")
        if let confidence = item["confidence"] { block.append("    confidence: \(confidence)") }
        if let extractor = item["extractor"] { block.append("    extractor: \(q(extractor))") }
        block.append("    reviewed-by: \(q(reviewer))")
        lines.replaceSubrange(item.first..<item.end, with: block)
        try index()
    }

    /// Writes the file whole (beside it, then renamed onto it).
    public func write() throws(IntakeError) {
        do { try OutputFile.write(Array(text.utf8), to: path) } catch { throw .file(error) }
    }

    private func unknown(_ id: String) -> IntakeError {
        .bad(path, "no event '\(id)' in the file", expected: "one of \(items.map(\.id).joined(separator: ", "))")
    }

    /// Finds the events and their lines from the YAML tree.
    private mutating func index() throws(IntakeError) {
        let diagnostics = Diagnostics()
        guard let root = parseYAML(Array(text.utf8), file: path, into: diagnostics) else { throw .badInput(diagnostics.issues) }
        guard case .mapping(let top, _) = root else { throw .bad(path, "the file is not a mapping", expected: "article: and events:") }
        article = nil
        var events: [YAMLNode] = []
        for (key, value) in top {
            guard case .scalar(let name, _) = key else { continue }
            if name == "article", case .scalar(let id, _) = value { article = id }
            if name == "events", case .sequence(let list, _) = value { events = list }
        }
        var starts: [Int] = events.map { $0.line - 1 }
        // Each block begins at the comments just above it.
        for i in starts.indices {
            var first = starts[i]
            while first > 0, lines[first - 1].trimmingCharacters(in: .whitespaces).hasPrefix("#") { first -= 1 }
            starts[i] = first
        }
        var last = lines.count
        while last > 0, lines[last - 1].trimmingCharacters(in: .whitespaces).isEmpty { last -= 1 }
        items = events.enumerated().map { i, node in
            var end = i + 1 < starts.count ? starts[i + 1] : last
            while end > node.line, lines[end - 1].trimmingCharacters(in: .whitespaces).isEmpty { end -= 1 }
            var fields: [(String, String)] = []
            if case .mapping(let pairs, _) = node {
                for (key, value) in pairs {
                    guard case .scalar(let name, _) = key else { continue }
                    fields.append((name, Self.display(value)))
                }
            }
            let id = fields.first { $0.0 == "id" }?.1 ?? "events[\(i)]"
            let comments = lines[starts[i]..<(node.line - 1)].map { $0 }
            return Item(id: id, first: starts[i], end: end, comments: comments, fields: fields.map { (key: $0.0, value: $0.1) })
        }
    }

    /// A field's value as a line of text.
    static func display(_ node: YAMLNode) -> String {
        switch node {
        case .scalar(let text, _): text
        case .sequence(let items, _): items.map(display).joined(separator: ", ")
        case .mapping(let pairs, _):
            pairs.map { pair in
                guard case .scalar(let key, _) = pair.key else { return "" }
                return "\(key): \(display(pair.value))"
            }.joined(separator: "; ")
        }
    }

    /// The key of a `key: value` line (or `- key: value`), if it is one.
    static func key(of line: String) -> String? {
        let (_, rest) = split(line)
        guard let colon = rest.firstIndex(of: ":") else { return nil }
        let key = rest[..<colon]
        return key.allSatisfy { $0.isLetter || $0 == "-" || $0 == "_" } ? String(key) : nil
    }

    /// A line's indentation (with a sequence's `- `) and the rest.
    static func split(_ line: String) -> (indent: String, rest: Substring) {
        var i = line.startIndex
        while i < line.endIndex, line[i] == " " || line[i] == "-" { i = line.index(after: i) }
        return (String(line[..<i]), line[i...])
    }
}
