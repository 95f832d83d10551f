import Corpus
import Foundation
import Negotiation

/// Everything extraction knows about words: cues, modifiers, tracks, dates, sentence rules and
/// party aliases. Read from data files under `<events>/lexicons/`, so a user extends them
/// without a rebuild:
///
/// - `cues.yaml`: event cues and the words that modify them;
/// - `tracks.yaml`: the phrases naming each track (ids from the track registry);
/// - `dates-<language>.yaml`: date words, one file per language;
/// - `sentences.yaml`: abbreviations and language-detection words;
/// - `parties.yaml` (optional): aliases beyond those of the party registry.
public struct Lexicon: Sendable {
    /// The parties and tracks events may name.
    public var registry: Registry
    /// Every cue, in file order, all languages.
    public var cues: [Cue] = []
    /// By language code.
    public var modifiers: [String: CueModifiers] = [:]
    /// The phrases naming each track.
    public var tracks = TrackLexicon()
    /// By language code.
    public var dates: [String: DateLexicon] = [:]
    /// Words a dot does not end (« M », "Dr").
    public var abbreviations: Set<String> = []
    /// Frequent words by language code, for detecting an article's language.
    public var languageWords: [String: Set<String>] = [:]
    /// Aliases by party code: the registry's, then the lexicon's.
    public var aliases: [String: [String]] = [:]
    /// Words that name both sides at once (« les deux camps », "both sides"), by language: they
    /// stand for the two parties named just before.
    public var groupNouns: [String: [String]] = [:]

    /// A lexicon with the registry's aliases and no words yet.
    public init(registry: Registry) {
        self.registry = registry
        for party in registry.parties { aliases[party.code] = party.aliases + party.names.values.sorted() }
    }

    /// The languages the lexicon can read: those with cues and date words.
    public var languages: [String] {
        Set(cues.map(\.language)).intersection(dates.keys).sorted()
    }

    /// Reads the registry (`parties.yaml`, `tracks.yaml`) and the lexicons of an events folder.
    ///
    /// - Throws: ``LexiconError`` naming file, line and field of every problem; a broken
    ///   registry's ``Corpus/CorpusError`` issues are reported the same way.
    public static func load(events: String) throws(LexiconError) -> Lexicon {
        let registry: Registry
        do {
            registry = try Corpus.loadRegistry(events: events)
        } catch {
            throw LexiconError(error.issues)
        }
        return try load(events: events, registry: registry)
    }

    /// Reads the lexicons of an events folder, checking their track ids and party codes against `registry`.
    public static func load(events: String, registry: Registry) throws(LexiconError) -> Lexicon {
        let folder = (events as NSString).appendingPathComponent("lexicons")
        let reader = LexiconReader()
        var lexicon = Lexicon(registry: registry)
        lexicon.readCues((folder as NSString).appendingPathComponent("cues.yaml"), reader)
        lexicon.readTracks((folder as NSString).appendingPathComponent("tracks.yaml"), reader)
        lexicon.readSentences((folder as NSString).appendingPathComponent("sentences.yaml"), reader)
        lexicon.readAliases((folder as NSString).appendingPathComponent("parties.yaml"), reader)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let dateFiles = names.filter { $0.hasPrefix("dates-") && $0.hasSuffix(".yaml") }.sorted()
        if dateFiles.isEmpty {
            reader.report(folder, nil, nil, "no date lexicon", expected: "at least one dates-<language>.yaml")
        }
        for name in dateFiles {
            lexicon.readDates((folder as NSString).appendingPathComponent(name), reader)
        }
        guard reader.issues.isEmpty else { throw LexiconError(inFileOrder(reader.issues)) }
        return lexicon
    }

