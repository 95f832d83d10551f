import ArgumentParser
import Extraction

@main
struct Parley: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parley",
        abstract: "An append-only, sourced log of ceasefire negotiations, and the state of every track on any date.",
        version: "parley 2026.12.7 (\(Extractor.version))",
        subcommands: [
            Ingest.self, Log.self, State.self, Timeline.self, AuditCommand.self, Diff.self, Export.self, Import.self, ReportCommand.self,
            Show.self, ArticleCommand.self, Add.self, Review.self, Correct.self, Retract.self, Init.self, Extract.self, Eval.self, Check.self, Stats.self, Serve.self, Token.self, Synth.self, Reindex.self, Verify.self,
        ]
    )
}
