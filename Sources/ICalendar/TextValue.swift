/// TEXT values (RFC 5545 §3.3.11): escaping and unescaping of `\n`, `\,`, `\;` and `\\`.
public enum TextValue {
    /// The text a TEXT value stands for: `\n` or `\N` become a line feed, `\,` `\;` `\\` their character.
    public static func unescape(_ raw: String) -> String {
        var text = raw
        return text.withUTF8 { bytes in
            guard let first = bytes.firstIndex(of: UInt8(ascii: "\\")) else { return raw }
            return String(unsafeUninitializedCapacity: bytes.count) { output in
                var count = output.initialize(fromContentsOf: bytes[..<first])
                var escaping = false
                for byte in bytes[first...] {
                    if escaping {
                        output[count] = byte == UInt8(ascii: "n") || byte == UInt8(ascii: "N") ? 0x0A : byte
                        count += 1
                        escaping = false
                    } else if byte == UInt8(ascii: "\\") {
                        escaping = true
                    } else {
                        output[count] = byte
                        count += 1
                    }
                }
                if escaping {
                    output[count] = UInt8(ascii: "\\")
                    count += 1
                }
                return count
            }
        }
    }

    /// The TEXT value that stands for `text`: a backslash, `;` and `,` are escaped, and a line break becomes `\n`.
    ///
    /// CRLF and a lone CR are line breaks too, so `unescape` gives them back as a line feed.
    public static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x5C || $0 == 0x3B || $0 == 0x2C || $0 == 0x0A || $0 == 0x0D }) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 8)
        var afterCarriageReturn = false
        for byte in text.utf8 {
            defer { afterCarriageReturn = byte == 0x0D }
            switch byte {
            case UInt8(ascii: "\\"), UInt8(ascii: ";"), UInt8(ascii: ","): bytes += [UInt8(ascii: "\\"), byte]
            case 0x0A where afterCarriageReturn: continue
            case 0x0A, 0x0D: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