    /// Issues by file, in the order files were read, and by line within a file.
    private static func inFileOrder(_ issues: [CorpusIssue]) -> [CorpusIssue] {
        var firstSeen: [String: Int] = [:]
        for issue in issues where firstSeen[issue.file] == nil { firstSeen[issue.file] = firstSeen.count }
        return issues.enumerated().sorted { a, b in
            let ka = (firstSeen[a.element.file] ?? 0, a.element.line ?? 0, a.offset)
            let kb = (firstSeen[b.element.file] ?? 0, b.element.line ?? 0, b.offset)
            return ka < kb
        }.map(\.element)
    }

    // MARK: cues.yaml

    static let cueFields = ["type", "confidence", "agent", "object", "place", "conditions", "except"]
    static let reportTypes = EventType.allCases.filter(\.isReport)

    private mutating func readCues(_ file: String, _ reader: LexiconReader) {
        guard let root = reader.document(file), let top = reader.mapping(file, root, "", allowed: ["events", "modifiers"]) else { return }
        if !top.contains(where: { $0.key == "events" }) { reader.report(file, root, "events", "missing", expected: "a list of cues") }
        for (key, _, value) in top {
            if key == "events" {
                guard case .sequence(let items, _) = value else {
                    reader.report(file, value, "events", "found \(LexiconReader.describe(value))", expected: "a list of cues")
                    continue
                }
                for (i, item) in items.enumerated() { readCue(file, item, "events[\(i)]", reader) }
            } else {
                guard let languages = reader.mapping(file, value, "modifiers") else { continue }
                for (language, _, body) in languages {
                    var modifiers = CueModifiers()
                    let path = "modifiers.\(language)"
                    guard let fields = reader.mapping(file, body, path, allowed: CueModifiers.fields.map(\.name)) else { continue }
                    for (field, _, list) in fields {
                        guard let keyPath = CueModifiers.fields.first(where: { $0.name == field })?.path else { continue }
                        modifiers[keyPath: keyPath] = PhraseList(reader.phrases(file, list, "\(path).\(field)"))
                    }
                    self.modifiers[language] = modifiers
                }
            }
        }
    }

    private mutating func readCue(_ file: String, _ node: YAMLNode, _ path: String, _ reader: LexiconReader) {
        guard let fields = reader.mapping(file, node, path) else { return }
        var type: EventType?
        var confidence = 0.7
        var agent = Cue.Agent.subject
        var needsObject = false, needsPlace = false, conditions = false
        var exceptions = Set<String>()
        var phrases: [(String, Phrase)] = []
        let typeNames = Self.reportTypes.map(\.rawValue).joined(separator: ", ")
        for (key, keyNode, value) in fields {
            let field = "\(path).\(key)"
            switch key {
            case "type":
                guard let text = reader.string(file, value, field, expected: "one of \(typeNames)") else { continue }
                type = EventType(rawValue: text).flatMap { $0.isReport ? $0 : nil }
                if type == nil { reader.report(file, value, field, "unknown event type '\(text)'", expected: "one of \(typeNames)") }
            case "confidence":
                confidence = reader.number(file, value, field, in: 0...1) ?? confidence
            case "agent":
                let names = Cue.Agent.allCases.map(\.rawValue).joined(separator: ", ")
                guard let text = reader.string(file, value, field, expected: "one of \(names)") else { continue }
                if let a = Cue.Agent(rawValue: text) { agent = a } else {
                    reader.report(file, value, field, "unknown agent '\(text)'", expected: "one of \(names)")
                }
            case "object": needsObject = reader.bool(file, value, field) ?? false
            case "place": needsPlace = reader.bool(file, value, field) ?? false
            case "conditions": conditions = reader.bool(file, value, field) ?? false
            case "except": exceptions = Set(reader.strings(file, value, field, expected: "words").map(Tokenizer.fold))
            default:
                guard Self.isLanguageCode(key) else {
                    reader.report(file, keyNode, field, "unknown field '\(key)'",
                                  expected: "one of \(Self.cueFields.joined(separator: ", ")), or a language code (fr, en…) with its phrases")
                    continue
                }
                phrases += reader.phrases(file, value, field).map { (key, $0) }
            }
        }
        guard let type else {
            if !fields.contains(where: { $0.key == "type" }) {
                reader.report(file, node, "\(path).type", "missing", expected: "one of \(typeNames)")
            }
            return
        }
        if phrases.isEmpty { reader.report(file, node, path, "no phrases", expected: "phrases by language, e.g. fr: [a accepté]") }
        for (language, phrase) in phrases {
            cues.append(Cue(type: type, language: language, phrase: phrase, confidence: confidence, agent: agent,
                            needsObject: needsObject, needsPlace: needsPlace, introducesConditions: conditions, exceptions: exceptions))
        }
    }

