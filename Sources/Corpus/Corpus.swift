import EventLog
import Foundation
import Negotiation

/// Where something was read from.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    /// The path of the item in its file, e.g. `events[3]`.
    public var path: String = ""
    public var description: String { line.map { "\(file):\($0)" } ?? file }

    public init(file: String, line: Int? = nil, path: String = "") {
        self.file = file
        self.line = line
        self.path = path
    }

    /// The path of one of the item's fields, e.g. `events[3].corrects`.
    public func field(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }
}

/// A catalogued article with its exact bytes.
public struct SourceArticle: Sendable, Hashable {
    public var article: Article
    public var bytes: [UInt8]
    public var text: String
    public var location: SourceLocation
    /// Which evaluation set the catalog puts the article in, if any.
    public var split: EvaluationSplit?
}

/// What reading a corpus does with events still marked `status: draft` (drafted by the
/// extractor, not yet reviewed by a person): refuse the file, or leave them out.
public enum DraftPolicy: String, Sendable, Hashable, CaseIterable {
    case refuse
    case skip
}

/// The two sets an extractor is measured on: the articles its rules may be written against, and
/// the articles kept apart to measure it on text it has not seen. A catalog entry's `split`;
/// it is catalog data only, never recorded in the log.
public enum EvaluationSplit: String, Sendable, Hashable, CaseIterable {
    case development
    case test
}

/// An event with the place in its file where it was written.
public struct SourceEvent: Sendable, Hashable {
    public var event: Event
    public var location: SourceLocation

    public init(event: Event, location: SourceLocation) {
        self.event = event
        self.location = location
    }
}

/// A valid event as a streaming read of a corpus hands it over: what checking it against the
/// log and appending it need, and the event itself only when asked for.
public struct ScannedEvent: Sendable {
    public var id: String
    public var type: EventType
    public var location: SourceLocation
    /// Its canonical bytes (`LogRecord.event(_:).encoded()`).
    public var payload: [UInt8]
    /// Its fold record (``FoldRecord/indexing(_:)``): empty for a correction or retraction.
    public var fold: [UInt8]
    /// The whole event, when the read was asked to keep it.
    public var event: Event? { kept?.event }
    /// Boxed, so that what is handed over stays a few words, not the size of an event.
    let kept: KeptEvent?

    init(id: String, type: EventType, location: SourceLocation, payload: [UInt8], fold: [UInt8], event: Event?) {
        self.id = id
        self.type = type
        self.location = location
        self.payload = payload
        self.fold = fold
        kept = event.map(KeptEvent.init)
    }
}

final class KeptEvent: Sendable {
    let event: Event
    init(_ event: Event) { self.event = event }
}

/// A catalogued article whose bytes were checked against its SHA-256; the bytes themselves are
/// read again when needed, so that a large corpus is never held in memory.
public struct CatalogArticle: Sendable, Hashable {
    public var article: Article
    /// The article file's path.
    public var path: String
    public var location: SourceLocation
    /// Which evaluation set the catalog puts the article in, if any.
    public var split: EvaluationSplit?
}

/// The catalogued articles by id (the first of an id catalogued twice), without a second copy
/// of each.
struct CatalogIndex: Sendable {
    let articles: [CatalogArticle]
    private let places: [String: Int]

    init(_ articles: [CatalogArticle]) {
        self.articles = articles
        var places: [String: Int] = [:]
        places.reserveCapacity(articles.count)
        for (i, a) in articles.enumerated() where places[a.article.id] == nil { places[a.article.id] = i }
        self.places = places
    }

    subscript(id: String) -> CatalogArticle? { places[id].map { articles[$0] } }

    /// Where the article `id` is in ``articles``: looked up without copying the entry.
    func place(of id: String) -> Int? { places[id] }

    func contains(_ id: String) -> Bool { places[id] != nil }
}

/// What checking one catalog entry found.
private struct CatalogEntryResult: Sendable {
    var article: CatalogArticle?
    var issues: [CorpusIssue]
    var refused: Set<String>
}

