import Negotiation
import Plot

/// The chart: one lane per track across the time axis, with its status bands and its events,
/// a row of its own for the general talks (counted on no track, so in no lane), and the as-of
/// (and known-on) day.
struct TimelineChart {
    let model: ReportModel

    // Geometry, in the SVG's own units; the SVG scales to the page width.
    static let width = 1200.0
    static let plotX = 16.0
    static let plotWidth = 1168.0
    static let headerHeight = 24.0
    static let rowHeight = 15.0
    static let bandHeight = 22.0
    static let laneGap = 14.0
    static let radius = 5.5

    /// Room for the month labels and the day lines' labels: one row, or two when the
    /// known-on line is drawn too.
    var axisHeight: Double { knownOnLineDay == nil ? 48 : 68 }

    /// The known-on day, when it is on the axis and not the as-of day.
    private var knownOnLineDay: Day? {
        guard let knownOn = model.options.knownOn, scale.contains(knownOn), knownOn != model.options.asOf else { return nil }
        return knownOn
    }

    var scale: TimeScale {
        TimeScale(from: model.from, to: model.to, x: Self.plotX, width: Self.plotWidth)
    }

    /// The chart as a `<figure>`: the SVG in a horizontally scrolling box, and its caption.
    func figure() -> Node<HTML.BodyContext> {
        let labels = model.labels
        return .element(named: "figure", nodes: [
            .id("timeline"), .class("timeline"),
            .div(.class("chart-scroll"), .attr("tabindex", "0"), .attr("role", "region"), .attr("aria-label", labels.chartLabel),
                 .element(named: "svg", nodes: svg())),
            .element(named: "figcaption", nodes: [.plain(labels.chartCaption)]),
        ])
    }

    private func svg() -> [Node<SVG>] {
        let labels = model.labels
        var y = axisHeight
        var sections: [Node<SVG>] = []

        // Its id has no `lane-` prefix, so no track (whose id is a slug) can take it.
        if !model.generalMeetings.isEmpty {
            let (node, height) = lane(id: "general-talks", classes: "lane general", title: labels.generalTalks,
                                      subtitle: (labels.generalTalksNote, "lane-note"), events: model.generalMeetings,
                                      bands: nil, top: y)
            sections.append(node)
            y += height + Self.laneGap
        }
        for lane in model.lanes {
            let (node, height) = self.lane(id: "lane-\(Markup.identifier(lane.track.id))", classes: "lane track",
                                           title: labels.name(of: lane.track), subtitle: (lane.track.id, "lane-id"),
                                           events: lane.events, bands: lane.bands, top: y)
            sections.append(node)
            y += height + Self.laneGap
        }
        let height = y
        let n = SVG.number
        return [
            .attr("class", "chart"),
            .attr("viewBox", "0 0 \(n(Self.width)) \(n(height))"),
            .attr("width", n(Self.width)),
            .attr("height", n(height)),
            .attr("role", "group"),
            .attr("aria-label", "\(labels.chartLabel), \(labels.day(model.from)) – \(labels.day(model.to))"),
            axis(bottom: height - Self.laneGap / 2),
            .group(sections),
            dayLines(bottom: height - Self.laneGap / 2),
        ]
    }

    // MARK: Axis and lines

    private func axis(bottom: Double) -> Node<SVG> {
        let n = SVG.number
        let labels = model.labels
        let scale = self.scale
        var nodes: [Node<SVG>] = []
        for (index, tick) in scale.ticks().enumerated() {
            let x = scale.start(of: tick.day)
            let text: String
            if tick.isMonth {
                let month = labels.months[tick.day.month - 1]
                text = index == 0 || tick.day.month == 1 ? "\(month) \(tick.day.year)" : month
            } else {
                text = "\(tick.day.day) \(labels.months[tick.day.month - 1])"
            }
            nodes.append(SVG.element("line", ["class": "grid", "x1": n(x), "y1": "20", "x2": n(x), "y2": n(bottom)]))
            nodes.append(SVG.text(text, ["class": "tick", "x": n(x + 3), "y": "14"]))
        }
        nodes.append(SVG.element("line", ["class": "axis", "x1": n(Self.plotX), "y1": "20", "x2": n(Self.plotX + Self.plotWidth), "y2": "20"]))
        return SVG.element("g", ["class": "time-axis", "aria-hidden": "true"], nodes)
    }

    /// The as-of day and the known-on day, at the end of the day: the fold counts that day.
    private func dayLines(bottom: Double) -> Node<SVG> {
        let labels = model.labels
        var nodes: [Node<SVG>] = []
        if scale.contains(model.options.asOf) {
            nodes.append(dayLine(model.options.asOf, id: "as-of-line", label: "\(labels.asOfShort) \(labels.day(model.options.asOf))", bottom: bottom, row: 0))
        }
        // Drawn last, its label (in the second row) covers the as-of line where they cross.
        if let knownOn = knownOnLineDay {
            nodes.append(dayLine(knownOn, id: "known-on-line", label: "\(labels.knownOnShort) \(knownOn)", bottom: bottom, row: 1))
        }
        return .group(nodes)
    }

    private func dayLine(_ day: Day, id: String, label: String, bottom: Double, row: Int) -> Node<SVG> {
        let n = SVG.number
        let x = scale.end(of: day)
        let textWidth = Double(label.count) * 7.9 + 14
        let leftward = x + textWidth > Self.plotX + Self.plotWidth
        let boxX = leftward ? x - textWidth : x
        let top = 24.0 + Double(row) * 21
        return SVG.element("g", ["id": id, "class": "day-line"], [
            SVG.element("line", ["x1": n(x), "y1": n(top), "x2": n(x), "y2": n(bottom)]),
            SVG.element("rect", ["x": n(boxX), "y": n(top), "width": n(textWidth), "height": "17", "rx": "3"]),
            SVG.text(label, ["x": n(boxX + 6), "y": n(top + 12.5)]),
        ])
    }

