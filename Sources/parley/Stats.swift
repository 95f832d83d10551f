import Answers
import ArgumentParser
import Negotiation

struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "What the log holds: articles by language and outlet, events by type and track.",
        discussion: """
            Counts the recorded articles (by language, by outlet, by month of publication) and \
            the acts as they stand (corrections applied, retracted ones left out; by type, by \
            track, general meetings apart), with the second sources and the log's own fixes. An \
            act on two tracks counts once on each track.
            """
    )

    @OptionGroup var log: LogOptions
    @OptionGroup var output: OutputOptions

    struct Count: Encodable {
        var name: String
        var count: Int
    }

    struct Answer: Encodable {
        var articles: Int
        var articlesByLanguage: [Count]
        var articlesByOutlet: [Count]
        var articlesByMonth: [Count]
        var events: Int
        var eventsByType: [Count]
        var eventsByTrack: [Count]
        var sources: Int
        var fixes: Int
    }

    func run() throws {
        let history = try readHistory(log)
        let articles = Array(history.articles.values)
        // The acts as they stand: corrections applied, retracted ones left out.
        let reports = history.events(for: Query(asOf: .latest)).map(\.event)
        var byTrack: [String: Int] = [:]
        for e in reports {
            if e.general { byTrack["general", default: 0] += 1 }
            for t in e.tracks { byTrack[t, default: 0] += 1 }
        }
        let trackOrder = history.registry.tracks.map(\.id) + ["general"]
        let answer = Answer(
            articles: articles.count,
            articlesByLanguage: Self.counted(articles.map(\.language)),
            articlesByOutlet: Self.counted(articles.map(\.outlet)),
            articlesByMonth: Self.counted(articles.map { String($0.published.description.prefix(7)) }).sorted { $0.name < $1.name },
            events: reports.count,
            eventsByType: EventType.allCases.compactMap { type in
                let n = reports.filter { $0.type == type }.count
                return n == 0 ? nil : Count(name: type.rawValue, count: n)
            },
            eventsByTrack: trackOrder.compactMap { t in byTrack[t].map { Count(name: t, count: $0) } }
                + byTrack.keys.filter { !trackOrder.contains($0) }.sorted().map { Count(name: $0, count: byTrack[$0] ?? 0) },
            sources: history.sources.count,
            fixes: history.fixes.count)
        if output.json {
            try printAnswer(head: history.head, answer)
            return
        }
        print("log: \(history.head.sequence) entries, head \(history.head.hashHex.prefix(16))…")
        print("\(answer.articles) articles")
        print(Self.listed("by language", answer.articlesByLanguage))
        print(Self.listed("by outlet", answer.articlesByOutlet))
        print(Self.listed("by month", answer.articlesByMonth))
        print("\(answer.events) events (acts), \(answer.sources) second sources, \(answer.fixes) fixes")
        print(Self.listed("by type", answer.eventsByType))
        print(Self.listed("by track", answer.eventsByTrack))
    }

    /// Each distinct value with its count, most frequent first, then by name.
    static func counted(_ values: [String]) -> [Count] {
        Dictionary(grouping: values, by: { $0 }).map { Count(name: $0.key, count: $0.value.count) }
            .sorted { ($0.count, $1.name) > ($1.count, $0.name) }
    }

    static func listed(_ title: String, _ counts: [Count]) -> String {
        let width = counts.map(\.name.count).max() ?? 0
        return (["  \(title):"] + counts.map { "    \($0.name.padding(toLength: width, withPad: " ", startingAt: 0))  \($0.count)" })
            .joined(separator: "\n")
    }
}
