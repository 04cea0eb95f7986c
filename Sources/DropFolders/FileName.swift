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
