extension String {
    /// The text as it may be quoted in a log line or an error message: whole when it has at most `limit` characters,
    /// else its first `limit` characters and how long it was.
    func excerpt(_ limit: Int) -> String {
        guard count > limit else { return self }
        return prefix(limit) + "… (\(count) characters in all)"
    }
}
