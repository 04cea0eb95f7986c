import Foundation

/// Downloads a listed file into the staging area through a `.part` file beside the destination, so a broken
/// or short download is never taken for the file: the destination appears only once every listed byte came.
enum StagedDownload {
    /// Runs `transfer` with a sink for the file's bytes (returning false aborts the transfer), then moves the
    /// `.part` file to `destination`; a byte count other than the listed size is `changedDuringFetch`, and a
    /// download is stopped as soon as it goes past that size.
    static func run(_ file: FileStat, to destination: URL, _ transfer: (_ sink: @escaping (UnsafeRawBufferPointer) -> Bool) throws -> Void)
        throws
    {
        let partial = destination.path + ".part"
        let output = FileHandle(fileDescriptor: try RegularFile.open(partial, O_WRONLY | O_CREAT | O_TRUNC), closeOnDealloc: true)
        do {
            var written: Int64 = 0
            var failed = false
            var longer = false
            do {
                try transfer { bytes in
                    guard written + Int64(bytes.count) <= file.size else {
                        longer = true
                        return false
                    }
                    do {
                        try output.write(contentsOf: bytes)
                        written += Int64(bytes.count)
                        return true
                    } catch {
                        failed = true
                        return false
                    }
                }
            } catch  where longer {
                throw FolderError(.changedDuringFetch, "\(file.path) grew past the \(file.size) bytes listed")
            }
            try output.close()
            guard !failed else { throw FolderError(.ioFailed, "cannot write the staging file \(partial)") }
            guard written == file.size else {
                throw FolderError(.changedDuringFetch, "\(file.path) had \(written) bytes, not the \(file.size) listed")
            }
            try FileManager.default.moveItem(atPath: partial, toPath: destination.path)
        } catch {
            try? output.close()
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
    }
}
