import Negotiation
import EventLog
import Foundation

/// Writes a deterministic synthetic corpus in the curated formats, for trying Parley at scale
/// and for benchmarks: `seeds/` (articles and catalog.yaml) and `events/` (registries and
/// event files) that `parley ingest` accepts.
///
/// Ten tracks over ten years (2015–2024), every event type including corrections and
/// retractions, imprecise dates (months and ranges), quotes of 100–300 characters that are
/// sentences of their generated articles. The seed is part of every id, so corpora of
/// different seeds can share a log.
public struct SyntheticCorpus: Sendable {
    public var events: Int
    public var seed: UInt64
    /// Events reported by one article.
    public var eventsPerArticle = 20
    /// Articles whose events share one event file.
    public var articlesPerFile = 50

    public init(events: Int, seed: UInt64) {
        self.events = events
        self.seed = seed
    }

    static let parties = ["PA", "PB", "PC", "PD", "PE", "PF"]
    static let tracks = (0..<10).map { String(format: "synth-%02d", $0) }
    static let firstDay = Day(year: 2015, month: 1, day: 1) ?? Day(ordinal: 16_436)
    static let days = 3_652

    /// What was written.
    public struct Summary: Sendable {
        public var articles = 0
        public var events = 0
        public var files = 0
        public var bytes = 0
    }

