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

    /// The regular files at the top level of the directory; a name that is not UTF-8 is listed in its escaped form
    /// (`FileName.decoded`), marked so that it is refused.
    public func list() async throws -> [FileStat] {
        try await BlockingWork.run { [self] in
            guard let handle = opendir(directory) else {
                throw Self.error(errno, "cannot list \(directory)")
            }
            defer { closedir(handle) }
            var files: [FileStat] = []
            while let entry = readdir(handle) {
                withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    let name = raw.bindMemory(to: CChar.self).baseAddress!
                    let bytes = UnsafeRawBufferPointer(start: name, count: strlen(name))
                    guard !bytes.elementsEqual(".".utf8), !bytes.elementsEqual("..".utf8) else { return }
                    let (text, isUTF8) = FileName.decoded(bytes)
                    // Examined by the name's own bytes: the escaped form of a name that is not UTF-8 names no file.
                    if var stat = try? Self.stat(dirfd(handle), name, as: text) {
                        stat.nameIsUTF8 = isUTF8
                        files.append(stat)
                    }
                }
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
            guard let current = try statFile(file.path) else {
                throw FolderError(.notFound, "\(file.path) is no longer in the folder (or no longer a regular file)")
            }
            guard current == file else {
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
                try Self.copy(from: source, to: destination, exclusive: true)
                guard unlink(source) == 0 else { throw Self.error(errno, "cannot delete \(file.path) after copying it to \(target)") }
                return destination
            }
        }
    }

    // MARK: - Helpers

    private func fullPath(_ name: String) -> String { directory + "/" + name }

    private func statFile(_ name: String) throws -> FileStat? {
        try Self.stat(AT_FDCWD, fullPath(name), as: name)
    }

    /// The stat of the regular file at `path` (relative to the directory `directory`), not following symbolic links,
    /// listed as `name`; nil if absent or not a regular file.
    private static func stat(_ directory: Int32, _ path: UnsafePointer<CChar>, as name: String) throws -> FileStat? {
        var info = Glibc.stat()
        guard fstatat(directory, path, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw error(errno, "cannot stat \(name)")
        }
        guard info.st_mode & S_IFMT == S_IFREG else { return nil }
        let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        return FileStat(path: name, size: Int64(info.st_size), modified: modified)
    }

    /// Copies a regular file to a new regular file (`RegularFile`: never a FIFO, a device or a symbolic link, at
    /// either end) and syncs the copy to disk; `exclusive` fails rather than replace a file at `destination`.
    private static func copy(from source: String, to destination: String, exclusive: Bool = false) throws {
        let input = try RegularFile.open(source, O_RDONLY)
        defer { close(input) }
        let output = try RegularFile.open(destination, O_WRONLY | O_CREAT | (exclusive ? O_EXCL : O_TRUNC))
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
