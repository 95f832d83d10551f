import EventLog
import Foundation

/// What one log entry holds: an article's catalog entry or an event.
///
/// ## Canonical encoding
/// A payload is UTF-8 JSON (RFC 8259) with no insignificant white space, object keys sorted
/// by their UTF-8 bytes, `/` unescaped, strings in Unicode NFC (the loader normalises them),
/// dates as ISO 8601 text (`2025-03-11`, `2025-03`, `2025-03-18..2025-03-25`), and empty
/// lists, `false` and absent fields omitted. `kind` is `registry`, `article` or `event`; the
/// other keys are the registry, catalog and event-file field names. The same corpus therefore
/// gives the same bytes, and two new logs of it the same head hash. The log entry's id is
/// `registry/<sha256 of the payload>`, `article/<id>` or `event/<id>`.
public enum LogRecord: Sendable, Hashable {
    /// The parties and tracks in force from this record on.
    case registry(Registry)
    case article(Article)
    case event(Event)

    /// The log entry id. A registry's is its content hash, so an unchanged registry is not
    /// recorded again and a changed one is.
    public func entryID(payload: [UInt8]) -> String {
        switch self {
        case .registry: "registry/\(hexString(SHA256.hash(data: payload)))"
        case .article(let a): "article/\(a.id)"
        case .event(let e): "event/\(e.id)"
        }
    }

    /// The canonical bytes through Foundation's `JSONEncoder`: the reference definition of the
    /// encoding, which ``encoded()`` reproduces faster.
    public func referenceEncoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self))
    }
}

struct Keys: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension KeyedEncodingContainer where K == Keys {
    mutating func put(_ value: String?, _ key: String) throws {
        if let value { try encode(value, forKey: Keys(key)) }
    }
    mutating func put<T: Encodable>(_ values: [T], _ key: String) throws {
        if !values.isEmpty { try encode(values, forKey: Keys(key)) }
    }
    mutating func put<T: Encodable>(_ value: T?, _ key: String) throws {
        if let value { try encode(value, forKey: Keys(key)) }
    }
    mutating func put(_ flag: Bool, _ key: String) throws {
        if flag { try encode(true, forKey: Keys(key)) }
    }
}

extension KeyedDecodingContainer where K == Keys {
    func take<T: Decodable>(_ key: String) throws -> T? { try decodeIfPresent(T.self, forKey: Keys(key)) }
    func take<T: Decodable>(_ key: String, default value: T) throws -> T { try decodeIfPresent(T.self, forKey: Keys(key)) ?? value }
    func need<T: Decodable>(_ key: String) throws -> T { try decode(T.self, forKey: Keys(key)) }
}

extension LogRecord: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let kind: String = try c.need("kind")
        switch kind {
        case "registry": self = .registry(Registry(parties: try c.need("parties"), tracks: try c.need("tracks")))
        case "article": self = .article(try Article(from: decoder))
        case "event": self = .event(try Event(from: decoder))
        default:
            throw DecodingError.dataCorrupted(.init(codingPath: [Keys("kind")], debugDescription: "unknown record kind '\(kind)'"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        switch self {
        case .registry(let r):
            try c.put("registry", "kind")
            try c.encode(r.parties, forKey: Keys("parties"))
            try c.encode(r.tracks, forKey: Keys("tracks"))
        case .article(let a):
            try c.put("article", "kind")
            try a.encode(to: encoder)
        case .event(let e):
            try c.put("event", "kind")
            try e.encode(to: encoder)
        }
    }
}

extension Term: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        label = try c.need("label")
        var words: [String: String] = [:]
        for key in c.allKeys where key.stringValue != "label" {
            words[key.stringValue] = try c.decode(String.self, forKey: key)
        }
        self.words = words
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.put(label, "label")
        for (language, text) in words { try c.put(text, language) }
    }
}

