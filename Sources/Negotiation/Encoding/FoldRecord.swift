/// The fields of an event that a track's fold reads, in a compact binary form kept in the
/// `track-days` index beside each event: rebuilding checkpoints or answering `--known-on` then
/// reads no log entry and decodes no JSON. The quote, note and fixes are left out; the event
/// is stored as its corrections left it.
///
/// Deterministic (the same event, the same bytes): a term's words are written in key order.
///
/// Layout: type (1 byte) ‖ flags (1) ‖ valid time (when flagged) ‖ id ‖ actor, proposal, place,
/// article (each when flagged) ‖ tracks ‖ counterparts ‖ met ‖ dropped ‖ terms ‖ conditions ‖
/// when the flags' high bit is set, the rest: more flags (1) ‖ format (1), duration, planned
/// start, until, days (4 each), an end's reason, the sources (each when flagged).
/// Texts are a LEB128 length and UTF-8 bytes; lists a LEB128 count and their items; a term is
/// its label, then its words as a count and (language, text) pairs; a day its ordinal; a source
/// its article and its sequence (8 bytes). Numbers are little-endian.
package enum FoldRecord {
    private static let types = EventType.allCases

    /// What indexing an event needs, carried beside its payload so that appending decodes no
    /// JSON: its fold record, or nothing for a fix (decoded from its payload: it needs more).
    package static func indexing(_ event: Event) -> [UInt8] {
        event.type.amendsAnother ? [] : encoded(event)
    }

    private enum Flag {
        static let planned: UInt8 = 1
        static let unconditional: UInt8 = 2
        static let on: UInt8 = 4
        static let actor: UInt8 = 8
        static let proposal: UInt8 = 16
        static let place: UInt8 = 32
        static let article: UInt8 = 64
        /// The fields of a ceasefire's life, meetings' and sources follow (``More``).
        static let more: UInt8 = 128
    }

    private enum More {
        static let general: UInt8 = 1
        static let format: UInt8 = 2
        static let duration: UInt8 = 4
        static let starts: UInt8 = 8
        static let until: UInt8 = 16
        static let days: UInt8 = 32
        static let reason: UInt8 = 64
        static let sources: UInt8 = 128
    }

    private static let formats = MeetingFormat.allCases

    /// The flags of the fields that follow the first part, 0 when there are none.
    private static func moreFlags(_ event: Event) -> UInt8 {
        var more: UInt8 = 0
        if event.general { more |= More.general }
        if event.format != nil { more |= More.format }
        if event.duration != nil { more |= More.duration }
        if event.starts != nil { more |= More.starts }
        if event.until != nil { more |= More.until }
        if event.days != nil { more |= More.days }
        if event.type == .end, event.reason != nil { more |= More.reason }
        if !event.sources.isEmpty { more |= More.sources }
        return more
    }

    /// Appends the fold record of `event` to `out`.
    package static func encode(_ event: Event, into out: inout [UInt8]) {
        out.append(UInt8(truncatingIfNeeded: types.firstIndex(of: event.type) ?? 0))
        var flags: UInt8 = 0
        if event.planned { flags |= Flag.planned }
        if event.unconditional { flags |= Flag.unconditional }
        if event.on != nil { flags |= Flag.on }
        if event.actor != nil { flags |= Flag.actor }
        if event.proposal != nil { flags |= Flag.proposal }
        if event.place != nil { flags |= Flag.place }
        if event.article != nil { flags |= Flag.article }
        let more = moreFlags(event)
        if more != 0 { flags |= Flag.more }
        out.append(flags)
        if let on = event.on {
            switch on {
            case .day(let d):
                out.append(0)
                int32(d.ordinal, &out)
            case .month(let y, let m):
                out.append(1)
                int32(y, &out)
                out.append(UInt8(truncatingIfNeeded: m))
            case .range(let a, let b):
                out.append(2)
                int32(a.ordinal, &out)
                int32(b.ordinal, &out)
            }
        }
        text(event.id, &out)
        if let actor = event.actor { text(actor, &out) }
        if let proposal = event.proposal { text(proposal, &out) }
        if let place = event.place { text(place, &out) }
        if let article = event.article { text(article, &out) }
        texts(event.tracks, &out)
        texts(event.counterparts, &out)
        texts(event.met, &out)
        texts(event.dropped, &out)
        terms(event.terms, &out)
        terms(event.conditions, &out)
        guard more != 0 else { return }
        out.append(more)
        if let format = event.format { out.append(UInt8(truncatingIfNeeded: formats.firstIndex(of: format) ?? 0)) }
        if let duration = event.duration { int32(duration, &out) }
        if let starts = event.starts { int32(starts.ordinal, &out) }
        if let until = event.until { int32(until.ordinal, &out) }
        if let days = event.days { int32(days, &out) }
        if more & More.reason != 0, let reason = event.reason { text(reason, &out) }
        if !event.sources.isEmpty {
            count(event.sources.count, &out)
            for source in event.sources {
                text(source.article, &out)
                withUnsafeBytes(of: source.sequence.littleEndian) { out.append(contentsOf: $0) }
            }
        }
    }

    /// The fold record of `event`.
    package static func encoded(_ event: Event) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        encode(event, into: &out)
        return out
    }

    /// What indexing an event reads of its fold record, without decoding the rest or making a
    /// string: its type and valid time, where the article's id lies in the record's bytes, in
    /// `tracks` (emptied first, its memory kept) where each track name lies, in `sources`
    /// (likewise) where the article id of each of its sources lies when the record holds them
    /// (an event as its amendments left it), and whether it is a general meeting. The rest of
    /// the record is read only for a record with the fields that follow the first part:
    /// indexing a report makes no string.
    package static func spans(_ bytes: UnsafeRawBufferPointer, tracks: inout [Range<Int>], sources: inout [Range<Int>]) throws(RecordDecodingError)
        -> (type: EventType, on: ValidTime?, article: Range<Int>?, general: Bool) {
        var r = Reader(bytes: bytes)
        let (type, flags, on) = try start(&r)
        try r.skipText()
        if flags & Flag.actor != 0 { try r.skipText() }
        if flags & Flag.proposal != 0 { try r.skipText() }
        if flags & Flag.place != 0 { try r.skipText() }
        let article = flags & Flag.article != 0 ? try r.span() : nil
        tracks.removeAll(keepingCapacity: true)
        for _ in 0..<(try r.count()) { tracks.append(try r.span()) }
        sources.removeAll(keepingCapacity: true)
        guard flags & Flag.more != 0 else { return (type, on, article, false) }
        for _ in 0..<3 { _ = try r.texts() }
        for _ in 0..<2 { _ = try r.terms() }
        let more = try r.byte()
        if more & More.format != 0 { _ = try r.byte() }
        for flag in [More.duration, More.starts, More.until, More.days] where more & flag != 0 { _ = try r.int32() }
        if more & More.reason != 0 { try r.skipText() }
        if more & More.sources != 0 {
            for _ in 0..<(try r.count()) {
                sources.append(try r.span())
                _ = try r.uint64()
            }
        }
        return (type, on, article, more & More.general != 0)
    }

    /// The type, flags and valid time that start a record.
    private static func start(_ r: inout Reader) throws(RecordDecodingError) -> (EventType, UInt8, ValidTime?) {
        let typeIndex = Int(try r.byte())
        guard typeIndex < types.count else { throw RecordDecodingError(reason: "fold record: type \(typeIndex)") }
        let flags = try r.byte()
        var on: ValidTime?
        if flags & Flag.on != 0 {
            switch try r.byte() {
            case 0:
                on = .day(Day(ordinal: try r.int32()))
            case 1:
                let y = try r.int32()
                let m = Int(try r.byte())
                guard Day(year: y, month: m, day: 1) != nil else { throw RecordDecodingError(reason: "fold record: month \(y)-\(m)") }
                on = .month(year: y, month: m)
            case 2:
                on = .range(Day(ordinal: try r.int32()), Day(ordinal: try r.int32()))
            case let kind:
                throw RecordDecodingError(reason: "fold record: date kind \(kind)")
            }
        }
        return (types[typeIndex], flags, on)
    }

    /// The event a fold record holds (without quote, note or fixes).
    package static func decode(_ bytes: UnsafeRawBufferPointer) throws(RecordDecodingError) -> Event {
        var r = Reader(bytes: bytes)
        let (type, flags, on) = try start(&r)
        var event = Event(id: try r.text(), type: type)
        event.on = on
        event.planned = flags & Flag.planned != 0
        event.unconditional = flags & Flag.unconditional != 0
        if flags & Flag.actor != 0 { event.actor = try r.text() }
        if flags & Flag.proposal != 0 { event.proposal = try r.text() }
        if flags & Flag.place != 0 { event.place = try r.text() }
        if flags & Flag.article != 0 { event.article = try r.text() }
        event.tracks = try r.texts()
        event.counterparts = try r.texts()
        event.met = try r.texts()
        event.dropped = try r.texts()
        event.terms = try r.terms()
        event.conditions = try r.terms()
        if flags & Flag.more != 0 {
            let more = try r.byte()
            event.general = more & More.general != 0
            if more & More.format != 0 {
                let index = Int(try r.byte())
                guard index < formats.count else { throw RecordDecodingError(reason: "fold record: format \(index)") }
                event.format = formats[index]
            }
            if more & More.duration != 0 { event.duration = try r.int32() }
            if more & More.starts != 0 { event.starts = Day(ordinal: try r.int32()) }
            if more & More.until != 0 { event.until = Day(ordinal: try r.int32()) }
            if more & More.days != 0 { event.days = try r.int32() }
            if more & More.reason != 0 { event.reason = try r.text() }
            if more & More.sources != 0 {
                for _ in 0..<(try r.count()) {
                    let article = try r.text()
                    event.sources.append(Source(article: article, quote: nil, sequence: try r.uint64()))
                }
            }
        }
        guard r.atEnd else { throw RecordDecodingError(reason: "fold record: \(r.remaining) bytes left over") }
        return event
    }

    // MARK: Writing

    private static func int32(_ value: Int, _ out: inout [UInt8]) {
        withUnsafeBytes(of: Int32(truncatingIfNeeded: value).littleEndian) { out.append(contentsOf: $0) }
    }

    private static func count(_ value: Int, _ out: inout [UInt8]) {
        var v = UInt(value)
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    private static func text(_ value: String, _ out: inout [UInt8]) {
        count(value.utf8.count, &out)
        out.append(contentsOf: value.utf8)
    }

    private static func texts(_ values: [String], _ out: inout [UInt8]) {
        count(values.count, &out)
        for value in values { text(value, &out) }
    }

    private static func terms(_ values: [Term], _ out: inout [UInt8]) {
        count(values.count, &out)
        for term in values {
            text(term.label, &out)
            count(term.words.count, &out)
            for (language, words) in term.words.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
                text(language, &out)
                text(words, &out)
            }
        }
    }

    // MARK: Reading

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var offset = 0

        var atEnd: Bool { offset == bytes.count }
        var remaining: Int { bytes.count - offset }

        mutating func byte() throws(RecordDecodingError) -> UInt8 {
            guard offset < bytes.count else { throw RecordDecodingError(reason: "fold record: cut short") }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func int32() throws(RecordDecodingError) -> Int {
            guard remaining >= 4 else { throw RecordDecodingError(reason: "fold record: cut short") }
            defer { offset += 4 }
            return Int(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
        }

        mutating func uint64() throws(RecordDecodingError) -> UInt64 {
            guard remaining >= 8 else { throw RecordDecodingError(reason: "fold record: cut short") }
            defer { offset += 8 }
            return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        }

        mutating func count() throws(RecordDecodingError) -> Int {
            var value = 0
            var shift = 0
            while true {
                let b = try byte()
                value |= Int(b & 0x7F) << shift
                if b < 0x80 { break }
                shift += 7
                guard shift < 32 else { throw RecordDecodingError(reason: "fold record: a length too long") }
            }
            guard value <= remaining else { throw RecordDecodingError(reason: "fold record: cut short") }
            return value
        }

        mutating func text() throws(RecordDecodingError) -> String {
            String(decoding: UnsafeRawBufferPointer(rebasing: bytes[try span()]), as: UTF8.self)
        }

        /// Where the next text lies, skipped.
        mutating func span() throws(RecordDecodingError) -> Range<Int> {
            let length = try count()
            defer { offset += length }
            return offset..<(offset + length)
        }

        mutating func skipText() throws(RecordDecodingError) {
            offset += try count()
        }

        mutating func texts() throws(RecordDecodingError) -> [String] {
            let n = try count()
            guard n > 0 else { return [] }
            var result: [String] = []
            result.reserveCapacity(n)
            for _ in 0..<n { result.append(try text()) }
            return result
        }

        mutating func terms() throws(RecordDecodingError) -> [Term] {
            let n = try count()
            guard n > 0 else { return [] }
            var result: [Term] = []
            result.reserveCapacity(n)
            for _ in 0..<n {
                let label = try text()
                let wordCount = try count()
                var words: [String: String] = [:]
                for _ in 0..<wordCount {
                    let language = try text()
                    words[language] = try text()
                }
                result.append(Term(label: label, words: words))
            }
            return result
        }
    }
}
