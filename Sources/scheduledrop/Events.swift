import ArgumentParser
import Foundation
import Schedule
import ScheduleStore

/// A time on the command line: seconds since 1970 (below 1980 relative to now, as Kaltura reads them) or a UTC date or date-time.
struct ListTime: ExpressibleByArgument {
    /// Seconds since 1970, or relative seconds when below 1980.
    var seconds: Int64

    init?(argument: String) {
        guard let seconds = Int64(argument) ?? utcInstant(argument) else { return nil }
        self.seconds = seconds
    }
}

/// The feed's event filters as command-line options, shared by `events` and `export`.
struct EventFilterOptions: ParsableArguments {
    @Option(help: "Start at or after this time.") var startFrom: ListTime?
    @Option(help: "Start at or before this time.") var startTo: ListTime?
    @Option(help: "End at or after this time.") var endFrom: ListTime?
    @Option(help: "End at or before this time.") var endTo: ListTime?
    @Option(help: "Changed at or after this time.") var updatedFrom: ListTime?
    @Option(help: "Changed at or before this time.") var updatedTo: ListTime?
    @Option(help: "Stored at or after this time.") var createdFrom: ListTime?
    @Option(help: "The reference id (UID).") var uid: [String] = []
    @Option(help: "The event id.") var id: [Int64] = []
    @Option(help: "The parent (series) id.") var parent: [Int64] = []
    @Option(help: "The status: 1 cancelled, 2 active.") var status: [Int] = []
    @Option(help: "The recurrence type: 0 single, 1 series, 2 occurrence.") var recurrenceType: [Int] = []
    @Option(help: "The template entry id.") var templateEntryId: String?
    @Option(help: "A resource the event uses.") var resource: [Int64] = []
    @Option(help: "A category the event is in.") var category: [Int64] = []
    @Option(help: "Words the tags contain, as the feed's tagsLike reads them.") var tagsLike: String?

    func validate() throws {
        if let bad = status.first(where: { EventStatus(rawValue: $0) == nil }) { throw ValidationError("--status \(bad) is not 1, 2 or 3") }
        if let bad = recurrenceType.first(where: { RecurrenceType(rawValue: $0) == nil }) {
            throw ValidationError("--recurrence-type \(bad) is not 0, 1 or 2")
        }
    }

    /// The filter the options ask for, relative times resolved from `now`.
    func filter(now: Int64) -> EventFilter {
        var filter = EventFilter()
        filter.startDateGreaterThanOrEqual = startFrom?.seconds
        filter.startDateLessThanOrEqual = startTo?.seconds
        filter.endDateGreaterThanOrEqual = endFrom?.seconds
        filter.endDateLessThanOrEqual = endTo?.seconds
        filter.updatedAtGreaterThanOrEqual = updatedFrom?.seconds
        filter.updatedAtLessThanOrEqual = updatedTo?.seconds
        filter.createdAtGreaterThanOrEqual = createdFrom?.seconds
        filter.referenceIdIn = uid.isEmpty ? nil : uid
        filter.idIn = id.isEmpty ? nil : id
        filter.parentIdIn = parent.isEmpty ? nil : parent
        filter.statusIn = status.isEmpty ? nil : status.compactMap(EventStatus.init)
        filter.recurrenceTypeIn = recurrenceType.isEmpty ? nil : recurrenceType.compactMap(RecurrenceType.init)
        filter.templateEntryIdEqual = templateEntryId
        filter.resourceIds = resource.isEmpty ? nil : ItemMatch(any: resource)
        filter.categoryIds = category.isEmpty ? nil : ItemMatch(any: category)
        filter.tags = tagsLike.map { ItemMatch(all: TextWords.likePhrases($0)) }
        return filter.resolvingRelativeTimes(now: now)
    }
}

