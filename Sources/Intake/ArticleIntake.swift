import Corpus
import EventLog
import Extraction
import FileIO
import Foundation
import Negotiation

/// A project's two folders: `seeds/` (the articles and their catalog) and `events/` (the
/// registries, the lexicons and the event files).
public struct Project: Sendable {
    public var seeds: String
    public var events: String

    public init(seeds: String = "seeds", events: String = "events") {
        self.seeds = seeds
        self.events = events
    }

    public var catalogPath: String { (seeds as NSString).appendingPathComponent("catalog.yaml") }
    func articlePath(_ id: String) -> String { (seeds as NSString).appendingPathComponent("\(id).txt") }
    public func eventFilePath(_ id: String) -> String { (events as NSString).appendingPathComponent("\(id).yaml") }
}

/// What a person says of a new article: where it was published and when. The text itself is
/// taken byte for byte.
public struct ArticleDescription: Sendable {
    public var url: String
    public var outlet: String
    public var title: String
    public var published: Day
    /// `day` unless told (`±2 days`, `month`).
    public var precision: String = "day"
    /// Detected from the text when `nil`.
    public var language: String?
    /// Derived from the catalog's numbering, the outlet and the day when `nil`.
    public var id: String?
    /// How the publication day is known, in a sentence.
    public var basis: String?
    /// The day the text was taken: today unless told.
    public var retrieved: Day

    public init(url: String, outlet: String, title: String, published: Day, retrieved: Day) {
        self.url = url
        self.outlet = outlet
        self.title = title
        self.published = published
        self.retrieved = retrieved
    }
}

/// What ``ArticleIntake/add(_:text:named:)`` did.
public struct AddedArticle: Sendable {
    public var id: String
    public var sha256: String
    public var language: String
    public var split: EvaluationSplit
    public var articlePath: String
    public var eventFilePath: String
    /// The drafts written to the event file.
    public var candidates: Int
    /// Why no drafts were written, when the extractor cannot read the language.
    public var extractionSkipped: String?
}

/// Takes a new article into a project: its text into `seeds/`, its entry into the catalog, and
/// the extractor's drafts into `events/<id>.yaml`.
///
/// Everything is checked before anything is written: the text (UTF-8, not binary, not already
/// in the corpus), the id (free), the description (the catalog's own checks, on the catalog as
/// it would be). The files are then written whole, each beside its target and renamed onto it,
/// the catalog last: until it names the article, the corpus is unchanged, and a failure before
/// removes what was written.
public struct ArticleIntake {
    public let project: Project
    let extractor: Extractor

    public init(project: Project, extractor: Extractor) {
        self.project = project
        self.extractor = extractor
    }

    /// Adds `text` (read from `named`, a path or `-`) as described.
    ///
    /// - Throws: ``IntakeError``: bad input (the text, a field of the description), a conflict
    ///   (the id or the text already catalogued, a file already there), or the system's I/O.
    public func add(_ description: ArticleDescription, text bytes: [UInt8], named source: String) throws(IntakeError) -> AddedArticle {
        let text = try Self.checkText(bytes, named: source)
        let catalogText: [UInt8]
        do { catalogText = try InputFile.read(project.catalogPath) } catch { throw .file(error) }
        let catalog: [CatalogArticle]
        do { catalog = try project.catalog(text: catalogText) } catch { throw .badInput(error.issues) }

        let sha = hexString(SHA256.hash(data: bytes))
        if let same = catalog.first(where: { $0.article.sha256 == sha }) {
            throw .conflict("\(source) is already in the corpus: it is the text of \(same.article.id) (\(same.path)), byte for byte")
        }
        let language = description.language ?? extractor.detectLanguage(text) ?? "und"
        let id = description.id ?? Self.derivedID(outlet: description.outlet, published: description.published, catalog: catalog)
        try checkFree(id, catalog: catalog)

        guard let precision = DatePrecision(parsing: description.precision) else {
            throw .bad("--precision", "'\(description.precision)' is not a precision",
                       expected: "day, ±N days (N up to \(DatePrecision.maximumDays)) or month")
        }
        let split: EvaluationSplit = Self.testDigits.contains(sha.utf8.first ?? 0) ? .test : .development
        let entry = Article(id: id, outlet: description.outlet, title: description.title, language: language, published: description.published,
                            precision: precision, sha256: sha, basis: description.basis, url: description.url, retrieved: description.retrieved)
        let newCatalog = CatalogWriter.appending(entry, split: split, to: catalogText)

        var drafts = ""
        var candidates = 0
        var skipped: String?
        do {
            let result = try extractor.extract(text: text, article: id, published: description.published, language: language)
            drafts = EventFileWriter.yaml(result)
            candidates = result.candidates.count
        } catch {
            skipped = error.description
            drafts = "# No drafts: \(error.problem). Write the events by hand (docs/CODEBOOK.md).\narticle: \(id)\nevents: []\n"
        }

        // Written in this order, removed again if a later step fails; the catalog commits.
        let articlePath = project.articlePath(id)
        let eventPath = project.eventFilePath(id)
        var written: [String] = []
        do throws(IntakeError) {
            try Self.writeNew(bytes, to: articlePath)
            written.append(articlePath)
            do {
                _ = try project.catalog(text: newCatalog)
            } catch {
                throw IntakeError.badInput(error.issues.map { issue in
                    // The entry's problems are the options' problems: say which.
                    var issue = issue
                    if issue.file == project.catalogPath, let field = issue.field, let option = Self.option(forField: field) {
                        issue = CorpusIssue(file: option, problem: issue.problem, expected: issue.expected)
                    }
                    return issue
                })
            }
            try Self.writeNew(Array(drafts.utf8), to: eventPath)
            written.append(eventPath)
            do { try OutputFile.write(newCatalog, to: project.catalogPath) } catch { throw IntakeError.file(error) }
        } catch {
            for path in written.reversed() { _ = unlink(path) }
            throw error
        }
        return AddedArticle(id: id, sha256: sha, language: language, split: split, articlePath: articlePath, eventFilePath: eventPath,
                            candidates: candidates, extractionSkipped: skipped)
    }

