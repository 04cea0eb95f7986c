import NIOCore
import NIOHTTPTypes

/// Closes a connection whose first request head has not arrived whole within a timeout of the connection's start.
///
/// This is what cuts off a client that opens a connection and sends its headers a byte at a time (slow loris): the
/// idle timeout counts from the last whole request part read, and a head that never ends is never one. On a kept-alive
/// connection the wait for the next head is the idle timeout's, which such trickled bytes do not extend either.
final class HeaderDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let timeout: TimeAmount
    private var deadline: Scheduled<Void>?
    private var headArrived = false

    /// A handler that closes the connection when its first head takes longer than `timeout`.
    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { startDeadline(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelDeadline()
    }

    func channelActive(context: ChannelHandlerContext) {
        startDeadline(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelDeadline()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) {
            headArrived = true
            cancelDeadline()
        }
        context.fireChannelRead(data)
    }

    private func startDeadline(_ context: ChannelHandlerContext) {
        guard deadline == nil, !headArrived else { return }
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            context.close(promise: nil)
        }
    }

    private func cancelDeadline() {
        deadline?.cancel()
        deadline = nil
    }
}
