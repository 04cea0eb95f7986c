#if canImport(Glibc)
    import Glibc
#endif

/// Opens local paths the daemon reads or writes for a folder's file, refusing anything but a regular file.
///
/// Whoever can write a drop folder can put a FIFO, a device or a symbolic link where a file was: opening a FIFO
/// blocks until a writer comes, for ever if none does. So a path is opened without blocking and without following a
/// link, what was opened is checked to be a regular file, and only then is the descriptor made blocking for its reads
/// and writes.
enum RegularFile {
    /// A blocking descriptor of the regular file at `path`, opened with `flags` (and `mode` when it creates one).
    ///
    /// Anything else there, a symbolic link included, is `notRegularFile`; other failures are coded by their errno.
    static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o600) throws(FolderError) -> Int32 {
        let descriptor = Glibc.open(path, flags | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            let code = errno
            if code == ELOOP { throw FolderError(.notRegularFile, "\(path) is a symbolic link") }
            // A FIFO without a reader, a socket, or a device without its driver, opened for writing.
            if code == ENXIO { throw FolderError(.notRegularFile, "\(path) is not a regular file") }
            throw LocalFolder.error(code, "cannot open \(path)")
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let code = errno
            close(descriptor)
            throw LocalFolder.error(code, "cannot examine \(path)")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw FolderError(.notRegularFile, "\(path) is not a regular file (\(kind(info.st_mode))); it is not read")
        }
        let status = fcntl(descriptor, F_GETFL)
        guard status >= 0, fcntl(descriptor, F_SETFL, status & ~O_NONBLOCK) == 0 else {
            let code = errno
            close(descriptor)
            throw LocalFolder.error(code, "cannot prepare \(path)")
        }
        return descriptor
    }

    /// What a file mode says the file is, for a message.
    private static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: "a FIFO"
        case S_IFDIR: "a directory"
        case S_IFCHR, S_IFBLK: "a device"
        case S_IFSOCK: "a socket"
        case S_IFLNK: "a symbolic link"
        default: "not a file"
        }
    }
}
