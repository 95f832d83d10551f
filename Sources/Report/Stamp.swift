import Negotiation
import Plot

/// How to reproduce the page: the days asked for, the log's last sequence and head hash when
/// it was read, and the command. The page carries no clock time, so the same log and the same
/// command give the same bytes.
struct Stamp {
    let model: ReportModel

    /// The `parley report` arguments that make this page.
    var command: String {
        let o = model.options
        var words = ["parley", "report", "--as-of", o.asOf.description]
        if let knownOn = o.knownOn { words += ["--known-on", knownOn.description] }
        words += ["--from", model.from.description, "--to", model.to.description, "--language", o.language.rawValue]
        if !o.showsRanges { words.append("--hide-ranges") }
        if o.embedded { words.append("--embed") }
        words += ["--output", "report.html"]
        return words.joined(separator: " ")
    }

    func section() -> Node<HTML.BodyContext> {
        let labels = model.labels
        let o = model.options
        func entry(_ term: String, _ id: String, _ value: Node<HTML.BodyContext>) -> Node<HTML.DescriptionListContext> {
            .div(.dt(.plain(term)), .dd(.id(id), value))
        }
        return .footer(
            .id("stamp"), .class("stamp"),
            .h2(.plain(labels.stampHeading)),
            .p(.plain(labels.stampIntro)),
            .dl(
                entry(labels.stampAsOf, "stamp-as-of", .plain(o.asOf.description)),
                entry(labels.stampKnownOn, "stamp-known-on", .plain(o.knownOn?.description ?? labels.notSet)),
                entry(labels.stampAxis, "stamp-axis", .plain("\(model.from) \(labels.through) \(model.to)")),
                entry(labels.stampSequence, "stamp-sequence", .plain(String(model.headSequence))),
                entry(labels.stampHead, "stamp-head", .code(.plain(model.headHash))),
                entry(labels.stampCommand, "stamp-command", .code(.plain(command)))
            )
        )
    }
}
