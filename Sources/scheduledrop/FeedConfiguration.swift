import Foundation
import Schedule
import ScheduleFeed

/// The HTTP feed (the `feed` section): where it listens, how large an upload may be, what an anonymous client may
/// make it hold (`FeedLimits`), and the partners' tokens.
///
/// On by default on 127.0.0.1:8480. Without tokens every call is refused (401) and only `/healthz` answers.
struct FeedConfiguration: Decodable, CustomStringConvertible {
    /// Whether `run` serves the feed.
    var enabled = true
    /// The address to listen on; loopback unless a proxy or the devices need more.
    var address = "127.0.0.1"
    /// The port; 0 takes a free one (its number is logged).
    var port = 8480
    /// The largest file `addFromBulkUpload` takes, in megabytes.
    var maxUploadMegabytes = 50.0
    /// A connection with no request in progress is closed after this many seconds (also the longest pause within a
    /// request's body): 60, longer than a device's usual poll interval so its connection is kept.
    var idleTimeoutSeconds = 60.0
    /// A new connection's first request head must arrive whole within this many seconds (a kept-alive connection's
    /// next one within the idle timeout): 10, ample for a head of a few hundred bytes, short for a client sending it
    /// a byte at a time.
    var headerTimeoutSeconds = 10.0
    /// The most connections served at once: 512, a few hundred devices with room, and well under the usual 1,024
    /// descriptors, so the drop folders can always open theirs.
    var maxConnections = 512
    /// The most body read before the caller is known, in kilobytes: 256, far more than any call's parameters; an
    /// upload sends its KS first (query, Authorization header, or a multipart field before the file).
    var maxUnauthenticatedBodyKilobytes = 256
    /// The most values in one list (`idIn`, a comma-separated list): 1,000, more than a device asks for.
    var maxListValues = 1_000
    /// The most parameters in one request: 2,000, a multirequest of a hundred calls with room.
    var maxParameters = 2_000
    /// The partners' tokens, by hash.
    var tokens: [TokenConfiguration] = []

    init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case enabled, address, port, maxUploadMegabytes, idleTimeoutSeconds, headerTimeoutSeconds, maxConnections
        case maxUnauthenticatedBodyKilobytes, maxListValues, maxParameters, tokens
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        enabled = try container.decodeIfPresent(Bool.self, forKey: .enabled) ?? enabled
        address = try container.decodeIfPresent(String.self, forKey: .address) ?? address
        port = try container.decodeIfPresent(Int.self, forKey: .port) ?? port
        maxUploadMegabytes = try container.decodeIfPresent(Double.self, forKey: .maxUploadMegabytes) ?? maxUploadMegabytes
        idleTimeoutSeconds = try container.decodeIfPresent(Double.self, forKey: .idleTimeoutSeconds) ?? idleTimeoutSeconds
        headerTimeoutSeconds = try container.decodeIfPresent(Double.self, forKey: .headerTimeoutSeconds) ?? headerTimeoutSeconds
        maxConnections = try container.decodeIfPresent(Int.self, forKey: .maxConnections) ?? maxConnections
        maxUnauthenticatedBodyKilobytes =
            try container.decodeIfPresent(Int.self, forKey: .maxUnauthenticatedBodyKilobytes) ?? maxUnauthenticatedBodyKilobytes
        maxListValues = try container.decodeIfPresent(Int.self, forKey: .maxListValues) ?? maxListValues
        maxParameters = try container.decodeIfPresent(Int.self, forKey: .maxParameters) ?? maxParameters
        tokens = try container.decodeIfPresent([TokenConfiguration].self, forKey: .tokens) ?? tokens
    }

    /// The problems of the values, with their paths under `feed`.
    func problems() -> [ConfigurationError] {
        var problems: [ConfigurationError] = []
        if !(0...65_535).contains(port) { problems.append(ConfigurationError(path: "feed.port", message: "must be 0…65535")) }
        if address.isEmpty { problems.append(ConfigurationError(path: "feed.address", message: "must not be empty")) }
        if !(maxUploadMegabytes > 0) {
            problems.append(ConfigurationError(path: "feed.maxUploadMegabytes", message: "must be more than 0"))
        }
        for (key, seconds) in [("idleTimeoutSeconds", idleTimeoutSeconds), ("headerTimeoutSeconds", headerTimeoutSeconds)]
        where !(seconds > 0 && seconds <= 86_400) {
            problems.append(ConfigurationError(path: "feed." + key, message: "must be more than 0 seconds and at most a day (86400)"))
        }
        for (key, value) in [
            ("maxConnections", maxConnections), ("maxUnauthenticatedBodyKilobytes", maxUnauthenticatedBodyKilobytes),
            ("maxListValues", maxListValues), ("maxParameters", maxParameters),
        ] where !(1...1_000_000_000).contains(value) {
            problems.append(ConfigurationError(path: "feed." + key, message: "must be 1…1000000000"))
        }
        for (index, token) in tokens.enumerated() {
            let path = "feed.tokens[\(index)]"
            if token.partnerId <= 0 {
                problems.append(ConfigurationError(path: path + ".partnerId", message: "must be a partner id (1 or more)"))
            }
            if token.sha256.count != 64 || !token.sha256.allSatisfy(\.isHexDigit) {
                problems.append(
                    ConfigurationError(
                        path: path + ".sha256", message: "must be the 64 hex digits of the token's SHA-256 (scheduledrop token prints them)"
                    ))
            }
            if let expires = token.expires, ISO8601DateFormatter().date(from: expires) == nil {
                problems.append(ConfigurationError(path: path + ".expires", message: "must be an ISO 8601 time, 2027-06-30T00:00:00Z"))
            }
        }
        return problems
    }

    /// The tokens in force; call only when `problems` is empty.
    var tokenBook: TokenBook {
        TokenBook(
            tokens.map { token in
                PartnerToken(
                    partnerId: token.partnerId, sha256: token.sha256,
                    expiresAt: token.expires.flatMap { ISO8601DateFormatter().date(from: $0) }.map { Int64($0.timeIntervalSince1970) })
            })
    }

    /// The upload limit in bytes.
    var maximumUploadBytes: Int { Int(maxUploadMegabytes * 1_048_576) }

    /// The limits the feed holds clients to; call only when `problems` is empty.
    var limits: FeedLimits {
        var limits = FeedLimits()
        limits.idleTimeout = .seconds(idleTimeoutSeconds)
        limits.headerTimeout = .seconds(headerTimeoutSeconds)
        limits.maximumConnections = maxConnections
        limits.maximumUnauthenticatedBodyBytes = maxUnauthenticatedBodyKilobytes * 1024
        limits.maximumListValues = maxListValues
        limits.maximumParameters = maxParameters
        return limits
    }

    /// Says where it listens and how many tokens it has, never the hashes.
    var description: String {
        enabled ? "feed(\(address):\(port), \(tokens.count) token(s), uploads up to \(maxUploadMegabytes) MB)" : "feed(off)"
    }
}

/// One partner token: its SHA-256 (never the token) and an optional expiry.
struct TokenConfiguration: Decodable {
    /// The partner the token gives access to.
    var partnerId: Int
    /// The lower-case hex SHA-256 of the token.
    var sha256: String
    /// When it stops working (ISO 8601); never when absent.
    var expires: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case partnerId, sha256, expires
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        partnerId = try container.decode(Int.self, forKey: .partnerId)
        sha256 = try container.decode(String.self, forKey: .sha256).lowercased()
        expires = try container.decodeIfPresent(String.self, forKey: .expires)
    }
}
