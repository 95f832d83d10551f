import Foundation
import Testing
import TestSupport

@testable import Negotiation

/// The fast reader of plain event files must give libyaml's tree exactly, or give up.
@Suite("Plain YAML")
struct PlainYAMLTests {
    /// Same scalars, same structure, same lines.
    func same(_ a: YAMLNode, _ b: YAMLNode) -> Bool {
        switch (a, b) {
        case (.scalar(let x, let l), .scalar(let y, let m)):
            return x == y && l == m
        case (.sequence(let x, let l), .sequence(let y, let m)):
            return l == m && x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        case (.mapping(let x, let l), .mapping(let y, let m)):
            return l == m && x.count == y.count && zip(x, y).allSatisfy { same($0.key, $1.key) && same($0.value, $1.value) }
        default:
            return false
        }
    }

    /// Whether the fast reader took the text, after checking it agrees with libyaml.
    @discardableResult
    func check(_ text: String, _ name: String = "") -> Bool {
        let bytes = Array(text.utf8)
        guard let fast = PlainYAML.parse(bytes) else { return false }
        let reference = try? YAMLNode.parse(bytes)
        #expect(reference.map { same(fast, $0) } == true, "\(name): \(text.prefix(200))")
        return true
    }

    func yamlFiles(under directory: String) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: directory)
        var result: [String] = []
        while let name = enumerator?.nextObject() as? String {
            if name.hasSuffix(".yaml") || name.hasSuffix(".yml") { result.append(directory + "/" + name) }
        }
        return result.sorted()
    }

    @Test func theRepositorysYAMLFilesReadAsWithLibyaml() throws {
        var taken = 0
        let files = yamlFiles(under: Repository.events) + yamlFiles(under: Repository.seeds)
            + yamlFiles(under: Repository.root + "/Tests/NegotiationTests/Fixtures")
        for file in files {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { continue }
            if check(text, file) { taken += 1 }
        }
        // Every curated event file has the plain shape.
        let eventFiles = try FileManager.default.contentsOfDirectory(atPath: Repository.events)
            .filter { $0.hasSuffix(".yaml") && !Corpus.registryFiles.contains($0) }
        #expect(taken >= eventFiles.count)
    }

    @Test func aSyntheticCorpusReadsAsWithLibyaml() throws {
        let directory = try TemporaryDirectory("plain-yaml")
        _ = try SyntheticCorpus(events: 2_000, seed: 3).write(to: directory.path)
        let files = yamlFiles(under: directory.path + "/events")
        #expect(files.count >= 3)
        for file in files {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            #expect(check(text, file))
        }
    }

    @Test(arguments: [
        "a: 1\nb: [x, \"y\", z]\nc: {k: v, l: \"w\"}\n",
        "# c\nevents:\n  - id: a  # note\n    on: 2025-03\n    tracks: []\n    q: \"x \\\"y\\\" \\\\ z\"\n  - id: b\n",
        "events:\n- id: a\n  conditions:\n  - {label: x y, fr: \"à l'été\"}\n  quote: \"q\"\n",
        "k: v#x\nl: a: b\n", "k: |\n  text\n", "k: 'single'\n", "k: &a x\nl: *a\n", "k: !t x\n",
        "k: \"multi\n  line\"\n", "k: plain\n  continued\n", "k:\n", "k: [a,\n b]\n", "- a\n- b\n", "k: \"\\u00e9\"\n",
        "k: v\n\tl: w\n", "--- \nk: v\n", "k: v\n...\n", "? k\n: v\n", "k: -1\n", "k: [a, [b]]\n", "k: {a: {b: c}}\n",
        "k: \"a\" b\n", "k: [a, ]\n", "k: v\nk: w\n", "k:  v  \n", "  k: v\n", "k: \"\"\n", "k: {}\n", "k: [ ]\n",
    ])
    func oddShapesAreReadAsWithLibyamlOrLeftToIt(_ text: String) {
        check(text)
    }
}