/// What a streaming read of a corpus found, besides the events it handed over one by one.
public struct CorpusScan: Sendable {
    public var registry: Registry
    public var articles: [CatalogArticle]
    /// Corrections and retractions whose target is not in the corpus: the log must hold it.
    public var unresolvedTargets: [FixTarget]
    /// Every problem found, in file order. Empty when the corpus is valid.
    public var issues: [CorpusIssue]
    /// What the sanity checks found (``SanityChecks``): for a person to read; nothing is refused.
    public var warnings: [CorpusIssue] = []
}

/// A correction or retraction's target, as the fix names it.
public struct FixTarget: Sendable {
    /// The id of the event it fixes.
    public var target: String
    public var location: SourceLocation
    /// The field that names the target (`events[3].corrects`).
    public var field: String
    /// The last day of the `on` a correction gives the event, if it gives one: it must be
    /// known by the target's article's publication, as the event's own date must.
    public var movedTo: Day?
    /// The fix's type when the corpus has its target after it: right only if the log has it.
    public var placedBefore: EventType?

    /// The problem when the log does not hold the target either.
    public var notRecorded: CorpusIssue {
        let (problem, expected) = placedBefore.map {
            ("\(quoted(target)) comes after this \($0.rawValue) and is not yet recorded", "a fix placed after the event it fixes (in a later file, or later in the same file)")
        } ?? ("unknown event \(quoted(target)): it is neither in the corpus nor in the log", "the id of a recorded event")
        return CorpusIssue(file: location.file, line: location.line, field: field, problem: problem, expected: expected)
    }

    package init(target: String, location: SourceLocation, field: String, movedTo: Day?) {
        self.target = target
        self.location = location
        self.field = field
        self.movedTo = movedTo
    }
}

/// A validated corpus: registries, articles and events, in the order they will be appended.
///
/// Corrections and retractions whose target is not in the corpus are checked against the
/// log when ingested (``NegotiationStore/ingest(_:)``).
public struct Corpus: Sendable {
    public var registry: Registry
    public var articles: [SourceArticle]
    public var events: [SourceEvent]
    /// What the sanity checks found: for a person to read; nothing is refused.
    public var warnings: [CorpusIssue] = []

    /// Reads and validates `seeds/catalog.yaml` with its articles, and the registries and
    /// event files of `events/`.
    ///
    /// Event files are the `*.yaml` files directly in `events`, other than `parties.yaml`
    /// and `tracks.yaml`, read in name order; events keep their order within a file.
    ///
    /// - Throws: ``CorpusError`` with every problem found, each naming file, line and field.
    public static func load(seeds: String, events: String, drafts: DraftPolicy = .refuse) throws(CorpusError) -> Corpus {
        var collected: [SourceEvent] = []
        let scan = scan(seeds: seeds, events: events, drafts: drafts) { event, _ in collected.append(event) }
        // A corpus loaded whole is appended in its own order: a fix before its target is wrong.
        let misplaced = scan.unresolvedTargets.filter { $0.placedBefore != nil }.map(\.notRecorded)
        guard scan.issues.isEmpty, misplaced.isEmpty else { throw CorpusError(scan.issues + misplaced) }
        let diagnostics = Diagnostics()
        let articles = scan.articles.compactMap { entry -> SourceArticle? in
            guard let bytes = readText(atPath: entry.path, shownAs: entry.path, into: diagnostics) else { return nil }
            return SourceArticle(article: entry.article, bytes: bytes, text: String(decoding: bytes, as: UTF8.self), location: entry.location, split: entry.split)
        }
        guard diagnostics.issues.isEmpty else { throw CorpusError(diagnostics.issues) }
        return Corpus(registry: scan.registry, articles: articles, events: collected, warnings: scan.warnings)
    }

