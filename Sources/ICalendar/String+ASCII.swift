extension String {
    /// The string with ASCII letters upper-cased; the string itself when it has no lower-case letter.
    public var asciiUppercased: String {
        let hasLowercase =
            utf8.withContiguousStorageIfAvailable { bytes in bytes.contains { $0 >= 0x61 && $0 <= 0x7A } }
            ?? utf8.contains { $0 >= 0x61 && $0 <= 0x7A }
        guard hasLowercase else { return self }
        return String(decoding: utf8.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }, as: UTF8.self)
    }

    /// The string without leading and trailing spaces and tabs; the string itself (no copy) when it has none.
    public var trimmingSpaces: String {
        let utf8 = self.utf8
        guard let head = utf8.first, let tail = utf8.last else { return self }
        if head != 0x20 && head != 0x09 && tail != 0x20 && tail != 0x09 { return self }
        guard let first = utf8.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return "" }
        let last = utf8.lastIndex(where: { $0 != 0x20 && $0 != 0x09 })!
        return String(self[first...last])
    }
}
