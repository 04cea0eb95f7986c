/// Every metric the daemon exports (Prometheus conventions), with its labels: the one place names are defined,
/// because a name reused with another type or other labels is a fatal error in the Prometheus backend.
public enum MetricName {
    /// Counter of finished files, labels `folder` and `outcome` (`handled`, `error`, `ignored`).
    public static let files = "scheduledrop_files_total"
    /// Counter of items of finished files, label `result` (`added`, `updated`, `cancelled`, `deleted`, `unchanged`,
    /// `rejected`).
    public static let items = "scheduledrop_items_total"
    /// Histogram of job durations in seconds, label `kind` (`ical`, `resourceCsv`).
    public static let jobDuration = "scheduledrop_job_duration_seconds"
    /// Counter of failed folder listings, labels `folder` and `code`.
    public static let pollErrors = "scheduledrop_folder_poll_errors_total"
    /// Gauge of a folder's failed listings in a row (0 when its last listing worked; above 0 it backs off), label `folder`.
    public static let consecutiveFailures = "scheduledrop_folder_consecutive_failures"
    /// Gauge of a folder's files waiting for their job (stable, not yet ingested, or to be retried), label `folder`.
    public static let queueDepth = "scheduledrop_folder_queue_depth"
    /// Gauge of a partner's listed (not deleted) events in the store, label `partner`; read at each scrape.
    public static let events = "scheduledrop_events"
    /// Counter of feed requests, labels `action` (`schedule_scheduleevent.list` …, `healthz`), `status` (HTTP) and `error`
    /// (the refused call's code, `none` for an answer).
    public static let feedRequests = "scheduledrop_feed_requests_total"
}
