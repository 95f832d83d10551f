import Negotiation

/// What an event tells the sanity checks: its type, the last day it could have happened, its
/// first track and its actor. Made where the event is read (on any thread), a few words.
struct SanityFacts: Sendable {
    var type: EventType
    var lastDay: Int32
    var track: String?
    var actor: String?

    init?(_ event: Event) {
        guard event.type.isReport, let on = event.on else { return nil }
        type = event.type
        lastDay = Int32(truncatingIfNeeded: on.last.ordinal)
        track = event.tracks.first
        actor = event.actor
    }
}

/// Checks that a corpus tells a coherent story, which no single event can be held to: warnings
/// for a person to read, not errors (the record may be right and the press incomplete).
///
/// - an acceptance, condition or violation dated before any proposal or start on its track (a
///   party may accept a truce another declared);
/// - a start on a track no party had accepted by then (but for a unilateral truce, whose one
///   required party starts it);
/// - a correction that moves an event across a proposal on its track, which reorders the fold.
///
/// Fed in corpus order, in memory a few bytes per event: of each track, its proposals' days
/// and, of the events the checks may flag, only the earliest few.
struct SanityChecks {
    /// How many events of one kind on one track are named, at most (the earliest).
    static let shownPerTrack = 8

    private struct Flagged {
        var day: Int32
        var location: SourceLocation
        var id: String
        var actor: String?
    }

    private struct TrackFacts {
        var proposals: [Int32] = []
        var firstStart = Int32.max
        var firstAcceptance = Int32.max
        /// The earliest acceptances and conditions, and violations, and starts.
        var positions: [Flagged] = []
        var violations: [Flagged] = []
        var starts: [Flagged] = []

        /// Takes in an event of `type` on `day`; `flagged` makes what names it, when it is kept.
        mutating func take(_ type: EventType, day: Int32, _ flagged: () -> Flagged) {
            switch type {
            case .proposal:
                proposals.append(day)
            case .acceptance:
                firstAcceptance = min(firstAcceptance, day)
                SanityChecks.keep(day, flagged, in: &positions)
            case .condition:
                SanityChecks.keep(day, flagged, in: &positions)
            case .violation:
                SanityChecks.keep(day, flagged, in: &violations)
            case .start:
                firstStart = min(firstStart, day)
                SanityChecks.keep(day, flagged, in: &starts)
            default:
                break
            }
        }
    }

    private var tracks: [String: TrackFacts] = [:]
    /// Each event's last day (days since 1970, ``unknownDay`` outside 1970–2149) and first track
    /// (its place in `trackNames`, ``noTrack`` past the 255th), by ordinal (``EventReader``'s),
    /// for the fixes: 3 bytes an event, which a large ingest's peak memory has room for.
    private var days: [UInt16] = []
    private var trackOf: [UInt8] = []
    /// Which events are proposals, a bit each: a correction that moves a proposal does not
    /// cross itself.
    private var proposalBits: [UInt64] = []
    private var trackNames: [String] = []
    private var trackPlaces: [String: UInt8] = [:]
    private static let noTrack = UInt8.max
    private static let unknownDay = UInt16.max

    /// Takes in the event of `ordinal` (ordinals are given in corpus order, one per event).
    mutating func take(_ facts: SanityFacts?, id: String, location: SourceLocation, ordinal: Int) {
        while days.count < ordinal {
            days.append(Self.unknownDay)
            trackOf.append(Self.noTrack)
        }
        days.append(facts.map { Self.compact($0.lastDay) } ?? Self.unknownDay)
        trackOf.append(facts?.track.map { place($0) } ?? Self.noTrack)
        if facts?.type == .proposal {
            while proposalBits.count <= ordinal / 64 { proposalBits.append(0) }
            proposalBits[ordinal / 64] |= 1 << UInt64(ordinal % 64)
        }
        guard let facts, let track = facts.track else { return }
        tracks[track, default: TrackFacts()].take(facts.type, day: facts.lastDay) {
            Flagged(day: facts.lastDay, location: location, id: id, actor: facts.actor)
        }
    }

    /// A day ordinal in the 2 bytes ``days`` keeps: days since 1970, ``unknownDay`` outside
    /// 1970–2149.
    private static func compact(_ day: Int32) -> UInt16 {
        (0..<Int32(unknownDay)).contains(day) ? UInt16(day) : unknownDay
    }

    /// The place of `track` in `trackNames`, added when first met (a corpus names a few dozen
    /// tracks; past 255, the fixes of the rest are not checked).
    private mutating func place(_ track: String) -> UInt8 {
        if let known = trackPlaces[track] { return known }
        guard trackNames.count < Int(Self.noTrack) else { return Self.noTrack }
        let new = UInt8(trackNames.count)
        trackNames.append(track)
        trackPlaces[track] = new
        return new
    }

