import Foundation
import Negotiation

/// One event file read and checked on its own, which can happen on any thread: what was
/// found, in file order. ``EventReader`` then checks it against the rest of the corpus.
struct ParsedEventFile: Sendable {
    enum Step: Sendable {
        case issue(CorpusIssue)
        /// A valid event with its canonical bytes and fold record, ``EventReader/key(bytes:)`` of
        /// its id and of its bytes, the event it fixes when it is a correction or retraction, and
        /// the last day its article may have been published (``EventFileParser/unknownPublication`` without one).
        case event(ScannedEvent, idKey: UInt64, contentHash: UInt64, fix: Fix?, knownBy: Int32, facts: SanityFacts?)
    }

    /// What checking a correction's or retraction's target needs.
    struct Fix: Sendable {
        var target: String
        /// The field that names the target: `corrects`, `retracts` or a source's `of`.
        var field: String
        /// The last day of the `on` a correction sets, if it sets one, as a day ordinal (4
        /// bytes: one of these is carried beside every event read).
        var movedTo: Int32?
    }

    var file: String
    /// Whether the file has an `events` list: its events can then be named in messages.
    var listsEvents = false
    var steps: [Step] = []
}

/// Checks event files against the rest of the corpus, in corpus order: ids used twice, and the
/// targets of corrections and retractions. Each file is read by an ``EventFileParser`` first.
package struct EventReader {
    let diagnostics: Diagnostics

    /// What is remembered of each event read, by ordinal: enough to find duplicates and check
    /// fixes without keeping the events, in 16 bytes (a million events are read in 40 MB).
    private struct Seen {
        var contentHash: UInt64
        var file: UInt32
        /// The line, shifted left by one; the low bit is set for a correction or retraction.
        var lineAndFix: UInt32
        var line: UInt32 { lineAndFix >> 1 }
        var isFix: Bool { lineAndFix & 1 == 1 }
    }
    /// ``key(bytes:)`` of each id → its ordinal in `records`.
    private var seen: [UInt64: UInt32] = [:]
    private var records: [Seen] = []
    private var files: [String] = []
    /// The last day each event's article may have been published, as a day ordinal, by
    /// ordinal (4 bytes an event): what a correction that moves the event is held to.
    private var knownBy: [Int32] = []
    /// The corrections and retractions read, with their ordinal.
    private var fixes: [(fix: ParsedEventFile.Fix, type: EventType, location: SourceLocation, ordinal: Int)] = []
    /// What the corpus's story is checked against (``SanityChecks``).
    private var sanity = SanityChecks()

    package init(diagnostics: Diagnostics) {
        self.diagnostics = diagnostics
    }

    /// A 64-bit hash of the bytes, for telling ids and contents apart within this process
    /// (never stored): the standard library's keyed SipHash, whose key is drawn for each process,
    /// so that no input can be made to collide on purpose; cheaper than a SHA-256 per id and
    /// per event, which nothing here needs.
    static func key(_ text: some Sequence<UInt8>) -> UInt64 {
        Array(text).withUnsafeBytes { key(bytes: $0) }
    }

    /// ``key(_:)`` of bytes already in memory, without copying them.
    static func key(bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hasher = Hasher()
        hasher.combine(bytes: bytes)
        return UInt64(bitPattern: Int64(hasher.finalize()))
    }

    /// Takes in the next file of the corpus, handing each new event to `onEvent`.
    mutating func merge(_ parsed: ParsedEventFile, onEvent: (ScannedEvent) -> Void) {
        if parsed.listsEvents { files.append(parsed.file) }
        for step in parsed.steps {
            switch step {
            case .issue(let issue):
                diagnostics.add(issue)
            case .event(let item, let idKey, let contentHash, let fix, let known, let facts):
                add(item, idKey: idKey, contentHash: contentHash, fix: fix, knownBy: known, facts: facts, onEvent)
            }
        }
    }

    /// ``merge(_:onEvent:)`` for a file read with its events kept: each new event with its
    /// canonical bytes.
    mutating func merge(_ parsed: ParsedEventFile, onEvent: (SourceEvent, [UInt8]) -> Void) {
        merge(parsed) { (item: ScannedEvent) in
            if let event = item.event { onEvent(SourceEvent(event: event, location: item.location), item.payload) }
        }
    }

    private mutating func add(_ item: ScannedEvent, idKey: UInt64, contentHash: UInt64, fix: ParsedEventFile.Fix?,
                              knownBy known: Int32, facts: SanityFacts?, _ onEvent: (ScannedEvent) -> Void) {
        if let ordinal = seen[idKey] {
            let first = records[Int(ordinal)]
            if first.contentHash != contentHash {
                let where_ = "\(files[Int(first.file)]):\(first.line)"
                diagnostics.add(file: item.location.file, line: item.location.line, field: item.location.field("id"),
                                problem: "the id \(quoted(item.id)) is already used, with other content, at \(where_)",
                                expected: "a unique id per event")
            }
            return
        }
        let count = records.count
        let isFix = item.type.amendsAnother
        seen[idKey] = UInt32(truncatingIfNeeded: count)
        records.append(Seen(contentHash: contentHash, file: UInt32(truncatingIfNeeded: files.count - 1),
                            lineAndFix: UInt32(truncatingIfNeeded: item.location.line ?? 0) << 1 | (isFix ? 1 : 0)))
        knownBy.append(known)
        sanity.take(facts, id: item.id, location: item.location, ordinal: count)
        if let fix {
            fixes.append((fix, item.type, item.location, count))
        }
        onEvent(item)
    }

    /// The warnings of the sanity checks (``SanityChecks``), once every file is read: the
    /// corpus's story, track by track, then corrections that move an event across a proposal;
    /// proposals are where the corpus's corrections and retractions leave them.
    func warnings(registry: Registry) -> [CorpusIssue] {
        var checks = sanity
        var moves: [(target: Int, to: Int32, id: String, location: SourceLocation)] = []
        for (fix, type, location, ordinal) in fixes {
            guard let found = seen[Self.key(fix.target.utf8)], Int(found) < ordinal else { continue }
            if type == .retraction { checks.retracted(target: Int(found)) }
            guard let movedTo = fix.movedTo else { continue }
            moves.append((Int(found), movedTo, fix.target, location))
            checks.moved(target: Int(found), to: movedTo)
        }
        var issues = checks.warnings(registry: registry)
        var shown: [String: Int] = [:]
        for move in moves {
            if let warning = checks.reordering(target: move.target, movedTo: move.to, id: move.id, at: move.location, shown: &shown) {
                issues.append(warning)
            }
        }
        return issues
    }

    /// What is said of a correction that moves `target` to end on `moved`, past `latest`.
    package static func movedPastPublication(_ target: String, to moved: Day, latest: Day) -> String {
        "the correction moves \(quoted(target)) to end on \(moved), after its article could have been published (by \(latest))"
    }

    /// Corrections and retractions must name an event before them in the corpus. Targets not in
    /// the corpus at all are returned, for the store to find in the log.
    ///
    /// A correction that moves an event must not move it past what its article could know: the
    /// new date's last day is held to the target's article's publication, as the event's own
    /// date was.
    func checkTargets() -> [FixTarget] {
        var unresolved: [FixTarget] = []
        for (fix, type, location, ordinal) in fixes {
            let target = fix.target
            let field = location.field(fix.field)
            guard let found = seen[Self.key(target.utf8)] else {
                unresolved.append(FixTarget(target: target, location: location, field: field, movedTo: fix.movedTo.map { Day(ordinal: Int($0)) }))
                continue
            }
            if Int(found) >= ordinal {
                // Right if the log holds the target already, whatever the files are called.
                var late = FixTarget(target: target, location: location, field: field, movedTo: fix.movedTo.map { Day(ordinal: Int($0)) })
                late.placedBefore = type
                unresolved.append(late)
            } else if records[Int(found)].isFix {
                diagnostics.add(file: location.file, line: location.line, field: field,
                                problem: "\(quoted(target)) is itself a correction, retraction or source",
                                expected: "the id of a reported event")
            } else if let movedTo = fix.movedTo, movedTo > knownBy[Int(found)] {
                let moved = Day(ordinal: Int(movedTo))
                let latest = Day(ordinal: Int(knownBy[Int(found)]))
                diagnostics.add(file: location.file, line: location.line, field: location.field("set.on"),
                                problem: Self.movedPastPublication(target, to: moved, latest: latest),
                                expected: "a date that ends by \(latest)")
            }
        }
        return unresolved
    }
}


