import ArgumentParser
import Foundation
import Schedule
import ScheduleStore

/// `scheduledrop export`: a partner's events as iCalendar, JSON or XML on standard output.
struct Export: AsyncParsableCommand {
    /// The output formats.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case ical, json, xml
    }

    static let configuration = CommandConfiguration(
        abstract: "Write a partner's events (deleted ones left out) as iCalendar, JSON or XML, as the feed gives them.",
        discussion: """
            Every selected event is written, in order of start, without pages: iCalendar as a VCALENDAR with every \
            X-KALTURA-* property; JSON and XML in Kaltura's list shape (KalturaScheduleEventListResponse). The \
            filters are those of `scheduledrop events`.
            """
    )

    @OptionGroup var options: StoreOptions
    @Option(help: "ical, json or xml.") var format = Format.ical
    @Option(help: "The partner (default: the first configured folder's).") var partner: Int?
    @OptionGroup var filters: EventFilterOptions

    func run() async throws {
        let configuration = try options.load()
        let partnerId = configuration.partner(partner)
        let events =
            try await configuration.existingStore()?.events(
                partnerId: partnerId, filter: filters.filter(now: Int64(Date().timeIntervalSince1970))) ?? []
        let response = KalturaListResponse(
            objects: events.map(KalturaObject.init), totalCount: events.count, objectType: "KalturaScheduleEventListResponse")
        switch format {
        case .ical: FileHandle.standardOutput.write(Data(try EventCalendar.calendar(events)))
        case .json: try printJSON(response)
        case .xml: print(KalturaXML.document(response))
        }
    }
}
