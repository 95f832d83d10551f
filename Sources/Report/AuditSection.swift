import Negotiation
import Plot

/// Each proposal's audit as of the as-of day, as `parley audit` gives it: the steps that
/// changed it, each linked to its evidence, and the log's own fixes apart.
struct AuditSection {
    let model: ReportModel

    func section() -> Node<HTML.BodyContext> {
        let labels = model.labels
        return .section(
            .id("audits"), .class("audits"),
            .h2(.plain(labels.auditHeading)),
            model.audits.isEmpty ? .p(.plain(labels.auditEmpty)) : .group(model.audits.map(audit))
        )
    }

    private func audit(_ audit: Audit) -> Node<HTML.BodyContext> {
        let labels = model.labels
        return .details(
            .open(true), .id("audit-\(Markup.identifier(audit.proposal))"), .class("audit"),
            .summary(.code(.plain(audit.proposal)), .plain(" — \(labels.trackName(audit.track)) · \(labels.steps(audit.steps.count))")),
            .ol(.class("steps"), .group(audit.steps.map(step))),
            audit.fixes.isEmpty ? .empty : .group(
                .h4(.plain(labels.recordFixes)),
                .ul(.class("fixes"), .group(audit.fixes.map { fix in
                    let what = fix.event.type == .retraction ? labels.retracted : labels.corrected
                    return .li(.code(.plain(fix.event.target ?? "?")), .plain(" \(what) — "), .code(.plain(fix.event.id)),
                               .plain("\(labels.colon)\(fix.event.reason ?? "") (\(labels.logPosition) \(fix.sequence))"))
                }))
            )
        )
    }

    private func step(_ step: AuditStep) -> Node<HTML.ListContext> {
        let labels = model.labels
        let event = step.event.event
        let lines = changes(step.change)
        return .li(
            .class("step"),
            .p(.class("step-head"),
               EvidenceList.time(event.on, labels: labels),
               .plain(" "),
               .strong(.plain(labels.type(event.type))),
               .plain(event.actor.map { " \(labels.by) \(labels.partyName($0))" } ?? ""),
               .plain(" — "),
               .a(.attr("href", "#\(EvidenceList.anchor(event.id))"), .code(.plain(event.id))),
               sources(event)),
            .ul(.class("changes"), .group((lines.isEmpty ? [("", labels.noChange)] : lines).map { sign, text in
                .li(.attr("data-sign", sign), .plain(sign.isEmpty ? text : "\(sign) \(text)"))
            })),
            step.fixedBy.isEmpty ? .empty : .p(.class("fixed"), .plain("\(labels.fixedBy) \(step.fixedBy.joined(separator: ", "))"))
        )
    }

    /// The articles behind a step, its own first: a step rests on every source of its event.
    private func sources(_ event: Event) -> Node<HTML.BodyContext> {
        let labels = model.labels
        let sources = EvidenceList.sources(of: event)
        guard !sources.isEmpty else { return .empty }
        return .span(.class("step-sources"), .attr("data-count", "\(sources.count)"),
                     .plain(" · \(labels.sourcesWord(sources.count))\(labels.colon)"),
                     .group(sources.enumerated().map { index, source in
                         let article = model.articles[source.article]
                         let about = article.map { " (\($0.outlet), \(labels.day($0.published)))" } ?? ""
                         return .group(.plain(index == 0 ? "" : ", "), .code(.attr("data-article", source.article), .plain(source.article)),
                                       .plain(about))
                     }))
    }

    /// What a step changed, as (sign, text): `+` added, `−` removed, `→` moved.
    private func changes(_ c: Change) -> [(String, String)] {
        let labels = model.labels
        var lines: [(String, String)] = []
        lines += c.termsAdded.map { ("+", "\(labels.termAdded)\(labels.colon)\(words($0))") }
        lines += c.termsRemoved.map { ("−", "\(labels.termRemoved)\(labels.colon)\(words($0))") }
        lines += c.conditionsAdded.map { ("+", "\(labels.conditionAdded)\(labels.colon)\(partyLabel($0))") }
        lines += c.conditionsRemoved.map { ("−", "\(labels.conditionRemoved)\(labels.colon)\(partyLabel($0))") }
        lines += c.positions.map { ("→", "\(labels.partyName($0.party))\(labels.colon)\(labels.stance($0.before)) → \(labels.stance($0.after))") }
        if c.statusBefore != c.statusAfter {
            lines.append(("→", "\(labels.statusChange)\(labels.colon)\(labels.status(c.statusBefore)) → \(labels.status(c.statusAfter))"))
        }
        return lines
    }

    /// A term or condition label in the page's language, when the article's words are known.
    private func words(_ label: String) -> String {
        model.labels.words(label: label, words: model.words[label] ?? [:])
    }

    /// `RU: label` with the party's name and the label in the page's language.
    private func partyLabel(_ text: String) -> String {
        guard let colon = text.firstIndex(of: ":") else { return text }
        let label = String(text[text.index(after: colon)...].drop { $0 == " " })
        return model.labels.partyName(String(text[..<colon])) + model.labels.colon + words(label)
    }
}