/// Reads and checks one event file at a time against the registries and the catalogued
/// articles. Keeps the normalised texts of the articles it used last; one per thread.
struct EventFileParser {
    let registry: Registry
    /// What to do with events still marked `status: draft`.
    var drafts: DraftPolicy = .refuse
    let articles: CatalogIndex
    /// Catalogued articles that were refused: events citing them are not reported again.
    let refusedArticles: Set<String>
    /// The current file's problems.
    private var diagnostics = Diagnostics()
    /// Article texts for the quote checks, the most recently used kept.
    private var matchers: [String: QuoteSearch] = [:]
    private var matcherOrder: [String] = []
    /// The matcher used last, with its article's place in the catalog index.
    private var lastMatcher: (place: Int, matcher: QuoteSearch)?
    static let matcherCacheSize = 256
    /// The memory the last event file was read into, used again for the next.
    private var fileBytes: [UInt8] = []
    /// Whether each event read is handed over whole (``ScannedEvent/event``), not only what
    /// appending it needs.
    let keepsEvents: Bool

    init(registry: Registry, articles: CatalogIndex, refusedArticles: Set<String>, keepsEvents: Bool = true) {
        self.registry = registry
        self.refusedArticles = refusedArticles
        self.articles = articles
        self.keepsEvents = keepsEvents
    }

