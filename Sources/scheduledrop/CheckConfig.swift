import ArgumentParser
import Foundation

/// `scheduledrop check-config`: reads and checks the configuration without starting anything.
struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check the configuration: print every problem with its YAML path, or a summary of what would run."
    )

    @OptionGroup var options: StoreOptions

    func run() throws {
        let configuration: Configuration
        do {
            configuration = try options.load()
        } catch let error as ConfigurationProblems {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(1)
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("the configuration has 1 problem(s):\n  \(error)\n".utf8))
            throw ExitCode(1)
        }
        var lines = [
            "configuration OK (\(options.config ?? "embedded default"))",
            "data:    \(configuration.dataDirectory) (store \(configuration.storeDescription))",
            "reports: \(configuration.reportsPath)",
            "events:  at most \(configuration.events.maxEventHours) h each, series of at most \(configuration.events.maxSeriesDays) days "
                + "and \(configuration.events.maxOccurrences) occurrences, stored \(configuration.events.horizonDays) days ahead",
            "feed:    "
                + (configuration.feed.enabled
                    ? "http://\(configuration.feed.address):\(configuration.feed.port), \(configuration.feed.tokens.count) partner token(s), "
                        + "uploads up to \(configuration.feed.maxUploadMegabytes) MB" : "off"),
        ]
        for folder in configuration.folders {
            lines.append(
                "folder \(folder.id): \(folder.type) \(folder.location), partner \(folder.partnerId), "
                    + "poll \(folder.pollInterval) s, stable after \(folder.fileSizeCheckInterval) s, "
                    + "after processing: \(folder.afterProcessing.rawValue)")
        }
        print(lines.joined(separator: "\n"))
    }
}
