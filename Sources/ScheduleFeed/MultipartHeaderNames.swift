/// Checks the part header names of a multipart body before MultipartKit reads it.
///
/// MultipartKit 4.7.1's parser looks each byte of a header name up in a table of the 128 ASCII characters, so a byte
/// of 128 or more in a name stops the whole process (an index out of range), whoever sends it. This finds such a name
/// wherever the parser could take one: on each line after a `--<boundary>` delimiter line, up to the first empty line.
enum MultipartHeaderNames {
    /// Whether every header name the parser could read in `body` is ASCII.
    static func areASCII(in body: [UInt8], boundary: String) -> Bool {
        let delimiter = Array("--\(boundary)".utf8)
        var searchStart = body.startIndex
        while let found = body[searchStart...].firstRange(of: delimiter) {
            searchStart = found.upperBound
            var index = found.upperBound
            guard index + 1 < body.endIndex, body[index] == UInt8(ascii: "\r"), body[index + 1] == UInt8(ascii: "\n") else { continue }
            index += 2
            // Each header line: its name runs to the first `:` (or to CR, on the empty line that ends the headers), its
            // value to the first CR, which must be followed by LF (the parser gives up otherwise).
            while index < body.endIndex, body[index] != UInt8(ascii: "\r") {
                while index < body.endIndex, body[index] != UInt8(ascii: ":"), body[index] != UInt8(ascii: "\r") {
                    if body[index] >= 0x80 { return false }
                    index += 1
                }
                guard let end = body[index...].firstIndex(of: UInt8(ascii: "\r")), end + 1 < body.endIndex,
                    body[end + 1] == UInt8(ascii: "\n")
                else { break }
                index = end + 2
            }
        }
        return true
    }
}
