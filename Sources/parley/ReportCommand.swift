import ArgumentParser

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Write the negotiation timeline as one HTML page.")
    func run() throws { throw CommandError("report is not built yet") }
}
