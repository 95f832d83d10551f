import Foundation
import LMDB
import Testing
import TestSupport

@testable import EventLog

@Suite("Event log")
struct EventLogTests {
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory("eventlog") }

    func open(mapSize: Int = 64 << 20) throws -> EventLog {
        var options = EventLog.Options()
        options.initialMapSize = mapSize
        return try EventLog(directory: directory.path, options: options)
    }

    /// The log opened as `parley verify` opens it: its counts are not held to its head at open,
    /// so that the walk can name the entry at fault.
    func openForVerifying() throws -> EventLog {
        var options = EventLog.Options(readOnly: true)
        options.checksCounts = false
        return try EventLog(directory: directory.path, options: options)
    }

    /// SHA-256 of the previous hash, the sequence and recorded time (8 bytes each, big-endian),
    /// the id's length (2 bytes, big-endian), the id and the payload laid end to end: an entry's
    /// hash as format 2 defines it.
    static func chainHash(previous: [UInt8], sequence: UInt64, recordedAt: Int64, id: String, payload: [UInt8]) -> [UInt8] {
        SHA256.hash(data: previous + bigEndian(sequence) + bigEndian(UInt64(bitPattern: recordedAt))
            + bigEndian(UInt16(id.utf8.count)) + Array(id.utf8) + payload)
    }

    /// SHA-256 of the previous hash, the sequence (8 bytes, big-endian) and the payload laid end
    /// to end: an entry's hash as format 1 defined it.
    static func formatOneChainHash(previous: [UInt8], sequence: UInt64, payload: [UInt8]) -> [UInt8] {
        SHA256.hash(data: previous + bigEndian(sequence) + payload)
    }

    static func bigEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }

    static func record(_ n: Int, size: Int = 64) -> Record {
        let text = "payload \(n) " + String(repeating: "x", count: max(0, size - 20))
        return Record(id: "r-\(n)", payload: Array(text.utf8))
    }

    @Test func aHundredThousandEntriesReadBackBySequenceAndByScan() throws {
        let log = try open()
        for batch in 0..<100 {
            let receipt = try log.append((0..<1_000).map { Self.record(batch * 1_000 + $0) })
            #expect(receipt.appendedCount == 1_000)
        }
        #expect(try log.head().sequence == 100_000)
        for n in [0, 1, 999, 1_000, 54_321, 99_999] {
            let entry = try #require(try log.entry(at: UInt64(n + 1)))
            #expect(entry.id == "r-\(n)")
            #expect(entry.payload == Self.record(n).payload)
        }
        #expect(try log.entry(at: 100_001) == nil)
        var expected: UInt64 = 1
        try log.forEachEntry { view in
            #expect(view.sequence == expected)
            #expect(view.payload.elementsEqual(Self.record(Int(expected) - 1).payload))
            expected += 1
            return true
        }
        #expect(expected == 100_001)
        let range = try log.entries(from: 500, through: 504)
        #expect(range.map(\.sequence) == [500, 501, 502, 503, 504])
        #expect(try log.verify().isIntact)
    }

    @Test func reopeningContinuesTheSequenceAndTheChain() throws {
        let first: Head
        do {
            let log = try open()
            first = try log.append([Self.record(1), Self.record(2)]).head
        }
        let log = try open()
        #expect(try log.head() == first)
        let receipt = try log.append([Self.record(3)])
        #expect(receipt.outcomes == [.appended(3)])
        let third = try #require(try log.entry(at: 3))
        #expect(third.hash == Self.chainHash(previous: first.hash, sequence: 3, recordedAt: third.recordedAtMicroseconds, id: third.id, payload: third.payload))
        #expect(try log.verify().isIntact)
    }

    @Test func reappendingTheSameRecordIsANoOp() throws {
        let log = try open()
        let before = try log.append([Self.record(1), Self.record(2)]).head
        let again = try log.append([Self.record(2), Self.record(1), Self.record(3)])
        #expect(again.outcomes == [.existing(2), .existing(1), .appended(3)])
        #expect(again.appendedCount == 1)
        let nothingNew = try log.append([Self.record(3)])
        #expect(nothingNew.outcomes == [.existing(3)])
        #expect(nothingNew.head == again.head)
        #expect(before.sequence == 2)
    }

    @Test func aRecordRepeatedWithinOneBatchIsAppendedOnce() throws {
        let log = try open()
        let receipt = try log.append([Self.record(1), Self.record(1)])
        #expect(receipt.outcomes == [.appended(1), .existing(1)])
    }

    @Test func aLargeBatchWithRecordsAlreadyThereChainsAsOneRecordAtATime() throws {
        // Batches of `concurrentChainThreshold` records or more hash their chain on a second
        // thread, guessing that every record is new: here the guess is wrong three ways.
        let log = try open()
        try log.append([Self.record(5), Self.record(40)])
        let batch = (0..<100).map { Self.record($0) } + [Self.record(7)]
        #expect(batch.count >= EventLog.concurrentChainThreshold)
        let receipt = try log.append(batch)
        #expect(receipt.appendedCount == 98)
        #expect(receipt.outcomes[5] == .existing(1))
        #expect(receipt.outcomes[40] == .existing(2))
        #expect(receipt.outcomes[100] == .existing(9))  // r-7, appended earlier in this batch (r-5 was there)
        // Every stored hash is SHA-256 of the previous one, the sequence and the payload.
        func checkChain(through last: UInt64) throws {
            var previous = Head.empty.hash
            try log.forEachEntry { view in
                let expected = Self.chainHash(previous: previous, sequence: view.sequence, recordedAt: view.recordedAtMicroseconds,
                                              id: String(decoding: view.id, as: UTF8.self), payload: Array(view.payload))
                #expect(Array(view.hash) == expected, "entry \(view.sequence)")
                previous = expected
                return true
            }
            #expect(try log.head() == Head(sequence: last, hash: previous))
            #expect(try log.verify().isIntact)
        }
        try checkChain(through: 100)
        // All new: the guessed chain is the one written (handed over 64 hashes at a time: two
        // whole chunks and one of a single record), and a repeat of the batch appends nothing.
        let next = try log.append((100..<229).map { Self.record($0) })
        #expect(next.appendedCount == 129)
        #expect(try log.append((100..<229).map { Self.record($0) }).outcomes == (101...229).map { .existing(UInt64($0)) })
        try checkChain(through: 229)
    }

    @Test func anIDReusedWithOtherBytesIsRefusedNamingBothSequences() throws {
        let log = try open()
        try log.append([Self.record(1), Self.record(2)])
        let head = try log.head()
        let forged = Record(id: "r-1", payload: Array("other".utf8))
        #expect(throws: EventLogError.idReusedWithOtherContent(id: "r-1", existing: 1, offered: 4)) {
            try log.append([Self.record(3), forged])
        }
        #expect(try log.head() == head)
        #expect(try log.entry(at: 3) == nil)
        #expect(try log.sequence(of: "r-3") == nil)
    }

    @Test func aStaleExpectedSequenceIsAConflictAndWritesNothing() throws {
        let log = try open()
        try log.append([Self.record(1)], expectedLastSequence: 0)
        try log.append([Self.record(2)], expectedLastSequence: 1)
        let error = #expect(throws: EventLogError.self) {
            try log.append([Self.record(3)], expectedLastSequence: 1)
        }
        #expect(error == .conflict(expected: 1, actual: 2))
        #expect(error?.description.contains("another writer") == true)
        #expect(try log.head().sequence == 2)
    }

    @Test func aBatchWithABadIDAppendsNothing() throws {
        let log = try open()
        let long = Record(id: String(repeating: "a", count: EventLog.maximumIDLength + 1), payload: [1])
        #expect(throws: EventLogError.invalidID(long.id)) { try log.append([Self.record(1), long]) }
        #expect(throws: EventLogError.invalidID("")) { try log.append([Record(id: "", payload: [1])]) }
        #expect(try log.head() == .empty)
    }

    @Test func theLogGrowsFromA64KiBMapThroughThousandsOfAppends() throws {
        let log = try open(mapSize: 64 << 10)
        let start = log.environment.mapSize
        for batch in 0..<50 {
            try log.append((0..<100).map { Self.record(batch * 100 + $0, size: 300) })
        }
        #expect(log.environment.mapSize > start)
        #expect(try log.head().sequence == 5_000)
        #expect(try log.verify().entriesChecked == 5_000)
    }

    @Test func blobsAreStoredByTheirHash() throws {
        let log = try open()
        let text = Array("an article".utf8)
        try log.append([Self.record(1)], blobs: [text, text])
        let digest = SHA256.hash(data: text)
        #expect(try log.blob(sha256: digest) == text)
        #expect(try log.verify().blobsChecked == 1)
    }

    // MARK: Tampering, through the LMDB layer beneath the log

    func tamper(_ body: (borrowing WriteTransaction, Database, Database, Database) throws -> Void) throws {
        let env = try Environment(path: directory.path, databases: ["entries": [], "blobs": [], "meta": []])
        try env.write { txn in
            try body(txn, try env.database("entries"), try env.database("blobs"), try env.database("meta"))
        }
    }

    func flipByte(atOffsetFromEnd offset: Int, ofEntry sequence: UInt64) throws {
        try tamper { txn, entries, _, _ in
            var value = try #require(try txn.get(Layout.key(sequence), in: entries))
            value[value.count - offset] ^= 0x01
            try txn.put(value, forKey: Layout.key(sequence), in: entries)
        }
    }

    @Test func verifyFindsAFlippedPayloadByte() throws {
        do {
            let log = try open()
            try log.append((1...20).map { Self.record($0) })
        }
        try flipByte(atOffsetFromEnd: 1, ofEntry: 7)
        let report = try open().verify()
        #expect(report.firstBadSequence == 7)
        #expect(report.entriesChecked == 6)
        #expect(!report.isIntact)
    }

    @Test func verifyFindsAFlippedHashByte() throws {
        do {
            let log = try open()
            try log.append((1...20).map { Self.record($0) })
        }
        try tamper { txn, entries, _, _ in
            var value = try #require(try txn.get(Layout.key(12), in: entries))
            value[8 + 5] ^= 0x80  // inside the stored hash
            try txn.put(value, forKey: Layout.key(12), in: entries)
        }
        let report = try open().verify()
        #expect(report.firstBadSequence == 12)
        #expect(report.problems.first?.message.contains("stored hash") == true)
    }

    @Test func verifyFindsAChangedBlob() throws {
        let text = Array("an article".utf8)
        do {
            let log = try open()
            try log.append([Self.record(1)], blobs: [text])
        }
        try tamper { txn, _, blobs, _ in
            try txn.put(Array("an artiCle".utf8), forKey: SHA256.hash(data: text), in: blobs)
        }
        let report = try open().verify()
        #expect(report.firstBadSequence == nil)
        #expect(report.problems.map(\.blob) == [hex(SHA256.hash(data: text))])
    }

    // MARK: Verification in ranges, on several threads

    /// 1,000 entries: verify checks them in eight ranges (1…125, 126…250, … 876…), each from
    /// the stored hash of the entry before it.
    func thousandEntries() throws {
        let log = try open()
        try log.append((1...1_000).map { Self.record($0) })
    }

    @Test func anIntactLogVerifiesWholeWhateverTheRanges() throws {
        try thousandEntries()
        let log = try open()
        let report = try log.verify()
        #expect(report.isIntact)
        #expect(report.entriesChecked == 1_000)
        #expect(report.head == (try log.head()))
        let emptyDirectory = try TemporaryDirectory("empty-log")
        let empty = try EventLog(directory: emptyDirectory.path)
        #expect(try empty.verify().isIntact)
        #expect(try empty.verify().entriesChecked == 0)
    }

    @Test func aBreakInTheLastRangeAloneIsFoundAndNamed() throws {
        try thousandEntries()
        try flipByte(atOffsetFromEnd: 1, ofEntry: 990)
        let report = try open().verify()
        #expect(report.firstBadSequence == 990)
        #expect(report.entriesChecked == 989)
        #expect(report.head.sequence == 989)
        #expect(report.problems.count == 1)
        #expect(report.problems.first?.sequence == 990)
    }

    @Test func withBreaksInSeveralRangesTheLowestIsReported() throws {
        try thousandEntries()
        try flipByte(atOffsetFromEnd: 1, ofEntry: 900)
        try flipByte(atOffsetFromEnd: 3, ofEntry: 130)
        try flipByte(atOffsetFromEnd: 2, ofEntry: 620)
        let report = try open().verify()
        #expect(report.firstBadSequence == 130)
        #expect(report.entriesChecked == 129)
        #expect(report.problems.map(\.sequence) == [130])
    }

    @Test func aChangedHashAtTheEndOfARangeIsCaughtThereNotInTheNextRange() throws {
        try thousandEntries()
        try tamper { txn, entries, _, _ in
            var value = try #require(try txn.get(Layout.key(125), in: entries))
            value[8] ^= 0x01  // the stored hash the next range starts from
            try txn.put(value, forKey: Layout.key(125), in: entries)
        }
        let report = try open().verify()
        #expect(report.firstBadSequence == 125)
        #expect(report.problems.first?.message.contains("stored hash") == true)
    }

    @Test func aGapAtTheStartOfARangeIsNamedAsTheSequentialWalkWouldName() throws {
        try thousandEntries()
        // 999 entries left: the third range starts at 250, the one missing.
        try tamper { txn, entries, _, _ in try txn.delete(Layout.key(250), in: entries) }
        let report = try openForVerifying().verify()
        #expect(report.firstBadSequence == 250)
        #expect(report.entriesChecked == 249)
        #expect(report.problems.first?.message == "sequence 250 expected, found 251: the log has a gap or a foreign key")
    }

    @Test func aForeignKeyBetweenTwoRangesIsFound() throws {
        try thousandEntries()
        // 1,001 keys: the fifth range starts at 501, right after the foreign key.
        try tamper { txn, entries, _, _ in try txn.put(Array("x".utf8), forKey: Layout.key(500) + [0], in: entries) }
        let report = try openForVerifying().verify()
        #expect(report.firstBadSequence == 501)
        #expect(report.problems.first?.message == "sequence 501 expected, found a 9-byte key: the log has a gap or a foreign key")
    }

    @Test func aLogCutShortInTheMiddleOfTheRangesEndsThere() throws {
        try thousandEntries()
        // The head still says 1,000: the walk ends at 600 and says the head is not the last entry.
        try tamper { txn, entries, _, _ in
            for sequence in UInt64(601)...1_000 { try txn.delete(Layout.key(sequence), in: entries) }
        }
        let report = try openForVerifying().verify()
        #expect(report.entriesChecked == 600)
        #expect(report.head.sequence == 600)
        #expect(report.firstBadSequence == 600)
        #expect(report.problems.first?.message.hasPrefix("the stored head (1000,") == true)
    }

    @Test func verifyHandsOnTheEntriesOfAPrefixInLogOrder() throws {
        try thousandEntries()
        let log = try open()
        let (report, collected) = try log.verify(collecting: "r-9") { view, _ in view.sequence }
        #expect(report.isIntact)
        #expect(collected == (1...1_000).filter { "r-\($0)".hasPrefix("r-9") }.map(UInt64.init))
        try flipByte(atOffsetFromEnd: 1, ofEntry: 400)
        let (broken, none) = try open().verify(collecting: "r-9") { view, _ in view.sequence }
        #expect(broken.firstBadSequence == 400)
        #expect(none == nil)
    }

    @Test func verifyLetsTheCollectorLookBlobsUp() throws {
        let text = Array("an article".utf8)
        let log = try open()
        try log.append([Self.record(1), Self.record(2)], blobs: [text])
        let digest = SHA256.hash(data: text)
        let (_, found) = try log.verify(collecting: "r-") { view, blobs in
            try blobs.contains(sha256: view.sequence == 1 ? digest : [UInt8](repeating: 7, count: 32))
        }
        #expect(found == [true, false])
    }

    @Test func scatteredReadsLendTheEntriesAskedForInTheOrderAsked() throws {
        try thousandEntries()
        let log = try open()
        var seen: [UInt64] = []
        try log.forEachEntry(at: [700, 3, 1_500, 999, 3]) { seen.append($0.sequence) }
        #expect(seen == [700, 3, 999, 3])
        #expect(try log.sequences(of: ["r-42", "nope", "r-1000"]) == [42, nil, 1_000])
    }

    @Test func aRolledBackLogVerifiesButNoLongerHoldsTheHeadSeenBefore() throws {
        let data = directory.appending("data.mdb"), backup = directory.appending("older.mdb")
        let older: Head, newer: Head
        do {
            let log = try open()
            older = try log.append((1...10).map { Self.record($0) }).head
        }
        try FileManager.default.copyItem(atPath: data, toPath: backup)
        do {
            let log = try open()
            newer = try log.append((11...20).map { Self.record($0) }).head
            #expect(try log.sequence(ofHash: older.hashHex) == 10)
            #expect(try log.sequence(ofHash: String(newer.hashHex.prefix(16))) == 20)
        }
        try FileManager.default.removeItem(atPath: data)
        try FileManager.default.copyItem(atPath: backup, toPath: data)
        let log = try open()
        #expect(try log.verify().isIntact)  // a rollback is a consistent log…
        #expect(try log.sequence(ofHash: newer.hashHex) == nil)  // …without the head seen before
        #expect(try log.sequence(ofHash: "abc") == nil)
    }

    @Test func aLogOfAnUnknownFormatIsRefused() throws {
        do { _ = try open() }
        try tamper { txn, _, _, meta in try txn.put(Array("99".utf8), forKey: Layout.formatKey, in: meta) }
        let error = #expect(throws: EventLogError.self) { try open() }
        #expect(error == .unsupportedFormat(path: directory.path, found: "99", supported: 2))
        #expect(error?.description.contains("reads formats 1 and 2") == true)
    }

    @Test func readingWhereThereIsNoLogSaysSo() throws {
        let missing = directory.appending("nothing-here")
        #expect(throws: EventLogError.noLog(path: missing)) {
            try EventLog(directory: missing, options: .init(readOnly: true))
        }
        #expect(!FileManager.default.fileExists(atPath: missing))
    }

    @Test func anIndexPutAppendingTakesOnlyAKeyPastTheLast() throws {
        var options = EventLog.Options()
        options.indexes = ["rows"]
        let log = try EventLog(directory: directory.path, options: options)
        func key(_ n: UInt32) -> [UInt8] { withUnsafeBytes(of: n.bigEndian) { Array($0) } }
        func put(_ n: UInt32, appending: Bool, _ w: inout IndexWriter) throws {
            try key(n).withUnsafeBytes { k in
                try [UInt8(truncatingIfNeeded: n)].withUnsafeBytes { v in try w.put(v, forKey: k, in: "rows", appending: appending) }
            }
        }
        try log.updateIndexes { w in
            #expect(try w.lastKey(in: "rows") == nil)
            for n: UInt32 in [10, 20, 300] { try put(n, appending: true, &w) }
            #expect(try w.lastKey(in: "rows") == key(300))
        }
        // A key that does not sort last is refused, and the transaction puts nothing.
        let refused = #expect(throws: LMDBError.self) {
            try log.updateIndexes { w in
                try put(400, appending: true, &w)
                try put(25, appending: true, &w)
            }
        }
        #expect(refused == .keyExists)
        // Put without appending, it goes in its place.
        try log.updateIndexes { w in try put(25, appending: false, &w) }
        var keys: [[UInt8]] = []
        var values: [[UInt8]] = []
        try log.readIndexes { r in
            try r.scan("rows", from: []) { k, v in
                keys.append([UInt8](k))
                values.append([UInt8](v))
                return true
            }
        }
        #expect(keys == [key(10), key(20), key(25), key(300)])
        #expect(values == [[10], [20], [25], [44]])
    }

    @Test func aFileWhereTheDirectoryShouldBeIsAClearError() throws {
        let file = directory.appending("a-file")
        #expect(FileManager.default.createFile(atPath: file, contents: Data([1])))
        #expect(throws: EventLogError.directory(path: file, reason: "it is a file, not a directory")) {
            try EventLog(directory: file)
        }
    }
}
