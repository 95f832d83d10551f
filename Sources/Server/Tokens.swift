import EventLog
import FileIO
import Foundation
import Negotiation
import Synchronization

/// What a token lets its holder do; each role can do what the ones before it can.
public enum Role: String, Codable, Sendable, CaseIterable, Comparable {
    /// Reads every answer (when reading is not public).
    case reader
    /// Also adds articles, reviews drafts, submits events, corrections and retractions.
    case editor
    /// Also everything an editor does; kept for the token administration to come.
    case admin

    public static func < (a: Role, b: Role) -> Bool {
        allCases.firstIndex(of: a) ?? 0 < allCases.firstIndex(of: b) ?? 0
    }
}

/// A token as its file keeps it: its name (recorded as `reviewed-by` with what its holder
/// writes), its role, and the SHA-256 of the secret, never the secret itself.
public struct TokenEntry: Codable, Sendable, Hashable {
    public var name: String
    public var role: Role
    public var sha256: String
    public var created: String
}

/// Why a token could not be added, revoked or read.
public enum TokenError: Error, Sendable, CustomStringConvertible {
    case badName(String)
    case nameTaken(String)
    case unknown(String)
    case file(FileError)
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case .badName(let name):
            "token name '\(name)': expected 1 to 64 letters, digits, spaces or . _ - @"
        case .nameTaken(let name): "a token named '\(name)' exists already: revoke it first, or choose another name"
        case .unknown(let name): "no token named '\(name)'"
        case .file(let error): "\(error)"
        case .unreadable(let path, let reason): "\(path): \(reason)"
        }
    }
}

/// The tokens of one log, in `tokens.json` in the log's folder (readable by its owner only).
/// `parley token add|list|revoke` edits it; a running server sees the change at its next
/// request.
public struct TokenFile: Sendable {
    public let path: String

    public init(logDirectory: String) {
        path = (logDirectory as NSString).appendingPathComponent("tokens.json")
    }

    private struct Contents: Codable {
        var tokens: [TokenEntry]
    }

    /// The tokens; none when there is no file yet.
    public func entries() throws(TokenError) -> [TokenEntry] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let bytes: [UInt8]
        do { bytes = try InputFile.read(path) } catch { throw .file(error) }
        do {
            return try JSONDecoder().decode(Contents.self, from: Data(bytes)).tokens
        } catch {
            throw .unreadable(path: path, reason: "not a token file (\(error))")
        }
    }

    /// Adds a token named `name` with `role`; returns its secret, shown this once.
    public func add(name: String, role: Role, on day: Day = .today) throws(TokenError) -> (entry: TokenEntry, secret: String) {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: " ._-@"))
        guard (1...64).contains(name.count), name.unicodeScalars.allSatisfy(allowed.contains), name.trimmingCharacters(in: .whitespaces) == name
        else { throw .badName(name) }
        var tokens = try entries()
        guard !tokens.contains(where: { $0.name == name }) else { throw .nameTaken(name) }
        var generator = SystemRandomNumberGenerator()
        let secret = "pt_" + hexString((0..<24).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let entry = TokenEntry(name: name, role: role, sha256: Self.digest(secret), created: day.description)
        tokens.append(entry)
        try write(tokens)
        return (entry, secret)
    }

    /// Removes the token named `name`: its holder is refused from the next request on.
    public func revoke(name: String) throws(TokenError) -> TokenEntry {
        var tokens = try entries()
        guard let index = tokens.firstIndex(where: { $0.name == name }) else { throw .unknown(name) }
        let removed = tokens.remove(at: index)
        try write(tokens)
        return removed
    }

    private func write(_ tokens: [TokenEntry]) throws(TokenError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data: Data
        do { data = try encoder.encode(Contents(tokens: tokens)) } catch {
            throw .unreadable(path: path, reason: "could not be encoded (\(error))")
        }
        do { try OutputFile.write(Array(data) + [0x0A], to: path, privateToOwner: true) } catch { throw .file(error) }
    }

    /// The SHA-256 of `secret` in lowercase hexadecimal, as the file keeps it.
    static func digest(_ secret: String) -> String {
        hexString(SHA256.hash(data: Array(secret.utf8)))
    }
}

/// Who presented a token, as a request knows it.
public struct Identity: Sendable, Hashable {
    public var name: String
    public var role: Role
}

/// Checks presented tokens against the file, read again whenever it changed on disk.
final class TokenCheck: Sendable {
    private let file: TokenFile
    /// The file as last read: its inode (a rewrite renames a new file in), time and size.
    private struct Loaded {
        var inode: UInt64?
        var modified: Date?
        var size: Int?
        var entries: [(name: String, role: Role, digest: [UInt8])]
    }
    private let loaded = Mutex(Loaded(inode: nil, modified: nil, size: nil, entries: []))

    init(file: TokenFile) {
        self.file = file
    }

    /// The holder of `secret`, or `nil` for a token that is not (or no longer) in the file.
    /// Every token's digest is compared in full, so the time taken says nothing of how close a
    /// guess came.
    func identify(_ secret: String) throws(TokenError) -> Identity? {
        let entries = try current()
        let presented = Array(TokenFile.digest(secret).utf8)
        var found: Identity?
        for entry in entries {
            var difference: UInt8 = 0
            for (a, b) in zip(presented, entry.digest) { difference |= a ^ b }
            if difference == 0, entry.digest.count == presented.count, found == nil {
                found = Identity(name: entry.name, role: entry.role)
            }
        }
        return found
    }

    private func current() throws(TokenError) -> [(name: String, role: Role, digest: [UInt8])] {
        let attributes = try? FileManager.default.attributesOfItem(atPath: file.path)
        let modified = attributes?[.modificationDate] as? Date
        let size = (attributes?[.size] as? NSNumber)?.intValue
        let inode = (attributes?[.systemFileNumber] as? NSNumber)?.uint64Value
        if let same = loaded.withLock({ $0.inode == inode && $0.modified == modified && $0.size == size && modified != nil ? $0.entries : nil }) {
            return same
        }
        let entries = try file.entries().map { entry in
            (name: entry.name, role: entry.role, digest: Array(entry.sha256.utf8))
        }
        loaded.withLock { $0 = Loaded(inode: inode, modified: modified, size: size, entries: entries) }
        return entries
    }
}
