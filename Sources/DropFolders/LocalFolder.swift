import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A drop folder on the local file system, watched with inotify.
///
/// Only regular files at the top level are listed; directories and other kinds are passed over.
public struct LocalFolder: ChangeNotifyingFolder {
    /// The folder's configured id.
    public let id: String
    /// The directory watched.
    public let directory: String

    /// Creates a local folder over `directory`.
    public init(id: String, directory: String) {
        self.id = id
        self.directory = directory
    }

    /// The regular files at the top level of the directory.
    public func list() async throws -> [FileStat] {
        guard let handle = opendir(directory) else {
            throw Self.error(errno, "cannot list \(directory)")
        }
        defer { closedir(handle) }
        var files: [FileStat] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name == "." || name == ".." { continue }
            if let stat = try statFile(name) { files.append(stat) }
        }
        return files
    }

    /// The stat of one file, following symbolic links; nil if absent or not a regular file.
    public func stat(_ path: String) async throws -> FileStat? {
        try statFile(path)
    }

    /// Changes reported by inotify; the watch ends when the stream is dropped.
    public func changes() throws -> AsyncStream<FolderChange> {
        try Inotify(directory: directory).changes()
    }

    /// Copies the file (synced to disk) and checks afterwards that it did not change meanwhile.
    public func fetch(_ file: FileStat, to destination: URL) async throws {
        let source = fullPath(file.path)
        let partial = destination.path + ".part"
        try copy(from: source, to: partial)
        guard let after = try statFile(file.path), after == file else {
            unlink(partial)
            throw FolderError(.changedDuringFetch, "\(file.path) changed while it was being copied")
        }
        guard rename(partial, destination.path) == 0 else {
            throw Self.error(errno, "cannot move the staged copy of \(file.path) into place")
        }
    }

    /// Deletes the file, or moves it into the target directory (created if needed) under a name that overwrites nothing.
    public func dispose(_ file: FileStat, _ disposal: Disposal) async throws {
        let source = fullPath(file.path)
        switch disposal {
        case .keep:
            return
        case .delete:
            guard unlink(source) == 0 || errno == ENOENT else { throw Self.error(errno, "cannot delete \(file.path)") }
        case .move(let target):
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
            var destination = target + "/" + file.path
            if access(destination, F_OK) == 0 {
                destination = target + "/" + Self.timestamped(file.path)
            }
            guard rename(source, destination) == 0 else { throw Self.error(errno, "cannot move \(file.path) to \(target)") }
        }
    }

    // MARK: - Helpers

    private func fullPath(_ name: String) -> String { directory + "/" + name }

    private func statFile(_ name: String) throws -> FileStat? {
        var info = Glibc.stat()
        guard fstatat(AT_FDCWD, fullPath(name), &info, 0) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw Self.error(errno, "cannot stat \(name)")
        }
        guard info.st_mode & S_IFMT == S_IFREG else { return nil }
        let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        return FileStat(path: name, size: Int64(info.st_size), modified: modified)
    }

    private func copy(from source: String, to destination: String) throws {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw Self.error(errno, "cannot open \(source)") }
        defer { close(input) }
        let output = open(destination, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard output >= 0 else { throw Self.error(errno, "cannot create \(destination)") }
        defer { close(output) }
        let size = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = read(input, buffer, size)
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw Self.error(errno, "cannot read \(source)") }
            if count == 0 { break }
            var written = 0
            while written < count {
                let result = write(output, buffer + written, count - written)
                if result < 0 && errno == EINTR { continue }
                guard result > 0 else { throw Self.error(errno, "cannot write \(destination)") }
                written += result
            }
        }
        guard fsync(output) == 0 else { throw Self.error(errno, "cannot sync \(destination)") }
    }

    /// `name` with the current UTC time inserted before its extension, for a move that must not overwrite.
    static func timestamped(_ name: String) -> String {
        let stamp = Int64(Date().timeIntervalSince1970 * 1000)
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "\(name).\(stamp)" }
        return "\(name[..<dot]).\(stamp)\(name[dot...])"
    }

    static func error(_ code: Int32, _ what: String) -> FolderError {
        let reason = String(cString: strerror(code))
        switch code {
        case ENOENT: return FolderError(.notFound, "\(what): \(reason)")
        case EACCES, EPERM: return FolderError(.permissionDenied, "\(what): \(reason)")
        default: return FolderError(.ioFailed, "\(what): \(reason)")
        }
    }
}
