/// The store file cannot be opened, with the reason in words (never a bare SQLite result code).
struct StoreUnavailable: Error, CustomStringConvertible {
    /// The store file.
    var path: String
    /// Why it cannot be opened.
    var reason: String

    /// `cannot open the store at PATH: REASON`.
    var description: String { "cannot open the store at \(path): \(reason)" }
}