    /// The catalog's split rule (docs/CODEBOOK.md): a text whose SHA-256 starts with 0–7 is in
    /// the test set, the others in the development set.
    static let testDigits = Set("01234567".utf8)

    /// The text, if it is one: UTF-8, not empty, with no NUL byte (a binary file). The bytes
    /// are searched as the corpus reader searches an article's (``firstNUL(_:)``,
    /// ``firstInvalidUTF8Offset(_:)``); the problems are said of the file the person named.
    static func checkText(_ bytes: [UInt8], named source: String) throws(IntakeError) -> String {
        guard !bytes.isEmpty else { throw .bad(source, "the file is empty", expected: "the article's text, UTF-8") }
        if let nul = firstNUL(bytes) {
            throw .bad(source, line: lineNumber(at: nul, in: bytes),
                       "a NUL byte at offset \(nul): this is a binary file, not an article's text", expected: "the article's text, UTF-8")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let offset = firstInvalidUTF8Offset(bytes)
            throw .bad(source, line: lineNumber(at: offset, in: bytes),
                       "byte \(offset) is not valid UTF-8", expected: "the article's text, UTF-8 (convert it first, e.g. with iconv)")
        }
        return text
    }

    /// Refuses an id already catalogued, or whose files are already there.
    func checkFree(_ id: String, catalog: [CatalogArticle]) throws(IntakeError) {
        guard isArticleID(id) else {
            throw .bad("--id", "'\(id)' is not an article id", expected: "letters, digits, '_' and '-', at most 120")
        }
        if let taken = catalog.first(where: { $0.article.id == id }) {
            throw .conflict("the id \(id) is taken: \(project.catalogPath) line \(taken.location.line ?? 0) catalogues it (give another with --id)")
        }
        for path in [project.articlePath(id), project.eventFilePath(id)] where FileManager.default.fileExists(atPath: path) {
            throw .conflict("\(path) is already there and is not catalogued: move it away or give another id with --id")
        }
    }

    /// `NNN_<outlet>-<day>`: the number after the catalog's highest, so the new article's
    /// event file comes after every other; then the outlet's name and the publication day.
    static func derivedID(outlet: String, published: Day, catalog: [CatalogArticle]) -> String {
        let numbers = catalog.compactMap { Int($0.article.id.prefix { $0.isASCII && $0.isNumber }) }
        let next = (numbers.max() ?? -1) + 1
        let digits = String(next)
        let number = String(repeating: "0", count: max(0, 3 - digits.count)) + digits
        return "\(number)_\(slug(outlet))-\(published)"
    }

    /// Lowercase ASCII letters and digits, runs of anything else one `-`; accents dropped.
    static func slug(_ text: String) -> String {
        let folded = text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
        var out = ""
        for c in folded {
            if c.isASCII, c.isLetter || c.isNumber {
                out.append(c)
            } else if !out.isEmpty, out.last != "-" {
                out.append("-")
            }
            if out.count >= 40 { break }
        }
        while out.last == "-" { out.removeLast() }
        return out.isEmpty ? "article" : out
    }

    /// The `add` option a catalog field comes from.
    static func option(forField field: String) -> String? {
        guard let key = field.split(separator: ".").last else { return nil }
        return ["url": "--url", "outlet": "--outlet", "title": "--title", "published": "--published", "precision": "--precision",
                "language": "--language", "id": "--id", "basis": "--basis", "retrieved": "--retrieved"][String(key)]
    }

    /// Writes a file that must not be there yet.
    static func writeNew(_ bytes: [UInt8], to path: String) throws(IntakeError) {
        if FileManager.default.fileExists(atPath: path) { throw .conflict("\(path) is already there") }
        do { try OutputFile.write(bytes, to: path) } catch { throw .file(error) }
    }
}
