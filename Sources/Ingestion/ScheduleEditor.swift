import Foundation
import ICalendar
import Schedule
import ScheduleStore

/// Writes made call by call over Kaltura's API (`scheduleEvent.add`, `scheduleResource.update` …), each in one
/// transaction of its own, by the very jobs and rules a dropped file goes through.
///
/// An event write is a small calendar, made inside the transaction (so it can start from what is stored and no other
/// write lands between the read and the write), applied as an iCalendar job of the partner would apply it: the same
/// mapping, checks, series expansion, horizon, limits and codes. A resource write is one row of the resource job. The
/// partner's job settings are those of its uploads (`settings`), with the event type of the API object. The first
/// item rejected, or left unapplied because the store holds a higher SEQUENCE, rolls the write back and is thrown as an
/// `EditRejection` with its code. A write that changes the schedule moves the store's data version.
public struct ScheduleEditor: Sendable {
    private let store: any ScheduleWriting
    private let settings: @Sendable (Int) -> JobSettings
    private let now: @Sendable () -> Int64

    /// An editor over `store`; `settings` gives a partner's job settings, `now` the time in seconds since 1970.
    public init(
        store: any ScheduleWriting, settings: @escaping @Sendable (Int) -> JobSettings,
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        self.store = store
        self.settings = settings
        self.now = now
    }

    /// Applies the VEVENTs (and VTIMEZONEs) `compose` makes as one iCalendar job of `partnerId`, whose events are of
    /// the type `compose` gives where a VEVENT sets none, then gives what `finish` makes of the items, in the same
    /// transaction.
    public func writeEvents<T: Sendable>(
        partnerId: Int, compose: @escaping @Sendable (any StoreTransaction) throws -> (type: EventType, components: [Component]),
        then finish: @escaping @Sendable (any StoreTransaction, [ItemReport]) throws -> T
    ) async throws -> T {
        var partnerSettings = settings(partnerId)
        partnerSettings.partnerId = partnerId
        let jobSettings = partnerSettings
        let now = now()
        return try await store.write { transaction in
            let (type, components) = try compose(transaction)
            var writer = CalendarWriter()
            try writer.writeCalendar(
                properties: [ContentLine(name: "VERSION", value: "2.0"), ContentLine(name: "PRODID", value: "-//scheduledrop//api//EN")],
                components: components)
            var typed = jobSettings
            typed.defaultEventType = type
            let items = try ICalJob(settings: typed, now: now).ingest(calendar: writer.bytes, into: transaction).items
            for item in items {
                if item.result == .rejected {
                    throw EditRejection(code: item.code ?? ValidationError.Code.unreadable.rawValue, message: item.message ?? "")
                }
                if let stale = item.warnings.first(where: { $0.code == ValidationError.Code.staleSequence.rawValue }) {
                    throw EditRejection(code: stale.code, message: stale.message)
                }
            }
            return try finish(transaction, Array(items))
        }
    }

    /// The calendar that makes `event` again as it is stored, for a write to edit: its VEVENT as an export writes it
    /// (`EventCalendar`), and the other components the job needs beside it: the VTIMEZONEs it uses and, for a series,
    /// the overrides it keeps (without them, a series written again would lose its exceptions).
    public static func storedCalendar(of event: ScheduleEvent) throws -> StoredCalendar {
        var reader = CalendarReader(BufferByteSource(try EventCalendar.calendar([event])))
        var zones: [Component] = []
        var vevent: Component?
        while let component = try reader.next()?.component {
            if component.name == "VEVENT" { vevent = component } else { zones.append(component) }
        }
        guard let vevent else {
            throw EditRejection(
                code: ValidationError.Code.unreadable.rawValue, message: "event \(event.id ?? 0) cannot be written as iCalendar")
        }
        guard event.recurrenceType == .recurring, let source = event.source, let kept = try? SeriesSource(source) else {
            return StoredCalendar(zones: zones, event: vevent, overrides: [])
        }
        let exported = Set(zones.compactMap { $0.property("TZID")?.value })
        return StoredCalendar(
            zones: zones + kept.timeZones.filter { !exported.contains($0.key) }.map(\.value), event: vevent, overrides: kept.overrides)
    }

    /// Applies one resource row of `partnerId` whose parent is `parentId` (checked here), as the resource job applies a
    /// CSV row, and gives the resource as it then stands.
    public func writeResource(partnerId: Int, row: ResourceRow, parentId: Int64?) async throws -> ScheduleResource {
        try await store.write { transaction in
            do {
                return try ResourceWriter(partnerId: partnerId, transaction: transaction).apply(row, parentId: parentId).1
            } catch let error as ValidationError {
                throw EditRejection(code: error.code, message: error.message)
            }
        }
    }
}

/// An API write refused by the rules a file's item is held to: the item's code (`event.endBeforeStart` …) and message.
public struct EditRejection: Error, Equatable, Sendable {
    /// The stable code, as a file's report gives it.
    public var code: String
    /// What is wrong, for people.
    public var message: String

    /// A rejection with `code` and `message`.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}

/// A stored event as the calendar that makes it again (`ScheduleEditor.storedCalendar(of:)`).
public struct StoredCalendar {
    /// The VTIMEZONEs its times name.
    public var zones: [Component]
    /// Its VEVENT.
    public var event: Component
    /// For a series, the overrides it keeps.
    public var overrides: [Component]

    /// Every component, in the order a job reads them: zones, the event, its overrides.
    public var components: [Component] { zones + [event] + overrides }
}
