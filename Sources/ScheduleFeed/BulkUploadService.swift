import Schedule
import ScheduleStore

/// `bulkUpload_bulk`: a job's state and report (`get`, `serveLog`) and the partner's reports (`list`).
struct BulkUploadService: KalturaService {
    let context: FeedContext
    let name = "bulkupload_bulk"
    let actions: Set<String> = ["get", "list", "servelog"]

    func perform(_ action: String, _ call: ServiceCall) async throws -> ServiceResult {
        let partnerId = try call.requireCaller().partnerId
        switch action {
        case "get":
            try FeedContext.refuseCalendar(call.format, for: "bulk uploads")
            let status = try await ownJob(call, partnerId: partnerId)
            return .object(BulkUploadObject.make(status), extra: status.report.map { ["report": $0.json()] } ?? [:])
        case "servelog":
            let status = try await ownJob(call, partnerId: partnerId)
            guard let report = status.report else { throw FeedError(.notFound, "job \(status.jobId) has no report yet") }
            return .response(
                FeedResponse(
                    status: 200, headers: ["Content-Type": "text/plain; charset=utf-8"],
                    body: Array(report.summary(jobId: status.jobId))))
        default:
            try FeedContext.refuseCalendar(call.format, for: "bulk uploads")
            let pager = try Pager(call.parameters, maximumListValues: context.limits.maximumListValues)
            var filter = ReportFilter()
            filter.partnerId = partnerId
            filter.limit = pager.offset + pager.pageSize
            let summaries = try await context.store.reportSummaries(filter).dropFirst(pager.offset)
            return .list(
                KalturaListResponse(
                    objects: summaries.map(BulkUploadObject.make), totalCount: summaries.count,
                    objectType: "KalturaBulkUploadListResponse"))
        }
    }

    /// The job named by the `id` parameter, if it is the partner's: a job whose report is theirs, or, before it has a
    /// report, an upload of theirs.
    private func ownJob(_ call: ServiceCall, partnerId: Int) async throws -> JobStatus {
        guard let id = Int64(try call.required("id")) else { throw FeedError(.invalidParameter, "id must be a bulk upload (job) id") }
        guard let status = try await context.store.job(id: id),
            status.report.map({ $0.partnerId == partnerId })
                ?? (status.file.identity.folderId == FileIdentity.uploadFolderId(partnerId: partnerId))
        else { throw FeedError(.bulkUploadNotFound, "Bulk upload id \"\(id)\" not found") }
        return status
    }
}
