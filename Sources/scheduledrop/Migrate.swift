import ArgumentParser
import Foundation
import ScheduleStore

/// `scheduledrop migrate`: brings the store's schema up to date and says which migrations it has.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the store or bring its schema up to date, then list its applied migrations.",
        discussion: "The daemon and every command migrate on open too; this runs it on its own, for instance before a rollout."
    )

    @OptionGroup var options: StoreOptions

    func run() async throws {
        let configuration = try options.load()
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        let store = try configuration.openStore()
        for migration in try await store.appliedMigrations() {
            print(migration)
        }
    }
}
