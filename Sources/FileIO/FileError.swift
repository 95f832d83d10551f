import SystemPackage

/// Why a file could not be read or written: the path, what was being done, and why.
///
/// ``isInputProblem`` tells a caller which kind of failure it is: a file the user named that is
/// missing, of the wrong kind or too large is their input to fix; anything else (a failed read,
/// a full disk, a read-only file system) is the system's, reported with its own reason.
public struct FileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Reason: Sendable, Hashable {
        /// Nothing is at the path (`ENOENT`).
        case missing
        /// Something is there, but not a regular file: a directory, a FIFO, a device…
        case notARegularFile(kind: String)
        /// The file holds more bytes than the reader takes.
        case tooLarge(limit: Int)
        /// The system refused: permission, I/O, no space, a read-only file system…
        case system(Errno)
    }

    /// The file concerned, as the caller named it.
    public var path: String
    /// What was being done, in a few words ("read", "create a file beside", "rename onto").
    public var operation: String
    public var reason: Reason

    public init(path: String, operation: String, reason: Reason) {
        self.path = path
        self.operation = operation
        self.reason = reason
    }

    /// Whether the user can fix it by naming another file (exit 65), rather than the system
    /// failing (exit 74).
    public var isInputProblem: Bool {
        switch reason {
        case .missing, .notARegularFile, .tooLarge: true
        case .system(let errno): errno == .permissionDenied || errno == .isDirectory || errno == .notDirectory
        }
    }

    public var description: String {
        switch reason {
        case .missing: "cannot \(operation) \(path): no such file"
        case .notARegularFile(let kind): "cannot \(operation) \(path): it is \(kind), not a regular file"
        case .tooLarge(let limit): "cannot \(operation) \(path): it holds more than \(Self.size(limit)), the most Parley reads from one file"
        case .system(let errno): "cannot \(operation) \(path): \(errno.description)"
        }
    }

    public static func size(_ bytes: Int) -> String {
        bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? "\(bytes >> 20) MB" : "\(bytes) bytes"
    }
}

/// The kind of file a mode names, as a sentence says it.
func kindName(_ type: FileType) -> String {
    switch type {
    case .directory: "a directory"
    case .fifo: "a FIFO"
    case .characterSpecial: "a character device"
    case .blockSpecial: "a block device"
    case .socket: "a socket"
    case .symbolicLink: "a symbolic link"
    default: "not a regular file"
    }
}

/// Runs a swift-system call, whose errors are untyped but always an `Errno`, with that type.
func withErrno<T>(_ body: () throws -> T) throws(Errno) -> T {
    do {
        return try body()
    } catch let error as Errno {
        throw error
    } catch {
        throw Errno.ioError
    }
}
