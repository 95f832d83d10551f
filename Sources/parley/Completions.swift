import ArgumentParser
import Corpus
import Negotiation

/// Value completions for the shell (`parley --generate-completion-script bash|zsh|fish`): the
/// tracks and parties of the registries in `--events` (else `events/`) where the shell is, and
/// the event types.
enum Completions {
    static let tracks = CompletionKind.custom { arguments, _, _ in
        (registry(arguments)?.tracks.map(\.id) ?? []) + ["general"]
    }
    static let parties = CompletionKind.custom { arguments, _, _ in registry(arguments)?.parties.map(\.code) ?? [] }
    static let types = CompletionKind.list(EventType.allCases.map(\.rawValue))

    /// The registries of the `--events` folder the command line names, else of `events/`.
    private static func registry(_ arguments: [String]) -> Registry? {
        let folder = arguments.firstIndex(of: "--events").flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil } ?? "events"
        return try? Corpus.loadRegistry(events: folder)
    }
}
