import ICalendar
import Schedule
import ScheduleStore

/// Ingests the VEVENTs of an iCalendar file into the store, inside the job's transaction.
///
/// Each VEVENT is one item. A single event is applied as it is read: new (partner, UID) pairs are
/// added, known ones updated; an item equal to what is stored is `unchanged` and not rewritten; a
/// stored event with a higher SEQUENCE is kept, with a warning. The VEVENTs of a series (a UID with
/// an RRULE, RDATE or RECURRENCE-ID) are held until the last VEVENT of their UID, since overrides may
/// follow anywhere (a first read of the file finds where that is), and then applied together, with
/// every VTIMEZONE of the file: the series row and its occurrences up to the horizon
/// (`SeriesBuilder`, `EventWriter.applyOccurrences`). A file of overrides alone applies them to the
/// stored series. The file's VTIMEZONEs serve the TZIDs they define; other components are passed
/// over. A line that could not be read is a warning on its event (a line of the calendar itself,
/// on the event that follows it, or on the last one). Once everything is written, the conflicts of
/// every event added or changed are looked up (SPEC §3.4).
struct ICalJob: FileJob {
    /// Reads each VEVENT.
    let mapper: VEventMapper
    /// Now, in seconds since 1970: the horizon is counted from it.
    let now: Int64
    /// Where the report's rows are spooled once many.
    let spoolDirectory: String?

    /// A job that reads VEVENTs for `settings`' partner, with its default event type, zone of floating times and limits.
    init(settings: JobSettings, now: Int64) {
        mapper = VEventMapper(
            partnerId: settings.partnerId, defaultType: settings.defaultEventType, floatingZone: settings.timeZone, limits: settings.limits)
        self.now = now
        spoolDirectory = settings.spoolDirectory
    }

    /// The error's `ical.*` code, and its message after its line when the line is known.
    static func failure(_ error: ICalendarError) -> (code: String, message: String) {
        (error.code.rawValue, error.line > 0 ? "line \(error.line): \(error.message)" : error.message)
    }

    /// The VEVENTs of one UID held for the end of the file.
    private struct Group {
        var components: [Component] = []
        var calendarProperties: [ContentLine] = []
    }

    /// Reads the file at `path` (counting its bytes in `progress`) and applies every VEVENT; throws for a file that
    /// is not readable iCalendar.
    func ingest(path: String, progress: ReadProgress?, into transaction: any StoreTransaction) throws -> JobOutput {
        try ingest(
            open: { counted in CalendarReader(try FileByteSource(path: path, progress: counted ? progress : nil)) }, into: transaction)
    }

    /// Applies every VEVENT of a calendar already in memory (an API write's), as a file's.
    func ingest(calendar: [UInt8], into transaction: any StoreTransaction) throws -> JobOutput {
        try ingest(open: { _ in CalendarReader(BufferByteSource(calendar)) }, into: transaction)
    }

    /// What a first read of the file tells before anything is applied: where each series' UID is seen for the last time,
    /// and every VTIMEZONE.
    private struct Survey {
        /// For each UID with a VEVENT of a series, the line of the file's last VEVENT with that UID: once it is read, the
        /// series has all its VEVENTs and is applied, so a file of many series never holds them all.
        var seriesEnds: [String: Int] = [:]
        /// The file's VTIMEZONEs, as a series applied at the end of the file would see them: all of them.
        var zones = ZoneResolver()
        var timeZones: [String: Component] = [:]

        /// Reads the whole file once.
        init(_ calendarReader: CalendarReader) throws {
            var reader = calendarReader
            var lastSeen: [String: Int] = [:]
            var series: Set<String> = []
            while let component = try reader.next()?.component {
                if component.name == "VTIMEZONE" {
                    try? zones.register(component)
                    if let tzid = component.property("TZID")?.value { timeZones[tzid] = component }
                    continue
                }
                guard component.name == "VEVENT" else { continue }
                let uid = ICalJob.uid(of: component)
                guard !uid.isEmpty else { continue }
                lastSeen[uid] = component.line
                if ICalJob.isPartOfSeries(component) { series.insert(uid) }
            }
            for uid in series { seriesEnds[uid] = lastSeen[uid] }
        }
    }

    /// The trimmed, unescaped UID of a VEVENT; empty when it has none.
    static func uid(of component: Component) -> String {
        component.property("UID").map { TextValue.unescape($0.value).trimmingSpaces } ?? ""
    }

