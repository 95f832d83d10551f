import Negotiation
import Plot

/// The state of every track on the as-of day, as `parley state` prints it: one row per track,
/// and a line for the general talks, which count on no track.
struct StateTable {
    let model: ReportModel

    func section() -> Node<HTML.BodyContext> {
        let labels = model.labels
        var heading = "\(labels.stateHeading) — \(labels.asOf.lowercased()) \(labels.day(model.options.asOf))"
        if let knownOn = model.options.knownOn { heading += ", \(labels.knownOn) \(labels.day(knownOn))" }
        return .section(
            .id("state"), .class("state"),
            .h2(.plain(heading)),
            .div(.class("table-scroll"), .attr("tabindex", "0"), .attr("role", "region"), .attr("aria-label", labels.stateHeading),
                 .table(
                    .id("state-table"),
                    .thead(.tr(.group([labels.columnTrack, labels.columnStatus, labels.columnCeasefire, labels.columnProposal,
                                       labels.columnPositions, labels.columnConditions, labels.columnViolations,
                                       labels.columnMeetings, labels.columnLastEvent, labels.columnSources]
                        .map { .th(.attr("scope", "col"), .plain($0)) }))),
                    .tbody(.group(model.states.map(row)))
                 )),
            general()
        )
    }

    /// The general talks as of the day: how many were held and planned, the last one held.
    private func general() -> Node<HTML.BodyContext> {
        let labels = model.labels
        let meetings = model.generalMeetingsAsOf
        guard !meetings.isEmpty else { return .empty }
        let held = meetings.filter { !$0.event.planned }
        var text = labels.generalTalksHeld(held: held.count, planned: meetings.count - held.count)
        if let last = held.last?.event, let on = last.on {
            text += " (\(labels.last) \(labels.date(on))" + (last.place.map { " \(labels.inPlace) \($0)" } ?? "") + ")"
        }
        return .p(.id("state-general"), .class("state-general"), .attr("data-held", "\(held.count)"),
                  .attr("data-planned", "\(meetings.count - held.count)"), .plain(text))
    }

    private func row(_ s: TrackState) -> Node<HTML.TableContext> {
        let labels = model.labels
        return .tr(
            .id("state-\(Markup.identifier(s.track))"), .attr("data-track", s.track), .attr("data-status", s.status.rawValue),
            s.disputed ? .attr("data-disputed", "true") : .empty,
            .th(.attr("scope", "row"), .plain(labels.trackName(s.track)), .br(), .small(.code(.plain(s.track)))),
            .td(.span(.class("status"), Legend.swatch(s.status), .plain(labels.status(s.status))),
                s.statusSince.map { .group(.br(), .small(.class("status-since"), Self.nowrap(when(s.statusPossibleSince, $0)))) } ?? .empty,
                s.uncertain ? .group(.br(), .small(.class("uncertain"), .plain(labels.uncertain))) : .empty,
                s.disputed ? .group(.br(), .strong(.class("disputed"), .plain(labels.disputed)),
                                    .small(.plain("\(labels.colon)\(labels.disputedNote)"))) : .empty),
            .td(.class("ceasefire"), ceasefire(s)),
            .td(proposal(s)),
            .td(.class("positions"), list(s.required.map { party in
                let position = s.positions[party] ?? .none
                return ("\(labels.partyName(party))\(labels.colon)\(labels.stance(position.stance))",
                        position.since.map { Self.parenthesised(when(position.possibleSince, $0)) } ?? [])
            })),
            .td(.class("conditions"), s.openConditions.isEmpty ? .plain(labels.none) : list(s.openConditions.map { c in
                ("\(labels.partyName(c.party))\(labels.colon)\(labels.words(label: c.label, words: c.words))", ["(\(labels.since) \(labels.day(c.since)))"])
            })),
            .td(violations(s)),
            .td(meetings(s)),
            .td(.class("last-event"), lastEvent(s)),
            .td(.class("sources"), .attr("data-sources", "\(s.sourceCount)"), .attr("title", labels.sourcesBehind(s.sourceCount)),
                .plain("\(s.sourceCount)"))
        )
    }

    /// Since when: the day it is certain, or, when an imprecise date reached it, the span from
    /// the day it was possible, so that a range never reads as a precise fact. In parts, each
    /// to be kept on one line, so a narrow cell breaks between them and not inside a date.
    private func when(_ possible: Day?, _ certain: Day) -> [String] {
        guard let possible, possible < certain else { return ["\(model.labels.since) \(model.labels.day(certain))"] }
        return model.labels.possiblySince(possible, certainlyBy: certain)
    }

    private static func parenthesised(_ parts: [String]) -> [String] {
        guard let first = parts.first, let last = parts.last else { return [] }
        if parts.count == 1 { return ["(\(first))"] }
        return ["(\(first)"] + parts.dropFirst().dropLast() + ["\(last))"]
    }

