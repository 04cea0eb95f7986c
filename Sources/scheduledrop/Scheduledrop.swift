import ArgumentParser
import Foundation
import Logging

/// The `scheduledrop` command: the daemon and its tools.
@main
struct Scheduledrop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scheduledrop",
        abstract: "Ingests recording schedules (iCalendar and resource CSV) from drop folders into a schedule store.",
        subcommands: [
            Run.self, Ingest.self, Status.self, Reports.self, Events.self, Resources.self, Export.self, Reprocess.self, CheckConfig.self,
            Migrate.self, Token.self, PartnerCommand.self,
        ]
    )

    /// Runs the command the arguments name, creating files no more open than mode 0640 (`umask` 027 at least, as
    /// the systemd unit sets it): reports, uploads and staged copies are not for other users of the machine.
    static func main() async {
        umask(umask(0o027) | 0o027)
        await main(nil)
    }
}

/// The options every command that reads or writes the store takes.
struct StoreOptions: ParsableArguments {
    @Option(help: "The configuration file (YAML). Without it, the embedded default: folder ./dropfolder, data in ./data.")
    var config: String?

    @Option(help: "The data folder (store, staging, reports), overriding the configuration's.")
    var data: String?

    /// The configuration in force, or an error listing every problem with its YAML path.
    func load() throws -> Configuration {
        var configuration = try Configuration.load(path: config)
        if let data {
            configuration.dataDirectory = data
        }
        let problems = configuration.problems()
        guard problems.isEmpty else { throw ConfigurationProblems(problems: problems) }
        return configuration
    }
}

/// Several configuration problems, reported together.
struct ConfigurationProblems: Error, CustomStringConvertible {
    var problems: [ConfigurationError]
    var description: String {
        "the configuration has \(problems.count) problem(s):\n" + problems.map { "  \($0)" }.joined(separator: "\n")
    }
}

/// Prints `value` as pretty JSON with sorted keys on standard output: the commands' `--json` form.
func printJSON<Value: Encodable>(_ value: Value) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    FileHandle.standardOutput.write(try encoder.encode(value) + Data("\n".utf8))
}

/// Sends every logger's output through `LineLogHandler` with the configured format and level.
func bootstrapLogging(_ configuration: LogConfiguration) {
    LoggingSystem.bootstrap { label in
        LineLogHandler(label: label, format: configuration.format, level: configuration.level)
    }
}
