import Foundation

/// The tests' own files, found from this file's location so tests run from anywhere.
///
/// The corpus the tests read is `Tests/Fixtures/corpus`, a byte-for-byte copy of the seed corpus
/// as shipped, never the repository's `seeds/` and `events/`: those are the user's, who adds
/// articles and events to them, and the tests assert figures of the corpus they read.
public enum Fixtures {
    /// The repository's `Tests` folder.
    public static let tests: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<2 { url.deleteLastPathComponent() }  // Fixtures.swift, Support
        return url.path
    }()

    /// The fixture corpus: a `seeds` and an `events` folder.
    public static var corpus: String { tests + "/Fixtures/corpus" }

    /// The fixture corpus's articles and their `catalog.yaml`.
    public static var seeds: String { corpus + "/seeds" }

    /// The fixture corpus's registries (`parties.yaml`, `tracks.yaml`), event files and `lexicons/`.
    public static var events: String { corpus + "/events" }

    /// A small corpus of its own, written for the tests (its texts are not real articles), that
    /// tells a ceasefire's whole life: claims of a start that disagree, a violation whose date a
    /// later article corrects, a second source, a planned start, an extension, a unilateral
    /// truce, a general meeting and a planned one. A `seeds` and an `events` folder.
    public static var lifecycle: String { tests + "/Fixtures/lifecycle" }

    /// Copies the folder at `source` to `destination` (which must not exist).
    public static func copy(_ source: String, to destination: String) throws {
        try FileManager.default.copyItem(atPath: source, toPath: destination)
    }
}
