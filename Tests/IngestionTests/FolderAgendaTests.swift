import DropFolders
import ScheduleStore
import TestSupport
import Testing

@testable import Ingestion

private func stat(_ path: String = "a.ics", size: Int64 = 10, modified: Int64 = 1) -> FileStat {
    FileStat(path: path, size: size, modified: modified)
}

private func agenda(
    poll: Duration = .seconds(30), maximumBackoff: Duration = .seconds(600), stability: Duration = .seconds(5),
    notifying: Bool = true, perPass: Int = 100, seed: UInt64 = 1
) -> FolderAgenda {
    let settings = FolderSettings(
        id: "drop", pollInterval: poll, maximumBackoff: maximumBackoff, stabilityInterval: stability, maximumFilesPerPoll: perPass)
    return FolderAgenda(
        timing: FolderAgenda.Timing(settings), tracker: FileTracker(patterns: NamePatterns(), stabilityInterval: stability),
        notifying: notifying, random: SeededGenerator(seed: seed))
}

private func ticket(_ stat: FileStat, id: Int64 = 1) -> JobTicket {
    JobTicket(
        jobId: id,
        file: StoredFile(
            id: id, identity: FileIdentity(folderId: "drop", path: stat.path, size: stat.size, modified: stat.modified), state: .pending))
}

extension FolderAgenda {
    /// Every action due at `now`, in order, as the watcher would take them (without reporting back).
    mutating func drain(at now: Duration) -> [Action] {
        var actions: [Action] = []
        while let action = next(at: now) { actions.append(action) }
        return actions
    }

    /// Takes every action due at `now` as the watcher would, answering each listing with `listing` (nil: it fails);
    /// returns the actions other than listings.
    mutating func run(at now: Duration, listing: [FileStat]?) -> [Action] {
        var actions: [Action] = []
        while let action = next(at: now) {
            guard action == .list else {
                actions.append(action)
                continue
            }
            if let listing { listed(listing, at: now) } else { listingFailed(at: now) }
        }
        return actions
    }
}

@Suite struct FolderAgendaTests {
    @Test func aListingTakenByAnotherDaemonLearnsNothingAndComesBackAPollIntervalLater() {
        var agenda = agenda(poll: .seconds(30), notifying: false)
        #expect(agenda.drain(at: .zero) == [.list])
        agenda.listingFailed(at: .zero)
        agenda.listedElsewhere(at: .seconds(60))
        #expect(agenda.listingDue == .seconds(90), "a poll interval, not the backoff")
        #expect(agenda.drain(at: .seconds(89)).isEmpty)
        #expect(agenda.drain(at: .seconds(90)) == [.list])
        #expect(agenda.queueDepth == 0, "nothing was learned of the folder")
    }

    @Test func theFolderIsListedAtOnceThenEveryPollInterval() {
        var agenda = agenda(poll: .seconds(30))
        #expect(agenda.nextDue == .zero)
        #expect(agenda.drain(at: .zero) == [.list])
        #expect(agenda.nextDue == nil, "nothing is due while the listing is under way")
        agenda.listed([], at: .seconds(2))
        #expect(agenda.nextDue == .seconds(32), "a poll interval after the listing ended")
        #expect(agenda.drain(at: .seconds(31)) == [])
        #expect(agenda.drain(at: .seconds(32)) == [.list])
    }

