import Negotiation
import Plot

/// How a status looks: a light fill, an ink for outlines, and a pattern, so that statuses
/// differ by more than colour (and survive a grey-scale printer).
struct StatusStyle: Sendable {
    let fill: String
    let ink: String

    init(_ status: TrackStatus) {
        switch status {
        case .none: (fill, ink) = ("#ffffff", "#8a939c")
        case .proposed: (fill, ink) = ("#dceaf7", "#245a91")
        case .partiallyAccepted: (fill, ink) = ("#fcefc4", "#8a5a00")
        case .conditionallyAccepted: (fill, ink) = ("#d9efdc", "#2a6f36")
        case .accepted: (fill, ink) = ("#9bd5a6", "#1d5a29")
        case .inEffect: (fill, ink) = ("#5fb878", "#0f4a23")
        case .violated: (fill, ink) = ("#f7c6c2", "#a3231b")
        case .ended: (fill, ink) = ("#e6e6e6", "#4a4a4a")
        case .rejected: (fill, ink) = ("#e4d8f0", "#5b2a86")
        }
    }

    /// The id of the status's `<pattern>` in the page's shared definitions.
    static func patternID(_ status: TrackStatus) -> String { "status-\(status.rawValue)" }

    /// A `fill` value that paints the status's pattern.
    static func paint(_ status: TrackStatus) -> String { "url(#\(patternID(status)))" }

    /// One `<pattern>` per status: dots (proposed), sparse rising lines (partially accepted),
    /// cross-hatching (conditionally accepted), plain (accepted), small crosses (in effect),
    /// upright bars (violated), falling lines (ended), horizontal lines (rejected).
    static func definitions() -> Node<SVG> {
        .group(TrackStatus.allCases.filter { $0 != .none }.map { status in
            let style = StatusStyle(status)
            let marks: [Node<SVG>]
            let size: Double
            switch status {
            case .none, .accepted:
                size = 8
                marks = []
            case .proposed:
                size = 7
                marks = [SVG.element("circle", ["cx": "3.5", "cy": "3.5", "r": "1.3", "fill": style.ink])]
            case .partiallyAccepted:
                size = 9
                marks = [SVG.element("path", ["d": "M-1,10 L10,-1", "stroke": style.ink, "stroke-width": "1.4"])]
            case .conditionallyAccepted:
                size = 8
                marks = [SVG.element("path", ["d": "M0,8 L8,0 M0,0 L8,8", "stroke": style.ink, "stroke-width": "0.9"])]
            case .inEffect:
                size = 8
                marks = [SVG.element("path", ["d": "M4,2 V6 M2,4 H6", "stroke": style.ink, "stroke-width": "1"])]
            case .ended:
                size = 8
                marks = [SVG.element("path", ["d": "M-1,-1 L9,9", "stroke": style.ink, "stroke-width": "1.2"])]
            case .violated:
                size = 6
                marks = [SVG.element("rect", ["x": "0", "y": "0", "width": "2.2", "height": "6", "fill": style.ink])]
            case .rejected:
                size = 6
                marks = [SVG.element("rect", ["x": "0", "y": "0", "width": "6", "height": "1.6", "fill": style.ink])]
            }
            let side = SVG.number(size)
            return SVG.element("pattern", ["id": patternID(status), "patternUnits": "userSpaceOnUse", "width": side, "height": side],
                               [SVG.element("rect", ["width": side, "height": side, "fill": style.fill])] + marks)
        })
    }
}
