import Corpus
import FileIO
import Foundation
import Negotiation
import Yams

/// Reads lexicon YAML files, collecting every problem with its file, line and field.
final class LexiconReader {
    private(set) var issues: [CorpusIssue] = []

    func report(_ file: String, _ node: Node?, _ field: String?, _ problem: String, expected: String? = nil) {
        issues.append(CorpusIssue(file: file, line: node?.mark?.line, field: field, problem: problem, expected: expected))
    }

    /// The file's YAML tree; `nil` (reported) when missing, unreadable, not UTF-8 or not YAML.
    /// A missing optional file is not a problem.
    func document(_ path: String, optional: Bool = false) -> Node? {
        guard FileManager.default.fileExists(atPath: path) else {
            if !optional { report(path, nil, nil, "the lexicon file is missing", expected: "a YAML file") }
            return nil
        }
        let bytes: [UInt8]
        do {
            bytes = try InputFile.read(path)
        } catch {
            report(path, nil, nil, "\(error)", expected: "a readable regular file")
            return nil
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            report(path, nil, nil, "the file is not UTF-8", expected: "UTF-8 text")
            return nil
        }
        do {
            guard let node = try Yams.compose(yaml: text) else {
                report(path, nil, nil, "the file holds no YAML document", expected: "a YAML mapping")
                return nil
            }
            return node
        } catch let error as YamlError {
            issues.append(CorpusIssue(file: path, line: Self.line(of: error), field: nil,
                                      problem: "YAML syntax error: \(Self.problem(of: error))", expected: "valid YAML"))
            return nil
        } catch {
            report(path, nil, nil, "YAML error: \(error)", expected: "valid YAML")
            return nil
        }
    }

    /// A mapping's entries by key, in file order; unknown keys are reported.
    func mapping(_ file: String, _ node: Node, _ path: String, allowed: [String]? = nil) -> [(key: String, node: Node, value: Node)]? {
        guard case .mapping(let mapping) = node else {
            report(file, node, path.isEmpty ? nil : path, "found \(Self.describe(node))", expected: "a mapping")
            return nil
        }
        var result: [(key: String, node: Node, value: Node)] = []
        var seen = Set<String>()
        for (key, value) in mapping {
            guard case .scalar(let k) = key else {
                report(file, key, path.isEmpty ? nil : path, "a key is \(Self.describe(key))", expected: "a name")
                continue
            }
            let name = k.string
            let fieldPath = Self.join(path, name)
            if let allowed, !allowed.contains(name) {
                report(file, key, fieldPath, "unknown field '\(name)'", expected: "one of \(allowed.joined(separator: ", "))")
                continue
            }
            if !seen.insert(name).inserted {
                report(file, key, fieldPath, "the field is given twice", expected: "each field once")
                continue
            }
            result.append((name, key, value))
        }
        return result
    }

    /// Text, in Unicode NFC; non-text and empty text are reported.
    func string(_ file: String, _ node: Node, _ path: String, expected: String = "text") -> String? {
        guard case .scalar(let scalar) = node else {
            report(file, node, path, "found \(Self.describe(node))", expected: expected)
            return nil
        }
        let text = scalar.string.precomposedStringWithCanonicalMapping
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            report(file, node, path, "empty", expected: expected)
            return nil
        }
        return text
    }

    /// A list of texts (a single text counts as a list of one).
    func strings(_ file: String, _ node: Node, _ path: String, expected: String = "a list of phrases") -> [String] {
        switch node {
        case .scalar:
            return string(file, node, path, expected: expected).map { [$0] } ?? []
        case .sequence(let items):
            return items.enumerated().compactMap { i, item in string(file, item, "\(path)[\(i)]", expected: expected) }
        default:
            report(file, node, path, "found \(Self.describe(node))", expected: expected)
            return []
        }
    }

    func integer(_ file: String, _ node: Node, _ path: String, in range: ClosedRange<Int>) -> Int? {
        guard let text = string(file, node, path, expected: "a whole number") else { return nil }
        guard let value = Int(text), range.contains(value) else {
            report(file, node, path, "'\(text)' is not a whole number from \(range.lowerBound) to \(range.upperBound)",
                   expected: "a whole number from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return value
    }

    func number(_ file: String, _ node: Node, _ path: String, in range: ClosedRange<Double>) -> Double? {
        guard let text = string(file, node, path, expected: "a number") else { return nil }
        guard let value = Double(text), range.contains(value) else {
            report(file, node, path, "'\(text)' is not a number from \(range.lowerBound) to \(range.upperBound)",
                   expected: "a number from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return value
    }

    func bool(_ file: String, _ node: Node, _ path: String) -> Bool? {
        switch Self.text(node) {
        case "true", "yes": return true
        case "false", "no": return false
        default:
            report(file, node, path, "found \(Self.describe(node))", expected: "true or false")
            return nil
        }
    }

    /// A phrase from lexicon text; a text with no word is reported.
    func phrase(_ file: String, _ node: Node, _ path: String, _ text: String) -> Phrase? {
        guard let phrase = Phrase(text) else {
            report(file, node, path, "'\(text)' has no word to match", expected: "words, optionally ending in * or with …")
            return nil
        }
        return phrase
    }

    /// Phrases of a list field, each checked.
    func phrases(_ file: String, _ node: Node, _ path: String) -> [Phrase] {
        switch node {
        case .sequence(let items):
            return items.enumerated().compactMap { i, item in
                string(file, item, "\(path)[\(i)]", expected: "a phrase").flatMap { phrase(file, item, "\(path)[\(i)]", $0) }
            }
        default:
            return strings(file, node, path).compactMap { phrase(file, node, path, $0) }
        }
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    static func text(_ node: Node) -> String {
        if case .scalar(let s) = node { return s.string }
        return ""
    }

    static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let s): "'\(s.string.prefix(80))'"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        default: nil
        }
    }

    private static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _),
             .composer(let context, let problem, _, _):
            [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
        case .reader(let problem, _, _, _): problem
        default: String(describing: error)
        }
    }
}