    /// Reads and validates a corpus as ``load(seeds:events:)`` does, handing each valid event
    /// and its canonical bytes to `onEvent` as soon as it is read instead of keeping it, so that
    /// memory stays bounded whatever the corpus's size. An event repeated with the same
    /// content is handed over once.
    public static func scan(seeds: String, events: String, drafts: DraftPolicy = .refuse,
                            onEvent: (SourceEvent, [UInt8]) -> Void) -> CorpusScan {
        scan(seeds: seeds, events: events, keepingEvents: true, drafts: drafts) { item in
            if let event = item.event { onEvent(SourceEvent(event: event, location: item.location), item.payload) }
        }
    }

    /// Reads and validates a corpus as ``scan(seeds:events:onEvent:)`` does, handing each valid
    /// event over as what appending it needs (with the whole event only if `keepingEvents`):
    /// a large ingest then never builds an ``Event`` on the thread that takes them in.
    public static func scan(seeds: String, events: String, keepingEvents: Bool, drafts: DraftPolicy = .refuse,
                            onScanned onEvent: (ScannedEvent) -> Void) -> CorpusScan {
        let diagnostics = Diagnostics()
        let registry = loadRegistry(events: events, diagnostics)
        let (articles, refused) = loadCatalog(seeds: seeds, diagnostics)
        var reader = EventReader(diagnostics: diagnostics)
        // Event files are read and checked on every core, and taken in, in corpus order, here.
        let files = eventFiles(in: events, diagnostics)
        let byID = CatalogIndex(articles)
        forEachInOrder(
            count: files.count, workers: ProcessInfo.processInfo.activeProcessorCount, window: 4,
            makeState: {
                var parser = EventFileParser(registry: registry, articles: byID, refusedArticles: refused, keepsEvents: keepingEvents)
                parser.drafts = drafts
                return parser
            },
            work: { parser, i in
                parser.parse(path: (events as NSString).appendingPathComponent(files[i]), shownAs: display(events, files[i]))
            },
            consume: { reader.merge($0, onEvent: onEvent) })
        let unresolved = reader.checkTargets()
        return CorpusScan(registry: registry, articles: articles, unresolvedTargets: unresolved, issues: diagnostics.issues,
                          warnings: reader.warnings(registry: registry))
    }

    /// The registries alone, for commands that need names but not the corpus.
    public static func loadRegistry(events: String) throws(CorpusError) -> Registry {
        let diagnostics = Diagnostics()
        let registry = loadRegistry(events: events, diagnostics)
        guard diagnostics.issues.isEmpty else { throw CorpusError(diagnostics.issues) }
        return registry
    }

    static func display(_ directory: String, _ file: String) -> String {
        (directory as NSString).appendingPathComponent(file)
    }

