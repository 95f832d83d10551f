import Corpus
import FileIO

/// Why taking in an article, reviewing its drafts or writing a fix did not happen. Nothing is
/// written to disk when one is thrown.
public enum IntakeError: Error, Sendable, CustomStringConvertible {
    /// The input is wrong: each problem names the file (or option), line and field.
    case badInput([CorpusIssue])
    /// The input is right but clashes with what is there: an id taken, a text already in the
    /// corpus, a file that would be overwritten.
    case conflict(String)
    /// Reading or writing a file failed for a reason of the system's.
    case io(FileError)

    public var description: String {
        switch self {
        case .badInput(let issues): issues.map(\.description).joined(separator: "\n")
        case .conflict(let problem): problem
        case .io(let error): error.description
        }
    }

    /// One problem with the value of an option or a file the user named.
    static func bad(_ file: String, field: String? = nil, line: Int? = nil, _ problem: String, expected: String? = nil) -> IntakeError {
        .badInput([CorpusIssue(file: file, line: line, field: field, problem: problem, expected: expected)])
    }

    /// A file error: the user's to fix (a missing file) or the system's.
    static func file(_ error: FileError) -> IntakeError {
        error.isInputProblem ? .bad(error.path, error.description) : .io(error)
    }
}
