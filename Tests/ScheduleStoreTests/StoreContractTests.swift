import Foundation
import Schedule
import ScheduleStore
import TestSupport
import Testing

/// A file version of folder `f`.
func identity(_ path: String = "a.ics", size: Int64 = 10, modified: Int64 = 1) -> FileIdentity {
    FileIdentity(folderId: "f", path: path, size: size, modified: modified)
}

/// An empty report of a handled file of `partner`.
func report(partner: Int = 1) -> IngestionReport {
    IngestionReport(
        file: FileReport(folderId: "f", path: "a.ics", size: 10, mtime: nil, sha256: nil), partnerId: partner, kind: .ical,
        startedAt: "s", finishedAt: "e", status: .handled, items: [])
}

private struct Boom: Error {}

/// A store backend the contract runs on: its name and how to open an empty one in a temporary directory.
struct Backend: Sendable, CustomTestStringConvertible {
    var name: String
    var open: @Sendable (TemporaryDirectory) async throws -> any StoreBackend
    var testDescription: String { name }

    /// Every backend the daemon can open: SQLite in the directory, PostgreSQL as a new database on the tests' server.
    static let all = [
        Backend(name: "SQLite") { try SQLiteStore(path: $0.path + "/store.sqlite") },
        Backend(name: "PostgreSQL") { _ in
            let (server, url) = try await offPool { try PostgresServer.newDatabase() }
            return try await PostgresStore(url: PostgresURL(url), password: server.password, maximumConnections: 4)
        },
    ]
}

/// What the daemon relies on of a store, through its role protocols only, run against every backend: claims, one
/// transaction per job and its rollback, upserts by UID, the data version, pages, links, conflicts and credentials.
@Suite struct StoreContractTests {
    @Test(arguments: Backend.all)
    func aVersionIsClaimedOnceAndAReleasedClaimCanBeTakenAgain(_ backend: Backend) async throws {
        let directory = try TemporaryDirectory()
        let store = try await backend.open(directory)
        let ticket = try #require(try await store.claim(identity(), kind: .ical))
        #expect(try await store.claim(identity(), kind: .ical) == nil)
        #expect(try await store.claim(identity(modified: 2), kind: .ical) != nil, "a new mtime is a new version")
        try await store.releaseClaim(ticket)
        #expect(try await store.claim(identity(), kind: .ical) != nil, "a released version is claimed again")
        #expect(try await store.versions(folderId: "f", path: "a.ics").count == 2)
    }

    @Test(arguments: Backend.all)
    func aJobCutOffByEarlierRunsIsCountedAndListedUnfinished(_ backend: Backend) async throws {
        let directory = try TemporaryDirectory()
        let store = try await backend.open(directory)
        let ticket = try #require(try await store.claim(identity(), kind: .ical))
        #expect(try await store.unfinishedJobs(folderId: "f") == [ticket])
        #expect(try await store.startJob(ticket, run: "one") == 0)
        #expect(try await store.startJob(ticket, run: "one") == 0, "taken up again within one run is no cut-off")
        #expect(try await store.startJob(ticket, run: "two") == 1)
        #expect(try await store.startJob(ticket, run: "three") == 2)
        #expect(try await store.versions(folderId: "f", path: "a.ics").map(\.state) == [.processing])
    }

    @Test(arguments: Backend.all)
    func uploadingRowFollowsTheFileUntilClaimed(_ backend: Backend) async throws {
        let directory = try TemporaryDirectory()
        let store = try await backend.open(directory)
        try await store.recordUploading(identity(size: 1))
        try await store.recordUploading(identity(size: 5))
        var versions = try await store.versions(folderId: "f", path: "a.ics")
        #expect(versions.map(\.state) == [.uploading])
        #expect(versions.first?.identity.size == 5)
        _ = try await store.claim(identity(size: 9), kind: .ical)
        versions = try await store.versions(folderId: "f", path: "a.ics")
        #expect(versions.map(\.state) == [.pending])
        #expect(versions.first?.identity.size == 9)
    }

