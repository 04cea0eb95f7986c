/// Property parameter values (RFC 5545 §3.2) with RFC 6868 caret-encoding of `^`, line breaks and `"`.
enum ParameterValue {
    /// The value as written after `NAME=`: `^` becomes `^^`, a line break `^n`, `"` becomes `^'`, and the
    /// result is quoted when it holds `:`, `;` or `,`.
    ///
    /// CRLF and a lone CR are line breaks too, so they come back as a line feed.
    static func encoded(_ value: String) -> String {
        var needsQuotes = false
        var needsCarets = false
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: ":"), UInt8(ascii: ";"), UInt8(ascii: ","): needsQuotes = true
            case UInt8(ascii: "^"), UInt8(ascii: "\""), 0x0A, 0x0D: needsCarets = true
            default: break
            }
        }
        guard needsCarets else { return needsQuotes ? "\"" + value + "\"" : value }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(value.utf8.count + 8)
        if needsQuotes { bytes.append(UInt8(ascii: "\"")) }
        var afterCarriageReturn = false
        for byte in value.utf8 {
            defer { afterCarriageReturn = byte == 0x0D }
            switch byte {
            case UInt8(ascii: "^"): bytes += [UInt8(ascii: "^"), UInt8(ascii: "^")]
            case UInt8(ascii: "\""): bytes += [UInt8(ascii: "^"), UInt8(ascii: "'")]
            case 0x0D: bytes += [UInt8(ascii: "^"), UInt8(ascii: "n")]
            case 0x0A where afterCarriageReturn: continue
            case 0x0A: bytes += [UInt8(ascii: "^"), UInt8(ascii: "n")]
            default: bytes.append(byte)
            }
        }
        if needsQuotes { bytes.append(UInt8(ascii: "\"")) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The value a caret-encoded one stands for: `^^` is `^`, `^n` a line feed, `^'` a `"`.
    ///
    /// A `^` followed by anything else stays as it is (RFC 6868 §3).
    static func decodingCarets(_ value: String) -> String {
        guard value.utf8.contains(UInt8(ascii: "^")) else { return value }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(value.utf8.count)
        var caret = false
        for byte in value.utf8 {
            if caret {
                caret = false
                switch byte {
                case UInt8(ascii: "^"): bytes.append(UInt8(ascii: "^"))
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "'"): bytes.append(UInt8(ascii: "\""))
                default: bytes += [UInt8(ascii: "^"), byte]
                }
            } else if byte == UInt8(ascii: "^") {
                caret = true
            } else {
                bytes.append(byte)
            }
        }
        if caret { bytes.append(UInt8(ascii: "^")) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The values with carets decoded; the same array when none holds a `^`.
    static func decodingCarets(_ values: [String]) -> [String] {
        guard values.contains(where: { $0.utf8.contains(UInt8(ascii: "^")) }) else { return values }
        return values.map { decodingCarets($0) }
    }
}
