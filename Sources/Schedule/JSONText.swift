/// JSON text built up as bytes.
struct JSONText {
    indirect enum Value {
        case string(String)
        case int(Int64)
        /// JSON text written as it is (a number).
        case raw(String)
        case object([(String, Value?)])
    }

    var bytes: [UInt8] = []

    mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    /// `"name": "value",` and a line end, indented.
    mutating func field(_ name: String, _ value: String, indent: Int) {
        bytes.append(contentsOf: repeatElement(0x20, count: indent))
        string(name)
        raw(": ")
        string(value)
        raw(",\n")
    }

    /// `"a": 1, "b": "x"` for the members that are present, in the given order.
    mutating func members(_ list: [(String, Value?)]) {
        var first = true
        for (name, value) in list {
            guard let value else { continue }
            if !first { raw(", ") }
            first = false
            string(name)
            raw(": ")
            switch value {
            case .string(let text): string(text)
            case .int(let number): raw(String(number))
            case .raw(let text): raw(text)
            case .object(let inner):
                raw("{")
                members(inner)
                raw("}")
            }
        }
    }

    /// A JSON string literal: quotes, backslashes and control characters (C0, DEL and C1) escaped, so that the text
    /// never drives a terminal it is printed to.
    mutating func string(_ text: String) {
        bytes.append(0x22)
        var afterC2 = false
        for byte in text.utf8 {
            if afterC2 {
                afterC2 = false
                if byte < 0xA0 {
                    escape(byte)
                    continue
                }
                bytes.append(0xC2)
            }
            switch byte {
            case 0x22: raw("\\\"")
            case 0x5C: raw("\\\\")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            case 0..<0x20, 0x7F: escape(byte)
            case 0xC2: afterC2 = true
            default: bytes.append(byte)
            }
        }
        if afterC2 { bytes.append(0xC2) }
        bytes.append(0x22)
    }

    /// The character U+00XX of `byte` as `\u00XX`.
    private mutating func escape(_ byte: UInt8) {
        let hex = Array("0123456789abcdef".utf8)
        bytes.append(contentsOf: Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
    }
}
