import Schedule
import ScheduleStore

/// Jobs and folders as Kaltura objects: `KalturaBulkUpload` (a job and its outcome) and a folder's status.
enum BulkUploadObject {
    /// A job as `KalturaBulkUpload`: `status` is Kaltura's batch job status (1 queued, 2 processing, 5 finished,
    /// 12 finished with rejected items, 6 failed), with the counts of its report once it has one.
    static func make(_ job: JobStatus) -> KalturaObject {
        var fields = common(jobId: job.jobId, path: job.file.identity.path, kind: job.report?.kind, createdAt: job.createdAt)
        if let report = job.report {
            fields["status"] = .int(status(report.status.rawValue, rejected: report.counts.rejected))
            fields["numOfObjects"] = .int(Int64(report.items.count))
            fields["description"] = .string(report.counts.text)
            fields["logFileUrl"] = .string("/api_v3/service/bulkupload_bulk/action/serveLog/id/\(job.jobId)")
            if let code = report.code { fields["error"] = .string("\(code): \(report.message ?? "")") }
        } else if job.file.state == .error {
            fields["status"] = .int(6)
            fields["error"] = .string("\(job.file.errorCode ?? "error"): \(job.file.errorMessage ?? "")")
        } else {
            fields["status"] = .int(job.file.state == .processing ? 2 : 1)
        }
        return KalturaObject(objectType: "KalturaBulkUpload", fields: fields)
    }

    /// A stored report as `KalturaBulkUpload`.
    static func make(_ summary: ReportSummary) -> KalturaObject {
        var fields = common(jobId: summary.jobId, path: summary.path, kind: nil, createdAt: summary.createdAt)
        fields["status"] = .int(status(summary.status, rejected: summary.counts.rejected))
        fields["description"] = .string(summary.counts.text)
        fields["logFileUrl"] = .string("/api_v3/service/bulkupload_bulk/action/serveLog/id/\(summary.jobId)")
        if let code = summary.code { fields["error"] = .string(code) }
        return KalturaObject(objectType: "KalturaBulkUpload", fields: fields)
    }

    /// A drop folder's status.
    static func folder(_ status: FolderStatus) -> KalturaObject {
        var fields: [String: KalturaObject.Value] = [
            "id": .string(status.folderId), "kind": .string(status.kind), "consecutiveFailures": .int(Int64(status.consecutiveFailures)),
        ]
        fields["lastPollAt"] = status.lastPollAt.map(KalturaObject.Value.int)
        fields["lastSuccessAt"] = status.lastSuccessAt.map(KalturaObject.Value.int)
        fields["nextPollAt"] = status.nextPollAt.map(KalturaObject.Value.int)
        fields["lastErrorCode"] = status.lastErrorCode.map(KalturaObject.Value.string)
        fields["lastErrorMessage"] = status.lastErrorMessage.map(KalturaObject.Value.string)
        for (state, count) in status.files {
            fields["files" + state.rawValue.prefix(1).uppercased() + state.rawValue.dropFirst()] = .int(Int64(count))
        }
        return KalturaObject(objectType: "ScheduledropFolderStatus", fields: fields)
    }

    private static func common(jobId: Int64, path: String, kind: FileKind?, createdAt: Int64) -> [String: KalturaObject.Value] {
        let types: (upload: String, object: String) =
            switch kind ?? FileKind(path: path) {
            case .ical: ("scheduleBulkUpload.ICAL", "scheduleBulkUpload.SCHEDULE_EVENT")
            case .resourceCsv: ("bulkUploadCsv.CSV", "scheduleBulkUpload.SCHEDULE_RESOURCE")
            }
        return [
            "id": .int(jobId), "fileName": .string(path), "uploadedOn": .int(createdAt),
            "bulkUploadType": .string(types.upload), "bulkUploadObjectType": .string(types.object),
        ]
    }

    /// Kaltura's batch job status of a finished job.
    private static func status(_ reportStatus: String, rejected: Int) -> Int64 {
        reportStatus == ReportStatus.error.rawValue ? 6 : rejected > 0 ? 12 : 5
    }
}
