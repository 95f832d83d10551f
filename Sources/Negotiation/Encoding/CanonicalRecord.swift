import CanonicalJSON

/// The canonical bytes of log records, written and read without Foundation's coders.
/// Keys are written in ascending byte order; `CanonicalEncodingTests` checks the bytes equal
/// `JSONEncoder`'s with `.sortedKeys`, the reference definition.
extension LogRecord {
    /// The canonical bytes.
    public func encoded() -> [UInt8] {
        var w = JSONWriter()
        switch self {
        case .registry(let r): r.write(&w)
        case .article(let a): a.write(&w)
        case .event(let e): e.write(&w)
        }
        return w.bytes
    }

    /// Decodes canonical (or any equivalent JSON) bytes.
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(RecordDecodingError) -> LogRecord {
        let value: JSONValue
        do {
            value = try JSONReader.parse(bytes)
        } catch {
            throw RecordDecodingError(reason: error.description)
        }
        var o = JSONFields(value, path: "")
        switch try o.string("kind") {
        case "registry":
            let parties = try o.array("parties").enumerated().map { i, v throws(RecordDecodingError) in
                let p = JSONFields(v, path: "parties[\(i)]")
                return Party(code: try p.string("code"), names: try p.dictionary("names"), aliases: try p.strings("aliases"))
            }
            let tracks = try o.array("tracks").enumerated().map { i, v throws(RecordDecodingError) in
                let t = JSONFields(v, path: "tracks[\(i)]")
                return Track(id: try t.string("id"), names: try t.dictionary("names"), requires: try t.strings("requires"))
            }
            return .registry(Registry(parties: parties, tracks: tracks))
        case "article":
            let precisionText = try o.string("precision")
            guard let precision = DatePrecision(parsing: precisionText) else {
                throw RecordDecodingError(reason: "precision '\(precisionText)' is not a precision")
            }
            return .article(Article(
                id: try o.string("id"), outlet: try o.string("outlet"), title: try o.string("title"),
                language: try o.string("language"), published: try o.day("published"), precision: precision,
                sha256: try o.string("sha256"), basis: try o.optionalString("basis"),
                url: try o.optionalString("url"), retrieved: try o.optionalDay("retrieved")))
        case "event":
            return .event(try Event(reading: &o))
        case let kind:
            throw RecordDecodingError(reason: "unknown record kind '\(kind)'")
        }
    }

    /// The id and text digest of an article record, read without its other fields; `nil` for
    /// a record of another kind. What checking the stored texts needs, reading past the other
    /// fields (see ``JSONReader/members(_:of:)``).
    package static func articleText(_ bytes: UnsafeRawBufferPointer) throws(RecordDecodingError) -> (id: String, sha256: String)? {
        let values: [JSONValue?]
        do {
            values = try JSONReader.members(["kind", "id", "sha256"], of: bytes)
        } catch {
            throw RecordDecodingError(reason: error.description)
        }
        func text(_ index: Int, _ key: String) throws(RecordDecodingError) -> String {
            guard let text = values[index]?.string else { throw RecordDecodingError(reason: "\(key): missing or not text") }
            return text
        }
        guard try text(0, "kind") == "article" else { return nil }
        return (try text(1, "id"), try text(2, "sha256"))
    }

    /// Decodes bytes held in an array.
    public static func decode(_ bytes: [UInt8]) throws(RecordDecodingError) -> LogRecord {
        do {
            return try bytes.withUnsafeBytes { raw in try decode(raw) }
        } catch let error as RecordDecodingError {
            throw error
        } catch {
            throw RecordDecodingError(reason: "\(error)")
        }
    }
}

/// A stored record that is not a Parley record.
public struct RecordDecodingError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }

    package init(reason: String) { self.reason = reason }
}

/// Typed access to a decoded JSON object's fields.
private struct JSONFields {
    let object: JSONObject
    let path: String

    init(_ value: JSONValue, path: String) {
        object = value.object ?? [:]
        self.path = path
    }

    func fail(_ key: String, _ problem: String) -> RecordDecodingError {
        RecordDecodingError(reason: "\(path.isEmpty ? key : path + "." + key): \(problem)")
    }

    func string(_ key: String) throws(RecordDecodingError) -> String {
        guard let s = object[key]?.string else { throw fail(key, "missing or not text") }
        return s
    }

    func optionalString(_ key: String) throws(RecordDecodingError) -> String? {
        guard let v = object[key] else { return nil }
        guard let s = v.string else { throw fail(key, "not text") }
        return s
    }

    func bool(_ key: String) throws(RecordDecodingError) -> Bool {
        guard let v = object[key] else { return false }
        guard let b = v.bool else { throw fail(key, "not true or false") }
        return b
    }

    func optionalBool(_ key: String) throws(RecordDecodingError) -> Bool? {
        guard object[key] != nil else { return nil }
        return try bool(key)
    }

    func array(_ key: String) throws(RecordDecodingError) -> [JSONValue] {
        guard let v = object[key] else { return [] }
        guard let a = v.array else { throw fail(key, "not a list") }
        return a
    }

