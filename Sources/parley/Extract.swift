import ArgumentParser

struct Extract: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Propose candidate events for a new article.")
    func run() throws { throw CommandError("extract is not built yet") }
}

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Measure extraction against the curated events.")
    func run() throws { throw CommandError("eval is not built yet") }
}
