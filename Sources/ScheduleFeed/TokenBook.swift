import Crypto
import Foundation
import Sessions

/// A partner's feed token as configured: its SHA-256, never the token itself, and when it stops working.
public struct PartnerToken: Equatable, Sendable {
    /// The partner the token gives access to.
    public var partnerId: Int
    /// The lower-case hex SHA-256 of the token.
    public var sha256: String
    /// When the token stops working, seconds since 1970; nil for never.
    public var expiresAt: Int64?

    /// Creates a token entry.
    public init(partnerId: Int, sha256: String, expiresAt: Int64? = nil) {
        self.partnerId = partnerId
        self.sha256 = sha256.lowercased()
        self.expiresAt = expiresAt
    }

    /// The lower-case hex SHA-256 of a token, as the configuration stores it.
    public static func hash(_ token: String) -> String {
        lowercaseHex(SHA256.hash(data: Data(token.utf8)))
    }
}

/// The configured tokens: which partner a request's token stands for.
public struct TokenBook: Sendable {
    private let tokens: [String: PartnerToken]

    /// A book of `tokens`; a hash given twice keeps its last entry.
    public init(_ tokens: [PartnerToken]) {
        self.tokens = Dictionary(tokens.map { ($0.sha256, $0) }) { _, last in last }
    }

    /// The partners that have a token.
    public var partners: Set<Int> { Set(tokens.values.map(\.partnerId)) }

    /// The entry of `token`, if it is a configured one (expired or not).
    public func token(_ token: String) -> PartnerToken? {
        tokens[PartnerToken.hash(token)]
    }
}
