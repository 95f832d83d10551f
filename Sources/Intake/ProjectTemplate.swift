import FileIO
import Foundation

/// A new, empty project: the registries and lexicons of an existing one (the 2025 tracks and
/// parties, to start from), an empty catalog and a README, so a person can build a corpus of
/// another conflict.
public enum ProjectTemplate {
    /// What ``create(at:from:)`` made.
    public struct Created: Sendable {
        public var files: [String]
    }

    /// Makes `directory` a project, copying the registries (`tracks.yaml`, `parties.yaml`) and
    /// `lexicons/` from `events`. Refuses a directory that already has a `seeds` or `events`
    /// folder; removes what it made if a step fails.
    public static func create(at directory: String, from events: String) throws(IntakeError) -> Created {
        let manager = FileManager.default
        for registry in ["tracks.yaml", "parties.yaml", "lexicons"] {
            let path = (events as NSString).appendingPathComponent(registry)
            if !manager.fileExists(atPath: path) {
                throw .bad("--from", "\(path) is missing", expected: "an events folder with tracks.yaml, parties.yaml and lexicons/ (the shipped `events`)")
            }
        }
        let root = directory as NSString
        for folder in ["seeds", "events"] where manager.fileExists(atPath: root.appendingPathComponent(folder)) {
            throw .conflict("\(root.appendingPathComponent(folder)) is already there: \(directory) is a project already")
        }
        var made: [String] = []
        let existed = manager.fileExists(atPath: directory)
        do throws(IntakeError) {
            for folder in ["seeds", "events", "events/lexicons"] {
                let path = root.appendingPathComponent(folder)
                do { try manager.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
                    throw .io(FileError(path: path, operation: "create the folder", reason: .system(.ioError)))
                }
            }
            let lexicons = (events as NSString).appendingPathComponent("lexicons")
            let lexiconFiles = ((try? manager.contentsOfDirectory(atPath: lexicons)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
            for name in ["tracks.yaml", "parties.yaml"] + lexiconFiles.map({ "lexicons/\($0)" }) {
                let bytes: [UInt8]
                do { bytes = try InputFile.read((events as NSString).appendingPathComponent(name)) } catch { throw .file(error) }
                let target = root.appendingPathComponent("events/\(name)")
                do { try OutputFile.write(bytes, to: target) } catch { throw .file(error) }
                made.append(target)
            }
            let catalog = root.appendingPathComponent("seeds/catalog.yaml")
            do { try OutputFile.write(Array(catalogText.utf8), to: catalog) } catch { throw .file(error) }
            made.append(catalog)
            let readme = root.appendingPathComponent("README.md")
            if !manager.fileExists(atPath: readme) {
                do { try OutputFile.write(Array(readmeText.utf8), to: readme) } catch { throw .file(error) }
                made.append(readme)
            }
        } catch {
            for path in made.reversed() { _ = unlink(path) }
            for folder in ["events/lexicons", "events", "seeds"] { _ = rmdir(root.appendingPathComponent(folder)) }
            if !existed { _ = rmdir(directory) }
            throw error
        }
        return Created(files: made)
    }

    static let catalogText = """
        # Article catalog: one entry per article file in this folder (<id>.txt), appended by
        # `parley add` (never edit an entry's sha256 by hand: the text must stay as it was taken).
        articles: []

        """

    static let readmeText = """
        # A Parley corpus

        Articles go in `seeds/` with their catalog; the events reported in them, with a verbatim
        quote each, in `events/`. The registries (`events/tracks.yaml`, `events/parties.yaml`)
        came from the 2025 corpus: edit them for this conflict's tracks and parties, and the
        lexicons (`events/lexicons/`) for the words that name them.

        Add an article, review what the extractor drafted, and record it:

        ```sh
        parley add article.txt --url URL --outlet NAME --title TEXT --published YYYY-MM-DD
        parley review <id>
        parley ingest
        ```

        Then `parley state` answers where each track stands; `parley --help` lists the rest.

        """
}