    /// Writes the corpus under `directory` (created if missing; existing files are replaced).
    public func write(to directory: String) throws -> Summary {
        let seeds = directory + "/seeds", eventsDir = directory + "/events"
        for dir in [seeds, eventsDir] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        var summary = Summary()
        try write(registries: eventsDir, &summary)
        var rng = SplitMix64(seed: seed)
        var catalog = "# Synthetic catalog, seed \(seed): \(events) events.\narticles:\n"
        var file = ""
        var fileIndex = 0
        var eventIndex = 0
        var articleIndex = 0
        var recentIDs: [(id: String, published: Day)] = []  // events a later fix may name, with their article's day
        var openConditions: [String: [String]] = [:]  // track → labels set so far
        while eventIndex < events {
            let count = min(eventsPerArticle, events - eventIndex)
            let articleID = "s\(seed)-a\(articleIndex)"
            let published = Self.firstDay.adding(days: 30 + Int(rng.next(below: UInt64(Self.days - 31))))
            let language = rng.next(below: 4) == 0 ? "en" : "fr"
            var sentences: [String] = [filler(&rng, language)]
            var block = ""
            for _ in 0..<count {
                let id = "s\(seed)-e\(eventIndex)"
                let quote = sentence(&rng, language, id: id)
                sentences.append(quote)
                if rng.next(below: 3) == 0 { sentences.append(filler(&rng, language)) }
                block += event(id: id, article: articleID, quote: quote, published: published, rng: &rng,
                               recent: &recentIDs, open: &openConditions)
                eventIndex += 1
            }
            let text = sentences.joined(separator: " ") + "\n"
            let bytes = Array(text.utf8)
            let path = "\(seeds)/\(articleID).txt"
            guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
            }
            summary.bytes += bytes.count
            catalog += """
                  - id: \(articleID)
                    outlet: "Synthetic Wire \(rng.next(below: 40))"
                    title: "Synthetic report \(articleIndex)"
                    language: \(language)
                    published: \(published)
                    precision: day
                    sha256: \(hexString(SHA256.hash(data: bytes)))

                """
            file += block
            summary.articles += 1
            articleIndex += 1
            if articleIndex % articlesPerFile == 0 || eventIndex == events {
                try flush(&file, to: String(format: "%@/synth-%06d.yaml", eventsDir, fileIndex), &summary)
                fileIndex += 1
            }
        }
        try Data(catalog.utf8).write(to: URL(fileURLWithPath: seeds + "/catalog.yaml"))
        summary.bytes += catalog.utf8.count
        summary.events = eventIndex
        return summary
    }

    private func flush(_ body: inout String, to path: String, _ summary: inout Summary) throws {
        let text = "# Synthetic events, seed \(seed).\nevents:\n" + body
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        summary.files += 1
        summary.bytes += text.utf8.count
        body = ""
    }

    private func write(registries directory: String, _ summary: inout Summary) throws {
        var parties = "parties:\n"
        for code in Self.parties {
            parties += "  - code: \(code)\n    names: {en: \"Party \(code)\", fr: \"Partie \(code)\"}\n    aliases: [\"Capital \(code)\"]\n"
        }
        var tracks = "tracks:\n"
        for (i, id) in Self.tracks.enumerated() {
            let a = Self.parties[i % Self.parties.count], b = Self.parties[(i + 1) % Self.parties.count]
            tracks += "  - id: \(id)\n    names: {en: \"Synthetic track \(i)\", fr: \"Piste synthétique \(i)\"}\n    requires: [\(a), \(b)]\n"
        }
        try Data(parties.utf8).write(to: URL(fileURLWithPath: directory + "/parties.yaml"))
        try Data(tracks.utf8).write(to: URL(fileURLWithPath: directory + "/tracks.yaml"))
        summary.bytes += parties.utf8.count + tracks.utf8.count
    }

    private func event(id: String, article: String, quote: String, published: Day, rng: inout SplitMix64,
                       recent: inout [(id: String, published: Day)], open: inout [String: [String]]) -> String {
        let trackIndex = Int(rng.next(below: UInt64(Self.tracks.count)))
        let track = Self.tracks[trackIndex]
        let required = [Self.parties[trackIndex % Self.parties.count], Self.parties[(trackIndex + 1) % Self.parties.count]]
        let actor = rng.next(below: 5) == 0 ? Self.parties[Int(rng.next(below: 6))] : required[Int(rng.next(below: 2))]
        let other = required.first { $0 != actor } ?? required[0]
        let roll = rng.next(below: 100)
        let quoted = "\"\(quote)\""
        // Fixes name an earlier event of this seed.
        if roll < 5, let (target, reported) = recent.isEmpty ? nil : recent[Int(rng.next(below: UInt64(recent.count)))] {
            if roll < 2 {
                return "  - id: \(id)\n    type: retraction\n    retracts: \(target)\n    reason: \"synthetic: withdrawn\"\n    article: \(article)\n    quote: \(quoted)\n"
            }
            // Never after what the event's own article could know.
            let on = min(published, reported).adding(days: -Int(rng.next(below: 20)))
            return "  - id: \(id)\n    type: correction\n    corrects: \(target)\n    set: {on: \(on)}\n    reason: \"synthetic: wrong day\"\n    article: \(article)\n    quote: \(quoted)\n"
        }
        let happened = published.adding(days: -Int(rng.next(below: 30)))
        let safeOn: String
        switch rng.next(below: 20) {
        case 0:
            // A month, unless it ends after publication.
            let month = ValidTime.month(year: happened.year, month: happened.month)
            safeOn = month.last <= published ? month.description : happened.description
        case 1, 2:
            safeOn = ValidTime.range(happened.adding(days: -Int(1 + rng.next(below: 10))), happened).description
        default:
            safeOn = happened.description
        }
        var lines = "  - id: \(id)\n"
        let proposal = "\(track)/p\(rng.next(below: 3))"
        switch roll {
        case 5..<15:
            lines += "    type: proposal\n    tracks: [\(track)]\n    on: \(safeOn)\n    actor: \(Self.parties[Int(rng.next(below: 6))])\n    counterparts: [\(required.joined(separator: ", "))]\n    proposal: \(proposal)\n    terms:\n      - {label: \"term \(rng.next(below: 8))\", fr: \"terme\"}\n"
        case 15..<40:
            lines += "    type: acceptance\n    tracks: [\(track)]\n    on: \(safeOn)\n    actor: \(actor)\n    counterparts: [\(other)]\n    proposal: \(proposal)\n"
            let labels = open[track] ?? []
            if !labels.isEmpty, rng.next(below: 3) == 0 {
                lines += "    met: [\"\(labels[Int(rng.next(below: UInt64(labels.count)))])\"]\n"
            } else if rng.next(below: 4) == 0 {
                let label = "condition \(rng.next(below: 12))"
                lines += "    conditions:\n      - {label: \"\(label)\", fr: \"condition\"}\n"
                open[track, default: []].append(label)
            }
        case 40..<58:
            let label = "condition \(rng.next(below: 12))"
            open[track, default: []].append(label)
            if open[track, default: []].count > 24 { open[track]?.removeFirst() }
            lines += "    type: condition\n    tracks: [\(track)]\n    on: \(safeOn)\n    actor: \(actor)\n    counterparts: [\(other)]\n    conditions:\n      - {label: \"\(label)\", fr: \"exigence\"}\n"
        case 58..<72:
            lines += "    type: violation\n    tracks: [\(track)]\n    on: \(safeOn)\n    actor: \(actor)\n    counterparts: [\(other)]\n"
        case 72..<78:
            lines += "    type: rejection\n    tracks: [\(track)]\n    on: \(safeOn)\n    actor: \(actor)\n    counterparts: [\(other)]\n    proposal: \(proposal)\n"
        default:
            let planned = rng.next(below: 6) == 0
            lines += "    type: meeting\n    tracks: [\(track)]\n    on: \(safeOn)\n    actor: \(actor)\n    counterparts: [\(other)]\n    place: \"City \(rng.next(below: 30))\"\n" + (planned ? "    planned: true\n" : "")
        }
        lines += "    article: \(article)\n    quote: \(quoted)\n"
        recent.append((id, published))
        if recent.count > 64 { recent.removeFirst() }
        return lines
    }

    private static let wordsFR = ["le", "cessez-le-feu", "négociations", "délégation", "accord", "frontière", "ministre",
                                  "porte-parole", "pourparlers", "sécurité", "garanties", "région", "conditions", "trêve",
                                  "infrastructures", "énergétiques", "maritime", "discussions", "réunion", "propositions"]
    private static let wordsEN = ["the", "ceasefire", "negotiations", "delegation", "agreement", "border", "minister",
                                  "spokesperson", "talks", "security", "guarantees", "region", "conditions", "truce",
                                  "infrastructure", "energy", "shipping", "discussions", "meeting", "proposals"]

    /// A sentence of 100 to 300 characters that names the event, so quotes are unique.
    private func sentence(_ rng: inout SplitMix64, _ language: String, id: String) -> String {
        let words = language == "fr" ? Self.wordsFR : Self.wordsEN
        let target = 100 + Int(rng.next(below: 180))
        var text = (language == "fr" ? "Selon la dépêche \(id), " : "According to dispatch \(id), ")
        while text.count < target { text += words[Int(rng.next(below: UInt64(words.count)))] + " " }
        return String(text.dropLast()) + "."
    }

    private func filler(_ rng: inout SplitMix64, _ language: String) -> String {
        let words = language == "fr" ? Self.wordsFR : Self.wordsEN
        return (0..<(8 + Int(rng.next(below: 12)))).map { _ in words[Int(rng.next(below: UInt64(words.count)))] }.joined(separator: " ").capitalized + "."
    }
}

/// A small, fast, deterministic generator (SplitMix64), so a seed always gives the same corpus.
package struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    package init(seed: UInt64) { state = seed }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<bound.
    package mutating func next(below bound: UInt64) -> UInt64 {
        bound == 0 ? 0 : next() % bound
    }
}
