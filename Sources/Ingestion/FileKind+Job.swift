import Schedule

extension FileKind {
    /// The job that reads files of this kind: the one place a kind is mapped to its job.
    var job: any FileJob.Type {
        switch self {
        case .ical: ICalJob.self
        case .resourceCsv: ResourceJob.self
        }
    }
}
