import ArgumentParser
import Foundation
import Negotiation

struct Reindex: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild the derived indexes (track days, fixes, checkpoints) from the log alone.",
        discussion: """
            The indexes only speed queries up; the log is the record. Ingest keeps them in step; \
            run this after an interrupted ingest, or to check that they can be rebuilt.
            """
    )

    @OptionGroup var log: LogOptions

    func run() throws {
        let store = try log.openForWriting()
        let start = Date()
        try store.reindex()
        let head = try store.log.head()
        print("rebuilt the indexes of \(head.sequence) entries in \(String(format: "%.2f", Date().timeIntervalSince(start))) s")
    }
}
