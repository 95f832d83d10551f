import FileIO
import Foundation

/// Refuses an output path that would land in the log's own folder (`--output .parley/data.mdb`
/// would replace the log). A folder, FIFO or device at the path is ``OutputFile``'s to refuse.
func checkOutput(_ output: String, against log: LogOptions) throws {
    let folder = URL(fileURLWithPath: output).deletingLastPathComponent().resolvingSymlinksInPath().standardizedFileURL.path
    let logFolder = URL(fileURLWithPath: log.path).resolvingSymlinksInPath().standardizedFileURL.path
    if folder == logFolder {
        throw CommandError("--output \(output): it is in the log's own folder (\(log.path)); write it somewhere else", exitCode: Failure.usage)
    }
}

extension FileError {
    /// The exit status for this failure: 65 for a file the user can change, 74 for the system.
    var exitCode: Int32 { isInputProblem ? Failure.badInput : Failure.inputOutput }
}