    func strings(_ key: String) throws(RecordDecodingError) -> [String] {
        var result: [String] = []
        for item in try array(key) {
            guard let s = item.string else { throw fail(key, "a list item is not text") }
            result.append(s)
        }
        return result
    }

    func optionalStrings(_ key: String) throws(RecordDecodingError) -> [String]? {
        object[key] == nil ? nil : try strings(key)
    }

    func dictionary(_ key: String) throws(RecordDecodingError) -> [String: String] {
        guard let v = object[key] else { return [:] }
        guard let o = v.object else { throw fail(key, "not an object") }
        var result: [String: String] = [:]
        for (k, item) in o {
            guard let s = item.string else { throw fail("\(key).\(k)", "not text") }
            result[k] = s
        }
        return result
    }

    func day(_ key: String) throws(RecordDecodingError) -> Day {
        let text = try string(key)
        guard let day = Day(iso: text) else { throw fail(key, "'\(text)' is not a day") }
        return day
    }

    func optionalDay(_ key: String) throws(RecordDecodingError) -> Day? {
        object[key] == nil ? nil : try day(key)
    }

    func optionalInt(_ key: String) throws(RecordDecodingError) -> Int? {
        guard let v = object[key] else { return nil }
        guard let n = v.int else { throw fail(key, "not a whole number") }
        return n
    }

    func format(_ key: String) throws(RecordDecodingError) -> MeetingFormat? {
        guard let text = try optionalString(key) else { return nil }
        guard let format = MeetingFormat(rawValue: text) else { throw fail(key, "'\(text)' is not a meeting format") }
        return format
    }

    func validTime(_ key: String) throws(RecordDecodingError) -> ValidTime? {
        guard let text = try optionalString(key) else { return nil }
        do {
            return try ValidTime(parsing: text)
        } catch {
            throw fail(key, error.problem)
        }
    }

    func terms(_ key: String) throws(RecordDecodingError) -> [Term] {
        try array(key).enumerated().map { i, v throws(RecordDecodingError) in try JSONFields.term(v, path: "\(key)[\(i)]") }
    }

    func optionalTerms(_ key: String) throws(RecordDecodingError) -> [Term]? {
        object[key] == nil ? nil : try terms(key)
    }

    static func term(_ value: JSONValue, path: String) throws(RecordDecodingError) -> Term {
        let f = JSONFields(value, path: path)
        var words: [String: String] = [:]
        for (k, v) in f.object where k != "label" {
            guard let s = v.string else { throw f.fail(k, "not text") }
            words[k] = s
        }
        return Term(label: try f.string("label"), words: words)
    }
}

extension Event {
    fileprivate init(reading o: inout JSONFields) throws(RecordDecodingError) {
        let typeText = try o.string("type")
        guard let type = EventType(rawValue: typeText) else { throw o.fail("type", "'\(typeText)' is not an event type") }
        self.init(id: try o.string("id"), type: type)
        tracks = try o.strings("tracks")
        on = try o.validTime("on")
        actor = try o.optionalString("actor")
        counterparts = try o.strings("counterparts")
        proposal = try o.optionalString("proposal")
        terms = try o.terms("terms")
        conditions = try o.terms("conditions")
        met = try o.strings("met")
        dropped = try o.strings("dropped")
        place = try o.optionalString("place")
        planned = try o.bool("planned")
        unconditional = try o.bool("unconditional")
        article = try o.optionalString("article")
        quote = try o.optionalString("quote")
        note = try o.optionalString("note")
        extractor = try o.optionalString("extractor")
        confidence = try o.optionalString("confidence")
        reviewedBy = try o.optionalString("reviewed-by")
        corrects = try o.optionalString("corrects")
        retracts = try o.optionalString("retracts")
        reason = try o.optionalString("reason")
        of = try o.optionalString("of")
        format = try o.format("format")
        general = try o.bool("general")
        duration = try o.optionalInt("duration")
        starts = try o.optionalDay("starts")
        until = try o.optionalDay("until")
        days = try o.optionalInt("days")
        adoptOlderForm()
        if let set = o.object["set"] {
            let s = JSONFields(set, path: "set")
            var c = EventChanges()
            c.tracks = try s.optionalStrings("tracks")
            c.on = try s.validTime("on")
            c.actor = try s.optionalString("actor")
            c.counterparts = try s.optionalStrings("counterparts")
            c.proposal = try s.optionalString("proposal")
            c.terms = try s.optionalTerms("terms")
            c.conditions = try s.optionalTerms("conditions")
            c.met = try s.optionalStrings("met")
            c.dropped = try s.optionalStrings("dropped")
            c.place = try s.optionalString("place")
            c.planned = try s.optionalBool("planned")
            c.quote = try s.optionalString("quote")
            c.format = try s.format("format")
            c.duration = try s.optionalInt("duration")
            c.starts = try s.optionalDay("starts")
            c.until = try s.optionalDay("until")
            c.days = try s.optionalInt("days")
            changes = c
        }
    }

