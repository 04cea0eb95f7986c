/// The limits the feed puts on what a client may make it hold: connections, time, body bytes, parameters and lists.
///
/// The defaults suit a feed polled by a few hundred devices and scripts: a device keeps one connection alive between
/// polls a minute or less apart, a request's head is a few hundred bytes sent at once, and a call's parameters fit in
/// a few kilobytes. What an anonymous client can make the daemon hold is at most `maximumConnections` descriptors and
/// `maximumConnections × maximumUnauthenticatedBodyBytes` of bodies.
public struct FeedLimits: Equatable, Sendable {
    /// A connection with no request in progress is closed after this long; it is also the longest pause between two
    /// reads of a request's body (a body trickled more slowly is cut off), never a limit on a whole upload.
    public var idleTimeout: Duration = .seconds(60)
    /// A new connection's first request head must arrive whole within this: a client sending its headers a byte at a
    /// time (slow loris) is cut off even if each byte comes in time. On a kept-alive connection the next head must
    /// arrive whole within the idle timeout, which bytes short of a whole head do not extend.
    public var headerTimeout: Duration = .seconds(10)
    /// The most connections served at once; further ones wait in the listen backlog until one closes.
    public var maximumConnections = 512
    /// The most body bytes read before the caller is known (from a KS in the query, the `Authorization` header, or a
    /// form or multipart field before the file).
    public var maximumUnauthenticatedBodyBytes = 256 * 1024
    /// The most values in one list: an `…In` filter, a comma-separated list, the words of a `…Like` filter.
    public var maximumListValues = 1_000
    /// The most parameters one request may carry (a multirequest's calls' parameters included).
    public var maximumParameters = 2_000

    /// The defaults.
    public init() {}
}
