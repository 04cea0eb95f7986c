#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Splits one unfolded content line into name, parameters and value.
///
/// Names are upper-cased and kept in a small table, so the names a file repeats on every event
/// are made once; so are the parameters (`;TZID=Europe/Berlin`) a file repeats. A line that is
/// not valid UTF-8 is read with U+FFFD in place of each bad sequence, and `repaired` says so.
struct ContentLineParser {
    private var names = NameTable()
    private var parameterLists = ParameterTable()
    /// Why the line parsed last was repaired (`invalidUTF8`); nil when it was read as written.
    private(set) var repaired: ICalendarError?

    /// Parses `bytes`, the unfolded line that starts on physical line `line`; while `arena` is open, the value
    /// is kept there as bytes rather than made a string.
    mutating func parse(_ bytes: UnsafeBufferPointer<UInt8>, line: Int, arena: inout ValueArena) throws -> ContentLine {
        repaired = nil
        guard isValidUTF8(bytes) else {
            let text = String(decoding: bytes, as: UTF8.self)
            var valid = Array(text.utf8)
            let parsed = try valid.withUnsafeMutableBufferPointer { try parse(UnsafeBufferPointer($0), line: line, arena: &arena) }
            repaired = ICalendarError(
                .invalidUTF8, line: line,
                "content line is not valid UTF-8; each bad byte sequence was read as U+FFFD: \(excerpt(text))")
            return parsed
        }
        func text(_ from: Int, _ to: Int) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[from..<to]), as: UTF8.self)
        }
        var readName: String?
        func malformed(_ why: String) -> ICalendarError {
            var error = ICalendarError(.malformedContentLine, line: line, "\(why): \(excerpt(String(decoding: bytes, as: UTF8.self)))")
            error.property = readName
            return error
        }
        var index = 0
        let count = bytes.count
        func nameEnd(from start: Int) -> Int {
            var end = start
            while end < count, isNameByte(bytes[end]) { end += 1 }
            return end
        }
        var end = nameEnd(from: 0)
        guard end > 0 else { throw malformed("content line has no name") }
        let name = names.name(UnsafeBufferPointer(rebasing: bytes[0..<end]))
        readName = name
        index = end
        var parameters: [Parameter] = []
        if index < count, bytes[index] == UInt8(ascii: ";"), let known = parameterLists.lookup(bytes, from: index) {
            parameters = known.parameters
            index = known.end
        }
        let parametersStart = index
        while index < count, bytes[index] == UInt8(ascii: ";") {
            end = nameEnd(from: index + 1)
            guard end > index + 1, end < count, bytes[end] == UInt8(ascii: "=") else {
                throw malformed("malformed parameter")
            }
            let parameterName = names.name(UnsafeBufferPointer(rebasing: bytes[index + 1..<end]))
            index = end + 1
            var values: [String] = []
            while true {
                if index < count, bytes[index] == UInt8(ascii: "\"") {
                    var close = index + 1
                    while close < count, bytes[close] != UInt8(ascii: "\"") { close += 1 }
                    guard close < count else { throw malformed("unterminated quoted parameter value") }
                    values.append(text(index + 1, close))
                    index = close + 1
                } else {
                    let start = index
                    while index < count {
                        let byte = bytes[index]
                        if byte == UInt8(ascii: ",") || byte == UInt8(ascii: ";") || byte == UInt8(ascii: ":") { break }
                        index += 1
                    }
                    values.append(text(start, index))
                }
                guard index < count, bytes[index] == UInt8(ascii: ",") else { break }
                index += 1
            }
            parameters.append(Parameter(name: parameterName, values: ParameterValue.decodingCarets(values)))
        }
        guard index < count, bytes[index] == UInt8(ascii: ":") else {
            throw malformed("content line has no ':' after its name")
        }
        if index > parametersStart {
            parameterLists.remember(parameters, bytes, parametersStart..<index)
        }
        guard arena.isOpen else { return ContentLine(name: name, parameters: parameters, value: text(index + 1, count), line: line) }
        let (buffer, offset) = arena.store(UnsafeBufferPointer(rebasing: bytes[index + 1..<count]))
        return ContentLine(name: name, parameters: parameters, value: buffer, offset: offset, count: Int32(count - index - 1), line: line)
    }
}

