import DropFolders
import Foundation
import Ingestion
import Logging
import Schedule
import ScheduleFeed
import ScheduleStore
import ServiceLifecycle
import Synchronization
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The feed on a real socket (an ephemeral loopback port) over a real SQLite store, with a drop folder of partner 5
/// watched beside it and the upload inbox running, so tests call it with a real HTTP client.
///
/// Tokens: `token-five` (partner 5), `token-six` (partner 6), `token-old` (partner 5, expired).
final class FeedHarness: Sendable {
    let root: TemporaryDirectory
    let drop: String
    let store: SQLiteStore
    let runner: JobRunner
    let settings: FolderSettings
    private let group: ServiceGroup
    private let task: Task<Void, any Error>
    private let bound = BoundPort()

    static let tokens = TokenBook([
        PartnerToken(partnerId: 5, sha256: PartnerToken.hash("token-five")),
        PartnerToken(partnerId: 6, sha256: PartnerToken.hash("token-six")),
        PartnerToken(partnerId: 5, sha256: PartnerToken.hash("token-old"), expiresAt: 1_000_000_000),
    ])

    init(maximumUploadBytes: Int = 1 << 20, limits: FeedLimits = FeedLimits(), watchFolder: Bool = true) async throws {
        root = try TemporaryDirectory()
        drop = root.path + "/drop"
        try FileManager.default.createDirectory(atPath: drop, withIntermediateDirectories: true)
        store = try SQLiteStore(path: root.path + "/store.sqlite")
        let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        runner = JobRunner(store: store, reports: ReportWriter(directory: root.path + "/reports"), logger: quiet)
        settings = FolderSettings(id: "drop", partnerId: 5, pollInterval: .milliseconds(200), stabilityInterval: .zero)
        let inbox = UploadInbox(
            store: store, runner: runner, directory: root.path + "/uploads", settings: { JobSettings(partnerId: $0) }, logger: quiet)
        let feed = ScheduleFeed(
            store: store, tokens: { Self.tokens }, maximumUploadBytes: maximumUploadBytes, limits: limits,
            submit: { partner, kind, name, bytes in try await inbox.submit(partnerId: partner, kind: kind, name: name, bytes: bytes) },
            folderPartners: { ["drop": 5] }, logger: quiet)
        let bound = self.bound
        let server = FeedServer(feed: feed, host: "127.0.0.1", port: 0, logger: quiet) { port in bound.port.store(port, ordering: .relaxed)
        }
        var services: [any Service] = [inbox, server]
        if watchFolder {
            services.append(
                FolderWatcher(
                    source: LocalFolder(id: "drop", directory: drop), settings: settings, store: store, runner: runner,
                    stagingDirectory: root.path + "/staging", logger: quiet))
        }
        let group = ServiceGroup(services: services, logger: quiet)
        self.group = group
        task = Task { try await group.run() }
        try await waitUntil("the feed listens") { bound.port.load(ordering: .relaxed) != 0 }
    }

    deinit { task.cancel() }

    /// Stops the services and waits for them.
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }

    /// The port the feed listens on.
    var port: Int { bound.port.load(ordering: .relaxed) }

    /// The feed's base address.
    var base: String { "http://127.0.0.1:\(port)" }

    /// A GET of `path` (with its query) and its status, headers and body.
    func get(_ path: String, headers: [String: String] = [:]) async throws -> Reply {
        var request = URLRequest(url: URL(string: base + path)!)
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        return try await send(request)
    }

    /// A POST of `body` with its content type.
    func post(_ path: String, body: Data, contentType: String, headers: [String: String] = [:]) async throws -> Reply {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        return try await send(request)
    }

    /// A multipart POST with the file as part `fileData`, as Kaltura's clients send it: `fields` before the file,
    /// `trailingFields` after it.
    func upload(
        _ path: String, name: String, file: Data, fields: [String: String] = [:], trailingFields: [String: String] = [:]
    ) async throws -> Reply {
        let boundary = "----scheduledrop-\(UUID().uuidString)"
        func parts(_ fields: [String: String]) -> Data {
            fields.reduce(into: Data()) { body, field in
                body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field.key)\"\r\n\r\n\(field.value)\r\n".utf8)
            }
        }
        var body = parts(fields)
        body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"fileData\"; filename=\"\(name)\"\r\n".utf8)
        body += Data("Content-Type: application/octet-stream\r\n\r\n".utf8) + file + Data("\r\n".utf8)
        body += parts(trailingFields) + Data("--\(boundary)--\r\n".utf8)
        return try await post(path, body: body, contentType: "multipart/form-data; boundary=\(boundary)")
    }

    private func send(_ request: URLRequest) async throws -> Reply {
        var request = request
        request.cachePolicy = .reloadIgnoringLocalAndRemoteCacheData
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let (data, response) = try await session.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
        }
        return Reply(status: http.statusCode, headers: headers, body: data)
    }

    /// Writes a file into the drop folder and waits until its newest version is handled or failed.
    func dropAndWait(_ name: String, _ text: String) async throws {
        let before = try await store.versions(folderId: "drop", path: name).count
        try Data(text.utf8).write(to: URL(fileURLWithPath: drop + "/" + name))
        try await waitUntil("\(name) is ingested") {
            let versions = try await store.versions(folderId: "drop", path: name)
            return versions.count > before && (versions.last?.state == .handled || versions.last?.state == .error)
        }
    }

    /// The partner's listed events (never deleted ones) in listing order, as the store gives them.
    func storedEvents(partnerId: Int = 5) async throws -> [ScheduleEvent] {
        try await store.events(partnerId: partnerId, filter: EventFilter())
    }
}

/// The port the server listens on, once it does.
final class BoundPort: Sendable {
    let port = Atomic(0)
}

/// What the server answered.
struct Reply: Sendable {
    var status: Int
    var headers: [String: String]
    var body: Data

    /// The body as text.
    var text: String { String(decoding: body, as: UTF8.self) }
    /// The code of a refused call, as Kaltura's `X-Kaltura: error-CODE` header gives it; nil for a success.
    var errorCode: String? {
        headers["x-kaltura"].flatMap { $0.hasPrefix("error-") ? String($0.dropFirst(6)) : nil }
    }

    /// The body as a JSON object.
    func json() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any], "not a JSON object: \(text)")
    }

    /// The ids of a JSON list response's objects, in order.
    func ids() throws -> [Int64] {
        let objects = try #require(try json()["objects"] as? [[String: Any]], "no objects: \(text)")
        return objects.compactMap { ($0["id"] as? NSNumber)?.int64Value }
    }
}

/// A VCALENDAR of the given VEVENT bodies (each a list of content lines).
func calendar(_ events: [[String]]) -> String {
    var text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
    for event in events { text += "BEGIN:VEVENT\r\n" + event.map { $0 + "\r\n" }.joined() + "END:VEVENT\r\n" }
    return text + "END:VCALENDAR\r\n"
}

/// An instant as an iCalendar UTC DATE-TIME.
func utc(_ seconds: Int64) -> String {
    isoTime(seconds).replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
}
