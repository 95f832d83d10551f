import Foundation

/// Paths in this repository, found from this file's own location so tests run from anywhere.
public enum Repository {
    /// The repository's top folder.
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // Repository.swift, Support, Tests
        return url.path
    }()

    public static var seeds: String { root + "/seeds" }
    public static var events: String { root + "/events" }

    /// Copies the folder at `source` to `destination` (which must not exist).
    public static func copy(_ source: String, to destination: String) throws {
        try FileManager.default.copyItem(atPath: source, toPath: destination)
    }
}