    /// The ceasefire's life as the fold gives it: since when it is in effect and by whose
    /// account (or its planned start), how it ended, and each party's claims of its start and
    /// end, which may disagree.
    private func ceasefire(_ s: TrackState) -> Node<HTML.BodyContext> {
        let labels = model.labels
        var lines: [Node<HTML.BodyContext>] = []
        if let e = s.inEffect {
            let by = e.by.map { "\(labels.by) \(labels.partyName($0))" } ?? labels.plannedStart
            var through = ""
            if let last = e.through, s.ending == nil { through = "; \(labels.lastDay) \(labels.day(last))" }
            lines.append(.p(.class("in-effect"), .attr("data-since", e.since.description),
                            .plain("\(labels.inEffect) "), Self.nowrap(when(e.possibleSince, e.since)),
                            .plain(" (\(by))\(through)")))
        }
        if let end = s.ending {
            let reason = labels.endReason(end.reason) + (end.by.map { ", \(labels.by) \(labels.partyName($0))" } ?? "")
            lines.append(.p(.class("ended"), .attr("data-on", end.on.description), .attr("data-reason", end.reason.rawValue),
                            .plain("\(labels.endedOn) "), Self.nowrap(labels.day(end.on)), .plain(" (\(reason))")))
        }
        if !s.claims.isEmpty {
            lines.append(.p(.class("claims-title"), .small(.plain(labels.claims))))
            lines.append(.ul(.class("cell-list claims"), .group(s.claims.map { claim in
                .li(.class("claim"), .attr("data-party", claim.party), .attr("data-fact", claim.fact.rawValue),
                    .attr("data-date", claim.date),
                    .plain("\(labels.partyName(claim.party))\(labels.colon)\(labels.fact(claim.fact)) "),
                    cited(claim.event) ? .a(.attr("href", "#\(EvidenceList.anchor(claim.event))"), .class("nowrap"), .plain(labels.date(text: claim.date))) : date(claim.date))
            })))
        }
        return lines.isEmpty ? .plain(labels.notInEffect) : .group(lines)
    }

    /// Whether the page's evidence list has an entry for the event, so a link to it lands.
    private func cited(_ id: String) -> Bool {
        model.evidence.contains { $0.event.id == id }
    }

    private func proposal(_ s: TrackState) -> Node<HTML.BodyContext> {
        let labels = model.labels
        guard let p = s.proposal else { return .plain(labels.none) }
        return .group(
            .code(.plain(p.id)), .plain(" "), Self.nowrap("(\(labels.since) \(labels.day(p.since)))"),
            list(p.terms.map { (labels.words(label: $0.label, words: $0.words), []) })
        )
    }

    private func violations(_ s: TrackState) -> Node<HTML.BodyContext> {
        let labels = model.labels
        guard let last = s.lastViolation else { return .plain(labels.none) }
        let pairs = Set(s.allegationPairs.map { "\(labels.partyName($0.by)) → \(labels.partyNames($0.against))" }).sorted()
        return .group(.plain("\(s.violationCount) (\(labels.last) "), date(last.date), .plain(")"), list(pairs.map { ($0, []) }))
    }

    private func meetings(_ s: TrackState) -> Node<HTML.BodyContext> {
        let labels = model.labels
        guard let last = s.lastMeeting else { return .plain(labels.none) }
        return .group(.plain("\(s.meetingCount) (\(labels.last) "), date(last.date),
                      .plain((last.place.map { " \(labels.inPlace) \($0)" } ?? "") + ")"))
    }

    private func lastEvent(_ s: TrackState) -> Node<HTML.BodyContext> {
        guard let mark = s.lastEvent else { return .plain(model.labels.none) }
        let name: Node<HTML.BodyContext> = cited(mark.id)
            ? .a(.attr("href", "#\(EvidenceList.anchor(mark.id))"), .code(.plain(mark.id)))
            : .code(.plain(mark.id))
        return .group(name, .br(), .small(date(mark.on), .plain(" · \(model.labels.logPosition) \(mark.sequence)")))
    }

    /// A list of (text, date note): the note is kept on one line, since dates break badly at
    /// their hyphens in narrow cells.
    private func list(_ items: [(String, [String])]) -> Node<HTML.BodyContext> {
        items.isEmpty ? .empty : .ul(.class("cell-list"), .group(items.map { text, note in
            .li(.plain(text), note.isEmpty ? .empty : .group(.plain(" "), Self.nowrap(note)))
        }))
    }

    private static func nowrap(_ text: String) -> Node<HTML.BodyContext> {
        .span(.class("nowrap"), .plain(text))
    }

    /// Parts each kept on one line, which may break between them.
    private static func nowrap(_ parts: [String]) -> Node<HTML.BodyContext> {
        .group(parts.enumerated().map { index, part in .group(index == 0 ? .empty : .plain(" "), nowrap(part)) })
    }

    /// A day, month or range the log keeps as text: in French in words, on one line; in
    /// English as it is, which may break after the `..` of a range only.
    private func date(_ text: String) -> Node<HTML.BodyContext> {
        if model.labels.language == .fr { return Self.nowrap(model.labels.date(text: text)) }
        let parts = text.components(separatedBy: "..")
        return .group(parts.enumerated().map { index, part in
            .group(index == 0 ? .empty : .selfClosedElement(named: "wbr"), Self.nowrap(index < parts.count - 1 ? part + ".." : part))
        })
    }
}
