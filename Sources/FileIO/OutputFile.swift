import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one way Parley writes a file a user named: whole or not at all.
///
/// Bytes go to a new file beside the target, created exclusively (never through a link or over
/// something already there). ``commit()`` syncs it to the disk, renames it onto the target in
/// one step and syncs the folder, so a reader sees the old file or the new one, never half of
/// one. Until then, and if the value is dropped, the target is untouched and the new file is
/// removed.
///
/// A target that exists and is not a regular file (a directory, a FIFO, a device) is refused:
/// it is never removed to make room.
public final class OutputFile {
    /// The file that ``commit()`` replaces.
    public let path: String
    private let temporaryPath: String
    private let descriptor: FileDescriptor
    private var committed = false

    /// Creates the new file beside `path`, readable by all unless `privateToOwner` (then only
    /// its owner reads and writes it: for secrets).
    ///
    /// - Throws: ``FileError`` when `path` names a directory or another file that is not a
    ///   regular one, or the folder does not take a new file (missing, read-only, full).
    public init(replacing path: String, privateToOwner: Bool = false) throws(FileError) {
        if let kind = InputFile.irregularKind(at: path) {
            throw FileError(path: path, operation: "write", reason: .notARegularFile(kind: kind))
        }
        let target = FilePath(path)
        let folder = target.removingLastComponent()
        let name = target.lastComponent?.string ?? "output"
        var attempt = 0
        while true {
            let candidate = folder.appending(".\(name).\(UInt32.random(in: .min ... .max)).partial")
            do {
                // O_EXCL with O_CREAT: a link or anything else at the name is refused, not followed.
                descriptor = try withErrno {
                    try FileDescriptor.open(
                        candidate, .writeOnly, options: [.create, .exclusiveCreate, .noFollow, .closeOnExec],
                        permissions: privateToOwner ? [.ownerReadWrite] : [.ownerReadWrite, .groupRead, .otherRead])
                }
                temporaryPath = candidate.string
                break
            } catch .fileExists where attempt < 16 {
                attempt += 1
            } catch {
                throw FileError(path: path, operation: "create a file beside", reason: error == .noSuchFileOrDirectory ? .missing : .system(error))
            }
        }
        self.path = path
    }

    deinit {
        guard !committed else { return }
        try? descriptor.close()
        _ = unlink(temporaryPath)
    }

    /// Appends `bytes` to the new file.
    ///
    /// - Throws: ``FileError`` with the system's reason (a full disk, a quota).
    public func write(_ bytes: UnsafeRawBufferPointer) throws(FileError) {
        do {
            _ = try withErrno { try descriptor.writeAll(bytes) }
        } catch {
            throw FileError(path: path, operation: "write", reason: .system(error))
        }
    }

    /// Appends `bytes` to the new file.
    public func write(_ bytes: some Sequence<UInt8>) throws(FileError) {
        let array = Array(bytes)
        var failure: FileError?
        array.withUnsafeBytes { buffer in
            do throws(FileError) { try write(buffer) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Makes the new file the target: synced, renamed onto it in one step, the folder synced.
    ///
    /// - Throws: ``FileError`` when a step fails; the target is then as it was, and the new
    ///   file is removed.
    public func commit() throws(FileError) {
        guard !committed else { return }
        do {
            try retryingInterrupts { fsync(descriptor.rawValue) }
        } catch {
            throw FileError(path: path, operation: "write", reason: .system(error))
        }
        // Checked again: something may have been put at the name since the file was begun.
        if let kind = InputFile.irregularKind(at: path) {
            throw FileError(path: path, operation: "write", reason: .notARegularFile(kind: kind))
        }
        do {
            try retryingInterrupts { rename(temporaryPath, path) }
        } catch {
            throw FileError(path: path, operation: "rename a new file onto", reason: .system(error))
        }
        committed = true
        try? descriptor.close()
        // The rename is durable once the folder is synced; the file is whole either way.
        let folder = FilePath(path).removingLastComponent()
        if let directory = try? FileDescriptor.open(folder.isEmpty ? "." : folder, .readOnly, options: [.directory, .closeOnExec]) {
            _ = fsync(directory.rawValue)
            try? directory.close()
        }
    }

    /// Writes `bytes` to `path` whole, replacing what is there (see ``OutputFile``).
    public static func write(_ bytes: some Sequence<UInt8>, to path: String, privateToOwner: Bool = false) throws(FileError) {
        let file = try OutputFile(replacing: path, privateToOwner: privateToOwner)
        try file.write(bytes)
        try file.commit()
    }
}

/// Runs a system call until it is not interrupted; throws its `errno` when it returns -1.
func retryingInterrupts(_ call: () -> Int32) throws(Errno) {
    while call() == -1 {
        let code = Errno(rawValue: errno)
        guard code == .interrupted else { throw code }
    }
}