    static let eventFields = [
        "id", "type", "tracks", "on", "actor", "counterparts", "proposal", "terms", "conditions", "met", "dropped",
        "place", "planned", "unconditional", "article", "quote", "note", "corrects", "set", "retracts", "reason",
        "format", "scope", "duration", "starts", "until", "days", "of", "status", "confidence", "extractor", "reviewed-by",
    ]
    static let changeFields = [
        "tracks", "on", "actor", "counterparts", "proposal", "terms", "conditions", "met", "dropped", "place", "planned", "quote",
        "format", "duration", "starts", "until", "days",
    ]
    static let typeNames = EventType.allCases.map(\.rawValue).joined(separator: ", ")
    /// The fields only a correction or retraction takes.
    static let fixOnlyFields = ["corrects", "retracts", "set", "reason"]
    /// The fields a `source` takes.
    static let sourceFields: Set<String> = ["id", "type", "of", "article", "quote", "note", "status", "confidence", "extractor", "reviewed-by"]
    /// Which report types take each field that not all of them take.
    static let fieldTypes: [(field: String, types: [EventType])] = [
        ("planned", [.meeting]), ("format", [.meeting]), ("scope", [.meeting]), ("unconditional", [.acceptance]),
        ("duration", [.proposal, .start]), ("starts", [.proposal]), ("until", [.start, .extension]), ("days", [.extension]),
    ]
    static let formatNames = MeetingFormat.allCases.map(\.rawValue).joined(separator: ", ")
    static let reasonNames = EndReason.allCases.map(\.rawValue).joined(separator: ", ")
    /// The longest term a ceasefire is given, in days: ten years.
    static let maximumTermDays = 3_653
    static let termLanguages = ["fr", "en", "de", "es", "it", "ru", "uk"]
    static let termFields = ["label"] + termLanguages
    static let eventNames = FieldNames(eventFields)
    static let changeNames = FieldNames(changeFields)
    static let termNames = FieldNames(termFields)

    /// Reads the event file at `path` (named `file` in messages).
    mutating func parse(path: String, shownAs file: String) -> ParsedEventFile {
        diagnostics = Diagnostics()
        var parsed = ParsedEventFile(file: file)
        read(path: path, file: file, into: &parsed)
        parsed.steps += diagnostics.drain().map { .issue($0) }
        return parsed
    }