    @Test func aFailingListingBacksOffUpToTheCapWithinTheJitterThenThePollIntervalOnceItWorks() {
        var agenda = agenda(poll: .seconds(30), maximumBackoff: .seconds(600))
        var now = Duration.zero
        var waits: [Duration] = []
        for failure in 1...9 {
            #expect(agenda.drain(at: now) == [.list])
            let wait = agenda.listingFailed(at: now)
            #expect(agenda.failures == failure)
            #expect(agenda.nextDue == now + wait)
            #expect(agenda.drain(at: now + wait - .milliseconds(1)) == [], "not listed before the wait is over")
            waits.append(wait)
            now += wait
        }
        let full: [Duration] = [30, 60, 120, 240, 480, 600, 600, 600, 600].map { .seconds($0) }
        for (wait, full) in zip(waits, full) {
            #expect(wait <= full && wait > full * 0.8, "\(wait) within 20 % under \(full)")
        }
        #expect(Set(waits.suffix(4)).count == 4, "the capped waits are jittered, not in step")
        #expect(agenda.drain(at: now) == [.list])
        agenda.listed([], at: now)
        #expect(agenda.failures == 0)
        #expect(agenda.nextDue == now + .seconds(30), "one listing that works ends the backoff")
    }

    @Test func theSameSeedGivesTheSameWaitsAndAnotherSeedOthers() {
        func waits(seed: UInt64) -> [Duration] {
            var agenda = agenda(seed: seed)
            return (0..<6).map { _ in
                _ = agenda.drain(at: .zero)
                return agenda.listingFailed(at: .zero)
            }
        }
        #expect(waits(seed: 7) == waits(seed: 7))
        #expect(waits(seed: 7) != waits(seed: 8))
    }

    @Test func aFailedFetchIsTriedAgainAfterOneTwoFourSecondsUpToTheCapWithJitter() {
        var agenda = agenda(poll: .seconds(30))
        let file = stat()
        agenda.listed([file], at: .zero)
        agenda.observed(file, at: .seconds(5))
        #expect(agenda.drain(at: .seconds(5)) == [.record(.uploading(file)), .ingest(file)])
        var job = FolderAgenda.Job(ticket: ticket(file), stat: file)
        var now = Duration.seconds(5)
        let full: [Duration] = [1, 2, 4, 8, 16, 32, 60, 60].map { .seconds($0) }
        for (index, full) in full.enumerated() {
            let wait = agenda.failed(job, at: now)
            #expect(wait <= full && wait > full * 0.8, "retry \(index + 1): \(wait) within 20 % under \(full)")
            #expect(agenda.run(at: now + wait - .milliseconds(1), listing: [file]) == [], "not tried before its wait is over")
            job.failures += 1
            #expect(agenda.run(at: now + wait, listing: [file]) == [.retry(job)])
            now += wait
        }
    }

    @Test func theRetryCapIsThePollIntervalWhenThatIsLongerThanAMinute() {
        var agenda = agenda(poll: .seconds(300), maximumBackoff: .seconds(600))
        let job = FolderAgenda.Job(ticket: ticket(stat()), stat: stat(), failures: 20)
        let wait = agenda.failed(job, at: .zero)
        #expect(wait <= .seconds(300) && wait > .seconds(240))
    }

    @Test func aRetryWaitsForAListingThatWorks() throws {
        var agenda = agenda(poll: .seconds(30))
        _ = agenda.drain(at: .zero)
        agenda.listed([], at: .zero)
        let job = FolderAgenda.Job(ticket: ticket(stat()), stat: stat())
        let wait = agenda.failed(job, at: .zero)
        #expect(agenda.nextDue == wait)
        #expect(agenda.run(at: .seconds(30), listing: nil) == [], "due, but the folder cannot be listed")
        #expect(agenda.failures == 1)
        #expect(agenda.nextDue == agenda.listingDue, "the retry is not what wakes the watcher while listings fail")
        #expect(agenda.run(at: .seconds(40), listing: nil) == [])
        let next = try #require(agenda.listingDue)
        #expect(agenda.run(at: next, listing: []) == [.retry(FolderAgenda.Job(ticket: job.ticket, stat: job.stat, failures: 1))])
    }

    @Test func unfinishedJobsResumedWhileTheFolderCannotBeListedWaitForAListingThatWorks() throws {
        var agenda = agenda()
        let job = FolderAgenda.Job(ticket: ticket(stat()), stat: stat())
        agenda.resume([job], at: .zero)
        agenda.listingFailed(at: .zero)
        #expect(agenda.drain(at: .seconds(1)) == [])
        let due = try #require(agenda.listingDue)
        #expect(agenda.drain(at: due) == [.list])
        agenda.listed([stat()], at: due)
        #expect(agenda.drain(at: due) == [.record(.uploading(stat())), .retry(job)])
    }