    /// Reads the file twice: once to survey it (`Survey`), once to apply it. A single event is applied as it is read;
    /// the VEVENTs of a series are held until the last VEVENT of their UID, then applied together, with every
    /// VTIMEZONE of the file.
    private func ingest(open: (_ counted: Bool) throws -> CalendarReader, into transaction: any StoreTransaction) throws -> JobOutput {
        var survey = try Survey(try open(false))
        var reader = try open(true)
        var zones = ZoneResolver()
        let writer = EventWriter(transaction: transaction)
        let checker = ReferenceChecker(transaction: transaction, partnerId: mapper.partnerId)
        // The items go to a list that spools them once many, in file order; the latest component's are held back until
        // the next one's come, since lines of the calendar read after the last component are told on it.
        var items = ItemList.Writer(directory: spoolDirectory, sortKey: \.line)
        var latest: [ItemReport] = []
        var groups: [String: Group] = [:]
        var skipped: [Int: [ReportWarning]] = [:]
        var reported = 0
        var lastLine: Int?
        func hold(_ produced: [ItemReport]) throws {
            for var item in latest {
                item.warnings += skipped[item.line] ?? []
                try items.append(item)
            }
            latest = produced
        }
        func applyGroup(_ uid: String) throws {
            // Its end is forgotten with it: a file of many series holds only those still open.
            survey.seriesEnds.removeValue(forKey: uid)
            guard let group = groups.removeValue(forKey: uid) else { return }
            try hold(
                try applySeries(
                    uid: uid, group.components, calendarProperties: group.calendarProperties, timeZones: survey.timeZones,
                    zones: &survey.zones, writer: writer, checker: checker))
        }
        while let item = try reader.next() {
            let component = item.component
            if component.name == "VTIMEZONE" {
                // A broken VTIMEZONE is left out; the events that name it are then rejected with ical.unknownTimeZone.
                try? zones.register(component)
                continue
            }
            guard component.name == "VEVENT" else { continue }
            // Lines skipped in the calendar itself (outside any component) are told on the next event.
            let broken = reader.skippedCalendarLines[reported...] + component.skippedLines
            if !broken.isEmpty {
                skipped[component.line] = broken.map { ReportWarning(code: $0.code.rawValue, message: $0.description) }
            }
            reported = reader.skippedCalendarLines.count
            lastLine = component.line
            let uid = Self.uid(of: component)
            if !uid.isEmpty && (groups[uid] != nil || Self.isPartOfSeries(component)) {
                groups[uid, default: Group()].components.append(component)
                if component.property("RECURRENCE-ID") == nil || groups[uid]!.calendarProperties.isEmpty {
                    groups[uid]!.calendarProperties = item.calendarProperties
                }
                if survey.seriesEnds[uid] == component.line { try applyGroup(uid) }
                continue
            }
            try hold([
                try applySingle(component, calendarProperties: item.calendarProperties, zones: &zones, writer: writer, checker: checker)
            ])
        }
        if let lastLine, reported < reader.skippedCalendarLines.count {
            skipped[lastLine, default: []] += reader.skippedCalendarLines[reported...].map {
                ReportWarning(code: $0.code.rawValue, message: $0.description)
            }
        }
        // A series whose last VEVENT the survey saw elsewhere (none, when both reads agree) is applied at the end.
        for uid in groups.keys.sorted(by: { groups[$0]!.components[0].line < groups[$1]!.components[0].line }) {
            try applyGroup(uid)
        }
        try hold([])
        let list = try items.finish()
        var conflicts = ConflictList.Writer(directory: spoolDirectory)
        try transaction.conflicts(
            of: writer.takeConflictSubjects(), partnerId: mapper.partnerId, lookBehind: mapper.limits.maximumEventDuration
        ) { try conflicts.append($0) }
        return JobOutput(items: list, kalturaLog: KalturaICalLog.log(list), conflicts: try conflicts.finish())
    }

    /// Whether a VEVENT belongs to a series: it has a non-empty RRULE or RDATE, or a RECURRENCE-ID.
    static func isPartOfSeries(_ component: Component) -> Bool {
        component.property("RECURRENCE-ID") != nil
            || component.properties.contains { ($0.name == "RRULE" || $0.name == "RDATE") && !$0.value.trimmingSpaces.isEmpty }
    }