    @Test(arguments: Backend.all)
    func aThrowingTransactionCommitsNothing(_ backend: Backend) async throws {
        let directory = try TemporaryDirectory()
        let store = try await backend.open(directory)
        let ticket = try #require(try await store.claim(identity(), kind: .ical))
        let version = try await store.dataVersion()
        await #expect(throws: Boom.self) {
            try await store.write { transaction in
                _ = try transaction.insert(ScheduleEvent(partnerId: 1, referenceId: "u", startDate: 0, endDate: 1))
                try transaction.finish(ticket, report: report(), json: .bytes(report().json()), fileState: .handled, sha256: nil)
                throw Boom()
            }
        }
        #expect(try await store.eventCount(partnerId: 1) == 0)
        #expect(try await store.finishedJobCount(fileId: ticket.file.id) == 0)
        #expect(try await store.unfinishedJobs(folderId: "f") == [ticket])
        #expect(try await store.dataVersion() == version)
    }

    @Test(arguments: Backend.all)
    func finishingAJobCommitsItsStateAndReport(_ backend: Backend) async throws {
        let directory = try TemporaryDirectory()
        let store = try await backend.open(directory)
        let ticket = try #require(try await store.claim(identity(), kind: .ical))
        let id = try await store.write { transaction in
            let id = try transaction.insert(ScheduleEvent(partnerId: 1, referenceId: "u", summary: "x", startDate: 0, endDate: 1))
            try transaction.finish(ticket, report: report(), json: .bytes(report().json()), fileState: .handled, sha256: "ab")
            return id
        }
        #expect(try await store.unfinishedJobs(folderId: "f").isEmpty)
        #expect(try await store.reports(fileId: ticket.file.id) == [report()])
        #expect(try await store.lastReport(fileId: ticket.file.id)?.jobId == ticket.jobId)
        #expect(try await store.job(id: ticket.jobId)?.report == report())
        #expect(try await store.versions(folderId: "f", path: "a.ics").map(\.state) == [.handled])
        let stored = try #require(try await store.events(partnerId: 1).first)
        #expect(stored.id == id)
        #expect(stored.hasSameContent(as: ScheduleEvent(partnerId: 1, referenceId: "u", summary: "x", startDate: 0, endDate: 1)))
        #expect(stored.createdAt != nil && stored.createdAt == stored.updatedAt)
    }

    @Test(arguments: Backend.all)
    func eventsAreFoundByPartnerAndUIDAndUpdatedInPlace(_ backend: Backend) async throws {
        let directory = try TemporaryDirectory()
        let store = try await backend.open(directory)
        try await store.write { transaction in
            let (room, camera) = (
                try transaction.insert(ScheduleResource(partnerId: 2, name: "Room")),
                try transaction.insert(ScheduleResource(partnerId: 2, type: .camera, name: "Cam"))
            )
            _ = try transaction.insert(ScheduleEvent(partnerId: 1, referenceId: "u", startDate: 0, endDate: 1))
            _ = try transaction.insert(ScheduleEvent(partnerId: 2, referenceId: "u", startDate: 5, endDate: 6, resourceIds: [room]))
            var event = try #require(try transaction.event(partnerId: 2, referenceId: "u"))
            #expect(event.startDate == 5 && event.resourceIds == [room])
            event.summary = "changed"
            event.resourceIds = [room, camera]
            try transaction.update(event)
            #expect(try transaction.event(partnerId: 2, referenceId: "u")?.summary == "changed")
            #expect(try transaction.event(partnerId: 2, id: event.id!)?.resourceIds == [room, camera])
            #expect(try transaction.event(partnerId: 1, id: event.id!) == nil, "another partner's id is not found")
            #expect(try transaction.event(partnerId: 3, referenceId: "u") == nil)
        }
        #expect(try await store.eventCount(partnerId: 1) == 1)
        #expect(try await store.eventCount(partnerId: 2) == 1)
    }

    /// Hundreds of lookups in one transaction (a backend may read a partner's UIDs at once past a number of lookups, and
    /// keep new events to write them together): each finds exactly what is stored or written before it, in the same
    /// transaction or another; an occurrence, which shares its series' UID, is never found by it.
    @Test(arguments: Backend.all)
    func aJobOfManyLookupsFindsEveryStoredOrWrittenUIDAndNoOther(_ backend: Backend) async throws {
        let directory = try TemporaryDirectory()
        let store = try await backend.open(directory)
        let series = try await store.write { transaction in
            for index in 0..<150 {
                _ = try transaction.insert(ScheduleEvent(partnerId: 1, referenceId: "s\(index)", startDate: 0, endDate: 1))
            }
            _ = try transaction.insert(ScheduleEvent(partnerId: 2, referenceId: "theirs", startDate: 0, endDate: 1))
            return try transaction.insert(
                ScheduleEvent(partnerId: 1, referenceId: "series", recurrenceType: .recurring, startDate: 0, endDate: 1))
        }
        try await store.write { transaction in
            for index in 0..<150 {
                #expect(try transaction.event(partnerId: 1, referenceId: "s\(index)")?.referenceId == "s\(index)")
                #expect(try transaction.event(partnerId: 1, referenceId: "n\(index)") == nil)
            }
            #expect(try transaction.event(partnerId: 1, referenceId: "theirs") == nil, "another partner's UID")
            let occurrence = try transaction.insert(
                ScheduleEvent(
                    partnerId: 1, referenceId: "series", recurrenceType: .recurrence, startDate: 5, endDate: 6, parentId: series,
                    recurrenceKey: "20250101T000000Z"))
            #expect(try transaction.event(partnerId: 1, referenceId: "series")?.id == series, "the series, not its occurrence")
            #expect(try transaction.event(partnerId: 1, id: occurrence)?.parentId == series)
            for index in 0..<150 {
                let id = try transaction.insert(
                    ScheduleEvent(partnerId: 1, referenceId: "n\(index)", summary: "new", startDate: 9, endDate: 10))
                var event = try #require(try transaction.event(partnerId: 1, referenceId: "n\(index)"))
                #expect(event.id == id && event.summary == "new")
                event.summary = "changed"
                try transaction.update(event)
                #expect(try transaction.event(partnerId: 1, id: id)?.summary == "changed")
            }
            #expect(try transaction.occurrences(seriesId: series).map(\.id) == [occurrence])
        }
        let events = try await store.events(partnerId: 1)
        #expect(events.count == 302)
        #expect(events.filter { $0.referenceId.hasPrefix("n") }.allSatisfy { $0.summary == "changed" })
    }

    @Test(arguments: Backend.all)
    func folderStatusesCountFilesByStateWithTheirErrorsAndTheLastPoll(_ backend: Backend) async throws {
        let directory = try TemporaryDirectory()
        let store = try await backend.open(directory)
        try await store.recordPoll(FolderPoll(folderId: "f", kind: "sftp", nextPollIn: 30))
        try await store.recordPoll(
            FolderPoll(folderId: "f", kind: "sftp", error: ("folder.unreachable", "no route"), consecutiveFailures: 2, nextPollIn: 60))
        try await store.recordIgnored(identity("x.txt"), code: "file.ignoredName", message: "m")
        let failed = try #require(try await store.claim(identity("b.ics"), kind: .ical))
        try await store.setFileState(fileId: failed.file.id, .error, code: "file.notICalendar", message: "not iCalendar")
        _ = try await store.claim(identity("c.ics"), kind: .ical)
        try await store.recordUploading(FileIdentity(folderId: "g", path: "u.ics", size: 1, modified: 1))
        let statuses = try await store.folderStatuses()
        #expect(statuses.map(\.folderId) == ["f", "g"])
        let folder = try #require(statuses.first)
        #expect(folder.kind == "sftp" && folder.lastErrorCode == "folder.unreachable" && folder.consecutiveFailures == 2)
        #expect(folder.lastSuccessAt != nil && folder.lastPollAt != nil && folder.nextPollAt != nil)
        #expect(folder.files == [.ignored: 1, .error: 1, .pending: 1])
        #expect(Set(folder.fileErrors.map(\.code)) == ["file.ignoredName", "file.notICalendar"])
        #expect(statuses.last?.files == [.uploading: 1])
        let summaries = try await store.reportSummaries(ReportFilter())
        #expect(summaries.isEmpty, "no job committed a report")
        #expect(try await store.job(id: failed.jobId)?.finishedAt != nil, "a failed file ends its job")
    }

    @Test(arguments: Backend.all)
    func purgeAndIgnoreAreRecorded(_ backend: Backend) async throws {
        let directory = try TemporaryDirectory()
        let store = try await backend.open(directory)
        try await store.recordIgnored(identity(".x.ics"), code: "file.ignoredName", message: "m")
        try await store.recordIgnored(identity(".x.ics"), code: "file.ignoredName", message: "m")
        #expect(try await store.versions(folderId: "f", path: ".x.ics").map(\.state) == [.ignored])
        #expect(try await store.claim(identity(".x.ics"), kind: .ical) == nil, "an ignored version is never claimed")
        try await store.markPurged(folderId: "f", path: ".x.ics")
        #expect(try await store.latestFiles(folderId: "f").map(\.state) == [.purged])
    }

    @Test(arguments: Backend.all)
    func aVersionThatVanishedWhileUploadingCanStillBeClaimed(_ backend: Backend) async throws {
        let directory = try TemporaryDirectory()
        let store = try await backend.open(directory)
        try await store.recordUploading(identity())
        try await store.markPurged(folderId: "f", path: "a.ics")
        #expect(try await store.versions(folderId: "f", path: "a.ics").isEmpty)
        #expect(try await store.claim(identity(), kind: .ical) != nil, "the same bytes and mtime uploaded again")
    }

    @Test(arguments: Backend.all)
    func theDataVersionAndListingTotalsFollowEveryWriteOfEvents(_ backend: Backend) async throws {
        let directory = try TemporaryDirectory()
        let store = try await backend.open(directory)
        func total() async throws -> (Int, Int64) {
            let page = try await store.events(partnerId: 1, filter: EventFilter(), pager: Pager(pageSize: 1))
            return (page.totalCount, page.dataVersion)
        }
        let id = try await store.write { transaction in
            _ = try transaction.insert(ScheduleEvent(partnerId: 1, referenceId: "a", startDate: 0, endDate: 1))
            return try transaction.insert(ScheduleEvent(partnerId: 1, referenceId: "b", startDate: 5, endDate: 6))
        }
        let (first, version) = try await total()
        #expect(first == 2)
        #expect(try await total() == (2, version), "read again at the same version")
        try await store.recordPoll(FolderPoll(folderId: "f", kind: "local", nextPollIn: 30))
        #expect(try await store.dataVersion() == version, "a write of no event or resource keeps the version")
        _ = try await store.write { transaction in
            try transaction.insert(ScheduleEvent(partnerId: 1, referenceId: "c", startDate: 9, endDate: 10))
        }
        #expect(try await total() == (3, version + 1))
        try await store.write { transaction in
            var event = try #require(try transaction.event(partnerId: 1, id: id))
            event.status = .deleted
            try transaction.update(event)
        }
        #expect(try await total() == (2, version + 2))
        _ = try await store.write { transaction in try transaction.insert(ScheduleResource(partnerId: 1, name: "Room")) }
        #expect(try await store.dataVersion() == version + 3, "a resource write moves it too")
    }

    @Test(arguments: Backend.all)
    func pagesNeverSkipNorRepeatAndFollowStartThenId(_ backend: Backend) async throws {
        let directory = try TemporaryDirectory()
        let store = try await backend.open(directory)
        try await store.write { transaction in
            // Pairs share a start, so the id decides between them.
            for index in 0..<23 {
                _ = try transaction.insert(
                    ScheduleEvent(partnerId: 1, referenceId: "e\(index)", startDate: Int64(100 - index / 2), endDate: 200))
            }
            _ = try transaction.insert(ScheduleEvent(partnerId: 2, referenceId: "other", startDate: 0, endDate: 1))
        }
        let all = try await store.events(partnerId: 1, filter: EventFilter())
        #expect(all.count == 23)
        #expect(all.map { [$0.startDate, $0.id!] } == all.map { [$0.startDate, $0.id!] }.sorted { $0.lexicographicallyPrecedes($1) })
        var paged: [ScheduleEvent] = []
        for index in 1...5 {
            let page = try await store.events(partnerId: 1, filter: EventFilter(), pager: Pager(pageSize: 5, pageIndex: index))
            #expect(page.totalCount == 23)
            paged += page.events
        }
        #expect(paged.map(\.id) == all.map(\.id))
    }

    @Test(arguments: Backend.all)
    func linksAreListedByEventAndResourceForLiveEventsOnly(_ backend: Backend) async throws {
        let directory = try TemporaryDirectory()
        let store = try await backend.open(directory)
        let (a, b, r3, r4) = try await store.write { transaction in
            let (r3, r4) = (
                try transaction.insert(ScheduleResource(partnerId: 1, name: "Three")),
                try transaction.insert(ScheduleResource(partnerId: 1, name: "Four"))
            )
            let a = try transaction.insert(ScheduleEvent(partnerId: 1, referenceId: "a", startDate: 0, endDate: 1, resourceIds: [r3, r4]))
            let b = try transaction.insert(ScheduleEvent(partnerId: 1, referenceId: "b", startDate: 0, endDate: 1, resourceIds: [r4]))
            _ = try transaction.insert(
                ScheduleEvent(partnerId: 1, referenceId: "c", status: .deleted, startDate: 0, endDate: 1, resourceIds: [r4]))
            let theirs = try transaction.insert(ScheduleResource(partnerId: 2, name: "Theirs"))
            _ = try transaction.insert(ScheduleEvent(partnerId: 2, referenceId: "d", startDate: 0, endDate: 1, resourceIds: [theirs]))
            return (a, b, r3, r4)
        }
        func links(_ filter: EventResourceFilter, _ pager: Pager? = nil) async throws -> ([[Int64]], Int) {
            let page = try await store.eventResources(partnerId: 1, filter: filter, pager: try pager ?? Pager())
            return (page.links.map { [$0.eventId, $0.resourceId] }, page.totalCount)
        }
        #expect(try await links(EventResourceFilter()) == ([[a, r3], [a, r4], [b, r4]], 3))
        #expect(try await links(EventResourceFilter(resourceIds: [r4])) == ([[a, r4], [b, r4]], 2))
        #expect(try await links(EventResourceFilter(eventIds: [b], resourceIds: [r3, r4])) == ([[b, r4]], 1))
        #expect(try await links(EventResourceFilter(), try Pager(pageSize: 2, pageIndex: 2)) == ([[b, r4]], 3))
    }

    @Test(arguments: Backend.all)
    func conflictsOfAJobAreTheOverlapsOnItsResources(_ backend: Backend) async throws {
        let directory = try TemporaryDirectory()
        let store = try await backend.open(directory)
        let conflicts = try await store.write { transaction in
            let room = try transaction.insert(ScheduleResource(partnerId: 1, name: "Room"))
            let camera = try transaction.insert(ScheduleResource(partnerId: 1, type: .camera, name: "Cam", parentId: room))
            let stored = try transaction.insert(
                ScheduleEvent(partnerId: 1, referenceId: "s", startDate: 0, endDate: 100, resourceIds: [room]))
            let new = ScheduleEvent(partnerId: 1, referenceId: "n", startDate: 50, endDate: 150, resourceIds: [camera])
            let id = try transaction.insert(new)
            let apart = try transaction.insert(
                ScheduleEvent(partnerId: 1, referenceId: "t", startDate: 100, endDate: 120, resourceIds: [room]))
            let subjects = [
                ConflictSweep.Subject(id: id, start: 50, end: 150, isBlackout: false, resourceIds: [camera]),
                ConflictSweep.Subject(id: apart, start: 100, end: 120, isBlackout: false, resourceIds: [room]),
            ]
            var reports: [ConflictReport] = []
            try transaction.conflicts(of: subjects, partnerId: 1, lookBehind: 86_400) { reports.append($0) }
            return (reports, stored, id, apart, camera)
        }
        let (reports, stored, id, apart, camera) = conflicts
        #expect(Set(reports.map { Set([$0.eventId, $0.otherEventId]) }) == [[id, stored], [id, apart]])
        #expect(reports.allSatisfy { $0.resourceId != nil }, "\(reports) \(camera)")
    }

    @Test(arguments: Backend.all)
    func resourcesAreFoundByIdAndSystemNameWithinTheirPartner(_ backend: Backend) async throws {
        let directory = try TemporaryDirectory()
        let store = try await backend.open(directory)
        try await store.write { transaction in
            let id = try transaction.insert(ScheduleResource(partnerId: 1, type: .camera, name: "Cam", systemName: "cam-1"))
            #expect(try transaction.resource(partnerId: 1, type: .camera, systemName: "cam-1")?.id == id)
            #expect(try transaction.resource(partnerId: 1, type: .location, systemName: "cam-1") == nil)
            #expect(try transaction.resource(partnerId: 2, id: id) == nil)
            var resource = try #require(try transaction.resource(partnerId: 1, id: id))
            resource.status = .deleted
            try transaction.update(resource)
        }
        #expect(try await store.resources(partnerId: 1).map(\.status) == [.deleted], "a delete is soft")
    }

    @Test(arguments: Backend.all)
    func partnersAreAddedOnceWithTheirSecrets(_ backend: Backend) async throws {
        let directory = try TemporaryDirectory()
        let store = try await backend.open(directory)
        let partner = Partner(id: 7, adminSecret: "a", secret: "s", createdAt: 1, updatedAt: 1)
        #expect(try await store.addPartner(partner))
        #expect(try await store.addPartner(partner) == false)
        #expect(try await store.partner(id: 7) == partner)
        #expect(try await store.replaceSecrets(partnerId: 7, adminSecret: "b", secret: "t", at: 2))
        #expect(try await store.partner(id: 7)?.adminSecret == "b")
        #expect(try await store.partners().map(\.id) == [7])
    }
}
