import Foundation
import Testing

@testable import EventLog

/// The log's SHA-256 (libcrypto) against the standard's own examples, and the chain it builds
/// against SHA-256 of each entry's bytes laid end to end.
@Suite("SHA-256")
struct SHA256Tests {
    /// FIPS 180-2's examples, and the empty message.
    static let known: [(message: [UInt8], digest: String)] = [
        ([], "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        (Array("abc".utf8), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8),
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000),
         "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
    ]

    @Test("the standard's examples, whole and fed in pieces, by one hasher that starts over after each")
    func knownAnswers() {
        var hasher = SHA256()
        var generator = SystemRandomNumberGenerator()
        for (message, digest) in Self.known {
            #expect(hex(SHA256.hash(data: message)) == digest)
            // In random pieces, empty ones included, through the hasher of the previous message.
            var at = 0
            message.withUnsafeBytes { bytes in
                while at < bytes.count {
                    let end = min(bytes.count, at + Int.random(in: 0...70_000, using: &generator))
                    hasher.update(UnsafeRawBufferPointer(rebasing: bytes[at..<end]))
                    at = end
                }
            }
            #expect(hex(hasher.finalize()) == digest)
        }
    }

    /// The records (by place) whose chain hash in `digests` is not the one in `expected`.
    func mismatches(_ digests: [UInt8], _ expected: [[UInt8]]) -> [Int] {
        guard digests.count == expected.count * 32 else { return Array(expected.indices) }
        return expected.indices.filter { Array(digests[($0 * 32)..<($0 * 32 + 32)]) != expected[$0] }
    }

    @Test("each chain hash is SHA-256 of the previous hash, the sequence and the payload laid end to end")
    func chainIsHashOfConcatenation() {
        var generator = SystemRandomNumberGenerator()
        let records = (0..<300).map { n in
            Record(id: "event/e\(n)", payload: (0..<Int.random(in: 0...900, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) })
        }
        let start = Head(sequence: 41, hash: (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let ahead = ChainedRecords(records, after: start, recordedAt: EventLog.systemClock())
        // Over all the records, and over some only, as an append that finds the others there;
        // in format 2, and in format 1 as a log begun by an older build has it.
        for (places, format) in [(Array(records.indices), 2), ([0, 3, 4, 150, 299], 2), (Array(records.indices), 1), ([0, 3, 4, 150, 299], 1)] {
            var previous = start.hash
            var expected: [[UInt8]] = []
            for (n, i) in places.enumerated() {
                let sequence = start.sequence + UInt64(n) + 1
                previous = format == 2
                    ? EventLogTests.chainHash(previous: previous, sequence: sequence, recordedAt: ahead.recordedAt, id: records[i].id, payload: records[i].payload)
                    : EventLogTests.formatOneChainHash(previous: previous, sequence: sequence, payload: records[i].payload)
                expected.append(previous)
            }
            let digests = places.count == records.count && format == 2
                ? ahead.digests : ChainHashing.hash(records, places, after: start, format: format, recordedAt: ahead.recordedAt)
            #expect(mismatches(digests, expected).isEmpty, "format \(format): records \(mismatches(digests, expected).prefix(5)) of \(places.count)")
        }
        let chained = ChainedRecords(records, after: start, recordedAt: 0)
        #expect(chained.end.sequence == start.sequence + 300)
        #expect(chained.end.hash == Array(chained.digests.suffix(32)))
    }
}