    static func isLanguageCode(_ key: String) -> Bool {
        key.count == 2 && key.allSatisfy { $0.isASCII && $0.isLowercase }
    }

    // MARK: tracks.yaml

    private mutating func readTracks(_ file: String, _ reader: LexiconReader) {
        guard let root = reader.document(file), let top = reader.mapping(file, root, "", allowed: ["tracks", "general"]) else { return }
        let known = registry.tracks.map(\.id)
        let expectedTrack = "a track id from tracks.yaml: \(known.joined(separator: ", "))"
        for (key, _, value) in top {
            if key == "tracks" {
                guard case .sequence(let items, _) = value else {
                    reader.report(file, value, "tracks", "found \(LexiconReader.describe(value))", expected: "a list of tracks")
                    continue
                }
                for (i, item) in items.enumerated() {
                    let path = "tracks[\(i)]"
                    guard let fields = reader.mapping(file, item, path) else { continue }
                    guard let idField = fields.first(where: { $0.key == "id" }) else {
                        reader.report(file, item, "\(path).id", "missing", expected: expectedTrack)
                        continue
                    }
                    guard let id = reader.string(file, idField.value, "\(path).id", expected: expectedTrack) else { continue }
                    if registry.track(id) == nil {
                        reader.report(file, idField.value, "\(path).id", "unknown track '\(id)'", expected: expectedTrack)
                    }
                    for (language, keyNode, list) in fields where language != "id" {
                        guard Self.isLanguageCode(language) else {
                            reader.report(file, keyNode, "\(path).\(language)", "unknown field '\(language)'", expected: "id, or a language code with its phrases")
                            continue
                        }
                        for phrase in reader.phrases(file, list, "\(path).\(language)") { tracks.add(phrase, track: id, language: language) }
                    }
                }
            } else {
                guard let fields = reader.mapping(file, value, "general") else { continue }
                for (field, keyNode, body) in fields {
                    if field == "track" {
                        guard let id = reader.string(file, body, "general.track", expected: expectedTrack) else { continue }
                        if registry.track(id) == nil {
                            reader.report(file, body, "general.track", "unknown track '\(id)'", expected: expectedTrack)
                        } else {
                            tracks.generalTrack = id
                        }
                    } else if Self.isLanguageCode(field) {
                        for phrase in reader.phrases(file, body, "general.\(field)") { tracks.addGeneral(phrase, language: field) }
                    } else {
                        reader.report(file, keyNode, "general.\(field)", "unknown field '\(field)'", expected: "track, or a language code with its phrases")
                    }
                }
            }
        }
    }

    // MARK: sentences.yaml

    private mutating func readSentences(_ file: String, _ reader: LexiconReader) {
        guard let root = reader.document(file), let top = reader.mapping(file, root, "", allowed: ["abbreviations", "languages"]) else { return }
        for (key, _, value) in top {
            if key == "abbreviations" {
                abbreviations = Set(reader.strings(file, value, "abbreviations", expected: "words"))
            } else if let languages = reader.mapping(file, value, "languages") {
                for (language, _, words) in languages {
                    languageWords[language] = Set(reader.strings(file, words, "languages.\(language)", expected: "words").map(Tokenizer.fold))
                }
            }
        }
    }

