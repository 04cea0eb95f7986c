import Foundation
import Schedule
import ScheduleStore
import TestSupport
import Testing

/// Several daemons' stores on one PostgreSQL database: claims, job leases and their takeover, named leases, and one
/// partner's writes from two daemons at once. Leases run on the server's clock, so a takeover is awaited with a
/// generous bound (`waitUntil`), never timed.
@Suite struct PostgresFleetTests {
    /// `count` stores on one new database, as `count` daemons open it, with leases of `leases[i]` seconds (60 if not given).
    static func fleet(_ count: Int, leases: [Int64] = []) async throws -> [PostgresStore] {
        let (server, url) = try await offPool { try PostgresServer.newDatabase() }
        var stores: [PostgresStore] = []
        for index in 0..<count {
            let leaseSeconds = index < leases.count ? leases[index] : 60
            stores.append(
                try await PostgresStore(url: PostgresURL(url), password: server.password, maximumConnections: 4, leaseSeconds: leaseSeconds)
            )
        }
        return stores
    }

    @Test func aClaimedJobIsHeldByItsDaemonAndNotResumedByAnother() async throws {
        let stores = try await Self.fleet(2)
        let (a, b) = (stores[0], stores[1])
        let ticket = try #require(try await a.claim(identity(), kind: .ical))
        #expect(try await b.claim(identity(), kind: .ical) == nil, "a version is claimed by one daemon")
        #expect(try await b.unfinishedJobs(folderId: "f").isEmpty, "a job its daemon holds is not resumed by another")
        #expect(try await b.abandonedJobs(folderId: "f").isEmpty)
        #expect(try await b.holdJob(ticket) == false)
        #expect(try await a.holdJob(ticket), "its holder renews it")
        try await a.write { transaction in
            try transaction.finish(ticket, report: report(), json: .bytes(report().json()), fileState: .handled, sha256: nil)
        }
        #expect(try await b.holdJob(ticket) == false, "a finished job is never held again")
        #expect(try await a.holdJob(ticket) == false)
    }

    @Test func theJobOfADaemonThatStopsRenewingIsTakenOverOnceItsLeaseExpires() async throws {
        // The claimer's leases last a second; the others' a minute, so the one that takes the job over keeps it here.
        let stores = try await Self.fleet(3, leases: [1])
        let ticket = try #require(try await stores[0].claim(identity(), kind: .ical))
        try await waitUntil("the job is abandoned once its lease expired") { try await stores[1].abandonedJobs(folderId: "f") == [ticket] }
        #expect(try await stores[1].holdJob(ticket), "taken over")
        #expect(try await stores[2].holdJob(ticket) == false, "by one daemon only")
        #expect(try await stores[0].holdJob(ticket) == false, "the late holder has lost it")
    }

    @Test func aNamedLeaseHasOneHolderAtATime() async throws {
        let stores = try await Self.fleet(2)
        #expect(try await stores[0].hold("list:f", for: 60))
        #expect(try await stores[1].hold("list:f", for: 60) == false)
        #expect(try await stores[0].hold("list:f", for: 60), "renewed by its holder")
        #expect(try await stores[1].hold("list:g", for: 60), "another name is another lease")
        #expect(try await stores[1].hold("short", for: 1))
        try await waitUntil("the lease is taken once it expired") { try await stores[0].hold("short", for: 60) }
        #expect(try await stores[1].hold("short", for: 60) == false)
    }

    @Test func daemonsClaimingTheSameVersionsAtOnceClaimEachOnce() async throws {
        let stores = try await Self.fleet(3)
        let claimed = try await withThrowingTaskGroup(of: Int.self) { group in
            for store in stores {
                group.addTask {
                    var count = 0
                    for index in 0..<30 where try await store.claim(identity("f\(index).ics"), kind: .ical) != nil { count += 1 }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(claimed == 30)
        #expect(try await stores[0].latestFiles(folderId: "f").count == 30)
    }

    /// One daemon sees a file still uploading while another claims the same version (found by the fleet soak): the
    /// version ends claimed, with no `uploading` row left beside it whichever writes first.
    @Test func aVersionSeenUploadingByOneDaemonWhileAnotherClaimsItIsLeftClaimedAlone() async throws {
        let stores = try await Self.fleet(2)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask { try await stores[0].recordUploading(identity("p\(index).ics")) }
                group.addTask { _ = try await stores[1].claim(identity("p\(index).ics"), kind: .ical) }
            }
            try await group.waitForAll()
        }
        for index in 0..<200 {
            #expect(try await stores[0].versions(folderId: "f", path: "p\(index).ics").map(\.state) == [.pending], "p\(index).ics")
        }
    }

    @Test func twoDaemonsUpsertingOnePartnersUIDsAtOnceStoreEachOnce() async throws {
        let stores = try await Self.fleet(2)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, store) in stores.enumerated() {
                group.addTask {
                    for round in 0..<5 {
                        try await store.write { transaction in
                            for uid in 0..<20 {
                                let summary = "daemon \(index) round \(round)"
                                if var event = try transaction.event(partnerId: 1, referenceId: "u\(uid)") {
                                    event.summary = summary
                                    try transaction.update(event)
                                } else {
                                    _ = try transaction.insert(
                                        ScheduleEvent(partnerId: 1, referenceId: "u\(uid)", summary: summary, startDate: 0, endDate: 1))
                                }
                            }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let events = try await stores[1].events(partnerId: 1)
        #expect(events.count == 20, "one row per UID")
        #expect(Set(events.map(\.summary)).count == 1, "each write landed whole: every UID has the last write's summary")
        #expect(try await stores[0].dataVersion() == 10)
    }
}