    // MARK: Lanes

    /// A lane: its title, its events stacked in rows so none overlaps, and its status bands
    /// (none for the general talks). Returns the group and its height.
    private func lane(id: String, classes: String, title: String, subtitle: (text: String, class: String)?, events: [RecordedEvent],
                      bands: [Lane.Band]?, top: Double) -> (Node<SVG>, Double) {
        let n = SVG.number
        let placed = MarkerLayout.place(events, scale: scale, radius: Self.radius)
        let rows = max(1, (placed.map(\.row).max() ?? 0) + 1)
        let rowsTop = top + Self.headerHeight
        let rowsBottom = rowsTop + Double(rows) * Self.rowHeight + 2
        let bandTop = rowsBottom + 2
        let height = (bands == nil ? rowsBottom : bandTop + Self.bandHeight) - top

        var nodes: [Node<SVG>] = [
            top > axisHeight
                ? SVG.element("line", ["class": "lane-rule", "x1": n(Self.plotX), "y1": n(top - Self.laneGap / 2),
                                       "x2": n(Self.plotX + Self.plotWidth), "y2": n(top - Self.laneGap / 2)])
                : .empty,
            SVG.element("text", ["class": "lane-title", "x": n(Self.plotX), "y": n(top + 15)], [
                .plain(title),
                subtitle.map { SVG.element("tspan", ["class": $0.class, "dx": "8"], [.plain($0.text)]) } ?? .empty,
            ]),
        ]
        if let bands {
            nodes.append(SVG.element("rect", ["class": "strip", "x": n(Self.plotX), "y": n(bandTop),
                                              "width": n(Self.plotWidth), "height": n(Self.bandHeight)]))
            nodes += bands.map { band(for: $0, top: bandTop) }
        } else {
            nodes.append(SVG.element("line", ["class": "baseline", "x1": n(Self.plotX), "y1": n(rowsBottom),
                                              "x2": n(Self.plotX + Self.plotWidth), "y2": n(rowsBottom)]))
        }
        nodes += placed.map { marker($0, y: rowsBottom - 1 - (Double($0.row) + 0.5) * Self.rowHeight) }
        let group = SVG.element("g", ["id": id, "class": classes, "role": "group", "aria-label": title], nodes)
        return (group, height)
    }

    private func band(for band: Lane.Band, top: Double) -> Node<SVG> {
        let n = SVG.number
        let labels = model.labels
        let x0 = scale.start(of: band.from), x1 = scale.end(of: band.through)
        let name = labels.status(band.status)
        let style = StatusStyle(band.status)
        let span = band.from == band.through ? "\(band.from)" : "\(band.from) – \(band.through)"
        let fits = x1 - x0 >= Double(name.count) * 6.3 + 14
        return SVG.element("g", ["class": "band", "data-status": band.status.rawValue,
                                 "data-from": band.from.description, "data-through": band.through.description], [
            SVG.title("\(name)\(labels.colon)\(span)"),
            SVG.element("rect", ["x": n(x0), "y": n(top), "width": n(max(x1 - x0, 1)), "height": n(Self.bandHeight),
                                 "fill": StatusStyle.paint(band.status), "stroke": style.ink, "stroke-width": "1"]),
            fits ? SVG.text(name, ["class": "band-label", "x": n((x0 + x1) / 2), "y": n(top + Self.bandHeight / 2 + 4)]) : .empty,
        ])
    }

    /// An event's marker: a link to its evidence, focusable, with a text alternative; an
    /// imprecise date gets a bar over the days it could be and a hollow shape on its last day.
    private func marker(_ placed: MarkerLayout.Placed, y: Double) -> Node<SVG> {
        let n = SVG.number
        let event = placed.event.event
        let glyph = Glyph(type: event.type)
        let imprecise = !(event.on?.isPrecise ?? true)
        let evidence = EvidenceList.anchor(event.id)
        var nodes: [Node<SVG>] = [SVG.title(EvidenceList.summary(placed.event, model: model, withQuote: true))]
        if imprecise, model.options.showsRanges {
            nodes.append(SVG.element("line", ["class": "range", "x1": n(placed.start), "y1": n(y), "x2": n(placed.x), "y2": n(y),
                                              "stroke": glyph.colour]))
            nodes.append(SVG.element("line", ["class": "range-end", "x1": n(placed.start), "y1": n(y - 3.5), "x2": n(placed.start),
                                              "y2": n(y + 3.5), "stroke": glyph.colour]))
        }
        nodes.append(SVG.element("circle", ["class": "hit", "cx": n(placed.x), "cy": n(y), "r": n(Self.radius + 3)]))
        nodes.append(SVG.element("circle", ["class": "focus-ring", "cx": n(placed.x), "cy": n(y), "r": n(Self.radius + 3.5)]))
        nodes.append(glyph.shape(x: placed.x, y: y, r: Self.radius, hollow: imprecise || event.planned, dashed: event.planned))
        var classes = "marker marker-\(event.type.rawValue)"
        if imprecise { classes += " imprecise" }
        if event.planned { classes += " planned" }
        return SVG.element("a", ["class": classes, "href": "#\(evidence)", "tabindex": "0", "data-ev": evidence,
                                 "data-type": event.type.rawValue, "data-on": event.on?.description ?? "",
                                 "aria-label": EvidenceList.summary(placed.event, model: model, withQuote: false)], nodes)
    }
}
