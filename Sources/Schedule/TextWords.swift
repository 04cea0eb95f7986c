/// Text as Kaltura's search index reads a `…Like` filter: words of letters, digits and `_`, compared without case.
///
/// A word or a phrase matches a text when the text has its words one after the other. A `…Like` value with a space
/// is one phrase; without one, each of its words must be in the text (`math,first` asks for both words). Each item of a
/// `…MultiLike…` value is a phrase.
public enum TextWords {
    /// The words of `text`, lower-cased.
    public static func words(_ text: String) -> [String] {
        text.split { !($0.isLetter || $0.isNumber || $0 == "_") }.map { $0.lowercased() }
    }

    /// Whether the words of `phrase` come one after the other among the words of `text`; a phrase without words matches.
    public static func text(_ text: String, has phrase: String) -> Bool {
        let wanted = words(phrase)
        guard !wanted.isEmpty else { return true }
        let found = words(text)
        guard found.count >= wanted.count else { return false }
        return (0...(found.count - wanted.count)).contains { start in found[start..<start + wanted.count].elementsEqual(wanted) }
    }

    /// The phrases a `…Like` value asks for: the value when it has a space, else each of its words.
    public static func likePhrases(_ value: String) -> [String] {
        value.contains(" ") ? [value] : words(value)
    }
}
