import CGlibc
import Foundation
import SystemPackage

/// A temporary file (the pipelined ingest's), unlinked as soon as it is made: it vanishes with
/// its descriptor (closed when the file is freed), whatever happens to the process. Written and
/// read at explicit offsets; what has been read for the last time is handed back to the file
/// system (``release(_:)``).
///
/// Its failures are the system's (a full disk, an I/O error): ``FileError`` with the errno.
public final class ScratchFile: Sendable {
    private let descriptor: FileDescriptor
    /// What the file is, as a message names it ("the temporary ingest file").
    public let name: String

    public init(name: String, prefix: String) throws(FileError) {
        self.name = name
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString).tmp").path
        do {
            descriptor = try FileDescriptor.open(FilePath(path), .readWrite, options: [.create, .exclusiveCreate],
                                                 permissions: [.ownerReadWrite])
        } catch {
            throw FileError(path: path, operation: "create \(name)", reason: .system(error as? Errno ?? .ioError))
        }
        _ = unlink(path)
    }

    deinit { try? descriptor.close() }

    /// Writes all of `bytes` at `offset`.
    public func write(_ bytes: [UInt8], at offset: Int) throws(FileError) {
        do {
            _ = try bytes.withUnsafeBytes { try descriptor.writeAll(toAbsoluteOffset: Int64(offset), $0) }
        } catch {
            throw FileError(path: name, operation: "write", reason: .system(error as? Errno ?? .ioError))
        }
    }

    /// Reads into `buffer` from `offset` until it is full or the file ends; how many bytes came.
    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(FileError) -> Int {
        var done = 0
        while done < buffer.count {
            let n: Int
            do {
                n = try descriptor.read(fromAbsoluteOffset: Int64(offset + done), into: UnsafeMutableRawBufferPointer(rebasing: buffer[done...]))
            } catch {
                throw FileError(path: name, operation: "read back", reason: .system(error as? Errno ?? .ioError))
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Hands the blocks in `range` back to the file system: read for the last time, their pages
    /// leave the page cache while the log's join it, so that an ingest's temporary bytes and its
    /// log do not take memory up together. Where the file system cannot, the blocks stay until
    /// the file is closed.
    public func release(_ range: Range<Int>) {
        #if os(Linux)
        _ = parley_punch_hole(descriptor.rawValue, off_t(range.lowerBound), off_t(range.count))
        #endif
    }

    /// The bytes the file takes on its file system (its allocated blocks), or `nil` when it
    /// cannot be told.
    public var allocatedBytes: Int? {
        var status = stat()
        guard fstat(descriptor.rawValue, &status) == 0 else { return nil }
        return Int(status.st_blocks) * 512
    }
}