    // MARK: parties.yaml

    private mutating func readAliases(_ file: String, _ reader: LexiconReader) {
        guard let root = reader.document(file, optional: true), let top = reader.mapping(file, root, "", allowed: ["aliases", "groups"]) else { return }
        for (key, _, value) in top {
            if key == "groups" {
                guard let languages = reader.mapping(file, value, "groups") else { continue }
                for (language, _, list) in languages {
                    groupNouns[language, default: []] += reader.strings(file, list, "groups.\(language)", expected: "words that name both sides")
                }
                continue
            }
            guard let parties = reader.mapping(file, value, "aliases") else { continue }
            for (code, keyNode, list) in parties {
                guard registry.party(code) != nil else {
                    reader.report(file, keyNode, "aliases.\(code)", "unknown party '\(code)'",
                                  expected: "a code from parties.yaml: \(registry.parties.map(\.code).joined(separator: ", "))")
                    continue
                }
                aliases[code, default: []] += reader.strings(file, list, "aliases.\(code)", expected: "aliases")
            }
        }
    }

    // MARK: dates-<language>.yaml

    private mutating func readDates(_ file: String, _ reader: LexiconReader) {
        guard let root = reader.document(file), let top = reader.mapping(file, root, "", allowed: DateLexicon.fields) else { return }
        guard let languageField = top.first(where: { $0.key == "language" }),
              let language = reader.string(file, languageField.value, "language", expected: "a language code such as fr")
        else {
            if !top.contains(where: { $0.key == "language" }) {
                reader.report(file, root, "language", "missing", expected: "the language code of these words, e.g. fr")
            }
            return
        }
        var lexicon = DateLexicon(language: language)
        for (key, _, value) in top {
            switch key {
            case "language": continue
            case "months":
                lexicon.months = numberMap(file, value, key, 1...12, reader)
            case "weekdays":
                lexicon.weekdays = numberMap(file, value, key, 1...7, reader)
            case "units":
                lexicon.units = numberMap(file, value, key, 1...366, reader)
            case "numbers":
                lexicon.numbers = numberMap(file, value, key, 0...1000, reader)
            case "months-capitalized":
                lexicon.monthsCapitalized = reader.bool(file, value, key) ?? false
            case "ordinal-suffixes":
                lexicon.ordinalSuffixes = reader.strings(file, value, key, expected: "suffixes").map(Tokenizer.fold)
            default:
                if let keyPath = DateLexicon.offsetFields.first(where: { $0.name == key })?.path {
                    guard let entries = reader.mapping(file, value, key) else { continue }
                    var set = PhraseSet<Int>()
                    for (text, keyNode, offset) in entries {
                        guard let phrase = reader.phrase(file, keyNode, "\(key).\(text)", text),
                              let n = reader.integer(file, offset, "\(key).\(text)", in: -3650...3650)
                        else { continue }
                        set.add(phrase, n)
                    }
                    lexicon[keyPath: keyPath] = set
                } else if let keyPath = DateLexicon.listFields.first(where: { $0.name == key })?.path {
                    lexicon[keyPath: keyPath] = PhraseList(reader.phrases(file, value, key))
                }
            }
        }
        if dates[language] != nil {
            reader.report(file, languageField.value, "language", "the language '\(language)' has another date file", expected: "one dates file per language")
        }
        dates[language] = lexicon
    }

    private func numberMap(_ file: String, _ node: YAMLNode, _ field: String, _ range: ClosedRange<Int>, _ reader: LexiconReader) -> [String: Int] {
        guard let entries = reader.mapping(file, node, field) else { return [:] }
        var result: [String: Int] = [:]
        for (word, _, value) in entries {
            if let n = reader.integer(file, value, "\(field).\(word)", in: range) { result[Tokenizer.fold(word)] = n }
        }
        return result
    }
}