    private static func eventFiles(in directory: String, _ diagnostics: Diagnostics) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            diagnostics.add(file: directory, line: nil, field: nil, problem: "cannot list the folder", expected: "a folder of event files")
            return []
        }
        // `.YAML` and `.Yml` are event files too: a file left out silently is an event lost.
        return names.filter { name in
            let lowered = name.lowercased()
            return (lowered.hasSuffix(".yaml") || lowered.hasSuffix(".yml")) && !registryFiles.contains(lowered)
        }.sorted()
    }

    package static let registryFiles: Set<String> = ["parties.yaml", "tracks.yaml"]

    // MARK: Registries

    private static func loadRegistry(events: String, _ diagnostics: Diagnostics) -> Registry {
        var parties: [Party] = []
        var tracks: [Track] = []
        let partiesFile = display(events, "parties.yaml")
        if let root = document(partiesFile, diagnostics),
           let top = Fields(root, file: partiesFile, path: "", allowed: ["parties"], diagnostics: diagnostics) {
            parties = top.list("parties") { node, path in
                guard let f = Fields(node, file: partiesFile, path: path, allowed: ["code", "names", "aliases"], diagnostics: diagnostics),
                      let code = f.string("code", required: true, expected: "a party code such as UA")
                else { return nil }
                if !isCode(code) { f.report("code", "\(quoted(code)) is not a party code", expected: "2 to 8 capital letters") }
                return Party(code: code, names: f.dictionary("names") ?? [:], aliases: f.strings("aliases") ?? [])
            } ?? []
            if !top.has("parties") { top.report("parties", "missing", expected: "a list of parties") }
            reportDuplicates(parties.map(\.code), what: "party code", file: partiesFile, diagnostics)
        }
        let tracksFile = display(events, "tracks.yaml")
        if let root = document(tracksFile, diagnostics),
           let top = Fields(root, file: tracksFile, path: "", allowed: ["tracks"], diagnostics: diagnostics) {
            let codes = Set(parties.map(\.code))
            tracks = top.list("tracks") { node, path in
                guard let f = Fields(node, file: tracksFile, path: path, allowed: ["id", "names", "requires"], diagnostics: diagnostics),
                      let id = f.string("id", required: true, expected: "a track id such as truce-30-day")
                else { return nil }
                if !isSlug(id) { f.report("id", "\(quoted(id)) is not a track id", expected: "lowercase letters, digits and hyphens") }
                let requires = f.strings("requires") ?? []
                if requires.isEmpty { f.report("requires", "missing", expected: "the parties whose acceptance the track needs") }
                for code in requires where !codes.contains(code) {
                    f.report("requires", "unknown party \(quoted(code))", expected: "a code from parties.yaml (\(codes.sorted().joined(separator: ", ")))")
                }
                return Track(id: id, names: f.dictionary("names") ?? [:], requires: requires)
            } ?? []
            if !top.has("tracks") { top.report("tracks", "missing", expected: "a list of tracks") }
            reportDuplicates(tracks.map(\.id), what: "track id", file: tracksFile, diagnostics)
        }
        return Registry(parties: parties, tracks: tracks)
    }

    private static func reportDuplicates(_ values: [String], what: String, file: String, _ diagnostics: Diagnostics) {
        var seen = Set<String>()
        for value in values where !seen.insert(value).inserted {
            diagnostics.add(file: file, line: nil, field: nil, problem: "the \(what) \(quoted(value)) is given twice", expected: "each \(what) once")
        }
    }

    static func document(_ path: String, shownAs file: String? = nil, _ diagnostics: Diagnostics) -> YAMLNode? {
        guard let bytes = readText(atPath: path, shownAs: file ?? path, into: diagnostics) else { return nil }
        return parseYAML(bytes, file: file ?? path, into: diagnostics)
    }

    // MARK: Catalog

    static let catalogFields: FieldNames = ["id", "file", "outlet", "title", "language", "published", "precision", "sha256", "basis", "url", "retrieved", "split"]

    /// The catalogued articles that could be read, and the ids of those that could not (already
    /// reported, so that events citing them are not reported again).
    package static func loadCatalog(seeds: String, _ diagnostics: Diagnostics, text: [UInt8]? = nil) -> ([CatalogArticle], Set<String>) {
        let file = display(seeds, "catalog.yaml")
        var refused = Set<String>()
        var articles: [CatalogArticle] = []
        guard let bytes = text ?? readText(atPath: file, shownAs: file, into: diagnostics) else { return (articles, refused) }
        // Entries are checked as they are read, a few hundred at a time on every core (each
        // reads and hashes its article): the catalog is never a whole tree. Problems keep the
        // catalog's order, a syntax error after the entries before it.
        var pending: [(node: YAMLNode, path: String)] = []
        func checkPending() {
            let entries = pending
            pending.removeAll()
            // Entries are handed out 32 at a time: one each, the workers spent a quarter of
            // their time taking turns at the lock.
            let chunk = 32
            forEachInOrder(
                count: (entries.count + chunk - 1) / chunk, workers: ProcessInfo.processInfo.activeProcessorCount,
                window: entries.count,
                makeState: {},
                work: { _, c in
                    let described = (c * chunk..<min(entries.count, c * chunk + chunk)).map { i in
                        let local = Diagnostics()
                        var rejected = Set<String>()
                        let entry = catalogEntry(entries[i].node, path: entries[i].path, file: file, seeds: seeds, refused: &rejected, local)
                        return (entry, local, rejected)
                    }
                    // The chunk's articles are asked of the kernel together before the first is
                    // read: read one at a time, 50,000 small files not in the file cache took
                    // four times as long as the warm ones.
                    adviseWillRead(paths: described.compactMap { $0.0?.article.path })
                    return described.map { entry, local, rejected in
                        var rejected = rejected
                        let article = entry.flatMap { checkBytes(of: $0, refused: &rejected, local) }
                        return CatalogEntryResult(article: article, issues: local.issues, refused: rejected)
                    }
                },
                consume: { results in
                    for result in results {
                        for issue in result.issues { diagnostics.add(issue) }
                        refused.formUnion(result.refused)
                        if let article = result.article { articles.append(article) }
                    }
                })
        }
        let syntax = Diagnostics()
        var index = 0
        let root = parseYAML(bytes, file: file, streaming: "articles", into: syntax, onItem: { node in
            pending.append((node, "articles[\(index)]"))
            index += 1
            if pending.count == 512 { checkPending() }
        })
        checkPending()
        for issue in syntax.issues { diagnostics.add(issue) }
        guard let root, let top = Fields(root, file: file, path: "", allowed: ["articles"], diagnostics: diagnostics)
        else { return (articles, refused) }
        switch top.node("articles") {
        case nil: top.report("articles", "missing", expected: "a list of articles")
        case .sequence?: break
        case let other?: top.report("articles", "found \(describe(other))", expected: "a list")
        }
        var seen = Set<String>()
        for a in articles where !seen.insert(a.article.id).inserted {
            diagnostics.add(file: file, line: a.location.line, field: "id", problem: "the article \(quoted(a.article.id)) is catalogued twice", expected: "each article once")
        }
        return (articles, refused)
    }

    /// A catalog entry whose fields are well formed, its article not yet read.
    private struct DescribedArticle {
        var article: CatalogArticle
        var fields: Fields
        var fileName: String
    }

    /// The entry's fields, checked; its article is read by ``checkBytes(of:refused:_:)``.
    private static func catalogEntry(_ node: YAMLNode, path: String, file: String, seeds: String, refused: inout Set<String>,
                                     _ diagnostics: Diagnostics) -> DescribedArticle? {
        guard let f = Fields(node, file: file, path: path, allowed: catalogFields, diagnostics: diagnostics) else { return nil }
        let id = f.string("id", required: true, expected: "the article file's stem")
        let outlet = f.string("outlet", required: true)
        let title = f.string("title", required: true)
        let language = f.string("language", required: true, expected: "an ISO 639-1 code such as fr")
        let published = f.day("published", required: true, expected: "a day such as 2025-03-14")
        let precisionText = f.string("precision", required: true, expected: "day, ±N days (N up to \(DatePrecision.maximumDays)) or month")
        var sha = f.string("sha256", required: true, expected: "the SHA-256 of the file, 64 hex digits")
        let basis = f.string("basis")
        let url = f.string("url", expected: "the address the text was taken from, http:// or https://")
        if let url, !(url.hasPrefix("https://") || url.hasPrefix("http://")) || url.contains(where: \.isWhitespace) {
            f.report("url", "\(quoted(url)) is not a web address", expected: "an address starting with https:// or http://, without spaces")
        }
        let retrieved = f.day("retrieved", expected: "the day the text was taken, such as 2026-12-07", wrong: "a day such as 2026-12-07")
        let splitText = f.string("split", expected: "development or test")
        let split = splitText.flatMap(EvaluationSplit.init(rawValue:))
        if let splitText, split == nil {
            f.report("split", "\(quoted(splitText)) is not an evaluation set", expected: "development or test")
        }
        let named = f.string("file")
        // Only a well-formed id or name becomes a path to read (and a file name in messages).
        var fileName = named ?? id.map { "\($0).txt" }
        if let id, !isArticleID(id) {
            f.report("id", "\(quoted(id)) is not an article id", expected: "letters, digits, '_' and '-'")
            if named == nil { fileName = nil }
        }
        if let named, !isFileName(named) {
            f.report("file", "\(quoted(named)) is not a file name", expected: "the name of a file in the seeds folder")
            fileName = nil
        }
        if let language, !(language.count == 2 && language.allSatisfy(\.isLowercase)) {
            f.report("language", "\(quoted(language)) is not a language code", expected: "an ISO 639-1 code such as fr or en")
        }
        let precision = precisionText.flatMap(DatePrecision.init(parsing:))
        if let precisionText, precision == nil {
            f.report("precision", "\(quoted(precisionText)) is not a precision", expected: "day, ±N days (N up to \(DatePrecision.maximumDays)) or month")
        }
        if let given = sha, !(given.utf8.count == 64 && given.utf8.allSatisfy(isLowercaseHexDigit)) {
            f.report("sha256", "\(quoted(given)) is not a SHA-256", expected: "64 lowercase hex digits")
            sha = nil
        }
        guard let id else { return nil }
        guard let outlet, let title, let language, let published, let precision, let sha, let fileName else {
            refused.insert(id)
            return nil
        }
        let article = Article(id: id, outlet: outlet, title: title, language: language, published: published,
                              precision: precision, sha256: sha, basis: basis, url: url, retrieved: retrieved)
        let entry = CatalogArticle(article: article, path: display(seeds, fileName), location: SourceLocation(file: file, line: f.line, path: path), split: split)
        return DescribedArticle(article: entry, fields: f, fileName: fileName)
    }

    /// The entry when its article reads as UTF-8 text with the catalogued SHA-256.
    private static func checkBytes(of described: DescribedArticle, refused: inout Set<String>, _ diagnostics: Diagnostics) -> CatalogArticle? {
        let entry = described.article
        guard let bytes = readText(atPath: entry.path, shownAs: entry.path, into: diagnostics) else {
            refused.insert(entry.article.id)
            return nil
        }
        let actual = hexString(SHA256.hash(data: bytes))
        if actual != entry.article.sha256 {
            described.fields.report("sha256", "\(described.fileName) hashes to \(actual), not \(entry.article.sha256): the article's bytes changed",
                                    expected: "the article exactly as catalogued")
            refused.insert(entry.article.id)
            return nil
        }
        return entry
    }
}

