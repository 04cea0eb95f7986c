import Foundation
import Schedule

/// Reads the fields of one object parameter, remembering which it read so the rest can be refused.
struct FieldReader {
    private var fields: [String: String]
    private let object: String
    /// The object's `objectType`, if given.
    let objectType: String?

    init(_ fields: [String: String], object: String) {
        self.fields = fields
        self.object = object
        objectType = self.fields.removeValue(forKey: "objectType")
    }

    /// A text field.
    mutating func text(_ name: String) -> String? {
        fields.removeValue(forKey: name)
    }

    /// An `…Equal` field and an `…In` list, together one list (their union); nil when neither is given.
    mutating func texts(_ equal: String, _ list: String) -> [String]? {
        let one = text(equal).map { [$0] }
        let many = text(list).map(Self.items)
        return one == nil && many == nil ? nil : (one ?? []) + (many ?? [])
    }

    /// A whole-number field.
    mutating func number(_ name: String) throws(FeedError) -> Int64? {
        try numbers(name).map { numbers throws(FeedError) in
            guard numbers.count == 1 else { throw FeedError(.invalidParameter, "\(object):\(name) must be one whole number") }
            return numbers[0]
        }
    }

    /// Numbers from `…Equal` and comma-separated lists, together one list.
    mutating func numbers(_ names: String...) throws(FeedError) -> [Int64]? {
        var found: [Int64]?
        for name in names {
            guard let value = text(name) else { continue }
            found = (found ?? []) + (try Self.items(value).map { item throws(FeedError) in try number(item, of: name, value) })
        }
        return found
    }

    /// Enumeration codes from an `…Equal` field and an `…In` list.
    mutating func codes<Code: RawRepresentable<Int>>(_ equal: String, _ list: String, as: Code.Type) throws(FeedError) -> [Code]? {
        guard let numbers = try numbers(equal, list) else { return nil }
        var codes: [Code] = []
        for number in numbers {
            guard let code = Code(rawValue: Int(clamping: number)) else {
                throw FeedError(.invalidParameter, "\(object): \(number) is not a known \(Code.self) code")
            }
            codes.append(code)
        }
        return codes
    }

    /// The `<name>Like`, `<name>MultiLikeAnd` and `<name>MultiLikeOr` fields of a list of texts; nil when none is given.
    ///
    /// A `…Like` value's items are `like(value)`; a `…MultiLike…` value's are its comma-separated items.
    mutating func match(_ name: String, like: (String) -> [String] = items) -> ItemMatch<String>? {
        let likes = text(name + "Like").map(like)
        let all = text(name + "MultiLikeAnd").map(Self.items)
        let any = text(name + "MultiLikeOr").map(Self.items)
        return likes == nil && all == nil && any == nil ? nil : ItemMatch(all: (likes ?? []) + (all ?? []), any: any)
    }

    /// The `…Like`, `…MultiLikeAnd` and `…MultiLikeOr` fields of a list of ids, each item a whole number.
    mutating func numberMatch(_ name: String) throws(FeedError) -> ItemMatch<Int64>? {
        guard let texts = match(name, like: TextWords.words) else { return nil }
        func numbers(_ items: [String]) throws(FeedError) -> [Int64] {
            try items.map { item throws(FeedError) in try number(item, of: name + "…", item) }
        }
        return ItemMatch(all: try numbers(texts.all), any: try texts.any.map(numbers))
    }

    /// The keys of `orderBy` that name one of `Field`'s cases and the items that do not (Kaltura ignores those).
    mutating func order<Field: RawRepresentable<String> & CaseIterable & Hashable & Sendable>(
        _: Field.Type
    ) -> (keys: [SortKey<Field>], unknown: [String]) {
        text("orderBy").map(SortKey<Field>.parse) ?? ([], [])
    }

    /// Refuses the fields left unread.
    func finish() throws(FeedError) {
        guard !fields.isEmpty else { return }
        let names = fields.keys.sorted().map { "\(object):\($0)" }
        throw FeedError(.unknownFilter, "unknown or unsupported \(names.count == 1 ? "field" : "fields") \(names.joined(separator: ", "))")
    }

    /// The comma-separated items of a value, trimmed, empty ones left out.
    static func items(_ value: String) -> [String] {
        value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    private func number(_ item: String, of name: String, _ value: String) throws(FeedError) -> Int64 {
        guard let number = Int64(item) else {
            throw FeedError(.invalidParameter, "\(object):\(name) is '\(value)', not a whole number or a comma-separated list of them")
        }
        return number
    }
}
