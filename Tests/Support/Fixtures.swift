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

    /// Copies the fixture's articles to `seeds`, its catalog putting the articles of `splits`
    /// (by id) in those evaluation sets (`split: test`…).
    public static func copySeeds(to seeds: String, splitting splits: [String: String]) throws {
        try copy(Self.seeds, to: seeds)
        let catalog = seeds + "/catalog.yaml"
        var text = try String(contentsOfFile: catalog, encoding: .utf8)
        for (id, split) in splits {
            text = text.replacingOccurrences(of: "- id: \(id)\n", with: "- id: \(id)\n    split: \(split)\n")
        }
        try text.write(toFile: catalog, atomically: true, encoding: .utf8)
    }

    /// Adds the fixture at `fixture` to a corpus copy: its `seeds/` and `events/` files join
    /// the copy's, and its `catalog-append.yaml` is appended to the copy's catalog.
    public static func add(_ fixture: String, seeds: String, events: String) throws {
        let fm = FileManager.default
        for (folder, target) in [("seeds", seeds), ("events", events)] {
            for name in (try? fm.contentsOfDirectory(atPath: fixture + "/" + folder)) ?? [] {
                try fm.copyItem(atPath: fixture + "/" + folder + "/" + name, toPath: target + "/" + name)
            }
        }
        let catalog = try String(contentsOfFile: seeds + "/catalog.yaml", encoding: .utf8)
            + String(contentsOfFile: fixture + "/catalog-append.yaml", encoding: .utf8)
        try catalog.write(toFile: seeds + "/catalog.yaml", atomically: true, encoding: .utf8)
    }
}
