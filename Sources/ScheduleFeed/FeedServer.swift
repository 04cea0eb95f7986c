import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle

/// The feed on an HTTP server (Hummingbird): a lifecycle service that serves `ScheduleFeed` until graceful shutdown.
///
/// The server holds to the feed's `limits`: at most `maximumConnections` connections (more wait in the listen
/// backlog), an idle timeout, a deadline for each request's head (`HeaderDeadline`), and no more than
/// `maximumUnauthenticatedBodyBytes` of a body read before the caller is known. A body refused before it is read
/// (413) closes the connection after the answer (`ResponseCloser`) instead of draining the rest.
public struct FeedServer: Service {
    private let feed: ScheduleFeed
    private let host: String
    private let port: Int
    private let logger: Logger
    private let onListening: @Sendable (Int) async -> Void

    /// A server for `feed` on `host:port` (port 0 takes a free one); `onListening` is told the port once it listens.
    public init(
        feed: ScheduleFeed, host: String, port: Int, logger: Logger, onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.feed = feed
        self.host = host
        self.port = port
        self.logger = logger
        self.onListening = onListening
    }

    /// Serves until graceful shutdown or cancellation.
    public func run() async throws {
        let feed = self.feed
        let logger = self.logger
        let onListening = self.onListening
        let limits = feed.limits
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            var exchange = FeedRequest(
                method: request.method.rawValue, path: request.uri.path, query: request.uri.query ?? "", headers: headers)
            if request.method == .get || request.method == .head {
                // A body beside a GET is not read: the connection closes after the answer instead of draining it.
                let hasBody = request.headers[.transferEncoding] != nil || (request.headers[.contentLength].flatMap { Int($0) } ?? 0) > 0
                return Self.response(await feed.respond(to: exchange), closing: hasBody)
            }
            if let refusal = try await Self.readBody(
                request.body, declaredLength: request.headers[.contentLength].flatMap { Int($0) }, into: &exchange, feed: feed)
            {
                return Self.response(refusal, closing: true)
            }
            return Self.response(await feed.respond(to: exchange), closing: false)
        }
        let application = Application(
            responder: responder,
            server: .http1(
                configuration: HTTP1Channel.Configuration(
                    additionalChannelHandlers: [HeaderDeadline(timeout: TimeAmount(limits.headerTimeout)), ResponseCloser()],
                    idleTimeout: TimeAmount(limits.idleTimeout))),
            configuration: ApplicationConfiguration(
                address: .hostname(host, port: port), serverName: "scheduledrop",
                availableConnectionsDelegate: MaximumAvailableConnections(limits.maximumConnections, logger: logger)),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.info("feed listening", metadata: ["address": "\(self.host):\(port)"])
                await onListening(port)
            }, logger: logger)
        try await application.run()
    }

    /// Reads `body` into `exchange`, no more of it than the caller may send: `maximumUnauthenticatedBodyBytes` until
    /// the feed knows the caller, `maximumBodyBytes` once it does. Gives the refusal to answer instead, the rest unread.
    private static func readBody(
        _ body: RequestBody, declaredLength: Int?, into exchange: inout FeedRequest, feed: ScheduleFeed
    ) async throws -> FeedResponse? {
        if let declaredLength, declaredLength > feed.maximumBodyBytes { return feed.refuseOversizeBody(exchange) }
        var limit = feed.limits.maximumUnauthenticatedBodyBytes
        var callerKnown = false
        for try await buffer in body {
            exchange.body += buffer.readableBytesView
            guard exchange.body.count > limit else { continue }
            if callerKnown { return feed.refuseOversizeBody(exchange) }
            if let refusal = await feed.refuseUnknownCaller(exchange) { return refusal }
            callerKnown = true
            limit = feed.maximumBodyBytes
        }
        return nil
    }

    /// The response to write; `closing` says `Connection: close`, so the connection closes once it is written.
    private static func response(_ response: FeedResponse, closing: Bool) -> Response {
        var fields = HTTPFields()
        for (name, value) in response.headers {
            if let name = HTTPField.Name(name) { fields[name] = value }
        }
        if closing { fields[.connection] = "close" }
        return Response(
            status: HTTPResponse.Status(code: response.status), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: response.body)))
    }
}
