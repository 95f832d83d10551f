import Corpus
import Foundation
import Negotiation

/// Reads lexicon YAML files through the corpus reader's tree (``Corpus/YAMLNode``, libyaml
/// with line numbers), collecting every problem with its file, line and field.
final class LexiconReader {
    private let diagnostics = Diagnostics()

    /// Every problem reported so far.
    var issues: [CorpusIssue] { diagnostics.issues }

    func report(_ file: String, _ node: YAMLNode?, _ field: String?, _ problem: String, expected: String? = nil) {
        diagnostics.add(file: file, line: node?.line, field: field, problem: problem, expected: expected)
    }

    /// The file's YAML tree; `nil` (reported) when missing, unreadable, not UTF-8 or not YAML,
    /// each as the corpus reader reports it. A missing optional file is not a problem.
    func document(_ path: String, optional: Bool = false) -> YAMLNode? {
        guard FileManager.default.fileExists(atPath: path) else {
            if !optional { report(path, nil, nil, "the lexicon file is missing", expected: "a YAML file") }
            return nil
        }
        return YAMLNode.read(atPath: path, into: diagnostics)
    }

    /// A mapping's entries by key, in file order; unknown keys are reported.
    func mapping(_ file: String, _ node: YAMLNode, _ path: String, allowed: [String]? = nil) -> [(key: String, node: YAMLNode, value: YAMLNode)]? {
        guard case .mapping(let mapping, _) = node else {
            report(file, node, path.isEmpty ? nil : path, "found \(Self.describe(node))", expected: "a mapping")
            return nil
        }
        var result: [(key: String, node: YAMLNode, value: YAMLNode)] = []
        var seen = Set<String>()
        for (key, value) in mapping {
            guard case .scalar(let name, _) = key else {
                report(file, key, path.isEmpty ? nil : path, "a key is \(Self.describe(key))", expected: "a name")
                continue
            }
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
    func string(_ file: String, _ node: YAMLNode, _ path: String, expected: String = "text") -> String? {
        guard case .scalar(let raw, _) = node else {
            report(file, node, path, "found \(Self.describe(node))", expected: expected)
            return nil
        }
        let text = raw.precomposedStringWithCanonicalMapping
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            report(file, node, path, "empty", expected: expected)
            return nil
        }
        return text
    }

    /// A list of texts (a single text counts as a list of one).
    func strings(_ file: String, _ node: YAMLNode, _ path: String, expected: String = "a list of phrases") -> [String] {
        switch node {
        case .scalar:
            return string(file, node, path, expected: expected).map { [$0] } ?? []
        case .sequence(let items, _):
            return items.enumerated().compactMap { i, item in string(file, item, "\(path)[\(i)]", expected: expected) }
        default:
            report(file, node, path, "found \(Self.describe(node))", expected: expected)
            return []
        }
    }

    func integer(_ file: String, _ node: YAMLNode, _ path: String, in range: ClosedRange<Int>) -> Int? {
        guard let text = string(file, node, path, expected: "a whole number") else { return nil }
        guard let value = Int(text), range.contains(value) else {
            report(file, node, path, "'\(text)' is not a whole number from \(range.lowerBound) to \(range.upperBound)",
                   expected: "a whole number from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return value
    }

    func number(_ file: String, _ node: YAMLNode, _ path: String, in range: ClosedRange<Double>) -> Double? {
        guard let text = string(file, node, path, expected: "a number") else { return nil }
        guard let value = Double(text), range.contains(value) else {
            report(file, node, path, "'\(text)' is not a number from \(range.lowerBound) to \(range.upperBound)",
                   expected: "a number from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return value
    }

    func bool(_ file: String, _ node: YAMLNode, _ path: String) -> Bool? {
        switch Self.text(node) {
        case "true", "yes": return true
        case "false", "no": return false
        default:
            report(file, node, path, "found \(Self.describe(node))", expected: "true or false")
            return nil
        }
    }

    /// A phrase from lexicon text; a text with no word is reported.
    func phrase(_ file: String, _ node: YAMLNode, _ path: String, _ text: String) -> Phrase? {
        guard let phrase = Phrase(text) else {
            report(file, node, path, "'\(text)' has no word to match", expected: "words, optionally ending in * or with …")
            return nil
        }
        return phrase
    }

    /// Phrases of a list field, each checked.
    func phrases(_ file: String, _ node: YAMLNode, _ path: String) -> [Phrase] {
        switch node {
        case .sequence(let items, _):
            return items.enumerated().compactMap { i, item in
                string(file, item, "\(path)[\(i)]", expected: "a phrase").flatMap { phrase(file, item, "\(path)[\(i)]", $0) }
            }
        default:
            return strings(file, node, path).compactMap { phrase(file, node, path, $0) }
        }
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    static func text(_ node: YAMLNode) -> String {
        if case .scalar(let text, _) = node { return text }
        return ""
    }

    static func describe(_ node: YAMLNode) -> String {
        switch node {
        case .scalar(let text, _): "'\(text.prefix(80))'"
        case .mapping: "a mapping"
        case .sequence: "a list"
        }
    }
}