extension Article: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let precisionText: String = try c.need("precision")
        guard let precision = DatePrecision(parsing: precisionText) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [Keys("precision")], debugDescription: "bad precision '\(precisionText)'"))
        }
        self.init(id: try c.need("id"), outlet: try c.need("outlet"), title: try c.need("title"),
                  language: try c.need("language"), published: try c.need("published"),
                  precision: precision, sha256: try c.need("sha256"), basis: try c.take("basis"),
                  url: try c.take("url"), retrieved: try c.take("retrieved"))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.put(id, "id")
        try c.put(outlet, "outlet")
        try c.put(title, "title")
        try c.put(language, "language")
        try c.put(published, "published")
        try c.put(precision.description, "precision")
        try c.put(sha256, "sha256")
        try c.put(basis, "basis")
        try c.put(url, "url")
        try c.put(retrieved, "retrieved")
    }
}

extension Event: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        self.init(id: try c.need("id"), type: try c.need("type"))
        tracks = try c.take("tracks", default: [])
        on = try c.take("on")
        actor = try c.take("actor")
        counterparts = try c.take("counterparts", default: [])
        proposal = try c.take("proposal")
        terms = try c.take("terms", default: [])
        conditions = try c.take("conditions", default: [])
        met = try c.take("met", default: [])
        dropped = try c.take("dropped", default: [])
        place = try c.take("place")
        planned = try c.take("planned", default: false)
        unconditional = try c.take("unconditional", default: false)
        article = try c.take("article")
        quote = try c.take("quote")
        note = try c.take("note")
        extractor = try c.take("extractor")
        confidence = try c.take("confidence")
        reviewedBy = try c.take("reviewed-by")
        corrects = try c.take("corrects")
        changes = try c.take("set")
        retracts = try c.take("retracts")
        reason = try c.take("reason")
        of = try c.take("of")
        format = try c.take("format")
        general = try c.take("general", default: false)
        duration = try c.take("duration")
        starts = try c.take("starts")
        until = try c.take("until")
        days = try c.take("days")
        adoptOlderForm()
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.put(id, "id")
        try c.put(type.rawValue, "type")
        try c.put(tracks, "tracks")
        try c.put(on, "on")
        try c.put(actor, "actor")
        try c.put(counterparts, "counterparts")
        try c.put(proposal, "proposal")
        try c.put(terms, "terms")
        try c.put(conditions, "conditions")
        try c.put(met, "met")
        try c.put(dropped, "dropped")
        try c.put(place, "place")
        try c.put(planned, "planned")
        try c.put(unconditional, "unconditional")
        try c.put(article, "article")
        try c.put(quote, "quote")
        try c.put(note, "note")
        try c.put(extractor, "extractor")
        try c.put(confidence, "confidence")
        try c.put(reviewedBy, "reviewed-by")
        try c.put(corrects, "corrects")
        try c.put(changes, "set")
        try c.put(retracts, "retracts")
        try c.put(reason, "reason")
        try c.put(of, "of")
        try c.put(format?.rawValue, "format")
        try c.put(general, "general")
        try c.put(duration, "duration")
        try c.put(starts, "starts")
        try c.put(until, "until")
        try c.put(days, "days")
    }
}

extension EventChanges: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        self.init()
        tracks = try c.take("tracks")
        on = try c.take("on")
        actor = try c.take("actor")
        counterparts = try c.take("counterparts")
        proposal = try c.take("proposal")
        terms = try c.take("terms")
        conditions = try c.take("conditions")
        met = try c.take("met")
        dropped = try c.take("dropped")
        place = try c.take("place")
        planned = try c.take("planned")
        quote = try c.take("quote")
        format = try c.take("format")
        duration = try c.take("duration")
        starts = try c.take("starts")
        until = try c.take("until")
        days = try c.take("days")
    }

    public func encode(to encoder: any Encoder) throws {
        // A correction may set a list to empty, so present-but-empty lists are kept here.
        var c = encoder.container(keyedBy: Keys.self)
        try c.put(tracks, "tracks")
        try c.put(on, "on")
        try c.put(actor, "actor")
        try c.put(counterparts, "counterparts")
        try c.put(proposal, "proposal")
        try c.put(terms, "terms")
        try c.put(conditions, "conditions")
        try c.put(met, "met")
        try c.put(dropped, "dropped")
        try c.put(place, "place")
        try c.put(planned, "planned")
        try c.put(quote, "quote")
        try c.put(format?.rawValue, "format")
        try c.put(duration, "duration")
        try c.put(starts, "starts")
        try c.put(until, "until")
        try c.put(days, "days")
    }
}
