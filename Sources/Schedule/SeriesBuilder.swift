import ICalendar

/// A series read from its VEVENTs: the series event, its occurrences up to a horizon, and the fate of each override.
public struct SeriesPlan: Sendable {
    /// The series: the master's fields, recurrence type "recurring", and as source the master, its
    /// overrides and the VTIMEZONEs they name.
    public var series: MappedEvent
    /// The occurrences that start before the horizon, in order of start: recurrence type "recurrence",
    /// each with its recurrence key; parent ids are not set.
    public var occurrences: [ScheduleEvent]
    /// Each override's outcome by its line: it read, with the key of the instance it describes, or why it was rejected.
    public var overrides: [Int: Result<(event: MappedEvent, key: String), ValidationError>]
    /// The lines of the overrides left out as cancelling nothing: cancelled, of no instance of the series, and of an
    /// occurrence stored cancelled already (an export's occurrence that the series no longer has, read back).
    public var spentCancellations: Set<Int> = []
}

/// Expands a series — a master VEVENT with an RRULE or RDATE, and its RECURRENCE-ID overrides — into
/// the occurrences to store, and checks Kaltura's limits on it.
///
/// Occurrences are those from the first instance up to `horizonEnd`. A series whose rules all end
/// (COUNT or UNTIL) must not span more than `maximumSeriesSpan` from its first instance to the start
/// of its last (it is expanded to its end to know; `RecurrenceSet.maximumInstances` bounds the work);
/// an endless series is materialized up to the horizon only. More than
/// `maximumOccurrences` occurrences before the horizon reject the series. An override that is
/// invalid is rejected on its own, and its instance stays as the master makes it.
///
/// An override that makes its instance just as the master does is no override, and nor is a cancelled override of
/// no instance of the series whose occurrence is stored cancelled already: neither is kept with the series.
///
/// An occurrence takes the fields of the component that describes it (the master, or an
/// override); the X-KALTURA-* values an override does not state, its resource links among them,
/// are the series'. A cancelled or deleted series makes every occurrence so.
public struct SeriesBuilder: Sendable {
    /// The mapper of each VEVENT, with the partner, defaults and limits.
    public var mapper: VEventMapper

    /// Creates a builder.
    public init(mapper: VEventMapper) {
        self.mapper = mapper
    }

    /// Builds the plan of one series; throws the master's `ValidationError` (or an `ICalendarError` of its recurrence).
    ///
    /// `timeZones` are the file's VTIMEZONEs; those the series names are kept in its source. `check` is
    /// asked about the master and each override (`true`) after they read well (for the checks that need
    /// the store); what it throws rejects the series or the override. `storedCancelled` are the recurrence keys of the
    /// series' stored occurrences that are not active.
    public func build(
        master: Component, overrides: [Component], calendarProperties: [ContentLine], timeZones: [String: Component],
        horizonEnd: Int64, zones: inout ZoneResolver, storedCancelled: Set<String> = [],
        check: (MappedEvent, _ isOverride: Bool) throws -> Void = { _, _ in }
    ) throws -> SeriesPlan {
        var mapped = try mapper.map(master, calendarProperties: calendarProperties, zones: &zones).get()
        try check(mapped, false)
        var overrideResults: [Int: Result<(event: MappedEvent, key: String), ValidationError>] = [:]
        var validOverrides: [Component] = []
        var byLine: [Int: MappedEvent] = [master.line: mapped]
        let ofDates = Self.isSeriesOfDates(master)
        for component in overrides {
            do {
                let override = try mapper.map(component, calendarProperties: calendarProperties, zones: &zones).get()
                try check(override, true)
                let id = component.property("RECURRENCE-ID")!
                let key = try recurrenceKey(try DateTimeValue(id), seriesIsDate: ofDates, zones: &zones, line: id.line)
                overrideResults[component.line] = .success((override, key))
                validOverrides.append(component)
                byLine[component.line] = override
            } catch {
                overrideResults[component.line] = .failure(ValidationError(describing: error))
            }
        }
        let uid = mapped.event.referenceId
        let bounded = try master.properties(named: "RRULE").filter { !$0.value.trimmingSpaces.isEmpty }.allSatisfy {
            let rule = try RecurrenceRule(parsing: $0.value, line: $0.line)
            return rule.count != nil || rule.until != nil
        }
        let first = mapped.event.startDate
        // A series that ends is expanded to its end, so that an instance past the span is seen however far it lies.
        let windowEnd = bounded ? max(horizonEnd, Self.latest) : horizonEnd
        /// The occurrences before the horizon with `overrides` applied, the start of the last instance, and whether
        /// there is any instance at all.
        func expand(_ overrides: [Component]) throws -> (occurrences: [ScheduleEvent], lastStart: Int64, any: Bool) {
            let set = RecurrenceSet(uid: uid, components: [master] + overrides)
            let instances = try set.occurrences(overlapping: Self.earliest..<windowEnd, zones: &zones)
            var occurrences: [ScheduleEvent] = []
            var lastStart = first
            for instance in instances {
                let start = try mapper.instant(of: instance.start, zones: &zones)
                lastStart = max(lastStart, start)
                guard start < horizonEnd else { continue }
                let end = try mapper.instant(of: instance.end, zones: &zones)
                try mapper.checkDuration(end - start, uid: uid)
                let describing = byLine[instance.component.line] ?? mapped
                occurrences.append(
                    try occurrence(
                        of: mapped, described: describing, isOverride: instance.component.line != master.line,
                        recurrenceID: instance.recurrenceID ?? instance.start, seriesIsDate: ofDates, start: start, end: end,
                        zones: &zones))
            }
            return (occurrences, lastStart, !instances.isEmpty)
        }
        var (occurrences, lastStart, anyInstance) = try expand(validOverrides)
        if !anyInstance && (bounded || first < horizonEnd) {
            mapped.warnings.append(
                ValidationError(
                    .noOccurrences, "series \(uid) has no occurrence: its EXDATEs remove every instance its rules and RDATEs make"))
        }
        var spentCancellations: Set<Int> = []
        if !validOverrides.isEmpty {
            // An export's occurrences read back: one the master makes just so, or one cancelled that the series no longer has.
            let plain = Dictionary(try expand([]).occurrences.map { ($0.recurrenceKey, $0) }) { first, _ in first }
            let made = Dictionary(occurrences.map { ($0.recurrenceKey, $0) }) { first, _ in first }
            let kept = try validOverrides.filter { component in
                guard case .success(let (described, key))? = overrideResults[component.line] else { return true }
                guard let instance = plain[key] else {
                    // `plain` holds the instances before the horizon: an override of one beyond it cancels something still.
                    let original = try mapper.instant(of: try DateTimeValue(component.property("RECURRENCE-ID")!), zones: &zones)
                    guard described.event.status != .active, storedCancelled.contains(key), original < horizonEnd else { return true }
                    spentCancellations.insert(component.line)
                    return false
                }
                guard var override = made[key] else { return true }
                override.source = nil
                return !override.hasSameContent(as: instance)
            }
            if kept.count < validOverrides.count {
                validOverrides = kept
                (occurrences, lastStart, _) = try expand(kept)
            }
        }
        if bounded && lastStart - first > mapper.limits.maximumSeriesSpan {
            throw ValidationError(
                .seriesTooLong,
                "series \(uid) runs from \(isoTime(first)) to \(isoTime(lastStart)); a series may span at most "
                    + "\(mapper.limits.maximumSeriesSpan / 86_400) days")
        }
        guard occurrences.count <= mapper.limits.maximumOccurrences else {
            throw ValidationError(
                .tooManyOccurrences,
                "series \(uid) has \(occurrences.count) occurrences up to the horizon (\(mapper.limits.horizon / 86_400) days "
                    + "ahead); at most \(mapper.limits.maximumOccurrences) are materialized per series")
        }
        let used = Set(([master] + validOverrides).flatMap { $0.properties.compactMap { $0.parameter("TZID") } })
        let zoneComponents = timeZones.filter { used.contains($0.key) }.sorted { $0.key < $1.key }.map(\.value)
        mapped.event.recurrenceType = .recurring
        mapped.event.source = try VEventMapper.source(of: zoneComponents + [master] + validOverrides)
        return SeriesPlan(
            series: mapped, occurrences: occurrences, overrides: overrideResults, spentCancellations: spentCancellations)
    }