/// `scheduledrop events`: a partner's events from the store, with the feed's filters and pager.
struct Events: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List a partner's events with the feed's filters, as a table or as the feed's JSON.",
        discussion: """
            Times are seconds since 1970 (below 1980 they are relative to now: 0 is now, -3600 an hour ago) or UTC dates \
            and date-times (2026-11-24, 2026-11-24T08:00:00Z). Options that may repeat select any of their values. \
            Deleted events are never listed; results come in order of start, then id, 30 to a page by default (at most 500).
            """
    )

    @OptionGroup var options: StoreOptions

    @Option(help: "The partner (default: the first configured folder's).")
    var partner: Int?
    @Flag(help: "Print the feed's JSON (KalturaScheduleEventListResponse) instead of a table.")
    var json = false
    @OptionGroup var filters: EventFilterOptions
    @Option(help: "Results per page (30 by default, at most 500).") var pageSize: Int?
    @Option(help: "The page, from 1.") var page: Int?

    func run() async throws {
        let configuration = try options.load()
        let pager: Pager
        do {
            pager = try Pager(pageSize: pageSize, pageIndex: page)
        } catch {
            throw ValidationError(error.message)
        }
        let store = try await configuration.existingStore()
        let partnerId = configuration.partner(partner)
        let page =
            try await store?.events(partnerId: partnerId, filter: filters.filter(now: Int64(Date().timeIntervalSince1970)), pager: pager)
            ?? EventPage(events: [], totalCount: 0)
        if json {
            try printJSON(
                KalturaListResponse(
                    objects: page.events.map(KalturaObject.init), totalCount: page.totalCount,
                    objectType: "KalturaScheduleEventListResponse"))
            return
        }
        let header = ["ID", "TYPE", "STATUS", "KIND", "PARENT", "START", "END", "UID", "SUMMARY", "RESOURCES"]
        let rows = page.events.map { event -> [String] in
            [
                String(event.id ?? 0), String(describing: event.type), String(describing: event.status),
                ["single", "series", "occurrence"][event.recurrenceType.rawValue], event.parentId.map(String.init) ?? "-",
                isoTime(event.startDate), isoTime(event.endDate), event.referenceId, event.summary ?? "-",
                event.resourceIds.isEmpty ? "-" : event.resourceIds.map(String.init).joined(separator: ","),
            ]
        }
        let shown = rows.isEmpty ? 0 : pager.offset + 1
        print(alignedTable(header, rows))
        print("\(shown)-\(pager.offset + rows.count) of \(page.totalCount) (page \(pager.pageIndex), \(pager.pageSize) to a page)")
    }
}

/// `scheduledrop resources`: a partner's resources from the store.
struct Resources: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List a partner's resources (deleted ones left out), as a table or as the feed's JSON.")

    @OptionGroup var options: StoreOptions

    @Option(help: "The partner (default: the first configured folder's).")
    var partner: Int?
    @Flag(help: "Print the feed's JSON (KalturaScheduleResourceListResponse) instead of a table.")
    var json = false

    func run() async throws {
        let configuration = try options.load()
        let partnerId = configuration.partner(partner)
        let resources = try await configuration.existingStore()?.resources(partnerId: partnerId).filter { $0.status != .deleted } ?? []
        if json {
            try printJSON(
                KalturaListResponse(
                    objects: resources.map(KalturaObject.init), totalCount: resources.count,
                    objectType: "KalturaScheduleResourceListResponse"))
            return
        }
        let header = ["ID", "TYPE", "STATUS", "PARENT", "SYSTEM NAME", "NAME", "TAGS"]
        let rows = resources.map { resource -> [String] in
            [
                String(resource.id ?? 0), resource.type.csvName, String(describing: resource.status),
                resource.parentId.map(String.init) ?? "-",
                resource.systemName.isEmpty ? "-" : resource.systemName, resource.name, resource.tags.isEmpty ? "-" : resource.tags,
            ]
        }
        print(alignedTable(header, rows))
    }
}
