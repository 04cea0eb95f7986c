import ArgumentParser
import Foundation
import Schedule
import ScheduleStore
import Sessions

/// `scheduledrop partner`: the partners whose sessions (KS) the feed accepts, and their secrets.
struct PartnerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partner",
        abstract: "Add partners, list them, and make their secrets anew.",
        discussion: """
            A partner has an admin secret (signs admin and user sessions) and a user secret (user sessions only), as in \
            Kaltura. They are printed once, when made; the store keeps them, readable by the daemon's user only, and \
            nothing else ever shows them.
            """,
        subcommands: [Add.self, List.self, RotateSecrets.self]
    )

    /// `partner add ID`.
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a partner and print its new secrets (once).")

        @Argument(help: "The partner id (1 or more).")
        var id: Int

        @Flag(help: "Print {\"id\", \"adminSecret\", \"secret\"} as JSON.")
        var json = false

        @OptionGroup var options: StoreOptions

        func validate() throws {
            guard id > 0 else { throw ValidationError("a partner id is 1 or more") }
        }

        func run() async throws {
            let store = try await options.openCreatingStore()
            let now = Int64(Date().timeIntervalSince1970)
            let partner = Partner(
                id: id, adminSecret: SessionCodec.newSecret(), secret: SessionCodec.newSecret(), createdAt: now, updatedAt: now)
            guard try await store.addPartner(partner) else {
                throw ValidationError("partner \(id) exists already; `scheduledrop partner rotate-secrets \(id)` makes new secrets")
            }
            printSecrets(partner, json: json)
        }
    }

    /// `partner list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the partners (never their secrets).")

        @Flag(help: "Print a JSON array of {\"id\", \"createdAt\", \"updatedAt\"}.")
        var json = false

        @OptionGroup var options: StoreOptions

        func run() async throws {
            let partners = try await options.load().existingStore()?.partners() ?? []
            if json {
                let items = partners.map { "{\"id\": \($0.id), \"createdAt\": \($0.createdAt), \"updatedAt\": \($0.updatedAt)}" }
                print("[" + items.joined(separator: ", ") + "]")
            } else {
                print(
                    alignedTable(
                        ["PARTNER", "ADDED", "SECRETS MADE"],
                        partners.map { [String($0.id), isoTime($0.createdAt), isoTime($0.updatedAt)] }))
            }
        }
    }

    /// `partner rotate-secrets ID`.
    struct RotateSecrets: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make new secrets for a partner and print them (once).",
            discussion: "Every session signed with the old secrets stops working at once; app tokens keep working.")

        @Argument(help: "The partner id.")
        var id: Int

        @Flag(help: "Print {\"id\", \"adminSecret\", \"secret\"} as JSON.")
        var json = false

        @OptionGroup var options: StoreOptions

        func run() async throws {
            let store = try await options.openCreatingStore()
            let now = Int64(Date().timeIntervalSince1970)
            let admin = SessionCodec.newSecret()
            let user = SessionCodec.newSecret()
            guard try await store.replaceSecrets(partnerId: id, adminSecret: admin, secret: user, at: now) else {
                throw ValidationError("there is no partner \(id); `scheduledrop partner add \(id)` adds it")
            }
            printSecrets(Partner(id: id, adminSecret: admin, secret: user, createdAt: now, updatedAt: now), json: json)
        }
    }
}

/// Prints a partner's secrets, the one time they are shown.
private func printSecrets(_ partner: Partner, json: Bool) {
    if json {
        print("{\"id\": \(partner.id), \"adminSecret\": \"\(partner.adminSecret)\", \"secret\": \"\(partner.secret)\"}")
    } else {
        print("partner: \(partner.id)\nadminSecret: \(partner.adminSecret)\nsecret: \(partner.secret)")
    }
}

extension StoreOptions {
    /// The store of the configuration, created (with its data folder) if there is none yet.
    func openCreatingStore() async throws -> any StoreBackend {
        let configuration = try load()
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        return try await configuration.openStore()
    }
}
