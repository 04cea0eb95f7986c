import Foundation

/// The rule every name a remote folder lists must pass before the daemon touches it (SPEC §2), and the paths
/// made from names.
///
/// A remote server is not trusted: a name with a path separator, `.` or `..`, NUL or another control
/// character, or over 255 bytes of UTF-8 could escape the staging area or break logs, so it is refused.
public enum FileName {
    /// Why `name` is refused, or nil for a safe name.
    public static func problem(_ name: String) -> String? {
        let bytes = name.utf8
        return if bytes.isEmpty || name == "." || name == ".." {
            "it is empty, . or .."
        } else if bytes.count > 255 {
            "it has \(bytes.count) bytes, more than 255"
        } else if bytes.contains(UInt8(ascii: "/")) || bytes.contains(UInt8(ascii: "\\")) {
            "it holds a path separator"
        } else if bytes.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
            "it holds a control character"
        } else {
            nil
        }
    }

    /// Throws `folder.unsafeName` saying why `name` is refused; returns for a safe name.
    public static func check(_ name: String) throws(FolderError) {
        if let reason = problem(name) { throw FolderError(.unsafeName, "the name \(quoted(name)) is refused: \(reason)") }
    }

    /// A name as a folder gives it, in bytes: the text if they are UTF-8; else a readable form in which each byte that
    /// is not part of a UTF-8 character, and each control character, is written `\xNN` (Latin-1 `März` gives
    /// `M\xe4rz`), with `isUTF8` false so the name is refused. That form holds a `\`, which no name the daemon
    /// fetches may hold, so it never names another file that is taken.
    public static func decoded(_ bytes: some Collection<UInt8>) -> (name: String, isUTF8: Bool) {
        if let text = String(validating: bytes, as: UTF8.self) { return (text, true) }
        let bytes = Array(bytes)
        var name = ""
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            let length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
            if lead >= 0x20 && lead != 0x7F, index + length <= bytes.count,
                let character = String(validating: bytes[index..<index + length], as: UTF8.self)
            {
                name += character
                index += length
            } else {
                name += String(format: "\\x%02x", lead)
                index += 1
            }
        }
        return (name, false)
    }

    /// `name` fit for a log line or a message: quoted, control characters escaped, cut to 80 characters.
    public static func quoted(_ name: String) -> String {
        String(name.debugDescription.prefix(80))
    }

    /// `name` inside `folder` (a path or key prefix, with or without its trailing `/`; empty for the top level).
    static func joined(_ folder: String, _ name: String) -> String {
        folder.isEmpty || folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    /// `name` with the current time (milliseconds since 1970) inserted before its extension, for a move that must
    /// not overwrite.
    static func timestamped(_ name: String) -> String {
        let stamp = Int64(Date().timeIntervalSince1970 * 1000)
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "\(name).\(stamp)" }
        return "\(name[..<dot]).\(stamp)\(name[dot...])"
    }
}
