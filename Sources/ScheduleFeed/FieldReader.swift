import Foundation
import Schedule

/// Reads the fields of one object parameter, remembering which it read so the rest can be refused.
///
/// A list of more than `maximumListValues` values is refused with `feed.listTooLong`, naming the field.
struct FieldReader {
    private var fields: [String: String]
    private let object: String
    private let maximumListValues: Int
    /// The object's `objectType`, if given.
    let objectType: String?

    /// The unknown fields `finish` names; it counts the others.
    static let namedUnknownFields = 5

    init(_ fields: [String: String], object: String, maximumListValues: Int) {
        self.fields = fields
        self.object = object
        self.maximumListValues = maximumListValues
        objectType = self.fields.removeValue(forKey: "objectType")
    }

    /// A text field.
    mutating func text(_ name: String) -> String? {
        fields.removeValue(forKey: name)
    }

    /// An `…Equal` field and an `…In` list, together one list (their union); nil when neither is given.
    mutating func texts(_ equal: String, _ list: String) throws(FeedError) -> [String]? {
        let one = text(equal).map { [$0] }
        let many = try text(list).map { value throws(FeedError) in try bounded(Self.items(value), list) }
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
            found = (found ?? []) + (try bounded(Self.items(value), name).map { item throws(FeedError) in try number(item, of: name) })
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
    mutating func match(_ name: String, like: (String) -> [String] = items) throws(FeedError) -> ItemMatch<String>? {
        func list(_ suffix: String, _ split: (String) -> [String]) throws(FeedError) -> [String]? {
            try text(name + suffix).map { value throws(FeedError) in try bounded(split(value), name + suffix) }
        }
        let likes = try list("Like", like)
        let all = try list("MultiLikeAnd", Self.items)
        let any = try list("MultiLikeOr", Self.items)
        return likes == nil && all == nil && any == nil ? nil : ItemMatch(all: (likes ?? []) + (all ?? []), any: any)
    }

    /// The `…Like`, `…MultiLikeAnd` and `…MultiLikeOr` fields of a list of ids, each item a whole number.
    mutating func numberMatch(_ name: String) throws(FeedError) -> ItemMatch<Int64>? {
        guard let texts = try match(name, like: TextWords.words) else { return nil }
        func numbers(_ items: [String]) throws(FeedError) -> [Int64] {
            try items.map { item throws(FeedError) in try number(item, of: name + "…") }
        }
        return ItemMatch(all: try numbers(texts.all), any: try texts.any.map(numbers))
    }

    /// The keys of `orderBy` that name one of `Field`'s cases and the items that do not (Kaltura ignores those).
    mutating func order<Field: RawRepresentable<String> & CaseIterable & Hashable & Sendable>(
        _: Field.Type
    ) throws(FeedError) -> (keys: [SortKey<Field>], unknown: [String]) {
        guard let value = text("orderBy") else { return ([], []) }
        let order = SortKey<Field>.parse(value)
        try check(order.keys.count + order.unknown.count, of: "orderBy")
        return order
    }

    /// Refuses the fields left unread, naming the first few (`namedUnknownFields`) and counting the others.
    func finish() throws(FeedError) {
        guard !fields.isEmpty else { return }
        let sorted = fields.keys.sorted()
        var names = sorted.prefix(Self.namedUnknownFields).map { "\(object):\($0.excerpt(100))" }.joined(separator: ", ")
        if sorted.count > Self.namedUnknownFields { names += " and \(sorted.count - Self.namedUnknownFields) more" }
        throw FeedError(.unknownFilter, "unknown or unsupported \(sorted.count == 1 ? "field" : "fields") \(names)")
    }

    /// `values`, refused with `feed.listTooLong` when they are more than `maximumListValues`.
    private func bounded(_ values: [String], _ name: String) throws(FeedError) -> [String] {
        try check(values.count, of: name)
        return values
    }

    /// Refuses a list of `count` values with `feed.listTooLong` when they are more than `maximumListValues`.
    private func check(_ count: Int, of name: String) throws(FeedError) {
        guard count <= maximumListValues else {
            throw FeedError(.listTooLong, "\(object):\(name) has \(count) values; a list may have at most \(maximumListValues)")
        }
    }

    /// The comma-separated items of a value, trimmed, empty ones left out.
    static func items(_ value: String) -> [String] {
        value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    private func number(_ item: String, of name: String) throws(FeedError) -> Int64 {
        guard let number = Int64(item) else {
            throw FeedError(
                .invalidParameter,
                "\(object):\(name): '\(item.excerpt(100))' is not a whole number (it takes one, or a comma-separated list)")
        }
        return number
    }
}
