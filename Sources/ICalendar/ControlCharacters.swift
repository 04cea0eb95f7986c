/// Control characters in text: RFC 5545's CONTROL (U+0000–U+0008, U+000A–U+001F, U+007F) and the C1 controls
/// (U+0080–U+009F). A value may hold none of them: a NUL cuts text short wherever it meets C, and an escape
/// sequence printed to a terminal drives the terminal.
public enum ControlCharacters {
    /// The character a control character is replaced with.
    public static let replacement: Character = "\u{FFFD}"

    /// Whether the UTF-8 `bytes` hold a control character other than HTAB (and, when `allowingLineFeed`, a line break:
    /// LF or CRLF).
    public static func contains(_ bytes: UnsafeBufferPointer<UInt8>, allowingLineFeed: Bool = false) -> Bool {
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x20 {
                let lineBreak = byte == 0x0A || (byte == 0x0D && index + 1 < bytes.count && bytes[index + 1] == 0x0A)
                if byte != 0x09 && !(allowingLineFeed && lineBreak) { return true }
            } else if byte == 0x7F || (byte == 0xC2 && index + 1 < bytes.count && (0x80...0x9F).contains(bytes[index + 1])) {
                return true
            }
            index += 1
        }
        return false
    }

    /// Whether `text` holds a control character other than HTAB (and, when `allowingLineFeed`, a line break).
    public static func contains(_ text: String, allowingLineFeed: Bool = false) -> Bool {
        var text = text
        return text.withUTF8 { contains($0, allowingLineFeed: allowingLineFeed) }
    }

    /// Whether `scalar` is a control character other than HTAB (and LF when `allowingLineFeed`).
    public static func isControl(_ scalar: Unicode.Scalar, allowingLineFeed: Bool = false) -> Bool {
        switch scalar.value {
        case 0x09: false
        case 0x0A: !allowingLineFeed
        case 0x00...0x1F, 0x7F...0x9F: true
        default: false
        }
    }

    /// `text` with each control character other than HTAB (and LF when `allowingLineFeed`) replaced by U+FFFD; when
    /// line feeds are allowed, text with no other control is given back as it is, and otherwise each CRLF line break
    /// becomes a line feed rather than U+FFFD and a line feed.
    public static func replacing(in text: String, allowingLineFeed: Bool = false) -> String {
        guard contains(text, allowingLineFeed: allowingLineFeed) else { return text }
        var result = String.UnicodeScalarView()
        var scalars = text.unicodeScalars.makeIterator()
        var next = scalars.next()
        while let scalar = next {
            next = scalars.next()
            if allowingLineFeed && scalar == "\r" && next == "\n" { continue }
            result.append(isControl(scalar, allowingLineFeed: allowingLineFeed) ? "\u{FFFD}" : scalar)
        }
        return String(result)
    }

    /// `text` for a terminal or a plain-text file: each control character other than HTAB (and LF when
    /// `keepingLineFeeds`) is shown as its escape (`\u{1B}`), so that it is seen rather than obeyed.
    public static func escaping(in text: String, keepingLineFeeds: Bool = false) -> String {
        guard contains(text, allowingLineFeed: keepingLineFeeds) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            if isControl(scalar, allowingLineFeed: keepingLineFeeds) {
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

extension Component {
    /// Replaces each control character in the values and parameters of the component's properties, and of its
    /// sub-components', by U+FFFD (a line feed in a parameter, RFC 6868's `^n`, is kept); returns the names of the
    /// properties that held one, in file order, each once.
    public mutating func replaceControlCharacters() -> [String] {
        var names: [String] = []
        for index in properties.indices {
            let line = properties[index]
            let inValue = line.withValueBytes { ControlCharacters.contains($0) }
            let inParameters = line.parameters.contains { $0.values.contains { ControlCharacters.contains($0, allowingLineFeed: true) } }
            guard inValue || inParameters else { continue }
            if inValue { properties[index].value = ControlCharacters.replacing(in: line.value) }
            if inParameters {
                for parameter in properties[index].parameters.indices {
                    properties[index].parameters[parameter].values = properties[index].parameters[parameter].values.map {
                        ControlCharacters.replacing(in: $0, allowingLineFeed: true)
                    }
                }
            }
            if !names.contains(line.name) { names.append(line.name) }
        }
        for index in components.indices {
            for name in components[index].replaceControlCharacters() where !names.contains(name) { names.append(name) }
        }
        return names
    }
}
