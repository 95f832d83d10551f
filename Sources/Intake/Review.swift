import Corpus
import FileIO

extension Project {
    /// The catalog alone, each article read and checked against its SHA-256: or, with `text`,
    /// the catalog that text would be, before it is written.
    ///
    /// - Throws: ``CorpusError`` with every problem found, each naming file, line and field.
    public func catalog(text: [UInt8]? = nil) throws(CorpusError) -> [CatalogArticle] {
        let diagnostics = Diagnostics()
        let (articles, _) = Corpus.loadCatalog(seeds: seeds, diagnostics, text: text)
        guard diagnostics.issues.isEmpty else { throw CorpusError(diagnostics.issues) }
        return articles
    }

    /// What the corpus's own checks find wrong in one event file, drafts left out: what a
    /// reviewed event must pass before it is kept.
    public func problems(in eventFile: String) -> [CorpusIssue] {
        let scan = Corpus.scan(seeds: seeds, events: events, keepingEvents: false, drafts: .skip) { _ in }
        return scan.issues.filter { $0.file == eventFile }
    }

    /// Where the reported event `id` is in the corpus (its file), if it is there, with every id
    /// the corpus uses (drafts left out, sources and fixes in).
    public func locate(_ id: String) -> (reportFile: String?, ids: Set<String>) {
        var file: String?
        var ids = Set<String>()
        _ = Corpus.scan(seeds: seeds, events: events, keepingEvents: false, drafts: .skip) { scanned in
            ids.insert(scanned.id)
            if scanned.id == id, scanned.type.isReport { file = scanned.location.file }
        }
        return (file, ids)
    }

    /// The text of a catalogued article, for showing a quote in its context.
    public func articleText(_ id: String) -> String? {
        guard let entry = try? catalog().first(where: { $0.article.id == id }),
              let bytes = try? InputFile.read(entry.path) else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }
}
