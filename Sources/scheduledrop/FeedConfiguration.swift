import Foundation
import Schedule
import ScheduleFeed

/// The HTTP feed (the `feed` section): where it listens, how large an upload may be, and the partners' tokens.
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
    /// The partners' tokens, by hash.
    var tokens: [TokenConfiguration] = []

    init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case enabled, address, port, maxUploadMegabytes, tokens
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        enabled = try container.decodeIfPresent(Bool.self, forKey: .enabled) ?? enabled
        address = try container.decodeIfPresent(String.self, forKey: .address) ?? address
        port = try container.decodeIfPresent(Int.self, forKey: .port) ?? port
        maxUploadMegabytes = try container.decodeIfPresent(Double.self, forKey: .maxUploadMegabytes) ?? maxUploadMegabytes
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
