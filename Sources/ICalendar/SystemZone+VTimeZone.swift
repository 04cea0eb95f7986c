import Foundation

extension SystemZone {
    /// A VTIMEZONE named `tzid` that gives this zone's offsets at every instant of `span` (RFC 5545 §3.6.5).
    ///
    /// One observance starts at the beginning of the span with the offset then in force, and one more
    /// follows for each change of offset inside it (DAYLIGHT when tzdata calls the new offset daylight
    /// saving time, STANDARD otherwise), each with its DTSTART on the wall clock of the offset before it
    /// and no RRULE. Outside the span the VTIMEZONE is not meant to be read.
    public func vTimeZone(tzid: String, covering span: Range<Int64>) -> Component {
        func observance(at instant: Int64, from: Int, to: Int) -> Component {
            let date = Date(timeIntervalSince1970: TimeInterval(instant))
            var properties = [
                ContentLine(name: "DTSTART", value: LocalDateTime(wallSeconds: instant + Int64(from)).description),
                ContentLine(name: "TZOFFSETFROM", value: UTCOffset(seconds: from).description),
                ContentLine(name: "TZOFFSETTO", value: UTCOffset(seconds: to).description),
            ]
            if let name = timeZone.abbreviation(for: date) {
                properties.append(ContentLine(name: "TZNAME", value: TextValue.escape(name)))
            }
            return Component(name: timeZone.isDaylightSavingTime(for: date) ? "DAYLIGHT" : "STANDARD", properties: properties)
        }
        let first = offset(atInstant: span.lowerBound)
        var observances = [observance(at: span.lowerBound, from: first, to: first)]
        for change in transitions(in: span.lowerBound + 1..<span.upperBound) {
            observances.append(observance(at: change.instant, from: change.offsetFrom, to: change.offsetTo))
        }
        return Component(
            name: "VTIMEZONE", properties: [ContentLine(name: "TZID", value: TextValue.escape(tzid))], components: observances)
    }
}
