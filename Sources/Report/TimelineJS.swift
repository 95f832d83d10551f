import Foundation
import Negotiation

/// The record as a TimelineJS timeline (its JSON format, as the Knight Lab documents it): one
/// slide per act as of a day, as known on a day, its quote and a link to its article; a group
/// per track (and `general` for the general meetings); an era for each time a ceasefire was in
/// effect. Texts are HTML-escaped: an article's words are never markup.
public enum TimelineJS {
    public struct Timeline: Encodable {
        public var title: Slide
        public var events: [Slide]
        public var eras: [Era]
    }

    public struct Slide: Encodable {
        public var startDate: DatePart?
        public var endDate: DatePart?
        public var displayDate: String?
        public var text: Text
        public var group: String?
        public var uniqueID: String?

        enum CodingKeys: String, CodingKey {
            case startDate = "start_date", endDate = "end_date", displayDate = "display_date", text, group, uniqueID = "unique_id"
        }
    }

    public struct Era: Encodable {
        public var startDate: DatePart
        public var endDate: DatePart
        public var text: Text

        enum CodingKeys: String, CodingKey { case startDate = "start_date", endDate = "end_date", text }
    }

    /// TimelineJS takes the parts as numbers or strings; they are numbers here.
    public struct DatePart: Encodable {
        public var year: Int
        public var month: Int?
        public var day: Int?
    }

    public struct Text: Encodable {
        public var headline: String
        public var text: String?
    }

    /// The timeline of `history` as of `asOf`, as known on `knownOn`, in `language` (`en`, `fr`)
    /// for the tracks' names.
    public static func timeline(_ history: History, asOf: Day, knownOn: Day?, language: String = "en") throws(ProjectionError) -> Timeline {
        let query = Query(asOf: asOf, knownOn: knownOn)
        let names = Dictionary(history.registry.tracks.map { ($0.id, $0.names[language] ?? $0.names["en"] ?? $0.id) }, uniquingKeysWith: { a, _ in a })
        let events = history.events(for: query).compactMap { recorded -> Slide? in
            let e = recorded.event
            guard let on = e.on else { return nil }
            let group = e.general ? "general" : e.tracks.first ?? "general"
            let what = e.type.rawValue + (e.planned ? " (planned)" : "")
            let who = [e.actor, e.counterparts.isEmpty ? nil : e.counterparts.joined(separator: ", ")].compactMap { $0 }.joined(separator: " → ")
            let headline = "\(who.isEmpty ? "" : who + ": ")\(what)" + (e.general ? "" : " — " + e.tracks.map { names[$0] ?? $0 }.joined(separator: ", "))
            var body = e.sources.isEmpty ? [cite(e.article, e.quote, history)] : e.sources.map { cite($0.article, $0.quote, history) }
            if let place = e.place { body.insert("<p>" + escape(place) + "</p>", at: 0) }
            return Slide(startDate: part(on.first), endDate: on.first == on.last ? nil : part(on.last), displayDate: display(on),
                         text: Text(headline: escape(headline), text: body.joined()), group: group, uniqueID: e.id)
        }
        var eras: [Era] = []
        for state in try history.states(query) {
            guard let effect = state.inEffect else { continue }
            let end = state.ending.map { $0.on.adding(days: -1) } ?? effect.through.map { min($0, asOf) } ?? asOf
            guard end >= effect.since else { continue }
            eras.append(Era(startDate: part(effect.since), endDate: part(end),
                            text: Text(headline: escape("\(names[state.track] ?? state.track): in effect"), text: nil)))
        }
        let title = Slide(text: Text(headline: "Ceasefire negotiations, as of \(asOf)" + (knownOn.map { ", as known on \($0)" } ?? ""),
                                     text: "<p>\(events.count) acts, each with its source; \(history.head.sequence) log entries, head \(history.head.hashHex.prefix(16))</p>"))
        return Timeline(title: title, events: events, eras: eras)
    }

    /// The timeline as JSON (keys sorted, so the same log gives the same bytes).
    public static func json(_ timeline: Timeline) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(timeline)) + [0x0A]
    }

    static func part(_ day: Day) -> DatePart { DatePart(year: day.year, month: day.month, day: day.day) }

    /// The date as written in the log (`2025-03-11`, `2025-03`), a range with "to" between its ends.
    static func display(_ on: ValidTime) -> String {
        if case .range(let a, let b) = on { return "\(a) to \(b)" }
        return on.description
    }

    /// A source: the quote, then the outlet and day, linked to the article's page when known.
    static func cite(_ article: String?, _ quote: String?, _ history: History) -> String {
        var html = quote.map { "<blockquote>" + escape($0) + "</blockquote>" } ?? ""
        guard let article, let a = history.articles[article] else { return html }
        let label = escape("\(a.outlet), \(a.published)")
        if let url = a.url {
            html += "<p><a href=\"\(escape(url))\">\(label)</a></p>"
        } else {
            html += "<p>\(label)</p>"
        }
        return html
    }

    /// Text in HTML, an attribute's value included: `&`, `<`, `>`, `"` and `'` escaped.
    static func escape(_ text: String) -> String { Markup.attribute(text) }
}
