import Schedule
import ScheduleStore

/// `scheduledrop_folder`: the partner's drop folders and how they are doing (`list`).
struct FolderService: KalturaService {
    let context: FeedContext
    let name = "scheduledrop_folder"
    let actions: Set<String> = ["list"]

    func perform(_ action: String, _ call: ServiceCall) async throws -> ServiceResult {
        let partnerId = try call.requireCaller().partnerId
        try FeedContext.refuseCalendar(call.format, for: "folders")
        let own = Set(context.folderPartners().filter { $0.value == partnerId }.keys)
        let statuses = try await context.store.folderStatuses().filter { own.contains($0.folderId) }
        return .list(
            KalturaListResponse(
                objects: statuses.map(BulkUploadObject.folder), totalCount: statuses.count, objectType: "ScheduledropFolderListResponse"))
    }
}
