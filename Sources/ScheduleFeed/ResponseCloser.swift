import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Closes the connection as soon as a response that says `Connection: close` is written, without reading the rest of
/// its request: a body refused before it is read is never drained.
final class ResponseCloser: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var closing = false

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head):
            if head.status.kind != .informational, head.headerFields[.connection]?.lowercased() == "close" { closing = true }
            context.write(data, promise: promise)
        case .end where closing:
            context.writeAndFlush(data, promise: promise)
            context.close(promise: nil)
        case .body, .end:
            context.write(data, promise: promise)
        }
    }
}
