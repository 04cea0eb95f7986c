import Foundation

/// A session's privileges: Kaltura's comma-separated `name:value` list (`setrole:CAPTURE_DEVICE_ROLE,disableentitlement`).
///
/// `*` is the same as `all:*`. Order is kept and a name given twice keeps its last value, as Kaltura reads them.
public struct Privileges: Equatable, Sendable, CustomStringConvertible {
    /// The privileges in order, each a name and its value (empty when it has none).
    public private(set) var entries: [(name: String, value: String)] = []

    /// No privileges.
    public init() {}

    /// Reads Kaltura's text form; blank items are skipped.
    public init(_ text: String) {
        for item in text.split(separator: ",") {
            let trimmed = item.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            if trimmed == "*" {
                set("all", "*")
                continue
            }
            let parts = trimmed.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            set(String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
    }

    /// The value of a privilege, nil when it is not given.
    public func value(of name: String) -> String? {
        entries.last { $0.name == name }?.value
    }

    /// The role `setrole` names, if any.
    public var role: String? { value(of: "setrole") }

    /// Gives `name` the value `value`, replacing an earlier one.
    public mutating func set(_ name: String, _ value: String) {
        entries.removeAll { $0.name == name }
        entries.append((name, value))
    }

    /// These privileges with `other`'s laid over them: a name in both keeps `other`'s value.
    public func overlaid(with other: Privileges) -> Privileges {
        var merged = self
        for (name, value) in other.entries { merged.set(name, value) }
        return merged
    }

    /// Kaltura's text form, `name:value` items joined with commas (`*` for `all:*`).
    public var description: String {
        entries.map { entry in
            if entry.name == "all" && entry.value == "*" { return "*" }
            return entry.value.isEmpty ? entry.name : entry.name + ":" + entry.value
        }.joined(separator: ",")
    }

    /// Whether both hold the same privileges in the same order.
    public static func == (lhs: Privileges, rhs: Privileges) -> Bool {
        lhs.entries.elementsEqual(rhs.entries) { $0.name == $1.name && $0.value == $1.value }
    }
}
