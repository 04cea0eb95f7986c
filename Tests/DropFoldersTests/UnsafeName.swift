import DropFolders
import Foundation
import TestSupport
import Testing

/// Checks that a listed file with an unsafe name is refused by `fetch` and by every disposal, and stays where it
/// is (`stillThere` says whether it is), with nothing staged.
func expectNeverTouched(_ file: FileStat, by folder: any FolderSource, stillThere: () throws -> Bool) async throws {
    #expect(FileName.problem(file.path) != nil, "\(file.path.debugDescription) is unsafe")
    let staging = try TemporaryDirectory()
    let fetched = await #expect(throws: FolderError.self) {
        try await folder.fetch(file, to: URL(fileURLWithPath: staging.path + "/staged"))
    }
    #expect(fetched?.code == .unsafeName)
    for disposal in [Disposal.delete, .move(to: "archive")] {
        let disposed = await #expect(throws: FolderError.self) { try await folder.dispose(file, disposal) }
        #expect(disposed?.code == .unsafeName)
    }
    #expect(try stillThere(), "the file is still on the server")
    #expect(try FileManager.default.contentsOfDirectory(atPath: staging.path).isEmpty, "nothing staged")
}
