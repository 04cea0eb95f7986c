import Foundation

/// The parameters of one Kaltura API call, flattened to `object:field` names whatever form they came in.
///
/// Kaltura clients send the same parameters four ways, and a call may mix them: pairs in the path
/// (`…/action/list/format/ical/filter:startDateGreaterThanOrEqual/0`), a query string or a form body
/// (`filter[startDateGreaterThanOrEqual]=0`), and a JSON body (`{"filter": {"startDateGreaterThanOrEqual": 0}}`).
/// All become `filter:startDateGreaterThanOrEqual` → `"0"`. A later form overrides an earlier one.
public struct KalturaParameters: Equatable, Sendable {
    /// The values by flattened name.
    public private(set) var values: [String: String] = [:]

    /// No parameters.
    public init() {}

    /// The value of a flattened name, such as `ks` or `pager:pageSize`.
    public subscript(name: String) -> String? {
        values[name]
    }

    /// The fields of one object parameter (`filter`, `pager`) by field name.
    public func fields(of object: String) -> [String: String] {
        let prefix = object + ":"
        var fields: [String: String] = [:]
        for (name, value) in values where name.hasPrefix(prefix) {
            fields[String(name.dropFirst(prefix.count))] = value
        }
        return fields
    }

    /// Sets one value, its name normalized (`filter[a]` and `filter:a` are one name).
    public mutating func set(_ name: String, _ value: String) {
        values[Self.normalized(name)] = value
    }

    /// Adds the name/value pairs of a path's tail, `format/ical/filter:statusEqual/2`; an odd last segment is ignored.
    public mutating func addPathPairs(_ segments: some Collection<Substring>) {
        var iterator = segments.makeIterator()
        while let name = iterator.next(), let value = iterator.next() {
            set(Self.decodePercent(name, plusIsSpace: false), Self.decodePercent(value, plusIsSpace: false))
        }
    }

    /// Adds the pairs of a query string or an `application/x-www-form-urlencoded` body.
    public mutating func addForm(_ text: Substring) {
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            set(Self.decodePercent(parts[0], plusIsSpace: true), parts.count > 1 ? Self.decodePercent(parts[1], plusIsSpace: true) : "")
        }
    }

    /// Adds the members of a JSON object, nested objects flattened with `:`; numbers and booleans become text.
    ///
    /// Throws `FeedError` (`feed.invalidParameter`) when the body is not a JSON object.
    public mutating func addJSON(_ data: Data) throws(FeedError) {
        guard case .object(let members)? = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            throw FeedError(.invalidParameter, "the request body is not a JSON object")
        }
        add(members, prefix: "")
    }

    private mutating func add(_ members: [String: JSONValue], prefix: String) {
        for (key, value) in members {
            let name = prefix.isEmpty ? key : prefix + ":" + key
            if case .object(let nested) = value {
                add(nested, prefix: name)
            } else if let text = value.text {
                set(name, text)
            }
        }
    }

    /// `filter[a][b]` → `filter:a:b`; `filter:a` stays.
    static func normalized(_ name: String) -> String {
        let source = Array(name.utf8)
        guard source.contains(UInt8(ascii: "[")) else { return name }
        var bytes: [UInt8] = []
        var index = 0
        while index < source.count {
            switch source[index] {
            case UInt8(ascii: "]") where index + 1 < source.count && source[index + 1] == UInt8(ascii: "["):
                bytes.append(UInt8(ascii: ":"))
                index += 1
            case UInt8(ascii: "["): bytes.append(UInt8(ascii: ":"))
            case UInt8(ascii: "]"): break
            case let byte: bytes.append(byte)
            }
            index += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Percent-decoding that keeps malformed escapes as written; `+` is a space in forms. Text without `%` or `+` is
    /// given back as it is, without Foundation's decoding (a poll's parameters are mostly such).
    static func decodePercent(_ text: Substring, plusIsSpace: Bool) -> String {
        let bytes = Array(text.utf8)
        guard bytes.contains(where: { $0 == UInt8(ascii: "%") || (plusIsSpace && $0 == UInt8(ascii: "+")) }) else { return String(text) }
        var spaced = bytes
        if plusIsSpace {
            for index in spaced.indices where spaced[index] == UInt8(ascii: "+") { spaced[index] = UInt8(ascii: " ") }
        }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(spaced.count)
        var index = 0
        while index < spaced.count {
            if spaced[index] == UInt8(ascii: "%"), index + 2 < spaced.count,
                let high = hexValue(spaced[index + 1]), let low = hexValue(spaced[index + 2])
            {
                decoded.append(high << 4 | low)
                index += 3
            } else if spaced[index] == UInt8(ascii: "%") {
                // A malformed escape: the text is kept as written, as Foundation's decoding would.
                return String(decoding: spaced, as: UTF8.self)
            } else {
                decoded.append(spaced[index])
                index += 1
            }
        }
        return String(validating: decoded, as: UTF8.self) ?? String(decoding: spaced, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// A JSON value as a Kaltura client sends it.
enum JSONValue: Decodable {
    case object([String: JSONValue])
    case list([JSONValue])
    case text(String)
    case null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let members = try? container.decode([String: JSONValue].self) {
            self = .object(members)
        } else if let items = try? container.decode([JSONValue].self) {
            self = .list(items)
        } else if let number = try? container.decode(Int64.self) {
            self = .text(String(number))
        } else if let flag = try? container.decode(Bool.self) {
            self = .text(flag ? "1" : "0")
        } else if let number = try? container.decode(Double.self) {
            self = .text(String(number))
        } else {
            self = .text(try container.decode(String.self))
        }
    }

    /// A scalar as text, a list of scalars comma-joined; nil for null and objects.
    var text: String? {
        switch self {
        case .text(let text): text
        case .list(let items): items.compactMap(\.text).joined(separator: ",")
        case .object, .null: nil
        }
    }
}