    @Test func aNotifiedFileIsCheckedAgainWhenItsStabilityIntervalHasPassedAndTakenIfUnchanged() {
        var agenda = agenda(stability: .seconds(5))
        _ = agenda.drain(at: .zero)
        agenda.listed([], at: .zero)
        agenda.notified("a.ics")
        #expect(agenda.drain(at: .seconds(1)) == [.check("a.ics")])
        agenda.observed(stat(), at: .seconds(1))
        #expect(agenda.drain(at: .seconds(1)) == [.record(.uploading(stat()))])
        #expect(agenda.nextDue == .seconds(6), "the stability check is what the watcher wakes for")
        #expect(agenda.drain(at: .seconds(6) - .milliseconds(1)) == [])
        #expect(agenda.drain(at: .seconds(6)) == [.check("a.ics")])
        agenda.observed(stat(), at: .seconds(6))
        #expect(agenda.drain(at: .seconds(6)) == [.ingest(stat())])
    }

    @Test func aWriterThatPausesBetweenChunksShorterThanTheIntervalIsNotTakenUntilItStops() {
        var agenda = agenda(stability: .milliseconds(1500))
        _ = agenda.drain(at: .zero)
        agenda.listed([], at: .zero)
        var now = Duration.zero
        for chunk in 1...4 {
            agenda.notified("slow.ics")
            #expect(agenda.drain(at: now) == [.check("slow.ics")])
            agenda.observed(stat("slow.ics", size: Int64(chunk * 100), modified: Int64(chunk)), at: now)
            #expect(agenda.drain(at: now) == [.record(.uploading(stat("slow.ics", size: Int64(chunk * 100), modified: Int64(chunk))))])
            now += .milliseconds(700)
            #expect(agenda.drain(at: now) == [], "a pause of 700 ms is not the end of the upload")
        }
        let last = stat("slow.ics", size: 400, modified: 4)
        let stable = now - .milliseconds(700) + .milliseconds(1500)
        #expect(agenda.nextDue == stable)
        #expect(agenda.drain(at: stable) == [.check("slow.ics")])
        agenda.observed(last, at: stable)
        #expect(agenda.drain(at: stable) == [.ingest(last)])
    }

    @Test func aFileThatCannotBeLookedAtIsLookedAtAgainAStabilityIntervalLater() {
        var agenda = agenda(stability: .seconds(5))
        _ = agenda.drain(at: .zero)
        agenda.listed([stat()], at: .zero)
        _ = agenda.drain(at: .zero)
        #expect(agenda.drain(at: .seconds(5)) == [.check("a.ics")])
        agenda.checkFailed("a.ics", at: .seconds(5))
        #expect(agenda.drain(at: .seconds(5)) == [])
        #expect(agenda.nextDue == .seconds(10))
    }

    @Test func aFolderWithoutNotificationsTakesAFileFromTwoListingsTheIntervalApart() {
        var agenda = agenda(poll: .seconds(30), stability: .seconds(5), notifying: false)
        _ = agenda.drain(at: .zero)
        agenda.listed([stat()], at: .zero)
        #expect(agenda.drain(at: .zero) == [.record(.uploading(stat()))])
        #expect(agenda.nextDue == .seconds(30), "files are seen in listings only")
        #expect(agenda.drain(at: .seconds(30)) == [.list])
        agenda.listed([stat()], at: .seconds(30))
        #expect(agenda.drain(at: .seconds(30)) == [.ingest(stat())])
    }

