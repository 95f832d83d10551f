import FileIO
import Foundation

/// Refuses an output path that would land in the log's own folder (`--output .parley/data.mdb`
/// would replace the log), or that is a folder: a command writes a file of its own, never
/// over the log or in place of a folder.
func checkOutput(_ output: String, against log: LogOptions) throws {
    if let kind = InputFile.irregularKind(at: output) {
        throw CommandError("--output \(output): it is \(kind); give the name of a file to write")
    }
    let folder = URL(fileURLWithPath: output).deletingLastPathComponent().resolvingSymlinksInPath().standardizedFileURL.path
    let logFolder = URL(fileURLWithPath: log.path).resolvingSymlinksInPath().standardizedFileURL.path
    if folder == logFolder {
        throw CommandError("--output \(output): it is in the log's own folder (\(log.path)); write it somewhere else")
    }
}

extension FileError {
    /// The exit status for this failure: 65 for a file the user can change, 74 for the system.
    var exitCode: Int32 { isInputProblem ? 65 : 74 }
}