    /// The start of every expansion window: 1900-01-01 UTC, before any instance a calendar can mean.
    static let earliest: Int64 = -2_208_988_800
    /// The end of the window of a series that ends: 10000-01-01 UTC, after any instance a calendar can write.
    static let latest: Int64 = 253_402_300_800

    /// The occurrence event of one instance.
    private func occurrence(
        of series: MappedEvent, described: MappedEvent, isOverride: Bool, recurrenceID: DateTimeValue, seriesIsDate: Bool, start: Int64,
        end: Int64, zones: inout ZoneResolver
    ) throws -> ScheduleEvent {
        var event = described.event
        let own = isOverride ? described.kaltura : KalturaProperties()
        let inherited = series.event
        event.type = own.type ?? inherited.type
        event.tags = own.tags ?? inherited.tags
        event.categoryIds = own.categoryIds ?? inherited.categoryIds
        event.entryIds = own.entryIds ?? inherited.entryIds
        event.templateEntryId = own.templateEntryId ?? inherited.templateEntryId
        event.ownerId = own.ownerId ?? inherited.ownerId
        event.resourceIds = own.resourceIds ?? inherited.resourceIds
        if inherited.status != .active && event.status == .active { event.status = inherited.status }
        if inherited.status == .deleted { event.status = .deleted }
        event.recurrenceType = .recurrence
        event.recurrenceRule = nil
        event.startDate = start
        event.endDate = end
        event.recurrenceKey = try recurrenceKey(recurrenceID, seriesIsDate: seriesIsDate, zones: &zones)
        if !isOverride {
            event.source = nil
            event.timeZoneID = inherited.timeZoneID
        }
        return event
    }

    /// The identity of an instance in its series: `YYYYMMDD` for a date or any instance of a series of dates (whose
    /// overrides Outlook names by a DATE-TIME at midnight), else its instant as `YYYYMMDDTHHMMSSZ`.
    public func recurrenceKey(_ id: DateTimeValue, seriesIsDate: Bool, zones: inout ZoneResolver, line: Int = 0) throws -> String {
        id.isDate || seriesIsDate
            ? String(id.local.description.prefix(8))
            : LocalDateTime(wallSeconds: try mapper.instant(of: id, zones: &zones, line: line)).description + "Z"
    }

    /// Whether a master's DTSTART is a DATE (false when it has none or it does not read).
    public static func isSeriesOfDates(_ master: Component) -> Bool {
        master.property("DTSTART").flatMap { try? DateTimeValue($0) }?.isDate ?? false
    }
}

extension KalturaProperties {
    /// No X-KALTURA-* property at all.
    init() {}
}
