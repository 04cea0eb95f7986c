/// TEXT values (RFC 5545 §3.3.11): escaping and unescaping of `\n`, `\,`, `\;` and `\\`.
public enum TextValue {
    /// The text a TEXT value stands for: `\n` or `\N` become a line feed, `\,` `\;` `\\` their character.
    public static func unescape(_ raw: String) -> String {
        guard raw.utf8.contains(UInt8(ascii: "\\")) else { return raw }
        var result = ""
        result.reserveCapacity(raw.utf8.count)
        var escaping = false
        for scalar in raw.unicodeScalars {
            if escaping {
                switch scalar {
                case "n", "N": result.unicodeScalars.append("\n")
                default: result.unicodeScalars.append(scalar)
                }
                escaping = false
            } else if scalar == "\\" {
                escaping = true
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        if escaping { result.unicodeScalars.append("\\") }
        return result
    }
}