    /// Applies one VEVENT that is not part of a series. A stored series with its UID becomes a single
    /// event, and its occurrences are cancelled.
    private func applySingle(
        _ component: Component, calendarProperties: [ContentLine], zones: inout ZoneResolver, writer: EventWriter,
        checker: ReferenceChecker
    ) throws -> ItemReport {
        let uid = component.property("UID").map { TextValue.unescape($0.value) }
        let mapped: MappedEvent
        do {
            mapped = try mapper.map(component, calendarProperties: calendarProperties, zones: &zones).get()
            try checker.check(mapped, isOverride: false)
        } catch {
            return Self.rejected(component, uid: uid, ValidationError(describing: error))
        }
        let event = mapped.event
        var report = ItemReport(
            line: component.line, uid: event.referenceId, action: Self.action(event), result: .unchanged,
            warnings: mapped.warnings.map(Self.warning))
        let stored = try writer.transaction.event(partnerId: event.partnerId, referenceId: event.referenceId)
        if let stored, let stale = Self.staleness(stored: stored, file: event) {
            report.id = stored.id
            report.warnings.append(stale)
            return report
        }
        (report.result, report.id) = try writer.upsert(event, stored: stored)
        if let stored, stored.recurrenceType == .recurring, let id = stored.id {
            let outcome = try writer.applyOccurrences([], seriesId: id, stored: try writer.transaction.occurrences(seriesId: id))
            report.occurrences = outcome.counts
        }
        return report
    }

