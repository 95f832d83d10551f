import Negotiation
import Plot

/// The negotiation as one self-contained HTML page: a lane per track across time with its
/// status bands and its events, the state table, each proposal's audit, the evidence, and how
/// to reproduce the page.
///
/// The bands come from `History.series`, the table from `History.states` and the audits from
/// `History.audit`: the same fold as `parley state`. The page makes no network request: its
/// style, pictures (inline SVG) and small script are all in the file.
public struct Report: Sendable {
    let model: ReportModel

    /// Computes what the page shows from `history`.
    ///
    /// - Throws: ``ReportError/axisEndsBeforeItStarts(from:to:)`` when the axis would end
    ///   before it starts; ``ReportError/projection(_:)`` when the log cannot be projected.
    public init(history: History, options: ReportOptions) throws(ReportError) {
        model = try ReportModel(history: history, options: options)
    }

    /// The first and last day of the time axis, with the defaults resolved.
    public var axis: ClosedRange<Day> { model.from...model.to }

    /// How many distinct events the chart draws.
    public var eventCount: Int { model.drawnEventCount }

    /// The page, as UTF-8 text. The same history and options always give the same text.
    public func html() -> String {
        let labels = model.labels
        let o = model.options
        var meta = "\(labels.asOf) \(labels.day(o.asOf))"
        if let knownOn = o.knownOn { meta += ", \(labels.knownOn) \(labels.day(knownOn))" }
        meta += " · \(model.lanes.count) \(labels.tracksCount) · \(model.drawnEventCount) \(labels.eventsCount)"
        meta += " · \(labels.logHead) \(model.headHash.prefix(12))… (\(model.headSequence))"
        if o.embedded { return embeddedPage(meta: meta) }
        let page = HTML(
            .lang(o.language == .fr ? .french : .english),
            .head(
                .meta(.charset(.utf8)),
                .meta(.name("viewport"), .content("width=device-width, initial-scale=1")),
                .element(named: "title", nodes: [.plain("\(labels.title) — \(labels.asOf) \(labels.day(o.asOf))")]),
                .style(Stylesheet.css)
            ),
            .body(
                .element(named: "svg", nodes: [
                    .attr("class", "defs"), .attr("width", "0"), .attr("height", "0"), .attr("aria-hidden", "true"),
                    .attr("focusable", "false"),
                    SVG.element("defs", [:], [StatusStyle.definitions()]),
                ]),
                .header(.class("page-head"),
                        .h1(.plain(labels.title)),
                        .p(.class("meta"), .plain(meta))),
                .main(
                    Legend(labels: labels, showsKnownOn: o.knownOn != nil, showsRanges: o.showsRanges).section(),
                    TimelineChart(model: model).figure(),
                    StateTable(model: model).section(),
                    AuditSection(model: model).section(),
                    EvidenceList(model: model).section()
                ),
                Stamp(model: model).section(),
                .div(.id("tip"), .class("tip"), .attr("role", "tooltip"), .attribute(named: "hidden")),
                .script(.raw(Script.js))
            )
        )
        return page.render()
    }

    /// The page to embed: the chart alone at the width of its container, a line naming its
    /// source and what it answers, and the evidence (hidden) that the markers' hover shows.
    private func embeddedPage(meta: String) -> String {
        let labels = model.labels
        let o = model.options
        return HTML(
            .lang(o.language == .fr ? .french : .english),
            .head(
                .meta(.charset(.utf8)),
                .meta(.name("viewport"), .content("width=device-width, initial-scale=1")),
                .element(named: "title", nodes: [.plain("\(labels.title) — \(labels.asOf) \(labels.day(o.asOf))")]),
                .style(Stylesheet.css + Stylesheet.embedded)
            ),
            .body(
                .class("embedded"),
                .element(named: "svg", nodes: [
                    .attr("class", "defs"), .attr("width", "0"), .attr("height", "0"), .attr("aria-hidden", "true"),
                    .attr("focusable", "false"),
                    SVG.element("defs", [:], [StatusStyle.definitions()]),
                ]),
                .main(
                    TimelineChart(model: model).figure(),
                    .p(.class("embed-source"), .plain("\(labels.embedSource) · \(meta)")),
                    .div(.attribute(named: "hidden"), EvidenceList(model: model).section())
                ),
                .div(.id("tip"), .class("tip"), .attr("role", "tooltip"), .attribute(named: "hidden")),
                .script(.raw(Script.js))
            )
        ).render()
    }
}
