import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The feed on an HTTP server (Hummingbird): a lifecycle service that serves `ScheduleFeed` until graceful shutdown.
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
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            var request = request
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            var exchange = FeedRequest(
                method: request.method.rawValue, path: request.uri.path, query: request.uri.query ?? "", headers: headers)
            if request.method != .get && request.method != .head {
                do {
                    var buffer = try await request.collectBody(upTo: feed.maximumBodyBytes)
                    exchange.body = buffer.readBytes(length: buffer.readableBytes) ?? []
                } catch {
                    return Self.response(feed.refuseOversizeBody(exchange))
                }
            }
            return Self.response(await feed.respond(to: exchange))
        }
        let application = Application(
            responder: responder, configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "scheduledrop"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.info("feed listening", metadata: ["address": "\(self.host):\(port)"])
                await onListening(port)
            }, logger: logger)
        try await application.run()
    }

    private static func response(_ response: FeedResponse) -> Response {
        var fields = HTTPFields()
        for (name, value) in response.headers {
            if let name = HTTPField.Name(name) { fields[name] = value }
        }
        return Response(
            status: HTTPResponse.Status(code: response.status), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: response.body)))
    }
}
