/// TEXT values (RFC 5545 §3.3.11): escaping and unescaping of `\n`, `\,`, `\;` and `\\`.
public enum TextValue {
    /// The text a TEXT value stands for: `\n` or `\N` become a line feed, `\,` `\;` `\\` their character.
    public static func unescape(_ raw: String) -> String {
        guard raw.utf8.contains(UInt8(ascii: "\\")) else { return raw }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.utf8.count)
        var escaping = false
        for byte in raw.utf8 {
            if escaping {
                bytes.append(byte == UInt8(ascii: "n") || byte == UInt8(ascii: "N") ? 0x0A : byte)
                escaping = false
            } else if byte == UInt8(ascii: "\\") {
                escaping = true
            } else {
                bytes.append(byte)
            }
        }
        if escaping { bytes.append(UInt8(ascii: "\\")) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
