import Crypto

/// How entries are laid out in LMDB (format 1).
///
/// Databases:
/// - `entries`: key = sequence (8 bytes, big-endian, appended with `MDB_APPEND`);
///   value = recorded time (8 bytes, big-endian µs since the epoch) ‖ hash (32) ‖
///   id length (2, big-endian) ‖ id (UTF-8) ‖ payload.
/// - `ids`: key = id (UTF-8); value = sequence (8 bytes, big-endian).
/// - `blobs`: key = SHA-256 of the value (32 bytes); value = the bytes.
/// - `meta`: `format` = "1"; `head` = last sequence (8) ‖ its hash (32).
enum Layout {
    static let formatVersion = 1
    static let headerSize = 8 + 32 + 2
    static let formatKey = Array("format".utf8)
    static let headKey = Array("head".utf8)

    static func key(_ sequence: UInt64) -> [UInt8] {
        withUnsafeBytes(of: sequence.bigEndian) { [UInt8]($0) }
    }

    static func sequence(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
        guard bytes.count == 8 else { return nil }
        return bytes.reduce(0) { ($0 << 8) | UInt64($1) }
    }

    static func chainHash(previous: [UInt8], sequence: UInt64, payload: UnsafeRawBufferPointer) -> SHA256.Digest {
        previous.withUnsafeBytes { chainHash(previous: $0, sequence: sequence, payload: payload) }
    }

    /// SHA-256(previous ‖ sequence, 8 bytes big-endian ‖ payload), the first 40 bytes fed in one piece.
    static func chainHash(previous: UnsafeRawBufferPointer, sequence: UInt64, payload: UnsafeRawBufferPointer) -> SHA256.Digest {
        var prefix: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, sequence.bigEndian)
        withUnsafeMutableBytes(of: &prefix) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: previous.prefix(32))) }
        var hasher = SHA256()
        withUnsafeBytes(of: &prefix) { hasher.update(bufferPointer: $0) }
        hasher.update(bufferPointer: payload)
        return hasher.finalize()
    }

    /// Writes one entry's value into `out`, which must be `headerSize + id.count + payload.count` bytes.
    static func encode(into out: UnsafeMutableRawBufferPointer, recordedAt: Int64, hash: UnsafeRawBufferPointer,
                       id: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer) {
        out.storeBytes(of: UInt64(bitPattern: recordedAt).bigEndian, toByteOffset: 0, as: UInt64.self)
        UnsafeMutableRawBufferPointer(rebasing: out[8..<40]).copyMemory(from: UnsafeRawBufferPointer(rebasing: hash.prefix(32)))
        out.storeBytes(of: UInt16(id.count).bigEndian, toByteOffset: 40, as: UInt16.self)
        let idEnd = headerSize + id.count
        UnsafeMutableRawBufferPointer(rebasing: out[headerSize..<idEnd]).copyMemory(from: id)
        UnsafeMutableRawBufferPointer(rebasing: out[idEnd...]).copyMemory(from: payload)
    }

    /// Splits a stored value into its parts without copying; `nil` when it is too short.
    static func decode(sequence: UInt64, _ value: UnsafeRawBufferPointer) -> EntryView? {
        guard value.count >= headerSize else { return nil }
        let recorded = value.loadUnaligned(fromByteOffset: 0, as: UInt64.self).bigEndian
        let idLength = Int(value.loadUnaligned(fromByteOffset: 40, as: UInt16.self).bigEndian)
        guard value.count >= headerSize + idLength else { return nil }
        return EntryView(
            sequence: sequence,
            recordedAtMicroseconds: Int64(bitPattern: recorded),
            hash: UnsafeRawBufferPointer(rebasing: value[8..<40]),
            id: UnsafeRawBufferPointer(rebasing: value[headerSize..<(headerSize + idLength)]),
            payload: UnsafeRawBufferPointer(rebasing: value[(headerSize + idLength)...])
        )
    }
}
