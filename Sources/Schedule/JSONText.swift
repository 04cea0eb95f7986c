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

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    mutating func string(_ text: String) {
        bytes.append(0x22)
        for byte in text.utf8 {
            switch byte {
            case 0x22: raw("\\\"")
            case 0x5C: raw("\\\\")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(0x22)
    }
}
