import SystemPackage

/// The one way Parley opens a file it reads: bounded, and only a regular file.
///
/// A FIFO, a device (a link to `/dev/zero`), a socket or a directory is refused at once, by
/// name, without waiting for a writer and without reading a byte; so is a file larger than the
/// limit, whatever it grows to while it is read.
public enum InputFile {
    /// The most bytes read from one file unless a caller says otherwise: an article, an event
    /// file, a catalog or a lexicon is far smaller.
    public static let defaultLimit = 64 << 20

    /// The whole file's bytes.
    ///
    /// - Throws: ``FileError``: missing, not a regular file, larger than `limit`, or a read
    ///   the system refused.
    public static func read(_ path: String, limit: Int = defaultLimit) throws(FileError) -> [UInt8] {
        var bytes: [UInt8] = []
        try read(path, limit: limit, into: &bytes)
        return bytes
    }

    /// The whole file's bytes in `bytes`, whose memory is used again when large enough.
    ///
    /// - Throws: as ``read(_:limit:)``; `bytes` is then empty.
    public static func read(_ path: String, limit: Int = defaultLimit, into bytes: inout [UInt8]) throws(FileError) {
        bytes.removeAll(keepingCapacity: true)
        let descriptor: FileDescriptor
        do {
            // Non-blocking, so that opening a FIFO does not wait for a writer; it is refused below.
            descriptor = try withErrno { try FileDescriptor.open(FilePath(path), .readOnly, options: [.nonBlocking, .closeOnExec]) }
        } catch {
            throw FileError(path: path, operation: "read", reason: error == .noSuchFileOrDirectory ? .missing : .system(error))
        }
        defer { try? descriptor.close() }
        let status: Stat
        do {
            status = try Stat(descriptor)
        } catch {
            throw FileError(path: path, operation: "read", reason: .system(error))
        }
        guard status.type == .regular else {
            throw FileError(path: path, operation: "read", reason: .notARegularFile(kind: kindName(status.type)))
        }
        let size = Int(clamping: status.size)
        guard size <= limit else { throw FileError(path: path, operation: "read", reason: .tooLarge(limit: limit)) }
        // The size is a hint: the file may grow while it is read. One byte past it tells.
        var capacity = size + 1
        var total = 0
        while true {
            bytes.append(contentsOf: repeatElement(0, count: capacity - bytes.count))
            let count: Int
            do {
                count = try withErrno {
                    try bytes.withUnsafeMutableBytes { buffer in
                        try descriptor.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[total...]))
                    }
                }
            } catch {
                bytes.removeAll()
                throw FileError(path: path, operation: "read", reason: .system(error))
            }
            total += count
            if count == 0 { break }
            if total > limit {
                bytes.removeAll()
                throw FileError(path: path, operation: "read", reason: .tooLarge(limit: limit))
            }
            if total == capacity { capacity = min(limit + 1, capacity + max(1 << 16, capacity / 2)) }
        }
        bytes.removeLast(bytes.count - total)
    }

    /// Whether something is at `path` that is not a regular file, named as a sentence says it
    /// ("a directory", "a FIFO"); `nil` for a regular file or nothing at all. Follows links.
    public static func irregularKind(at path: String) -> String? {
        guard let status = try? Stat(FilePath(path), flags: []), status.type != .regular else { return nil }
        return kindName(status.type)
    }
}
