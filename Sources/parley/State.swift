import Answers
import ArgumentParser
import Negotiation
import Store

struct State: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The state of every track (or one) as of a day, as known on a day.",
        discussion: """
            Folds each track's events in valid-time order: an imprecise date counts from the \
            last day it could be (and the answer says from when it was possible); events of one \
            day go by type, then publication, then article. A ceasefire in effect ends when its \
            term runs out. With --known-on, only what had been published by then counts, \
            corrections included: the state as the press knew it.
            """
    )

    @OptionGroup var log: LogOptions
    @OptionGroup var query: QueryOptions
    @OptionGroup var output: OutputOptions

    @Option(help: ArgumentHelp("Only this track.", valueName: "track"), completion: Completions.tracks)
    var track: String?

    func run() throws {
        let q = query.query
        let answer = try log.openForReading().states(q, track: track)
        if output.json {
            try printAnswer(asOf: q.asOf, knownOn: q.knownOn, head: answer.head, StateAnswerJSON(answer: answer))
            return
        }
        print("as of \(q.asOf)" + (q.knownOn.map { ", as known on \($0)" } ?? "")
            + " (log: \(answer.head.sequence) entries, head \(answer.head.hashHex.prefix(16))…)")
        for state in answer.states {
            print("")
            print(describe(state, answer.registry))
        }
        if track == nil {
            print("")
            print(describeGeneral(answer.general))
        }
    }

    /// The general meetings: talks on the war as a whole, counted on no track.
    private func describeGeneral(_ meetings: [RecordedEvent]) -> String {
        let held = meetings.filter { !$0.event.planned }
        var lines = ["general meetings (on no track): \(held.count) held" + (held.count == meetings.count ? "" : ", \(meetings.count - held.count) planned")]
        for m in meetings {
            let e = m.event
            let who = ([e.actor].compactMap { $0 } + e.counterparts).joined(separator: "–")
            let how = [e.format?.rawValue, e.place].compactMap { $0 }.joined(separator: ", ")
            lines.append("  \(e.on?.description ?? "")  \(who)" + (how.isEmpty ? "" : " (\(how))") + (e.planned ? ", planned" : "") + "  \(e.id)")
        }
        return lines.joined(separator: "\n")
    }

    private func describe(_ s: TrackState, _ registry: Registry) -> String {
        var lines = ["\(s.track) (\(name(of: s.track, in: registry))): \(s.status.rawValue)" + since(s)]
        if let e = s.inEffect {
            var line = "  in effect    since \(e.since)"
            if e.possibleSince < e.since { line += " (possibly since \(e.possibleSince))" }
            line += e.by.map { ", as \($0) claims (\(e.event ?? ""))" } ?? ", its planned start"
            if let through = e.through, s.ending == nil { line += "; ends after \(through)" }
            lines.append(line)
        }
        if let end = s.ending {
            let by = end.by.map { ", as \($0) says (\(end.event ?? ""))" } ?? ""
            lines.append("  ended        on \(end.on): \(end.reason.rawValue)\(by)")
        }
        for (i, c) in s.claims.enumerated() {
            lines.append((i == 0 ? "  claims       " : "               ") + "\(c.party): \(c.fact.rawValue) \(c.date) (\(c.event))")
        }
        if s.disputed { lines.append("  disputed     the parties' accounts differ") }
        if let p = s.proposal {
            let terms = p.terms.map(\.label).joined(separator: "; ")
            let term = (p.duration.map { ", \($0) days" } ?? "") + (p.starts.map { ", from \($0)" } ?? "")
            lines.append("  proposal     \(p.id), since \(p.since)\(term)" + (terms.isEmpty ? "" : ": \(terms)"))
        } else {
            lines.append("  proposal     none")
        }
        for (i, party) in s.required.enumerated() {
            let position = s.positions[party] ?? .none
            var when = position.since.map { " since \($0)" } ?? ""
            if let possible = position.possibleSince, let certain = position.since { when = " possibly since \(possible), certainly by \(certain)" }
            let source = position.event.map { " (\($0))" } ?? ""
            lines.append((i == 0 ? "  positions    " : "               ") + "\(party) \(position.stance.rawValue)\(when)\(source)")
        }
        if s.openConditions.isEmpty {
            lines.append("  conditions   none open")
        } else {
            for (i, c) in s.openConditions.enumerated() {
                lines.append((i == 0 ? "  conditions   " : "               ") + "\(c.party): \(c.label), since \(c.since) (\(c.event))")
            }
        }
        if let last = s.lastViolation {
            let pairs = s.allegationPairs.map { "\($0.by) against \($0.against.joined(separator: ","))" }
            lines.append("  violations   \(s.violationCount) alleged (\(pairs.joined(separator: "; "))), last \(last.date)")
        } else {
            lines.append("  violations   none alleged")
        }
        if let last = s.lastMeeting {
            lines.append("  meetings     \(s.meetingCount), last \(last.date)" + (last.place.map { " in \($0)" } ?? ""))
        } else {
            lines.append("  meetings     none")
        }
        if let e = s.lastEvent { lines.append("  last event   \(e.id) (\(e.on), sequence \(e.sequence))") }
        lines.append("  sources      \(s.sourceCount)")
        if s.uncertain { lines.append("  uncertain    an event with an imprecise date was counted") }
        return lines.joined(separator: "\n")
    }

    /// When the status began: the day it is certain, and from when it was possible.
    private func since(_ s: TrackState) -> String {
        guard let certain = s.statusSince else { return "" }
        if let possible = s.statusPossibleSince { return " (possibly since \(possible), certainly by \(certain))" }
        return " (since \(certain))"
    }
}

