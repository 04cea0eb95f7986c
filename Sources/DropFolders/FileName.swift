/// The rule every name a remote folder lists must pass before the daemon touches it (SPEC §2).
///
/// A remote server is not trusted: a name with a path separator, `.` or `..`, NUL or another control
/// character, or over 255 bytes of UTF-8 could escape the staging area or break logs, so it is refused.
public enum FileName {
    /// Throws `folder.unsafeName` saying why `name` is refused; returns for a safe name.
    public static func check(_ name: String) throws(FolderError) {
        let bytes = name.utf8
        let reason: String? =
            if bytes.isEmpty || name == "." || name == ".." {
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
        if let reason {
            throw FolderError(.unsafeName, "the name \(name.debugDescription.prefix(80)) is refused: \(reason)")
        }
    }
}
