import Negotiation
import Plot

/// The key to the chart: each status's fill and pattern (in effect and ended among them), each
/// event type's shape (a ceasefire's start, extension and end among them), what hollow shapes,
/// bars and lines mean, and the general talks' row. Every entry is drawn and named, never
/// colour alone.
struct Legend {
    let labels: Labels
    let showsKnownOn: Bool
    let showsRanges: Bool

    func section() -> Node<HTML.BodyContext> {
        .section(
            .id("legend"), .class("legend"), .attr("aria-labelledby", "legend-title"),
            .h2(.id("legend-title"), .plain(labels.legend)),
            .div(.class("legend-groups"),
                 group(labels.legendStatus, TrackStatus.allCases.filter { $0 != .none }.map { status in
                     .li(.attr("data-status", status.rawValue), Self.swatch(status), .plain(labels.status(status)))
                 } + [.li(Self.swatch(.none), .plain(labels.legendNone))]),
                 group(labels.legendEvents, Glyph.drawnTypes.map { type in
                     .li(.attr("data-type", type.rawValue), Self.glyphIcon(type, hollow: false), .plain(labels.type(type)))
                 }),
                 group(labels.legendDates, [
                     .li(Self.glyphIcon(.acceptance, hollow: false), .plain(labels.legendExact)),
                     showsRanges ? .li(Self.rangeIcon(), .plain(labels.legendImprecise))
                         : .li(Self.glyphIcon(.acceptance, hollow: true), .plain(labels.legendImpreciseNoRange)),
                     .li(Self.glyphIcon(.meeting, hollow: true, dashed: true), .plain(labels.legendPlanned)),
                     .li(Self.lineIcon("legend-as-of"), .plain(labels.legendAsOf)),
                     showsKnownOn ? .li(Self.lineIcon("legend-known-on"), .plain(labels.legendKnownOn)) : .empty,
                     .li(.class("legend-general"), Self.generalRowIcon(), .plain(labels.legendGeneralTalks)),
                 ]))
        )
    }

    private func group(_ title: String, _ items: [Node<HTML.ListContext>]) -> Node<HTML.BodyContext> {
        .div(.class("legend-group"), .h3(.plain(title)), .ul(.group(items)))
    }

    /// A small picture inside text: decorative, since the text beside it names it.
    private static func icon(width: Double, height: Double, _ children: [Node<SVG>]) -> Node<HTML.BodyContext> {
        .element(named: "svg", nodes: [
            .attr("class", "icon"), .attr("width", SVG.number(width)), .attr("height", SVG.number(height)),
            .attr("viewBox", "0 0 \(SVG.number(width)) \(SVG.number(height))"), .attr("aria-hidden", "true"),
            .attr("focusable", "false"),
        ] + children)
    }

    /// A status's swatch: its pattern and outline (a dashed outline for no status).
    static func swatch(_ status: TrackStatus) -> Node<HTML.BodyContext> {
        let style = StatusStyle(status)
        return icon(width: 30, height: 16, [
            SVG.element("rect", ["x": "0.5", "y": "0.5", "width": "29", "height": "15",
                                 "fill": status == .none ? "#f6f7f8" : StatusStyle.paint(status), "stroke": style.ink,
                                 "stroke-dasharray": status == .none ? "3 2" : "none"]),
        ])
    }

    static func glyphIcon(_ type: EventType, hollow: Bool, dashed: Bool = false) -> Node<HTML.BodyContext> {
        icon(width: 16, height: 16, [Glyph(type: type).shape(x: 8, y: 8, r: 6, hollow: hollow, dashed: dashed)])
    }

    private static func rangeIcon() -> Node<HTML.BodyContext> {
        let glyph = Glyph(type: .acceptance)
        return icon(width: 44, height: 16, [
            SVG.element("line", ["class": "range", "x1": "2", "y1": "8", "x2": "36", "y2": "8", "stroke": glyph.colour]),
            SVG.element("line", ["class": "range-end", "x1": "2", "y1": "4.5", "x2": "2", "y2": "11.5", "stroke": glyph.colour]),
            glyph.shape(x: 36, y: 8, r: 5.5, hollow: true),
        ])
    }

    /// A meeting on the dashed baseline of a row with no bands: the general talks' row.
    private static func generalRowIcon() -> Node<HTML.BodyContext> {
        icon(width: 30, height: 16, [
            SVG.element("line", ["class": "baseline", "x1": "1", "y1": "15", "x2": "29", "y2": "15"]),
            Glyph(type: .meeting).shape(x: 15, y: 7.5, r: 5.5, hollow: false),
        ])
    }

    private static func lineIcon(_ kind: String) -> Node<HTML.BodyContext> {
        icon(width: 16, height: 18, [SVG.element("line", ["class": kind, "x1": "8", "y1": "1", "x2": "8", "y2": "17"])])
    }
}