    @Test func atMostMaximumFilesPerPollStartInOnePassAndTheRestInTheNext() {
        var agenda = agenda(stability: .zero, perPass: 2)
        let files = (1...5).map { stat("f\($0).ics") }
        _ = agenda.drain(at: .zero)
        agenda.listed(files, at: .zero)
        agenda.listed(files, at: .zero)
        let first = agenda.drain(at: .zero).filter { if case .ingest = $0 { true } else { false } }
        #expect(first == [.ingest(files[0]), .ingest(files[1])])
        #expect(agenda.nextDue == .zero, "the next pass follows at once")
        #expect(agenda.drain(at: .zero) == [.ingest(files[2]), .ingest(files[3])])
        #expect(agenda.drain(at: .zero) == [.ingest(files[4])])
        #expect(agenda.queueDepth == 0)
    }

    @Test func aFileWrittenWithoutPauseIsLookedAtNoMoreOftenThanEvery50Milliseconds() {
        var agenda = agenda(stability: .zero)
        _ = agenda.drain(at: .zero)
        agenda.listed([], at: .zero)
        agenda.notified("a.ics")
        #expect(agenda.drain(at: .zero) == [.check("a.ics")])
        agenda.observed(stat(size: 1, modified: 1), at: .zero)
        #expect(agenda.drain(at: .zero) == [.record(.uploading(stat(size: 1, modified: 1)))])
        #expect(agenda.nextDue == .milliseconds(50))
        #expect(agenda.drain(at: .milliseconds(49)) == [])
        #expect(agenda.drain(at: .milliseconds(50)) == [.check("a.ics")])
        agenda.observed(stat(size: 1, modified: 1), at: .milliseconds(50))
        #expect(agenda.drain(at: .milliseconds(50)) == [.ingest(stat(size: 1, modified: 1))])
    }

    @Test func noSettingMakesTheWatcherListOrLoopWithoutPause() {
        var agenda = agenda(poll: .milliseconds(1), maximumBackoff: .milliseconds(1), stability: .zero, perPass: 0)
        _ = agenda.drain(at: .zero)
        agenda.listed([stat()], at: .zero)
        agenda.listed([stat()], at: .zero)
        #expect(agenda.nextDue == .zero)
        #expect(agenda.drain(at: .zero).last == .ingest(stat()), "a pass starts at least one file")
        #expect(agenda.nextDue == .milliseconds(50), "a poll interval under 50 ms is taken as 50 ms")
        #expect(agenda.drain(at: .milliseconds(50)) == [.list])
        let wait = agenda.listingFailed(at: .milliseconds(50))
        #expect(wait > .milliseconds(40) && wait <= .milliseconds(50), "the backoff's cap is at least the poll interval")
    }

    @Test func aListingSlowerThanThePollIntervalDoesNotKeepTheFilesItFoundFromStarting() {
        var agenda = agenda(poll: .seconds(30), stability: .zero, notifying: false)
        #expect(agenda.drain(at: .zero) == [.list])
        agenda.listed([stat()], at: .zero)
        #expect(agenda.drain(at: .zero) == [.record(.uploading(stat()))])
        #expect(agenda.next(at: .seconds(30)) == .list)
        // The listing started at 30 s and took 40 s: the next one is due already.
        agenda.listed([stat()], at: .seconds(30))
        #expect(agenda.drain(at: .seconds(70)) == [.ingest(stat())], "the file starts before the folder is listed again")
        #expect(agenda.drain(at: .seconds(70)) == [.list])
    }

    @Test func anOverflowListsTheFolderAtOnceOrRightAfterTheListingUnderWay() {
        var agenda = agenda(poll: .seconds(30))
        _ = agenda.drain(at: .zero)
        agenda.overflowed(at: .seconds(1))
        agenda.listed([], at: .seconds(2))
        #expect(agenda.drain(at: .seconds(2)) == [.list], "the overflow came during the listing")
        agenda.listed([], at: .seconds(3))
        agenda.overflowed(at: .seconds(4))
        #expect(agenda.drain(at: .seconds(4)) == [.list])
    }
}
