/// The SQL of each schema version; a released version is never edited, only followed by another.
enum Schema {
    /// Events (with room for occurrences), resources and their links, files, jobs and reports.
    static let version1 = """
        CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            partner_id INTEGER NOT NULL,
            reference_id TEXT NOT NULL,
            recurrence_key TEXT NOT NULL DEFAULT '',
            type INTEGER NOT NULL,
            status INTEGER NOT NULL,
            recurrence_type INTEGER NOT NULL DEFAULT 0,
            parent_id INTEGER REFERENCES events(id),
            summary TEXT,
            description TEXT,
            location TEXT,
            organizer TEXT,
            start_date INTEGER NOT NULL,
            end_date INTEGER NOT NULL,
            time_zone_id TEXT,
            sequence INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            UNIQUE (partner_id, reference_id, recurrence_key)
        );
        CREATE INDEX events_by_start ON events (partner_id, start_date);
        CREATE TABLE resources (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            partner_id INTEGER NOT NULL,
            type INTEGER NOT NULL,
            status INTEGER NOT NULL,
            name TEXT NOT NULL,
            system_name TEXT NOT NULL DEFAULT '',
            description TEXT,
            tags TEXT,
            parent_id INTEGER REFERENCES resources(id),
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX resources_by_system_name ON resources (partner_id, type, system_name) WHERE system_name != '';
        CREATE TABLE event_resources (
            event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
            resource_id INTEGER NOT NULL REFERENCES resources(id),
            PRIMARY KEY (event_id, resource_id)
        );
        CREATE TABLE files (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            folder_id TEXT NOT NULL,
            path TEXT NOT NULL,
            size INTEGER NOT NULL,
            modified INTEGER NOT NULL,
            etag TEXT NOT NULL DEFAULT '',
            state TEXT NOT NULL,
            error_code TEXT,
            error_message TEXT,
            sha256 TEXT,
            first_seen_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE INDEX files_by_path ON files (folder_id, path);
        CREATE UNIQUE INDEX files_by_identity ON files (folder_id, path, size, modified, etag) WHERE state != 'uploading';
        CREATE TABLE jobs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            file_id INTEGER NOT NULL REFERENCES files(id),
            kind TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            finished_at INTEGER
        );
        CREATE INDEX jobs_unfinished ON jobs (file_id) WHERE finished_at IS NULL;
        CREATE TABLE reports (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            job_id INTEGER NOT NULL UNIQUE REFERENCES jobs(id),
            file_id INTEGER NOT NULL REFERENCES files(id),
            folder_id TEXT NOT NULL,
            partner_id INTEGER NOT NULL,
            status TEXT NOT NULL,
            added INTEGER NOT NULL,
            updated INTEGER NOT NULL,
            cancelled INTEGER NOT NULL,
            deleted INTEGER NOT NULL,
            unchanged INTEGER NOT NULL,
            rejected INTEGER NOT NULL,
            warnings INTEGER NOT NULL,
            code TEXT,
            json TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE INDEX reports_by_file ON reports (file_id);
        """

    /// The status of each folder's polling.
    static let version2 = """
        CREATE TABLE folder_status (
            folder_id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            last_poll_at INTEGER,
            last_success_at INTEGER,
            last_error_code TEXT,
            last_error_message TEXT,
            consecutive_failures INTEGER NOT NULL DEFAULT 0
        );
        """

    /// The X-KALTURA-* fields of events, series rules and sources, and the indexes occurrences and conflicts need.
    static let version3 = """
        ALTER TABLE events ADD COLUMN tags TEXT;
        ALTER TABLE events ADD COLUMN category_ids TEXT NOT NULL DEFAULT '';
        ALTER TABLE events ADD COLUMN entry_ids TEXT NOT NULL DEFAULT '';
        ALTER TABLE events ADD COLUMN template_entry_id TEXT;
        ALTER TABLE events ADD COLUMN recurrence_rule TEXT;
        ALTER TABLE events ADD COLUMN source TEXT;
        CREATE INDEX events_by_parent ON events (parent_id) WHERE parent_id IS NOT NULL;
        CREATE INDEX events_series ON events (recurrence_type) WHERE recurrence_type = 1;
        CREATE INDEX events_blackouts ON events (partner_id, start_date) WHERE type = 3;
        ALTER TABLE event_resources ADD COLUMN start_date INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX event_resources_by_resource ON event_resources (resource_id, start_date);
        """

