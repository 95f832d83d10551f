import Negotiation
import Store

/// Everything a report shows, computed from the record with the fold `state` uses; no markup.
struct ReportModel: Sendable {
    let options: ReportOptions
    /// The time axis, inclusive.
    let from: Day
    let to: Day
    let lanes: [Lane]
    /// General meetings on the axis (talks on the war as a whole): they count on no track, so
    /// they are drawn in a row of their own, never in a lane.
    let generalMeetings: [RecordedEvent]
    /// General meetings as of the as-of day (and known-on day), held and planned, for the line
    /// under the state table.
    let generalMeetingsAsOf: [RecordedEvent]
    /// Every track as of the as-of day (and known-on day).
    let states: [TrackState]
    /// Each proposal's audit as of the as-of day; proposals not yet known are left out.
    let audits: [Audit]
    /// The events the page cites (drawn or audited), in valid-time order.
    let evidence: [RecordedEvent]
    /// The article's words for each term and condition label, by language, so that an audit
    /// (which names them by label) can quote them.
    let words: [String: [String: String]]
    /// Corrections and retractions by the id of the event they fix.
    let fixes: [String: [RecordedEvent]]
    let registry: Registry
    let articles: [String: Negotiation.Article]
    /// The log's last sequence and head hash (hex) when it was read.
    let headSequence: UInt64
    let headHash: String

    init(history: History, options: ReportOptions) throws(ReportError) {
        let to = options.to ?? options.asOf
        let visible = history.events(for: Query(asOf: to, knownOn: options.knownOn))
        // Imprecise events start the axis at the first day they could be, so their bars fit.
        let from = options.from ?? visible.compactMap { $0.event.on?.first }.min() ?? to
        guard from <= to else { throw .axisEndsBeforeItStarts(from: from, to: to) }
        let shown = visible.filter { ($0.event.on?.last ?? from) >= from }

        let days = Cadence.day.days(from: from, to: to)
        do throws(ProjectionError) {
            let series = try history.series(days, knownOn: options.knownOn)
            lanes = history.registry.tracks.map { track in
                let statuses = series.map { _, states in states.first { $0.track == track.id }?.status ?? .none }
                return Lane(track: track, bands: Lane.bands(days: days, statuses: statuses),
                            events: shown.filter { EffectiveEvents.concerns($0.event, track: track.id) })
            }
            states = try history.states(Query(asOf: options.asOf, knownOn: options.knownOn))
            audits = try history.proposals.map { proposal throws(ProjectionError) in
                try history.audit(proposal, asOf: options.asOf, knownOn: options.knownOn)
            }.filter { !$0.steps.isEmpty }
        } catch {
            throw .projection(error)
        }
        // The history says which meetings are general, as `parley state` asks it.
        generalMeetings = history.generalMeetings(for: Query(asOf: to, knownOn: options.knownOn))
            .filter { ($0.event.on?.last ?? from) >= from }
        generalMeetingsAsOf = history.generalMeetings(for: Query(asOf: options.asOf, knownOn: options.knownOn))

        var cited = shown
        let drawn = Set(shown.map(\.event.id))
        for step in audits.flatMap(\.steps) where !drawn.contains(step.event.event.id) {
            cited.append(step.event)
        }
        var seen = Set<String>()
        evidence = cited.filter { seen.insert($0.event.id).inserted }.sorted(by: EffectiveEvents.precedes)
        var words: [String: [String: String]] = [:]
        for term in history.reports.flatMap({ $0.event.terms + $0.event.conditions }) where !term.words.isEmpty {
            words[term.label, default: [:]].merge(term.words) { first, _ in first }
        }
        self.words = words
        fixes = Dictionary(grouping: history.fixes.filter { $0.event.target != nil }) { $0.event.target ?? "" }

        self.options = options
        self.from = from
        self.to = to
        registry = history.registry
        articles = history.articles
        headSequence = history.head.sequence
        headHash = history.head.hashHex
    }

    var labels: Labels { Labels(language: options.language, registry: registry) }

    /// The events drawn on the chart, once each.
    var drawnEventCount: Int {
        Set(lanes.flatMap { $0.events.map(\.event.id) } + generalMeetings.map(\.event.id)).count
    }
}
