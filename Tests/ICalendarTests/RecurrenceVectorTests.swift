import Foundation
import Testing

@testable import ICalendar

/// The folder `Tests/Corpus` of this repository.
let corpusDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Corpus")

/// One line of `vectors/libical-recur-vectors.jsonl`: a libical RRULE test case.
private struct RecurrenceVector: Decodable {
    var source: String
    var index: Int
    var rrule: String
    var dtstart: String
    var start_at: String?
    var instances: [String]

    /// The source file's name without folders (`icalrecur_test.txt`).
    var sourceName: String { String(source.split(separator: "/").last ?? "") }
    /// `sourceName` and `index`, as the known-disagreements list names a vector.
    var key: String { "\(sourceName)#\(index)" }
}

/// A DTSTART as the vectors write it: `YYYYMMDD`, `YYYYMMDDTHHMMSS` or with a trailing `Z`.
private struct VectorTime {
    var local: LocalDateTime
    var isDate: Bool
    var isUTC: Bool

    init(_ text: String) throws {
        if let date = DateTimeValue.parseDate(text.utf8) {
            (local, isDate, isUTC) = (date, true, false)
        } else {
            let (value, utc) = try #require(DateTimeValue.parseDateTime(text))
            (local, isDate, isUTC) = (value, false, utc)
        }
    }

    /// `value` written the way this start is.
    func format(_ value: LocalDateTime) -> String {
        isDate ? String(value.description.prefix(8)) : value.description + (isUTC ? "Z" : "")
    }
}

@Suite struct RecurrenceVectorTests {
    /// Every libical vector agrees with libical, except those listed in `known-disagreements/vectors.tsv`,
    /// and every listed vector still disagrees.
    @Test func libicalVectorsAgreeExceptTheListedOnes() throws {
        let vectors = try String(contentsOf: corpusDirectory.appendingPathComponent("vectors/libical-recur-vectors.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try JSONDecoder().decode(RecurrenceVector.self, from: Data($0.utf8)) }
        let listed = try knownDisagreements()
        var disagreements: [String: String] = [:]
        for vector in vectors {
            if let problem = try disagreement(vector) { disagreements[vector.key] = problem }
        }
        for (key, problem) in disagreements.sorted(by: { $0.key < $1.key }) where listed[key] == nil {
            Issue.record("\(key) disagrees with libical and is not listed: \(problem)")
        }
        for key in listed.keys.sorted() where disagreements[key] == nil {
            Issue.record("\(key) is listed as a disagreement but now agrees with libical; remove it from vectors.tsv")
        }
        #expect(vectors.count >= 160)
        #expect(vectors.count - disagreements.count >= 155, "agreeing: \(vectors.count - disagreements.count) of \(vectors.count)")
    }

    /// The listed disagreements, by `file#index`, with their reasons.
    private func knownDisagreements() throws -> [String: String] {
        let text = try String(contentsOf: corpusDirectory.appendingPathComponent("known-disagreements/vectors.tsv"), encoding: .utf8)
        var listed: [String: String] = [:]
        for row in text.split(separator: "\n") where !row.hasPrefix("#") && !row.hasPrefix("index\t") {
            let columns = row.split(separator: "\t", omittingEmptySubsequences: false)
            try #require(columns.count == 3, "a row of vectors.tsv needs index, source and reason: \(row)")
            listed["\(columns[1])#\(columns[0])"] = String(columns[2])
        }
        return listed
    }

    /// Nil when we agree with libical on `vector`, else what differs.
    private func disagreement(_ vector: RecurrenceVector) throws -> String? {
        let start = try VectorTime(vector.dtstart)
        let refused = vector.instances.first?.hasPrefix("***") == true
        let outcome: [String]
        do {
            outcome = try expand(vector, start: start, skippingTo: nil, limit: refused ? 5 : vector.instances.count)
        } catch let error as ICalendarError {
            return refused ? nil : "we throw \(error)"
        }
        if refused { return "libical refuses; we yield \(outcome.joined(separator: ","))" }
        if outcome != vector.instances {
            return "expected \(vector.instances.joined(separator: ",")) got \(outcome.joined(separator: ","))"
        }
        guard let startAt = vector.start_at else { return nil }
        let target = try VectorTime(startAt)
        let expected = vector.instances.filter { (try? VectorTime($0).local).map { $0 >= target.local } ?? false }
        let skipped = try expand(vector, start: start, skippingTo: target.local, limit: expected.count)
        return skipped == expected ? nil : "from START-AT \(startAt) expected \(expected.joined(separator: ",")) got \(skipped)"
    }

    /// The first instances, up to `limit`, plus one more when the rule has COUNT or UNTIL (so a missing end shows).
    private func expand(_ vector: RecurrenceVector, start: VectorTime, skippingTo target: LocalDateTime?, limit: Int) throws -> [String] {
        let rule = try RecurrenceRule(parsing: vector.rrule)
        var iterator = try RecurrenceIterator(rule: rule, start: start.local, startIsDate: start.isDate, includeStart: false) {
            $0.wallSeconds
        }
        if let target { iterator.skip(to: target) }
        let bounded = rule.count != nil || rule.until != nil
        var result: [String] = []
        while result.count < limit + (bounded ? 1 : 0), let value = try iterator.next() {
            result.append(start.format(value))
        }
        return result
    }
}