    /// A counter that every write of events or resources moves, for the feed's ETags.
    static let version4 = """
        CREATE TABLE data_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
        INSERT INTO data_version (id, version) VALUES (1, 0);
        """

    /// The listing index: the feed's order (start, then id) with the status beside it, so that counting a
    /// partner's listed events reads the index alone; it replaces `events_by_start`, its prefix.
    static let version5 = """
        CREATE INDEX events_listing ON events (partner_id, start_date, id, status);
        DROP INDEX events_by_start;
        """

    /// When a folder is listed next: its poll interval after a success, its backoff after a failure.
    static let version6 = """
        ALTER TABLE folder_status ADD COLUMN next_poll_at INTEGER;
        """

    /// SSH host keys trusted on first use, pinned per folder and server.
    static let version7 = """
        CREATE TABLE host_keys (
            folder_id TEXT NOT NULL,
            host TEXT NOT NULL,
            key TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            pinned_at INTEGER NOT NULL,
            PRIMARY KEY (folder_id, host)
        );
        """

    /// The event's owner and priority; resources by parent, for the filters and conflicts that go through a room's
    /// cameras; and the links by resource and start with the event id beside them, so that a device's poll of one
    /// resource over the coming days reads its events' ids from this index alone.
    static let version8 = """
        ALTER TABLE events ADD COLUMN owner_id TEXT;
        ALTER TABLE events ADD COLUMN priority INTEGER;
        CREATE INDEX resources_by_parent ON resources (parent_id) WHERE parent_id IS NOT NULL;
        CREATE INDEX event_resources_by_resource_start ON event_resources (resource_id, start_date, event_id);
        DROP INDEX event_resources_by_resource;
        """

    /// Partners with their secrets, app tokens, and sessions ended before their expiry.
    static let version9 = """
        CREATE TABLE partners (
            id INTEGER PRIMARY KEY,
            admin_secret TEXT NOT NULL,
            secret TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE TABLE app_tokens (
            id TEXT PRIMARY KEY,
            partner_id INTEGER NOT NULL,
            token TEXT NOT NULL,
            hash_type TEXT NOT NULL,
            session_type INTEGER NOT NULL,
            session_user_id TEXT,
            session_privileges TEXT NOT NULL,
            session_duration INTEGER,
            expiry INTEGER,
            description TEXT,
            status INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE INDEX app_tokens_by_partner ON app_tokens (partner_id, status, created_at);
        CREATE TABLE ended_sessions (digest TEXT PRIMARY KEY, expiry INTEGER NOT NULL);
        """

    /// Which run of the daemon last started each job, and how many of its runs ended with the process before the
    /// job did: the guard against a file that kills the daemon every time it is tried.
    static let version10 = """
        ALTER TABLE jobs ADD COLUMN run_id TEXT;
        ALTER TABLE jobs ADD COLUMN cut_off INTEGER NOT NULL DEFAULT 0;
        """

    /// The links of events to resources without a rowid (they are found by their key, event and resource, and by the
    /// index by resource and start, so the rowid table was a third B-tree for every link written), each with its event's
    /// end and whether its event is a conflict candidate (`candidate`: active (2), not a blackout (3), not a series row
    /// (1)), so that a job's conflict sweep reads the index by resource and start alone. And reports' JSON in a table of
    /// its own, as the last column of its rows: SQLite writes a large report there piece by piece from a zero blob,
    /// which it would first fill in memory anywhere else in a row (`reports.json` stays for the reports before).
    static let version11 = """
        CREATE TABLE event_resources_keyed (
            event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
            resource_id INTEGER NOT NULL REFERENCES resources(id),
            start_date INTEGER NOT NULL DEFAULT 0,
            end_date INTEGER NOT NULL DEFAULT 0,
            candidate INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (event_id, resource_id)
        ) WITHOUT ROWID;
        INSERT INTO event_resources_keyed (event_id, resource_id, start_date, end_date, candidate)
            SELECT l.event_id, l.resource_id, l.start_date, e.end_date, e.status = 2 AND e.type != 3 AND e.recurrence_type != 1
            FROM event_resources l JOIN events e ON e.id = l.event_id;
        DROP TABLE event_resources;
        ALTER TABLE event_resources_keyed RENAME TO event_resources;
        CREATE INDEX event_resources_by_resource_start ON event_resources (resource_id, start_date, event_id, end_date, candidate);
        CREATE TABLE report_texts (
            report_id INTEGER PRIMARY KEY REFERENCES reports(id),
            json BLOB NOT NULL
        );
        """
}