    private mutating func read(path: String, file: String, into parsed: inout ParsedEventFile) {
        // Taken out while in use (so that it stays the only reference), and put back after.
        var bytes: [UInt8] = []
        swap(&bytes, &fileBytes)
        defer { swap(&bytes, &fileBytes) }
        guard readText(atPath: path, shownAs: file, into: diagnostics, reusing: &bytes),
              let root = parseYAML(bytes, file: file, into: diagnostics),
              let top = Fields(root, file: file, path: "", allowed: ["article", "events"], diagnostics: diagnostics)
        else { return }
        let defaultArticle = top.string("article", expected: "an article id from the catalog")
        if let defaultArticle, !articles.contains(defaultArticle), !refusedArticles.contains(defaultArticle) {
            top.report("article", "unknown article \(quoted(defaultArticle))", expected: "an id from seeds/catalog.yaml")
        }
        guard top.has("events") else {
            top.report("events", "missing", expected: "a list of events")
            return
        }
        parsed.listsEvents = true
        if case .sequence(let items, _)? = top.node("events") { parsed.steps.reserveCapacity(items.count + 8) }
        var drafted: [Int?] = []
        _ = top.list("events") { node, path -> Bool? in
            if let status = Self.status(of: node), status == "draft" {
                // A machine's draft no person has reviewed: never recorded.
                drafted.append(node.line)
                return nil
            }
            let item = readEvent(node, file: file, path: path, defaultArticle: defaultArticle)
            // The problems found so far come before this event (and a duplicate of its id).
            if !diagnostics.issues.isEmpty { parsed.steps += diagnostics.drain().map { .issue($0) } }
            if let item {
                // `item.event` is read in place throughout: a copy of an event retains each of its fields.
                let payload = LogRecord.event(item.event).encoded()
                var id = item.event.id
                let idKey = id.withUTF8 { EventReader.key(bytes: UnsafeRawBufferPointer($0)) }
                let contentHash = payload.withUnsafeBytes { EventReader.key(bytes: $0) }
                let fix = item.event.type.amendsAnother
                    ? item.event.target.map { ParsedEventFile.Fix(target: $0, field: item.event.targetField ?? "corrects",
                                                                  movedTo: item.event.changes?.on.map { Int32(truncatingIfNeeded: $0.last.ordinal) }) }
                    : nil
                let known = item.event.type.amendsAnother ? Self.unknownPublication
                    : item.event.article.flatMap { articles.place(of: $0) }.map { Int32(truncatingIfNeeded: latestPublication(place: $0).ordinal) }
                    ?? Self.unknownPublication
                // The fold record is made here, on the worker, so that the thread taking events
                // in neither builds nor frees whole events.
                let scanned = ScannedEvent(id: id, type: item.event.type, location: item.location, payload: payload,
                                           fold: FoldRecord.indexing(item.event), event: keepsEvents ? item.event : nil)
                parsed.steps.append(.event(scanned, idKey: idKey, contentHash: contentHash, fix: fix, knownBy: known,
                                           facts: SanityFacts(item.event)))
            }
            return nil
        }
        if !drafted.isEmpty, drafts == .refuse {
            diagnostics.add(file: file, line: drafted[0], field: "events",
                            problem: "\(drafted.count) event\(drafted.count == 1 ? " is a draft" : "s are drafts") (status: draft), not yet reviewed",
                            expected: "each draft reviewed (`parley review`, or `status: reviewed` written by hand), or the ingest told --drafts skip")
            parsed.steps += diagnostics.drain().map { .issue($0) }
        }
    }

    /// An event's `status` as written (`draft`, `reviewed`), read before the event itself.
    static func status(of node: YAMLNode) -> String? {
        guard case .mapping(let entries, _) = node else { return nil }
        for (key, value) in entries {
            if case .scalar("status", _) = key, case .scalar(let text, _) = value { return text }
        }
        return nil
    }

