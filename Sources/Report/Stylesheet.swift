/// The page's style, inline so the file needs nothing else: system fonts, text at 4.5:1 contrast
/// or more, a visible focus ring, lanes that scroll sideways in a narrow window, and a print
/// layout that keeps the colours and drops the interactive parts.
enum Stylesheet {
    static let css = """
        :root { color-scheme: light; --ink: #1b1f24; --muted: #4f5862; --rule: #d5d9de; --panel: #f6f7f8; --focus: #0b57d0; }
        * { box-sizing: border-box; }
        html { -webkit-text-size-adjust: 100%; }
        body { margin: 0; color: var(--ink); background: #fff; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", "DejaVu Sans", Arial, sans-serif; }
        .page-head, main, .stamp { max-width: 1280px; margin: 0 auto; padding: 0 24px; }
        .page-head { padding-top: 20px; border-bottom: 1px solid var(--rule); margin-bottom: 12px; }
        h1 { font-size: 26px; line-height: 1.25; margin: 0 0 4px; letter-spacing: -0.01em; }
        h2 { font-size: 19px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
        h3 { font-size: 13px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); margin: 0 0 6px; }
        h4 { font-size: 14px; margin: 10px 0 4px; }
        .meta { color: var(--muted); margin: 0 0 12px; font-size: 14px; }
        code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.88em; overflow-wrap: anywhere; }
        a { color: #0b57d0; }
        :focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }

        .legend { margin: 16px 0 0; border: 1px solid var(--rule); border-radius: 6px; padding: 10px 16px 6px; background: #fbfbfc; }
        .legend h2 { font-size: 15px; margin: 0 0 6px; padding: 0; border: none; }
        .legend-group { display: flex; gap: 4px 16px; align-items: baseline; margin: 0 0 6px; }
        .legend-group h3 { flex: none; width: 180px; margin: 0; font-size: 13.5px; text-transform: none; letter-spacing: 0; color: var(--ink); }
        .legend ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 2px 20px; }
        .legend li { display: flex; align-items: center; gap: 7px; font-size: 13.5px; line-height: 1.35; margin: 0 0 3px; }
        .legend .icon { flex: none; }
        .icon { vertical-align: middle; }

        .timeline { margin: 18px 0 0; }
        .chart-scroll { overflow-x: auto; border: 1px solid var(--rule); border-radius: 6px; background: #fff; padding: 8px 0 4px; }
        svg.chart { display: block; width: 100%; min-width: 900px; height: auto; font-family: inherit; }
        figcaption { color: var(--muted); font-size: 13.5px; margin-top: 6px; }
        .defs { position: absolute; width: 0; height: 0; overflow: hidden; }

        .tick { font-size: 12px; fill: var(--muted); }
        .grid { stroke: #e4e7eb; stroke-width: 1; }
        .lane-rule { stroke: #d5d9de; stroke-width: 1; }
        .axis { stroke: #aab2bb; stroke-width: 1; }
        .lane-title { font-size: 14px; font-weight: 650; fill: var(--ink); }
        .lane-id { font-size: 12px; font-weight: 400; fill: var(--muted); font-family: ui-monospace, Menlo, Consolas, "Liberation Mono", monospace; }
        .strip { fill: var(--panel); stroke: #c3c9d0; stroke-width: 1; stroke-dasharray: 3 2; }
        .baseline { stroke: #c3c9d0; stroke-width: 1; stroke-dasharray: 3 2; }
        .band-label { font-size: 12px; font-weight: 600; fill: #111; text-anchor: middle; paint-order: stroke; stroke: #fff; stroke-width: 3.5px; stroke-linejoin: round; pointer-events: none; }
        .range { stroke-width: 2.5; stroke-linecap: round; opacity: 0.5; }
        .range-end { stroke-width: 1.6; opacity: 0.7; }
        .lane-note { font-size: 12px; font-weight: 400; fill: var(--muted); font-style: italic; }
        .day-line line, .legend-as-of { stroke: #111; stroke-width: 2; }
        .day-line rect { fill: #111; }
        .day-line text { fill: #fff; font-size: 12px; font-weight: 600; }
        #known-on-line line, .legend-known-on { stroke: #5b2a86; stroke-width: 2; stroke-dasharray: 6 3; }
        #known-on-line rect { fill: #5b2a86; }
        .marker { cursor: pointer; outline: none; }
        .marker .hit { fill: transparent; }
        .marker .focus-ring { fill: none; stroke: none; }
        .marker:hover .glyph { filter: drop-shadow(0 0 1.5px rgba(0,0,0,0.55)); }
        .marker:focus .focus-ring, .marker:focus-visible .focus-ring { stroke: var(--focus); stroke-width: 2.5; }
        .marker:target .focus-ring { stroke: #c99a00; stroke-width: 2.5; }

        .table-scroll { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; font-size: 13.5px; }
        th, td { text-align: left; vertical-align: top; padding: 8px 8px; border-bottom: 1px solid var(--rule); }
        thead th { background: var(--panel); font-size: 13px; color: #343b43; border-bottom: 2px solid #b9c0c8; }
        tbody th { min-width: 130px; }
        td.last-event { min-width: 150px; }
        td.conditions { min-width: 200px; }
        td.last-event code { font-size: 12px; }
        .status { display: inline-flex; align-items: center; gap: 6px; font-weight: 600; }
        .status .icon { flex: none; }
        .uncertain { color: var(--muted); }
        .disputed { color: #a3231b; text-transform: uppercase; font-size: 12px; letter-spacing: 0.04em; }
        td.ceasefire { min-width: 190px; }
        td.ceasefire p { margin: 0 0 2px; }
        td.sources { text-align: right; font-variant-numeric: tabular-nums; }
        .state-general { font-size: 14px; margin: 8px 0 0; }
        .cell-list { margin: 4px 0 0; padding-left: 16px; }
        .cell-list li { margin: 0 0 2px; }
        small { color: var(--muted); }
        .nowrap { white-space: nowrap; }

        .audit { border: 1px solid var(--rule); border-radius: 6px; padding: 6px 14px; margin: 0 0 10px; }
        .audit summary { cursor: pointer; font-weight: 600; padding: 4px 0; }
        .steps { margin: 6px 0 8px; padding-left: 22px; }
        .step { margin: 0 0 8px; }
        .step-head { margin: 0; }
        .changes { list-style: none; margin: 2px 0 0; padding: 0 0 0 4px; font-size: 14px; }
        .changes li[data-sign="+"] { color: #1d5a29; }
        .changes li[data-sign="−"] { color: #a3231b; }
        .fixed { color: var(--muted); font-size: 13.5px; margin: 2px 0 0; }

        .evidence-list { padding-left: 24px; }
        .evidence-item { margin: 0 0 14px; padding: 6px 10px; border-left: 3px solid var(--rule); }
        .evidence-item:target { background: #fff6d5; border-left-color: #c99a00; }
        .evidence-item p, .tip p { margin: 0 0 3px; }
        .ev-type { display: inline-flex; align-items: center; gap: 6px; font-weight: 650; }
        .ev-date { font-variant-numeric: tabular-nums; font-weight: 600; }
        .ev-precision { color: var(--muted); font-size: 13.5px; }
        .ev-precision.imprecise { color: #8a4b00; }
        .ev-who { font-size: 14px; }
        .quote { margin: 4px 0 6px; padding: 2px 0 2px 12px; border-left: 3px solid #9aa5b1; font-style: italic; }
        .ev-source { font-size: 13.5px; }
        .ev-sources { list-style: none; margin: 0; padding: 0; }
        .ev-source-item + .ev-source-item { margin-top: 6px; padding-top: 4px; border-top: 1px dotted var(--rule); }
        .step-sources { color: var(--muted); font-size: 13px; }
        .ev-log { font-size: 12.5px; color: var(--muted); }
        .intro { color: var(--muted); }

        .stamp { margin-top: 28px; padding-bottom: 32px; }
        .stamp dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
        .stamp dl > div { display: contents; }
        .stamp dt { font-weight: 600; }
        .stamp dd { margin: 0; }

        .tip { position: absolute; z-index: 10; max-width: min(480px, calc(100vw - 16px)); background: #fff; color: var(--ink); border: 1px solid #8a939c; border-radius: 6px; box-shadow: 0 6px 22px rgba(0,0,0,0.18); padding: 10px 12px; font-size: 13.5px; pointer-events: none; }
        .tip[hidden] { display: none; }
        .tip .ev-log { display: none; }

        @media (max-width: 720px) {
          body { font-size: 14px; }
          .page-head, main, .stamp { padding: 0 12px; }
          .legend-group { display: block; }
          .legend-group h3 { width: auto; margin-bottom: 4px; }
          .stamp dl { grid-template-columns: 1fr; }
          .stamp dd { margin-bottom: 6px; }
        }

        @page { size: landscape; margin: 12mm; }
        @page { size: A4; margin: 12mm 12mm 14mm; }
        @page wide { size: A4 landscape; margin: 10mm 10mm 12mm; }
        @media print {
          * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
          main { display: flex; flex-direction: column; }
          main > .timeline { order: -1; }
          svg.chart { max-height: 228mm; width: auto !important; max-width: 100%; margin: 0 auto; }
          figcaption { display: none; }
          section.state { page: wide; }
          section.state table { font-size: 8pt; }
          section.state th, section.state td { padding: 3px 4px; }
          td.conditions, td.last-event, td.ceasefire, tbody th { min-width: 0; }
          body { font-size: 11pt; }
          .page-head, main, .stamp { max-width: none; padding: 0; }
          .chart-scroll { overflow: visible; border: none; padding: 0; }
          svg.chart { min-width: 0; }
          .table-scroll { overflow: visible; }
          .tip, script { display: none !important; }
          .marker .focus-ring { stroke: none !important; }
          a { color: inherit; text-decoration: none; }
          h2 { break-after: avoid; }
          .timeline, tr, .evidence-item, .step, .legend-group { break-inside: avoid; }
          .audit { border: none; padding: 0; }
          .audit summary { list-style: none; }
          a.source-link::after { content: " <" attr(href) ">"; font-size: 0.85em; overflow-wrap: anywhere; }
        }
        """

    /// What an embedded page changes: no margins or frame, the chart shrinks to its container
    /// (no sideways scrolling), and no caption but the source line.
    static let embedded = """
        body.embedded main { max-width: none; padding: 0; margin: 0; }
        body.embedded .timeline { margin: 0; }
        body.embedded .chart-scroll { overflow: visible; border: none; border-radius: 0; padding: 0; }
        body.embedded svg.chart { min-width: 0; }
        body.embedded figcaption { display: none; }
        .embed-source { color: var(--muted); font-size: 12px; margin: 4px 8px; }
        """
}
