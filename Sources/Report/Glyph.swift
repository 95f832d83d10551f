import Negotiation
import Plot

/// The marker of an event type: a shape and a colour, so that types differ by shape as well as
/// hue. Diamond: proposal; circle: acceptance; triangle: condition; cross: violation; square:
/// rejection; hexagon: meeting; a triangle pointing right: start; the same with a bar:
/// extension; an upright bar: end.
struct Glyph: Sendable {
    let type: EventType

    var colour: String {
        switch type {
        case .proposal: "#1f5fa8"
        case .acceptance: "#1e7b34"
        case .condition: "#9a5300"
        case .violation: "#b3261e"
        case .rejection: "#6a3d9a"
        case .start, .extension: "#0b6e4f"
        case .end: "#4a4a4a"
        case .meeting, .correction, .retraction, .source: "#3d4650"
        }
    }

    /// The shape centred on (`x`, `y`) with radius `r`: filled for an exact day, hollow for an
    /// imprecise one, dashed for a planned meeting.
    func shape(x: Double, y: Double, r: Double, hollow: Bool, dashed: Bool = false) -> Node<SVG> {
        let n = SVG.number
        let fill = hollow ? "#ffffff" : colour
        let stroke = hollow ? colour : "#ffffff"
        let width = hollow ? "2" : "1.2"
        let d: String
        switch type {
        case .acceptance:
            return SVG.element("circle", ["class": "glyph", "cx": n(x), "cy": n(y), "r": n(r * 0.92), "fill": fill,
                                          "stroke": stroke, "stroke-width": width, "stroke-dasharray": dashed ? "2 1.6" : "none"])
        case .proposal:
            d = "M\(n(x)),\(n(y - r * 1.1)) L\(n(x + r * 1.1)),\(n(y)) L\(n(x)),\(n(y + r * 1.1)) L\(n(x - r * 1.1)),\(n(y)) Z"
        case .condition:
            d = "M\(n(x)),\(n(y - r)) L\(n(x + r)),\(n(y + r * 0.8)) L\(n(x - r)),\(n(y + r * 0.8)) Z"
        case .violation:
            let t = r * 0.38
            d = [(-r, -r + t), (-r + t, -r), (0, -t), (r - t, -r), (r, -r + t), (t, 0), (r, r - t), (r - t, r), (0, t),
                 (-r + t, r), (-r, r - t), (-t, 0)]
                .enumerated().map { i, p in (i == 0 ? "M" : "L") + "\(n(x + p.0)),\(n(y + p.1))" }.joined(separator: " ") + " Z"
        case .rejection:
            let s = r * 0.82
            d = "M\(n(x - s)),\(n(y - s)) H\(n(x + s)) V\(n(y + s)) H\(n(x - s)) Z"
        case .start:
            d = "M\(n(x - r * 0.8)),\(n(y - r)) L\(n(x + r)),\(n(y)) L\(n(x - r * 0.8)),\(n(y + r)) Z"
        case .extension:
            d = "M\(n(x - r)),\(n(y - r)) H\(n(x - r * 0.6)) V\(n(y + r)) H\(n(x - r)) Z M\(n(x - r * 0.35)),\(n(y - r)) L\(n(x + r)),\(n(y)) L\(n(x - r * 0.35)),\(n(y + r)) Z"
        case .end:
            let w = r * 0.45
            d = "M\(n(x - w)),\(n(y - r)) H\(n(x + w)) V\(n(y + r)) H\(n(x - w)) Z"
        case .meeting, .correction, .retraction, .source:
            let h = r * 0.87
            d = "M\(n(x - r)),\(n(y)) L\(n(x - r / 2)),\(n(y - h)) L\(n(x + r / 2)),\(n(y - h)) L\(n(x + r)),\(n(y)) L\(n(x + r / 2)),\(n(y + h)) L\(n(x - r / 2)),\(n(y + h)) Z"
        }
        return SVG.element("path", ["class": "glyph", "d": d, "fill": fill, "stroke": stroke, "stroke-width": width,
                                    "stroke-linejoin": "round", "stroke-dasharray": dashed ? "2 1.6" : "none"])
    }

    /// The event types drawn on the chart, in legend order.
    static let drawnTypes: [EventType] = [.proposal, .acceptance, .condition, .violation, .rejection, .meeting, .start, .extension, .end]
}