/// Whether `byte` may appear in a property or parameter name (letters, digits, `-`, and `_` as some writers use).
@inline(__always) func isNameByte(_ byte: UInt8) -> Bool {
    // One bit per ASCII byte: `-` and the digits in the low word; `A`–`Z`, `_` and `a`–`z` in the high one.
    let low: UInt64 = 0x03FF_2000_0000_0000
    let high: UInt64 = 0x07FF_FFFE_87FF_FFFE
    return byte < 128 && ((byte < 64 ? low : high) >> (byte & 63)) & 1 != 0
}

/// The parameters of the parameter lists a file repeats (`;TZID=Europe/Berlin`), read once each.
///
/// A list is looked up by its first bytes; it is known when the line holds the same bytes followed by
/// the `:` that ended it before, as those bytes are then read the same way again.
struct ParameterTable {
    private static let slotCount = 64
    private static let longest = 256
    private var keys = [[UInt8]](repeating: [], count: ParameterTable.slotCount)
    private var values = [[Parameter]](repeating: [], count: ParameterTable.slotCount)

    /// The slot for a list that starts at `start` of `bytes`, from its first bytes up to a `:`.
    private static func slot(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var hash = 0
        for index in start..<min(bytes.count, start + 16) {
            if bytes[index] == UInt8(ascii: ":") { break }
            hash = hash &* 31 &+ Int(bytes[index])
        }
        return hash & (slotCount - 1)
    }

    /// The parameters of the list at `start` of `bytes` and the offset of the `:` after it, when the list is known.
    func lookup(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> (parameters: [Parameter], end: Int)? {
        let slot = Self.slot(bytes, from: start)
        let end = start + keys[slot].count
        guard !keys[slot].isEmpty, end < bytes.count, bytes[end] == UInt8(ascii: ":") else { return nil }
        let known = keys[slot].withUnsafeBufferPointer { key in memcmp(key.baseAddress!, bytes.baseAddress! + start, key.count) == 0 }
        return known ? (values[slot], end) : nil
    }

    /// Keeps `parameters`, read from the list at `range` of `bytes` (a `:` after it), for the lines that repeat it.
    mutating func remember(_ parameters: [Parameter], _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
        guard range.count <= Self.longest else { return }
        let slot = Self.slot(bytes, from: range.lowerBound)
        keys[slot] = Array(bytes[range])
        values[slot] = parameters
    }
}

/// Upper-cased names for the byte sequences a file repeats, made once each.
struct NameTable {
    private static let slotCount = 512
    private var keys = [[UInt8]](repeating: [], count: NameTable.slotCount)
    private var values = [String](repeating: "", count: NameTable.slotCount)

    /// The upper-cased name spelled by `bytes` (non-empty ASCII).
    @inline(__always) mutating func name(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let count = bytes.count
        let slot = (count &* 131 &+ Int(bytes[0]) &* 31 &+ Int(bytes[count - 1]) &* 7 &+ Int(bytes[count >> 1])) & (Self.slotCount - 1)
        let known = keys[slot].withUnsafeBufferPointer { key in
            key.count == count && memcmp(key.baseAddress!, bytes.baseAddress!, count) == 0
        }
        if known { return values[slot] }
        let name = String(decoding: bytes.lazy.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }, as: UTF8.self)
        if count <= 64 {
            keys[slot] = Array(bytes)
            values[slot] = name
        }
        return name
    }
}

/// Whether `bytes` is well-formed UTF-8 (RFC 3629: no overlong forms, surrogates or values above U+10FFFF).
func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = bytes.baseAddress else { return true }
    var index = 0
    let count = bytes.count
    let raw = UnsafeRawPointer(base)
    while index + 32 <= count {
        let words =
            raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) | raw.loadUnaligned(fromByteOffset: index + 8, as: UInt64.self)
            | raw.loadUnaligned(fromByteOffset: index + 16, as: UInt64.self)
            | raw.loadUnaligned(fromByteOffset: index + 24, as: UInt64.self)
        if words & 0x8080_8080_8080_8080 != 0 { break }
        index += 32
    }
    while index + 8 <= count {
        if raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { break }
        index += 8
    }
    while index < count {
        let lead = base[index]
        if lead < 0x80 {
            index += 1
            continue
        }
        let length: Int
        var lower: UInt8 = 0x80
        var upper: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            lower = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED:
            length = 3
            upper = 0x9F
        case 0xF0:
            length = 4
            lower = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4:
            length = 4
            upper = 0x8F
        default: return false
        }
        guard index + length <= count, (lower...upper).contains(base[index + 1]) else { return false }
        for continuation in 2..<max(2, length) where base[index + continuation] & 0xC0 != 0x80 {
            return false
        }
        index += length
    }
    return true
}
