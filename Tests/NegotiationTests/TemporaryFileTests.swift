import FileIO
import Foundation
@testable import Store
import Testing

@testable import Negotiation

/// An ingest's temporary files (the checked events, the set-aside track rows) hand their blocks
/// back as they are read, and what is read back is what was written.
@Suite("Temporary ingest files")
struct TemporaryFileTests {
    /// Deterministic bytes of a given length, different for each `seed`.
    func bytes(_ count: Int, seed: Int) -> [UInt8] {
        var state = UInt64(truncatingIfNeeded: seed) &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<count).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
    }

    @Test("the spill reads back what it was given, and its blocks leave as it is read")
    func spillReadsBackAndReleases() throws {
        let spill = try SpillFile()
        // Sizes that put records across the 1 MiB read chunks, one larger than a chunk.
        var written: [SpilledEvent] = []
        var total = 0
        for n in 0..<12_000 {
            let payload = bytes(n == 5_000 ? 1_500_000 : 100 + (n * 37) % 700, seed: n)
            let event = SpilledEvent(id: "event/s\(n)", payload: payload, fold: bytes(n % 90, seed: -n))
            try spill.append(id: event.id, payload: event.payload, fold: event.fold)
            written.append(event)
            total += 12 + event.id.utf8.count + payload.count + event.fold.count
        }
        try spill.rewind()
        let before = try #require(spill.allocatedBytes)
        #expect(before >= total)

        var read = 0
        while let event = try spill.next() {
            #expect(read < written.count)
            guard read < written.count else { break }
            #expect(event.id == written[read].id)
            #expect(event.payload == written[read].payload)
            #expect(event.fold == written[read].fold)
            read += 1
            if read == written.count / 2, let now = spill.allocatedBytes {
                // Half read: about half handed back (reads run one chunk ahead).
                #expect(now < before - total / 3)
            }
        }
        #expect(read == written.count)
        // All read: at most the partial pages at the edges of what each read took.
        #expect(try #require(spill.allocatedBytes) < 64 << 10)
        // The bytes read are gone: reading again is refused, not answered with zeros.
        #expect(throws: FileError.self) { try spill.rewind() }
    }

    @Test("set-aside rows read back track by track, each track's blocks leaving as it is read")
    func rowsReadBackAndRelease() throws {
        let rows = try DeferredRows(loggedBefore: 0)
        // Three tracks whose rows alternate, each well past the 256 KiB a track's buffer holds,
        // so that the file holds their chunks interleaved.
        let tracks: [[UInt8]] = (0..<3).map { t in (0..<8).map { UInt8(t * 8 + $0 + 1) } }
        var expected: [[UInt8]: [(day: UInt32, sequence: UInt64, value: [UInt8])]] = [:]
        for n in 0..<9_000 {
            let track = tracks[n % 3]
            let day = UInt32((n * 7_919) % 3_650)
            let value = bytes(60 + n % 140, seed: n)
            try rows.add(track: track, day: day, sequence: UInt64(n + 1), value: value, final: false)
            expected[track, default: []].append((day, UInt64(n + 1), value))
        }
        let before = try #require(rows.allocatedBytes)
        #expect(before > 1 << 19)

        for (k, track) in tracks.enumerated() {
            let back = try rows.sortedRows(of: track)
            let want = expected[track, default: []].sorted { ($0.day, $0.sequence) < ($1.day, $1.sequence) }
            #expect(back.rows.map(\.day) == want.map(\.day))
            #expect(back.rows.map(\.sequence) == want.map(\.sequence))
            #expect(back.rows.map { [UInt8](back.bytes[$0.value]) } == want.map(\.value))
            // The tracks read so far are handed back; the others' chunks stay.
            let now = try #require(rows.allocatedBytes)
            if k < tracks.count - 1 {
                #expect(now > before / 4)
                #expect(now < before - before / 4 * (k + 1))
            } else {
                #expect(now < 64 << 10)
            }
        }
    }
}
