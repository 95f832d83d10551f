import Negotiation

/// Writes candidates as a curated event file (`article:` and `events:`), so that a reviewed
/// file ingests as is. Confidence, cue and date precision are comments above each event,
/// since event files take no such fields; how the date was found is in `note`.
public enum EventFileWriter {
    /// The YAML text of an event file for an extraction.
    public static func yaml(_ result: ExtractionResult) -> String {
        var lines = [
            "# Candidate events extracted by `parley extract` from \(result.article) (published \(result.published), language \(result.language)).",
            "# Review each one: keep, fix or delete it. Each comment gives the confidence, the cue that fired",
            "# and how the date was found; `note` says more. Then `parley ingest` reads this file as is.",
            "article: \(result.article)",
        ]
        if result.candidates.isEmpty {
            lines.append("events: []")
            return lines.joined(separator: "\n") + "\n"
        }
        lines.append("events:")
        for c in result.candidates {
            let e = c.event
            lines.append("")
            lines.append("  # confidence \(format(c.confidence)); cue « \(c.cue.replacingOccurrences(of: "\n", with: " ")) » (\(c.cuePhrase) → \(e.type.rawValue)); date \(c.precision.rawValue)")
            lines.append("  - id: \(e.id)")
            lines.append("    type: \(e.type.rawValue)")
            if !e.tracks.isEmpty { lines.append("    tracks: [\(e.tracks.joined(separator: ", "))]") }
            if let on = e.on { lines.append("    on: \(on)") }
            if let actor = e.actor { lines.append("    actor: \(actor)") }
            if !e.counterparts.isEmpty { lines.append("    counterparts: [\(e.counterparts.joined(separator: ", "))]") }
            if let proposal = e.proposal { lines.append("    proposal: \(proposal)") }
            if !e.conditions.isEmpty {
                lines.append("    conditions:")
                for term in e.conditions {
                    let words = term.words.sorted { $0.key < $1.key }.map { "\($0.key): \(quoted($0.value))" }
                    lines.append("      - {" + (["label: \(quoted(term.label))"] + words).joined(separator: ", ") + "}")
                }
            }
            if let place = e.place { lines.append("    place: \(quoted(place))") }
            if e.planned { lines.append("    planned: true") }
            if let quote = e.quote { lines.append("    quote: \(quoted(quote))") }
            if let note = e.note { lines.append("    note: \(quoted(note))") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A YAML double-quoted scalar: backslash, double quote and control or line-breaking
    /// characters escaped; everything else, accents and « » included, as it is.
    public static func quoted(_ text: String) -> String {
        // Most text has nothing to escape: it is written as it is.
        if !text.unicodeScalars.contains(where: needsEscape) { return "\"" + text + "\"" }
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\u{85}": out += "\\N"
            case "\u{2028}": out += "\\L"
            case "\u{2029}": out += "\\P"
            case "\u{FEFF}": out += "\\uFEFF"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16, uppercase: true)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Whether `quoted` writes the scalar otherwise than as it is.
    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "\\", "\"", "\u{85}", "\u{2028}", "\u{2029}", "\u{FEFF}": true
        default: scalar.value < 0x20 || scalar.value == 0x7F
        }
    }

    private static func format(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
    }
}