    /// Applies the VEVENTs of one series UID: its master (from the file, or else the stored series' source) and overrides.
    private func applySeries(
        uid: String, _ components: [Component], calendarProperties: [ContentLine], timeZones: [String: Component],
        zones: inout ZoneResolver, writer: EventWriter, checker: ReferenceChecker
    ) throws -> [ItemReport] {
        let transaction = writer.transaction
        let builder = SeriesBuilder(mapper: mapper)
        var items: [ItemReport] = []
        var overrides = components.filter { $0.property("RECURRENCE-ID") != nil }
        let masters = components.filter { $0.property("RECURRENCE-ID") == nil }
        var timeZones = timeZones
        let stored = try transaction.event(partnerId: mapper.partnerId, referenceId: uid)
        let master: Component
        if let chosen = RecurrenceSet(uid: uid, components: masters).master {
            master = chosen
            for copy in masters where copy.line != chosen.line {
                let warning = ValidationError(
                    .supersededCopy, "another VEVENT with this UID and a higher SEQUENCE (line \(chosen.line)) is the series")
                items.append(ItemReport(line: copy.line, uid: uid, action: "upsert", result: .unchanged, warnings: [Self.warning(warning)]))
            }
        } else if let stored, stored.recurrenceType == .recurring, let source = stored.source,
            let kept = try? SeriesSource(source), let storedMaster = kept.master
        {
            // Overrides alone: they join the stored series, replacing its overrides of the same instances.
            master = storedMaster
            kept.register(into: &zones)
            timeZones.merge(kept.timeZones) { file, _ in file }
            let replaced = Set(overrides.compactMap { try? key(of: $0, master: storedMaster, builder: builder, zones: &zones) })
            overrides =
                kept.overrides.filter { kept in
                    (try? key(of: kept, master: storedMaster, builder: builder, zones: &zones)).map { !replaced.contains($0) } ?? false
                }
                + overrides
        } else {
            return items
                + overrides.map {
                    Self.rejected(
                        $0, uid: uid,
                        ValidationError(
                            .seriesNotFound,
                            "RECURRENCE-ID override of \"\(excerpt(uid, limit: 60))\", a series that is neither in the file nor stored"))
                }
        }
        let fromFile = Set(components.map(\.line))
        let storedOccurrences = try stored.flatMap { $0.id }.map { try transaction.occurrences(seriesId: $0) } ?? []
        let horizonEnd = mapper.limits.horizonEnd(now: now, stored: storedOccurrences)
        let plan: SeriesPlan
        do {
            plan = try builder.build(
                master: master, overrides: overrides, calendarProperties: calendarProperties, timeZones: timeZones,
                horizonEnd: horizonEnd, zones: &zones,
                storedCancelled: Set(storedOccurrences.filter { $0.status != .active }.map(\.recurrenceKey)), check: checker.check)
        } catch {
            let error = ValidationError(describing: error)
            let overrideError = ValidationError(.seriesRejected, "its series was rejected: \(error.code): \(error.message)")
            return items
                + (fromFile.contains(master.line) ? [Self.rejected(master, uid: uid, error)] : [])
                + overrides.filter { fromFile.contains($0.line) }.map { Self.rejected($0, uid: uid, overrideError) }
        }
        let series = plan.series.event
        var seriesItem = ItemReport(
            line: master.line, uid: uid, action: Self.action(series), result: .unchanged,
            warnings: plan.series.warnings.map(Self.warning))
        if let stored, let stale = Self.staleness(stored: stored, file: series) {
            seriesItem.id = stored.id
            seriesItem.warnings.append(stale)
            return items + (fromFile.contains(master.line) ? [seriesItem] : [])
                + overrides.filter { fromFile.contains($0.line) }.map {
                    ItemReport(line: $0.line, uid: uid, action: "upsert", result: .unchanged, id: stored.id, warnings: [stale])
                }
        }
        let seriesId: Int64
        (seriesItem.result, seriesId) = try writer.upsert(series, stored: stored)
        seriesItem.id = seriesId
        let outcome = try writer.applyOccurrences(plan.occurrences, seriesId: seriesId, stored: storedOccurrences)
        seriesItem.occurrences = outcome.counts
        let counts = outcome.counts
        if seriesItem.result == .unchanged, let stored, stored.source != series.source,
            counts.added + counts.updated + counts.cancelled + counts.deleted > 0
        {
            // The source means the same for the series itself, but an override in it changed an occurrence: keep the new
            // overrides, which the horizon extender and files of overrides alone build on.
            var rewritten = series
            rewritten.id = seriesId
            try transaction.update(rewritten)
            seriesItem.result = .updated
        }
        if fromFile.contains(master.line) { items.append(seriesItem) }
        for component in overrides where fromFile.contains(component.line) {
            switch plan.overrides[component.line] {
            case .failure(let error):
                items.append(Self.rejected(component, uid: uid, error))
            case .success(let (override, key)):
                var item = ItemReport(
                    line: component.line, uid: uid, action: Self.action(override.event), result: .unchanged,
                    warnings: override.warnings.map(Self.warning), recurrenceKey: key)
                if let written = outcome.byKey[key] {
                    (item.result, item.id) = (written.result, written.id)
                } else if plan.spentCancellations.contains(component.line) {
                    item.id = storedOccurrences.first { $0.recurrenceKey == key }?.id
                } else {
                    let warning = ValidationError(
                        .overrideNotMaterialized,
                        "the instance \(key) is not stored: it lies beyond the horizon, or an EXDATE removes it; the override is kept with the series"
                    )
                    item.warnings.append(Self.warning(warning))
                }
                items.append(item)
            case nil:
                continue
            }
        }
        return items
    }

    /// The recurrence key of an override's RECURRENCE-ID in the series of `master`.
    private func key(of component: Component, master: Component, builder: SeriesBuilder, zones: inout ZoneResolver) throws -> String {
        try builder.recurrenceKey(
            try DateTimeValue(component.property("RECURRENCE-ID")!), seriesIsDate: SeriesBuilder.isSeriesOfDates(master), zones: &zones)
    }

    /// The warning when the stored event has a higher SEQUENCE than the file's, or nil.
    private static func staleness(stored: ScheduleEvent, file: ScheduleEvent) -> ReportWarning? {
        guard stored.sequence > file.sequence else { return nil }
        return warning(
            ValidationError(
                .staleSequence,
                "stored SEQUENCE \(stored.sequence) is higher than the file's \(file.sequence); the event was kept as stored"))
    }

    /// What an item asks for, by the status it gives the event.
    private static func action(_ event: ScheduleEvent) -> String {
        switch event.status {
        case .active: "upsert"
        case .cancelled: "cancel"
        case .deleted: "delete"
        }
    }

    private static func rejected(_ component: Component, uid: String?, _ error: ValidationError) -> ItemReport {
        ItemReport(line: component.line, uid: uid, action: "upsert", result: .rejected, code: error.code, message: error.message)
    }

    private static func warning(_ error: ValidationError) -> ReportWarning {
        ReportWarning(code: error.code, message: error.message)
    }
}
