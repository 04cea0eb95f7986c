/// A CSV file that cannot be read as a whole: bad quoting, bad bytes, or a header that is not ours.
///
/// `code` is stable and reaches reports, logs and metric labels; `message` is for people.
public struct CSVError: Error, Equatable, Sendable {
    /// The stable identity of a CSV file error.
    public enum Code: String, Sendable, Codable, CaseIterable {
        /// A quoted field is not closed before the end of the data.
        case unterminatedQuote = "csv.unterminatedQuote"
        /// Text follows a quoted field's closing quote before the next comma.
        case textAfterQuote = "csv.textAfterQuote"
        /// A record (a quoted field spanning lines) is longer than the reader accepts.
        case recordTooLong = "csv.recordTooLong"
        /// A record is not valid UTF-8.
        case invalidUTF8 = "csv.invalidUTF8"
        /// A header line names a column a resource CSV does not have (it may be another kind of CSV).
        case unknownColumn = "csv.unknownColumn"
        /// A header line names a column twice.
        case duplicateColumn = "csv.duplicateColumn"
        /// The data could not be read.
        case readFailed = "csv.readFailed"
    }

    /// The stable code.
    public var code: Code
    /// The 1-based line where the problem is.
    public var line: Int
    /// The 1-based column (in characters) where the problem is, when known.
    public var column: Int?
    /// A message for people.
    public var message: String

    /// Creates a CSV error.
    public init(_ code: Code, line: Int, column: Int? = nil, _ message: String) {
        self.code = code
        self.line = line
        self.column = column
        self.message = message
    }

    /// The message with its place: `line 4, column 12: …`.
    public var placedMessage: String {
        column.map { "line \(line), column \($0): \(message)" } ?? "line \(line): \(message)"
    }
}