    /// Keeps the event of `day` (made by `item` only then) if it is among the ``shownPerTrack``
    /// earliest, plus one to tell there were more.
    private static func keep(_ day: Int32, _ item: () -> Flagged, in list: inout [Flagged]) {
        guard list.count <= shownPerTrack || day < list[list.count - 1].day else { return }
        let at = list.firstIndex { day < $0.day } ?? list.count
        list.insert(item(), at: at)
        if list.count > shownPerTrack + 1 { list.removeLast() }
    }

    /// The warnings about the events taken in, track by track.
    func warnings(registry: Registry) -> [CorpusIssue] {
        var issues: [CorpusIssue] = []
        for (track, facts) in tracks.sorted(by: { $0.key < $1.key }) {
            let firstProposal = facts.proposals.min() ?? .max
            let early = facts.positions.filter { $0.day < min(firstProposal, facts.firstStart) }
            issues += early.prefix(Self.shownPerTrack).map { item in
                issue(item, "dated \(day(item.day)), before any proposal or start on track \(quoted(track))",
                      expected: "a proposal or a start on the track by then (or a date after it)")
            }
            let unprompted = facts.violations.filter { $0.day < min(firstProposal, facts.firstStart) }
            issues += unprompted.prefix(Self.shownPerTrack).map { item in
                issue(item, "a violation dated \(day(item.day)), before any proposal or start on track \(quoted(track))",
                      expected: "a proposal or a start on the track by then")
            }
            let requires = registry.track(track)?.requires ?? []
            let unaccepted = facts.starts.filter { start in
                start.day < facts.firstAcceptance && !(requires.count == 1 && requires.first == start.actor)
            }
            issues += unaccepted.prefix(Self.shownPerTrack).map { item in
                issue(item, "a start dated \(day(item.day)) on track \(quoted(track)), which no party had accepted by then",
                      expected: "an acceptance on the track by then, or a unilateral track that requires only \(item.actor ?? "its actor")")
            }
        }
        return issues
    }

    /// Whether the event of ordinal `target` is a proposal.
    private func isProposal(_ target: Int) -> Bool {
        target / 64 < proposalBits.count && proposalBits[target / 64] & (1 << UInt64(target % 64)) != 0
    }

    /// The track of the event of ordinal `target`, and its last day when that is known.
    private func placed(_ target: Int) -> (track: String, day: Int32?)? {
        guard target < days.count, trackOf[target] != Self.noTrack else { return nil }
        return (trackNames[Int(trackOf[target])], days[target] == Self.unknownDay ? nil : Int32(days[target]))
    }

    /// Takes in a correction that moves the event of ordinal `target` to end on `movedTo`: a
    /// proposal moved earlier is on its track from then on, for the checks of what came before
    /// any proposal.
    mutating func moved(target: Int, to movedTo: Int32) {
        guard isProposal(target), let track = placed(target)?.track else { return }
        tracks[track]?.proposals.append(movedTo)
    }

    /// Takes in a retraction of the event of ordinal `target`: a retracted proposal is on its
    /// track no more.
    mutating func retracted(target: Int) {
        guard isProposal(target), case let (track, day?)? = placed(target) else { return }
        if let i = tracks[track]?.proposals.firstIndex(of: day) { tracks[track]?.proposals.remove(at: i) }
    }

    /// A warning for a correction that moves the event of ordinal `target` to end on `movedTo`,
    /// when a proposal on its track lies between its old and new days; `shown` counts those
    /// already given per track (the first ``shownPerTrack`` of each are).
    func reordering(target: Int, movedTo: Int32, id: String, at location: SourceLocation, shown: inout [String: Int]) -> CorpusIssue? {
        guard case let (track, before?)? = placed(target), shown[track, default: 0] < Self.shownPerTrack else { return nil }
        // On a proposal's own day an event comes after it: it is on the proposal's far side
        // when its day is the proposal's or later.
        let isProposal = isProposal(target)
        guard let crossed = tracks[track]?.proposals.first(where: { ($0 <= before) != ($0 <= movedTo) && !(isProposal && $0 == before) })
        else { return nil }
        shown[track, default: 0] += 1
        return CorpusIssue(file: location.file, line: location.line, field: location.field("set.on"),
                           problem: "the correction moves \(quoted(id)) from \(day(before)) to \(day(movedTo)), across a proposal on track \(quoted(track)) (\(day(crossed)))",
                           expected: "a date on the same side of the track's proposals, or a check that the new order is meant")
    }

    private func issue(_ item: Flagged, _ problem: String, expected: String) -> CorpusIssue {
        CorpusIssue(file: item.location.file, line: item.location.line, field: item.location.field("on"),
                    problem: "\(quoted(item.id)) is \(problem)", expected: expected)
    }

    private func day(_ ordinal: Int32) -> String { Day(ordinal: Int(ordinal)).description }
}
