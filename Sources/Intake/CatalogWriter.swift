import Corpus
import Extraction
import Negotiation

/// The catalog's text with one more entry: the text before it kept byte for byte, the entry
/// written as the shipped catalog writes its own (every text field double-quoted).
enum CatalogWriter {
    static func appending(_ article: Article, split: EvaluationSplit, to catalog: [UInt8]) -> [UInt8] {
        var text = String(decoding: catalog, as: UTF8.self)
        // An empty catalog (`parley init`'s) is a flow list: it becomes a block list.
        if let empty = text.range(of: "articles: []") {
            text.replaceSubrange(empty, with: "articles:")
        }
        if !text.isEmpty, !text.hasSuffix("\n") { text += "\n" }
        if !text.hasSuffix("articles:\n") { text += "\n" }
        let q = EventFileWriter.quoted
        var lines = [
            "  - id: \(article.id)",
            "    outlet: \(q(article.outlet))",
        ]
        if let url = article.url { lines.append("    url: \(q(url))") }
        if let retrieved = article.retrieved { lines.append("    retrieved: \(retrieved)") }
        lines += [
            "    title: \(q(article.title))",
            "    language: \(article.language)",
            "    published: \(article.published)",
            "    precision: \(article.precision.description)",
            "    sha256: \(article.sha256)",
            "    split: \(split.rawValue)",
        ]
        if let basis = article.basis { lines.append("    basis: \(q(basis))") }
        return Array((text + lines.joined(separator: "\n") + "\n").utf8)
    }
}
