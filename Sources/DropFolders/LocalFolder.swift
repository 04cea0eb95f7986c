import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A drop folder on the local file system, watched with inotify.
///
/// Only regular files at the top level are listed. Symbolic links are never followed (a link
/// could otherwise make another partner's file this folder's), and an entry that cannot be
/// examined is passed over rather than failing the whole listing.
public struct LocalFolder: ChangeNotifyingFolder {
    /// The folder's configured id.
    public let id: String
    /// The directory watched.
    public let directory: String
    /// `local`.
    public var kind: String { "local" }

    /// Creates a local folder over `directory`.
    public init(id: String, directory: String) {
        self.id = id
        self.directory = directory
    }

    /// The regular files at the top level of the directory.
    public func list() async throws -> [FileStat] {
        try await BlockingWork.run { [self] in
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
                if let stat = try? statFile(name) { files.append(stat) }
            }
            return files
        }
    }

    /// The stat of one file, not following symbolic links; nil if absent or not a regular file.
    public func stat(_ path: String) async throws -> FileStat? {
        try statFile(path)
    }

    /// Changes reported by inotify; the watch ends when the stream is dropped.
    public func changes() throws -> AsyncStream<FolderChange> {
        try Inotify(directory: directory).changes()
    }

    /// Copies the file (synced to disk) and checks afterwards that it did not change meanwhile.
    public func fetch(_ file: FileStat, to destination: URL) async throws {
        try await BlockingWork.run { [self] in
            let partial = destination.path + ".part"
            do {
                try Self.copy(from: fullPath(file.path), to: partial)
                guard let after = try statFile(file.path), after == file else {
                    throw FolderError(.changedDuringFetch, "\(file.path) changed while it was being copied")
                }
                guard rename(partial, destination.path) == 0 else {
                    throw Self.error(errno, "cannot move the staged copy of \(file.path) into place")
                }
            } catch {
                unlink(partial)
                throw error
            }
        }
    }

    /// Deletes the file, or moves it into the target directory (created if needed) under a name that overwrites nothing.
    ///
    /// The file must still be the version given: a newer upload under the same name is left alone
    /// (`changedBeforeDisposal`), so it is ingested in its turn. A move to another file system is a copy and a delete.
    @discardableResult
    public func dispose(_ file: FileStat, _ disposal: Disposal) async throws -> String? {
        try await BlockingWork.run { [self] in
            let source = fullPath(file.path)
            guard disposal != .keep else { return nil }
            guard try statFile(file.path) == file else {
                throw FolderError(.changedBeforeDisposal, "\(file.path) changed after it was processed; the new version stays")
            }
            switch disposal {
            case .keep:
                return nil
            case .delete:
                guard unlink(source) == 0 || errno == ENOENT else { throw Self.error(errno, "cannot delete \(file.path)") }
                return nil
            case .move(let target):
                try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
                var destination = target + "/" + file.path
                if access(destination, F_OK) == 0 {
                    destination = target + "/" + FileName.timestamped(file.path)
                }
                if rename(source, destination) == 0 { return destination }
                guard errno == EXDEV else { throw Self.error(errno, "cannot move \(file.path) to \(target)") }
                try Self.copy(from: source, to: destination)
                guard unlink(source) == 0 else { throw Self.error(errno, "cannot delete \(file.path) after copying it to \(target)") }
                return destination
            }
        }
    }

    // MARK: - Helpers

    private func fullPath(_ name: String) -> String { directory + "/" + name }

    private func statFile(_ name: String) throws -> FileStat? {
        var info = Glibc.stat()
        guard fstatat(AT_FDCWD, fullPath(name), &info, AT_SYMLINK_NOFOLLOW) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw Self.error(errno, "cannot stat \(name)")
        }
        guard info.st_mode & S_IFMT == S_IFREG else { return nil }
        let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        return FileStat(path: name, size: Int64(info.st_size), modified: modified)
    }

    /// Copies a regular file (never through a symbolic link) and syncs the copy to disk.
    private static func copy(from source: String, to destination: String) throws {
        let input = open(source, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard input >= 0 else { throw error(errno, "cannot open \(source)") }
        defer { close(input) }
        let output = open(destination, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard output >= 0 else { throw error(errno, "cannot create \(destination)") }
        defer { close(output) }
        let size = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = read(input, buffer, size)
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw error(errno, "cannot read \(source)") }
            if count == 0 { break }
            var written = 0
            while written < count {
                let result = write(output, buffer + written, count - written)
                if result < 0 && errno == EINTR { continue }
                guard result > 0 else { throw error(errno, "cannot write \(destination)") }
                written += result
            }
        }
        guard fsync(output) == 0 else { throw error(errno, "cannot sync \(destination)") }
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