    // Keys in ascending byte order; `kind` falls between `id` and `met`.
    fileprivate func write(_ w: inout JSONWriter) {
        w.beginObject()
        if let actor { w.key("actor"); w.string(actor) }
        if let article { w.key("article"); w.string(article) }
        if !conditions.isEmpty { w.key("conditions"); writeTerms(conditions, &w) }
        if let confidence { w.key("confidence"); w.string(confidence) }
        if let corrects { w.key("corrects"); w.string(corrects) }
        if !counterparts.isEmpty { w.key("counterparts"); w.strings(counterparts) }
        if let days { w.key("days"); w.int(days) }
        if !dropped.isEmpty { w.key("dropped"); w.strings(dropped) }
        if let duration { w.key("duration"); w.int(duration) }
        if let extractor { w.key("extractor"); w.string(extractor) }
        if let format { w.key("format"); w.string(format.rawValue) }
        if general { w.key("general"); w.bool(true) }
        w.key("id"); w.string(id)
        w.key("kind"); w.string("event")
        if !met.isEmpty { w.key("met"); w.strings(met) }
        if let note { w.key("note"); w.string(note) }
        if let of { w.key("of"); w.string(of) }
        if let on { w.key("on"); w.string(on.description) }
        if let place { w.key("place"); w.string(place) }
        if planned { w.key("planned"); w.bool(true) }
        if let proposal { w.key("proposal"); w.string(proposal) }
        if let quote { w.key("quote"); w.string(quote) }
        if let reason { w.key("reason"); w.string(reason) }
        if let retracts { w.key("retracts"); w.string(retracts) }
        if let reviewedBy { w.key("reviewed-by"); w.string(reviewedBy) }
        if let changes { w.key("set"); changes.write(&w) }
        if let starts { w.key("starts"); w.string(starts.description) }
        if !terms.isEmpty { w.key("terms"); writeTerms(terms, &w) }
        if !tracks.isEmpty { w.key("tracks"); w.strings(tracks) }
        w.key("type"); w.string(type.rawValue)
        if unconditional { w.key("unconditional"); w.bool(true) }
        if let until { w.key("until"); w.string(until.description) }
        w.endObject()
    }
}

extension EventChanges {
    // A correction may set a list to empty or a flag to false: present values are all written.
    fileprivate func write(_ w: inout JSONWriter) {
        w.beginObject()
        if let actor { w.key("actor"); w.string(actor) }
        if let conditions { w.key("conditions"); writeTerms(conditions, &w) }
        if let counterparts { w.key("counterparts"); w.strings(counterparts) }
        if let days { w.key("days"); w.int(days) }
        if let dropped { w.key("dropped"); w.strings(dropped) }
        if let duration { w.key("duration"); w.int(duration) }
        if let format { w.key("format"); w.string(format.rawValue) }
        if let met { w.key("met"); w.strings(met) }
        if let on { w.key("on"); w.string(on.description) }
        if let place { w.key("place"); w.string(place) }
        if let planned { w.key("planned"); w.bool(planned) }
        if let proposal { w.key("proposal"); w.string(proposal) }
        if let quote { w.key("quote"); w.string(quote) }
        if let starts { w.key("starts"); w.string(starts.description) }
        if let terms { w.key("terms"); writeTerms(terms, &w) }
        if let tracks { w.key("tracks"); w.strings(tracks) }
        if let until { w.key("until"); w.string(until.description) }
        w.endObject()
    }
}

private func writeTerms(_ terms: [Term], _ w: inout JSONWriter) {
    w.beginArray()
    for term in terms {
        w.beginObject()
        var keys = Array(term.words.keys)
        keys.append("label")
        for key in keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            w.key(key)
            w.string(key == "label" ? term.label : term.words[key] ?? "")
        }
        w.endObject()
    }
    w.endArray()
}

extension Article {
    fileprivate func write(_ w: inout JSONWriter) {
        w.beginObject()
        if let basis { w.key("basis"); w.string(basis) }
        w.key("id"); w.string(id)
        w.key("kind"); w.string("article")
        w.key("language"); w.string(language)
        w.key("outlet"); w.string(outlet)
        w.key("precision"); w.string(precision.description)
        w.key("published"); w.string(published.description)
        if let retrieved { w.key("retrieved"); w.string(retrieved.description) }
        w.key("sha256"); w.string(sha256)
        w.key("title"); w.string(title)
        if let url { w.key("url"); w.string(url) }
        w.endObject()
    }
}

extension Registry {
    fileprivate func write(_ w: inout JSONWriter) {
        w.beginObject()
        w.key("kind"); w.string("registry")
        w.key("parties")
        w.beginArray()
        for p in parties {
            w.beginObject()
            w.key("aliases"); w.strings(p.aliases)
            w.key("code"); w.string(p.code)
            w.key("names"); w.stringMap(p.names)
            w.endObject()
        }
        w.endArray()
        w.key("tracks")
        w.beginArray()
        for t in tracks {
            w.beginObject()
            w.key("id"); w.string(t.id)
            w.key("names"); w.stringMap(t.names)
            w.key("requires"); w.strings(t.requires)
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }
}