func problemWithDay(_ text: String) -> String {
    do {
        _ = try ValidTime(parsing: text)
        return "\(quoted(text)) is not a single day"
    } catch {
        return error.problem
    }
}

func isCode(_ s: String) -> Bool {
    if let ascii = s.utf8.withContiguousStorageIfAvailable({ b in
        b.allSatisfy { $0 < 0x80 } ? (2...8).contains(b.count) && b.allSatisfy { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) } : nil
    }), let ascii {
        return ascii
    }
    return (2...8).contains(s.count) && s.allSatisfy { $0.isASCII && $0.isUppercase }
}

private func isLowercaseOrDigit(_ b: UInt8) -> Bool {
    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b)
}

func isSlug(_ s: String) -> Bool {
    // ASCII text is checked byte by byte (one byte, one character; CR LF is refused either way).
    if let ascii = s.utf8.withContiguousStorageIfAvailable({ b -> Bool? in
        guard b.allSatisfy({ $0 < 0x80 }) else { return nil }
        guard let first = b.first, let last = b.last, b.count <= 120 else { return false }
        return isLowercaseOrDigit(first) && isLowercaseOrDigit(last)
            && b.allSatisfy { isLowercaseOrDigit($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") }
    }), let ascii {
        return ascii
    }
    guard let first = s.first, let last = s.last, s.count <= 120 else { return false }
    let allowed: (Character) -> Bool = { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" || $0 == "." || $0 == "_" }
    return s.allSatisfy(allowed) && first.isASCII && (first.isLowercase || first.isNumber) && (last.isLowercase || last.isNumber)
}

/// A file's own name: no folder, nothing a message could not show on one line.
func isFileName(_ s: String) -> Bool {
    !s.isEmpty && s.utf8.count <= 255 && s != "." && s != ".." && !s.contains("/")
        && !s.unicodeScalars.contains { $0.properties.generalCategory == .control }
}

func isLowercaseHexDigit(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
}

package func isArticleID(_ s: String) -> Bool {
    !s.isEmpty && s.count <= 120 && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
}
