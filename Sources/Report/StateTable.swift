import Negotiation
import Plot

/// The state of every track on the as-of day, as `parley state` prints it: one row per track.
struct StateTable {
    let model: ReportModel

    func section() -> Node<HTML.BodyContext> {
        let labels = model.labels
        var heading = "\(labels.stateHeading) — \(labels.asOf.lowercased()) \(model.options.asOf)"
        if let knownOn = model.options.knownOn { heading += ", \(labels.knownOn) \(knownOn)" }
        return .section(
            .id("state"), .class("state"),
            .h2(.plain(heading)),
            .div(.class("table-scroll"), .attr("tabindex", "0"), .attr("role", "region"), .attr("aria-label", labels.stateHeading),
                 .table(
                    .id("state-table"),
                    .thead(.tr(.group([labels.columnTrack, labels.columnStatus, labels.columnProposal, labels.columnPositions,
                                       labels.columnConditions, labels.columnViolations, labels.columnMeetings,
                                       labels.columnLastEvent].map { .th(.attr("scope", "col"), .plain($0)) }))),
                    .tbody(.group(model.states.map(row)))
                 ))
        )
    }

    private func row(_ s: TrackState) -> Node<HTML.TableContext> {
        let labels = model.labels
        return .tr(
            .id("state-\(Markup.identifier(s.track))"), .attr("data-track", s.track), .attr("data-status", s.status.rawValue),
            .th(.attr("scope", "row"), .plain(labels.trackName(s.track)), .br(), .small(.code(.plain(s.track)))),
            .td(.span(.class("status"), Legend.swatch(s.status), .plain(labels.status(s.status))),
                s.uncertain ? .group(.br(), .small(.class("uncertain"), .plain(labels.uncertain))) : .empty),
            .td(proposal(s)),
            .td(.class("positions"), list(s.required.map { party in
                let position = s.positions[party] ?? .none
                return ("\(labels.partyName(party))\(labels.colon)\(labels.stance(position.stance))", position.since.map { "(\(labels.since) \($0))" })
            })),
            .td(.class("conditions"), s.openConditions.isEmpty ? .plain(labels.none) : list(s.openConditions.map { c in
                ("\(labels.partyName(c.party))\(labels.colon)\(labels.words(label: c.label, words: c.words))", "(\(labels.since) \(c.since))")
            })),
            .td(violations(s)),
            .td(meetings(s)),
            .td(.class("last-event"), lastEvent(s))
        )
    }

    private func proposal(_ s: TrackState) -> Node<HTML.BodyContext> {
        let labels = model.labels
        guard let p = s.proposal else { return .plain(labels.none) }
        return .group(
            .code(.plain(p.id)), .plain(" "), Self.nowrap("(\(labels.since) \(p.since))"),
            list(p.terms.map { (labels.words(label: $0.label, words: $0.words), nil) })
        )
    }

    private func violations(_ s: TrackState) -> Node<HTML.BodyContext> {
        let labels = model.labels
        guard let last = s.lastViolation else { return .plain(labels.none) }
        let pairs = Set(s.allegationPairs.map { "\(labels.partyName($0.by)) → \(labels.partyNames($0.against))" }).sorted()
        return .group(.plain("\(s.violationCount) (\(labels.last) "), Self.date(last.date), .plain(")"), list(pairs.map { ($0, nil) }))
    }

    private func meetings(_ s: TrackState) -> Node<HTML.BodyContext> {
        let labels = model.labels
        guard let last = s.lastMeeting else { return .plain(labels.none) }
        return .group(.plain("\(s.meetingCount) (\(labels.last) "), Self.date(last.date),
                      .plain((last.place.map { " \(labels.inPlace) \($0)" } ?? "") + ")"))
    }

    private func lastEvent(_ s: TrackState) -> Node<HTML.BodyContext> {
        guard let mark = s.lastEvent else { return .plain(model.labels.none) }
        let cited = model.evidence.contains { $0.event.id == mark.id }
        let name: Node<HTML.BodyContext> = cited
            ? .a(.attr("href", "#\(EvidenceList.anchor(mark.id))"), .code(.plain(mark.id)))
            : .code(.plain(mark.id))
        return .group(name, .br(), .small(Self.date(mark.on), .plain(" · \(model.labels.logPosition) \(mark.sequence)")))
    }

    /// A list of (text, date note): the note is kept on one line, since dates break badly at
    /// their hyphens in narrow cells.
    private func list(_ items: [(String, String?)]) -> Node<HTML.BodyContext> {
        items.isEmpty ? .empty : .ul(.class("cell-list"), .group(items.map { text, note in
            .li(.plain(text), note.map { .group(.plain(" "), Self.nowrap($0)) } ?? .empty)
        }))
    }

    private static func nowrap(_ text: String) -> Node<HTML.BodyContext> {
        .span(.class("nowrap"), .plain(text))
    }

    /// A day, month or range, which may break after the `..` of a range only.
    private static func date(_ text: String) -> Node<HTML.BodyContext> {
        let parts = text.components(separatedBy: "..")
        return .group(parts.enumerated().map { index, part in
            .group(index == 0 ? .empty : .selfClosedElement(named: "wbr"), nowrap(index < parts.count - 1 ? part + ".." : part))
        })
    }
}
