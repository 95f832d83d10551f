import Negotiation

/// Writes candidates as a curated event file (`article:` and `events:`), so that a reviewed
/// file ingests as is. Confidence, cue and date precision are comments above each event,
/// since event files take no such fields; how the date was found is in `note`.
public enum EventFileWriter {
    /// The YAML text of an event file for an extraction.
    public static func yaml(_ result: ExtractionResult) -> String {
        var lines = [
            "# Candidate events extracted by `parley extract` from \(result.article) (published \(result.published), language \(result.language)).",
            "# Every event is a draft (`status: draft`): `parley review <article>` goes through them (keep,",
            "# edit, reject, or record as another report of an event already recorded); by hand, keep one by",
            "# writing `status: reviewed`. Each comment gives the confidence, the cue that fired and how the",
            "# date was found; `note` says more. `parley ingest` refuses a file that still holds drafts,",
            "# unless told `--drafts skip` (drafts are then left out, never recorded).",
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
            lines.append("    status: draft")
            lines.append("    confidence: \(format(c.confidence))")
            lines.append("    extractor: \(quoted(Extractor.version))")
            if !e.tracks.isEmpty { lines.append("    tracks: [\(e.tracks.joined(separator: ", "))]") }
            if e.type == .meeting, e.tracks.isEmpty { lines.append("    scope: general") }
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
        if !needsEscape(text) { return "\"" + text + "\"" }
        func escaped(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
            var out: [UInt8] = [0x22]
            out.reserveCapacity(bytes.count + 16)
            func append(_ s: String) { out.append(contentsOf: s.utf8) }
            var i = 0
            while i < bytes.count {
                let byte = bytes[i]
                if byte < 0x80 {
                    switch byte {
                    case 0x5C: append("\\\\")
                    case 0x22: append("\\\"")
                    case 0x0A: append("\\n")
                    case 0x09: append("\\t")
                    case 0x0D: append("\\r")
                    case 0..<0x20, 0x7F: append("\\x" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16, uppercase: true))
                    default: out.append(byte)
                    }
                    i += 1
                    continue
                }
                // A scalar of two to four bytes: four of them are escaped, the others copied.
                let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                var value = UInt32(byte & (0x7F >> length))
                for k in 1..<length where i + k < bytes.count { value = value << 6 | UInt32(bytes[i + k] & 0x3F) }
                switch value {
                case 0x85: append("\\N")
                case 0x2028: append("\\L")
                case 0x2029: append("\\P")
                case 0xFEFF: append("\\uFEFF")
                default: out.append(contentsOf: bytes[i..<min(i + length, bytes.count)])
                }
                i += length
            }
            out.append(0x22)
            return String(decoding: out, as: UTF8.self)
        }
        return text.utf8.withContiguousStorageIfAvailable(escaped) ?? Array(text.utf8).withUnsafeBufferPointer(escaped)
    }

    /// Whether `quoted` writes some scalar of `text` otherwise than as it is: a control
    /// character, `"`, `\\`, U+0085, U+2028, U+2029 or U+FEFF, looked for among the UTF-8 bytes
    /// (C2 85, E2 80 A8, E2 80 A9, EF BB BF for the last four).
    private static func needsEscape(_ text: String) -> Bool {
        func scan(_ bytes: some Sequence<UInt8>) -> Bool {
            var previous: (UInt8, UInt8) = (0, 0)
            for byte in bytes {
                switch byte {
                case 0..<0x20, 0x22, 0x5C, 0x7F: return true
                case 0x85 where previous.1 == 0xC2: return true
                case 0xA8, 0xA9: if previous == (0xE2, 0x80) { return true }
                case 0xBF: if previous == (0xEF, 0xBB) { return true }
                default: break
                }
                previous = (previous.1, byte)
            }
            return false
        }
        return text.utf8.withContiguousStorageIfAvailable(scan) ?? scan(text.utf8)
    }

    private static func format(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
    }
}
