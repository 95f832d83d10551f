import CGlibc
import FileIO
import Foundation

/// Encoded events between the checking pass and the appending pass, in a temporary file, so
/// that a large corpus is read once and never held in memory.
///
/// Filled on one thread, then read once on another (which forms the batches): never by two at
/// once. What is read is handed back to the file system as it goes (``releaseBlocks(of:_:)``).
final class SpillFile {
    private let file: ScratchFile
    private var buffer: [UInt8] = []
    /// How much has been written.
    private var written = 0
    /// Read back in chunks: the unread bytes are `readBuffer[readOffset..<readEnd]`.
    private var readBuffer: [UInt8] = []
    private var readOffset = 0
    private var readEnd = 0
    /// How far the file has been read: the bytes before it are in `readBuffer` or consumed.
    private var readPosition = 0
    private static let chunkSize = 1 << 20

    init() throws(FileError) {
        file = try ScratchFile(name: "the temporary ingest file", prefix: "parley-ingest")
    }

    /// What the file takes on its file system: what it was given less what was read back.
    var allocatedBytes: Int? { file.allocatedBytes }

    func append(id: String, payload: [UInt8], fold: [UInt8]) throws(FileError) {
        withUnsafeBytes(of: UInt32(id.utf8.count).littleEndian) { buffer.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(payload.count).littleEndian) { buffer.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(fold.count).littleEndian) { buffer.append(contentsOf: $0) }
        buffer.append(contentsOf: id.utf8)
        buffer.append(contentsOf: payload)
        buffer.append(contentsOf: fold)
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws(FileError) {
        try file.write(buffer, at: written)
        written += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    /// Ends the writing and starts the reading, from the first record.
    /// - Throws: once reading has begun, `EINVAL`: the bytes read are gone (handed back as they
    ///   were read), and reading them again would find zeros.
    func rewind() throws(FileError) {
        guard readPosition == 0 else { throw FileError(path: file.name, operation: "read again", reason: .system(.invalidArgument)) }
        try flush()
        readBuffer = []
        readOffset = 0
        readEnd = 0
    }

    /// The next record, or `nil` at the end.
    func next() throws(FileError) -> SpilledEvent? {
        guard try fill(12) else { return nil }
        let (idLength, payloadLength, foldLength) = readBuffer.withUnsafeBytes { raw in
            (Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: readOffset, as: UInt32.self))),
             Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: readOffset + 4, as: UInt32.self))),
             Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: readOffset + 8, as: UInt32.self))))
        }
        guard try fill(12 + idLength + payloadLength + foldLength) else {
            throw FileError(path: file.name, operation: "read back", reason: .system(.ioError))
        }
        var at = readOffset + 12
        let id = String(decoding: readBuffer[at..<(at + idLength)], as: UTF8.self)
        at += idLength
        let payload = Array(readBuffer[at..<(at + payloadLength)])
        at += payloadLength
        let fold = Array(readBuffer[at..<(at + foldLength)])
        readOffset = at + foldLength
        return SpilledEvent(id: id, payload: payload, fold: fold)
    }

    /// Makes `count` unread bytes available; false when the file ends first (with nothing more
    /// to read, or a record cut short: the caller says which).
    private func fill(_ count: Int) throws(FileError) -> Bool {
        guard readEnd - readOffset < count else { return true }
        // The unread bytes move to the front, and the file's next bytes are read in behind them.
        let unread = readEnd - readOffset
        let capacity = max(Self.chunkSize, count)
        if readBuffer.count < capacity { readBuffer.append(contentsOf: repeatElement(0, count: capacity - readBuffer.count)) }
        if unread > 0, readOffset > 0 {
            readBuffer.withUnsafeMutableBytes { raw in
                guard let base = raw.baseAddress else { return }
                _ = memmove(base, base + readOffset, unread)
            }
        }
        readOffset = 0
        readEnd = unread
        var failure: FileError?
        let read = readBuffer.withUnsafeMutableBytes { raw in
            do throws(FileError) {
                return try file.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[readEnd...]), at: readPosition)
            } catch {
                failure = error
                return 0
            }
        }
        if let failure { throw failure }
        file.release(readPosition..<(readPosition + read))
        readPosition += read
        readEnd += read
        return readEnd >= count
    }
}