    private mutating func readEvent(_ node: YAMLNode, file: String, path: String, defaultArticle: String?) -> SourceEvent? {
        guard let f = Fields(node, file: file, path: path, allowed: Self.eventNames, diagnostics: diagnostics) else { return nil }
        let id = f.string("id", required: true, expected: "a unique event id (lowercase letters, digits, '-')")
        if let id, !isSlug(id) {
            f.report("id", "\(quoted(id)) is not an event id", expected: "lowercase letters, digits, '-', '.' or '_', at most 120 characters")
        }
        let typeText = f.string("type", required: true, expected: "one of \(Self.typeNames)")
        let type = typeText.flatMap(EventType.init(rawValue:))
        if let typeText, type == nil {
            f.report("type", "unknown event type \(quoted(typeText))", expected: "one of \(Self.typeNames)")
        }
        guard let id, let type else { return nil }

        var event = Event(id: id, type: type)
        event.note = f.string("note")
        // What the extractor said of a draft (`confidence`, `extractor`) may stay once it is
        // reviewed; a draft itself is never read this far (see `status(of:)`).
        if let status = f.string("status", expected: "draft or reviewed"), status != "reviewed" {
            f.report("status", "\(quoted(status)) is not a status", expected: "draft or reviewed")
        }
        if let text = f.string("confidence", expected: "a number from 0 to 1") {
            if Double(text).map({ (0...1).contains($0) }) ?? false {
                event.confidence = text
            } else {
                f.report("confidence", "\(quoted(text)) is not a number from 0 to 1", expected: "the extractor's confidence, from 0 to 1")
            }
        }
        event.extractor = f.string("extractor", expected: "the extractor that drafted it")
        event.reviewedBy = f.string("reviewed-by", expected: "the name of who reviewed the draft")
        let ownArticle = f.string("article", expected: "an article id from the catalog")
        event.article = ownArticle ?? defaultArticle
        event.quote = f.string("quote", expected: "the article's own words")
        // Where the event's article is in the catalog, looked up once (`nil` when it is not there).
        let place = event.article.flatMap { articles.place(of: $0) }

        if type.isRecordFix {
            readFix(&event, f)
        } else if type == .source {
            readSource(&event, f)
        } else {
            readReport(&event, f, articlePlace: place)
        }
        if let article = ownArticle, place == nil, !refusedArticles.contains(article) {
            f.report("article", "unknown article \(quoted(article))", expected: "an id from seeds/catalog.yaml")
        } else if !type.isRecordFix, event.article == nil {
            f.report("article", "missing", expected: "the source article's id, here or at the top of the file")
        }
        if let quote = event.quote ?? event.changes?.quote, let article = event.article, let place,
           let matcher = matcher(for: place) {
            if !matcher.contains(quote) {
                let key = event.quote != nil ? "quote" : "set"
                f.report(key, "the quote is not in article \(article): \(quoted(quote, mark: "\""))",
                         expected: "the article's exact words (only typographic differences are ignored)")
            }
        }
        return SourceEvent(event: event, location: SourceLocation(file: file, line: f.line, path: path))
    }

    /// The matcher of the article at `place` in the catalog index.
    private mutating func matcher(for place: Int) -> QuoteSearch? {
        // The events of a file mostly cite one article after another: the last one is tried first.
        if let last = lastMatcher, last.place == place { return last.matcher }
        let source = articles.articles[place]
        let id = source.article.id
        if let m = matchers[id] {
            lastMatcher = (place, m)
            return m
        }
        // The bytes were checked against the catalog's hash when the catalog was read.
        guard let bytes = readFileBytes(atPath: source.path), isValidUTF8(bytes) else { return nil }
        let m = QuoteSearch(article: bytes)
        if matcherOrder.count >= Self.matcherCacheSize {
            matchers[matcherOrder.removeFirst()] = nil
        }
        matchers[id] = m
        matcherOrder.append(id)
        lastMatcher = (place, m)
        return m
    }

    /// Another article's report of an act already recorded: `of` names the event, `quote` gives
    /// this article's words.
    private func readSource(_ event: inout Event, _ f: Fields) {
        for key in Self.eventFields where f.has(key) && !Self.sourceFields.contains(key) {
            f.report(key, "a source does not take this field", expected: "only of, article, quote and note: the event it reports is named by 'of'")
        }
        event.of = f.string("of", required: true, expected: "the id of the event this article also reports")
        if !f.has("quote") { f.report("quote", "missing", expected: "this article's words that report the event", line: f.line) }
    }

    /// A report of the negotiation (proposal, acceptance, condition, violation, meeting,
    /// rejection) or of a ceasefire's life (start, end, extension).
    private func readReport(_ event: inout Event, _ f: Fields, articlePlace: Int?) {
        let type = event.type
        for key in Self.fixOnlyFields where f.has(key) && !(key == "reason" && type == .end) {
            f.report(key, "only corrections and retractions take this field", expected: "no '\(key)' on a \(type.rawValue)")
        }
        if f.has("of") { f.report("of", "only sources take this field", expected: "no 'of' on a \(type.rawValue)") }
        for (key, types) in Self.fieldTypes where f.has(key) && !types.contains(type) {
            let names = types.map { $0.rawValue + "s" }.joined(separator: " and ")
            f.report(key, "only \(names) take this field", expected: "no '\(key)' on a \(type.rawValue)")
        }
        if !f.has("quote") { f.report("quote", "missing", expected: "the article's words that report the event", line: f.line) }

        event.tracks = tracks(f, "tracks") ?? []
        if type == .meeting {
            readScope(&event, f)
        } else if event.tracks.isEmpty {
            f.report("tracks", "missing", expected: "the track(s) a \(type.rawValue) concerns: \(trackList)", line: f.line("tracks"))
        }
        event.on = validTime(f, "on", required: true)
        event.actor = party(f, "actor", required: true)
        event.counterparts = parties(f, "counterparts")
        event.proposal = proposal(f, tracks: event.tracks)
        if type == .proposal, event.proposal == nil, !f.has("proposal") {
            f.report("proposal", "missing", expected: "the proposal's id, <track>/<name>", line: f.line)
        }
        event.terms = terms(f, "terms") ?? []
        event.conditions = terms(f, "conditions") ?? []
        if type == .condition, event.conditions.isEmpty, !f.has("conditions") {
            f.report("conditions", "missing", expected: "the conditions set, each {label, fr}", line: f.line)
        }
        event.met = f.strings("met") ?? []
        event.dropped = f.strings("dropped") ?? []
        event.place = f.string("place")
        event.planned = f.bool("planned") ?? false
        event.unconditional = f.bool("unconditional") ?? false
        if event.unconditional, !event.conditions.isEmpty {
            f.report("unconditional", "an unconditional acceptance lists conditions", expected: "either unconditional: true or conditions")
        }
        event.format = format(f, "format")
        event.duration = term(f, "duration")
        event.starts = day(f, "starts")
        event.until = day(f, "until")
        event.days = term(f, "days")
        if type == .extension, !f.has("until"), !f.has("days") {
            f.report("until", "missing", expected: "the extension's new last day (until: YYYY-MM-DD) or the days it adds (days: N)", line: f.line)
        } else if type == .extension, f.has("until"), f.has("days") {
            f.report("days", "an extension gives both a last day and days", expected: "either until or days")
        }
        if type == .end {
            let text = f.string("reason", required: true, expected: "why it ended: \(Self.reasonNames)")
            if let text, EndReason(rawValue: text) == nil {
                f.report("reason", "unknown reason \(quoted(text))", expected: "one of \(Self.reasonNames)")
            }
            event.reason = text
        }
        checkNotAfterPublication(event, f, articlePlace: articlePlace)
    }

    /// A meeting's scope: the tracks it names, or `scope: general` (talks on the war as a
    /// whole, counted on no track). A meeting that says neither is refused: before scopes, a
    /// meeting with no track counted on every track, and silence must not stand for either.
    private func readScope(_ event: inout Event, _ f: Fields) {
        guard let scope = f.string("scope", expected: "general") else {
            if event.tracks.isEmpty {
                f.report("tracks", "missing", expected: "the track(s) the meeting concerns (\(trackList)), or scope: general for talks on the war as a whole",
                         line: f.line("id"))
            }
            return
        }
        if scope != "general" {
            f.report("scope", "unknown scope \(quoted(scope))", expected: "general (or name the meeting's tracks instead)")
        } else if !event.tracks.isEmpty {
            f.report("scope", "a general meeting names tracks", expected: "either tracks or scope: general")
        } else {
            event.general = true
        }
    }

    private func format(_ f: Fields, _ key: String) -> MeetingFormat? {
        guard let text = f.string(key, expected: "how it was held: \(Self.formatNames)") else { return nil }
        guard let format = MeetingFormat(rawValue: text) else {
            f.report(key, "unknown format \(quoted(text))", expected: "one of \(Self.formatNames)")
            return nil
        }
        return format
    }

    /// A number of days, 1 to ``maximumTermDays``.
    private func term(_ f: Fields, _ key: String) -> Int? {
        guard let text = f.string(key, expected: "a number of days") else { return nil }
        guard let days = Int(text), (1...Self.maximumTermDays).contains(days) else {
            f.report(key, "\(quoted(text)) is not a number of days", expected: "a whole number from 1 to \(Self.maximumTermDays)")
            return nil
        }
        return days
    }

    private func day(_ f: Fields, _ key: String) -> Day? {
        guard let text = f.string(key, expected: "a day, YYYY-MM-DD") else { return nil }
        guard let day = Day(iso: text) else {
            f.report(key, "\(quoted(text)) is not a day", expected: "a day, YYYY-MM-DD")
            return nil
        }
        return day
    }

    /// The log's own fix: a correction or retraction.
    private func readFix(_ event: inout Event, _ f: Fields) {
        for key in Self.changeFields where f.has(key) && key != "quote" {
            f.report(key, "a \(event.type.rawValue) does not take this field", expected: event.type == .correction ? "the new value under 'set'" : "only retracts and reason")
        }
        event.reason = f.string("reason", required: true, expected: "why the record is fixed")
        if event.type == .correction {
            if f.has("retracts") { f.report("retracts", "a correction does not take this field", expected: "corrects") }
            event.corrects = f.string("corrects", required: true, expected: "the id of the event it corrects")
            guard let node = f.node("set") else {
                f.report("set", "missing", expected: "the fields that replace the corrected event's", line: f.line)
                return
            }
            guard let s = Fields(node, file: f.file, path: f.fieldPath("set"), allowed: Self.changeNames, diagnostics: diagnostics) else { return }
            var changes = EventChanges()
            changes.tracks = tracks(s, "tracks")
            changes.on = validTime(s, "on", required: false)
            changes.actor = party(s, "actor", required: false)
            changes.counterparts = s.has("counterparts") ? parties(s, "counterparts") : nil
            changes.proposal = proposal(s, tracks: changes.tracks ?? [])
            changes.terms = terms(s, "terms")
            changes.conditions = terms(s, "conditions")
            changes.met = s.strings("met")
            changes.dropped = s.strings("dropped")
            changes.place = s.string("place")
            changes.planned = s.bool("planned")
            changes.quote = s.string("quote", expected: "the article's own words")
            changes.format = format(s, "format")
            changes.duration = term(s, "duration")
            changes.starts = day(s, "starts")
            changes.until = day(s, "until")
            changes.days = term(s, "days")
            if changes == EventChanges() {
                f.report("set", "no field to change", expected: "at least one of \(Self.changeFields.joined(separator: ", "))")
            }
            event.changes = changes
            if changes.quote != nil, !f.has("article"), event.article == nil {
                f.report("article", "missing", expected: "the article the corrected quote is from")
            }
        } else {
            if f.has("corrects") { f.report("corrects", "a retraction does not take this field", expected: "retracts") }
            if f.has("set") { f.report("set", "a retraction does not take this field", expected: "only retracts and reason") }
            event.retracts = f.string("retracts", required: true, expected: "the id of the event it withdraws")
        }
    }

    private var trackList: String { registry.tracks.map(\.id).joined(separator: ", ") }
    private var partyList: String { registry.parties.map(\.code).joined(separator: ", ") }

    private func tracks(_ f: Fields, _ key: String) -> [String]? {
        guard let ids = f.strings(key, expected: "track ids") else { return nil }
        for id in ids where !registry.hasTrack(id) {
            f.report(key, "unknown track \(quoted(id))", expected: "one of \(trackList) (events/tracks.yaml)")
        }
        return ids
    }

    private func party(_ f: Fields, _ key: String, required: Bool) -> String? {
        // The message's list is made from the registry alone: an autoclosure reading `self` copied the parser.
        let registry = self.registry
        guard let code = f.string(key, required: required,
                                  expected: "a party code: \(registry.parties.map(\.code).joined(separator: ", "))") else { return nil }
        if !registry.hasParty(code) {
            f.report(key, "unknown party \(quoted(code))", expected: "one of \(partyList) (events/parties.yaml)")
        }
        return code
    }

    private func parties(_ f: Fields, _ key: String) -> [String] {
        let codes = f.strings(key, expected: "party codes") ?? []
        for code in codes where !registry.hasParty(code) {
            f.report(key, "unknown party \(quoted(code))", expected: "one of \(partyList) (events/parties.yaml)")
        }
        return codes
    }

    private func validTime(_ f: Fields, _ key: String, required: Bool) -> ValidTime? {
        guard let text = f.string(key, required: required, expected: ValidTime.ParseError.expected) else { return nil }
        do {
            return try ValidTime(parsing: text)
        } catch {
            f.report(key, error.problem, expected: ValidTime.ParseError.expected)
            return nil
        }
    }

    private func proposal(_ f: Fields, tracks: [String]) -> String? {
        guard let id = f.string("proposal", expected: "<track>/<name>") else { return nil }
        // Exactly one '/', between a known track and a name: found in place, where splitting
        // the id made an array and three strings for every proposal read.
        // The parts are cut at the byte (a String cut at an index inside a character, after a
        // prepended mark say, would round it to the character).
        let utf8 = id.utf8
        let slash = utf8.firstIndex(of: UInt8(ascii: "/"))
        let track = slash.map { String(decoding: utf8[..<$0], as: UTF8.self) }
        guard let slash, let track, !utf8[utf8.index(after: slash)...].contains(UInt8(ascii: "/")),
              isSlug(String(decoding: utf8[utf8.index(after: slash)...], as: UTF8.self)), registry.hasTrack(track) else {
            f.report("proposal", "\(quoted(id)) is not a proposal id", expected: "<track>/<name> with a known track, e.g. truce-30-day/us-jeddah")
            return nil
        }
        if !tracks.isEmpty, !tracks.contains(track) {
            f.report("proposal", "the proposal's track \(quoted(track)) is not among the event's tracks (\(quoted(tracks.joined(separator: ", "), mark: "")))",
                     expected: "a proposal on one of the event's tracks")
        }
        return id
    }

    private func terms(_ f: Fields, _ key: String) -> [Term]? {
        // Only the diagnostics are captured, not a copy of the parser.
        f.list(key) { [diagnostics] node, path in
            if case .scalar(let text, _) = node, !text.isEmpty {
                return Term(label: nfc(text))
            }
            guard let t = Fields(node, file: f.file, path: path, allowed: Self.termNames, diagnostics: diagnostics),
                  let label = t.string("label", required: true, expected: "a short English label")
            else { return nil }
            var words: [String: String] = [:]
            for language in Self.termLanguages {
                if let text = t.string(language) { words[language] = text }
            }
            return Term(label: label, words: words)
        }
    }

    /// What an event with no article is known by: no bound.
    static let unknownPublication = Int32.max

    /// The last day the catalog's article at `place` may have been published (its date, and
    /// the slack its precision allows).
    private func latestPublication(place: Int) -> Day {
        let published = articles.articles[place].article.published
        return published.adding(days: articles.articles[place].article.precision.slack(publishedIn: published))
    }

    /// A reported fact cannot have happened after its article was published (planned meetings
    /// are dated when they were announced, so the same holds).
    private func checkNotAfterPublication(_ event: Event, _ f: Fields, articlePlace place: Int?) {
        guard let on = event.on, event.article != nil, let place else { return }
        // The two fields read, not a copy of the whole entry.
        let published = articles.articles[place].article.published
        let precision = articles.articles[place].article.precision
        let latest = latestPublication(place: place)
        // A month or a range is counted from its last day: all of it must be known by then.
        if on.first > latest {
            f.report("on", "\(on) is after the article was published (\(published), \(precision))",
                     expected: "a date on or before the publication")
        } else if on.last > latest {
            f.report("on", "\(on) runs to \(on.last), after the article was published (\(published), \(precision))",
                     expected: "a month or range that ends by \(latest), e.g. \(on.first == latest ? ValidTime.day(latest) : ValidTime.range(on.first, latest))")
        }
    }
}
