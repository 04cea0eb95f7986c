import Foundation

/// Where a PostgreSQL store is: `postgresql://USER@HOST:PORT/DATABASE`, with `?sslmode=disable|prefer|require`
/// (`prefer` by default). The password is never part of it: it comes from the environment or a file, so the URL can
/// be logged and shown as it is.
public struct PostgresURL: Equatable, Sendable, CustomStringConvertible {
    /// The user the daemon logs in as.
    public var user: String
    /// The server's host name or address.
    public var host: String
    /// The server's port.
    public var port: Int
    /// The database.
    public var database: String
    /// Whether the connection is encrypted: never, when the server offers it, or always.
    public var tls: TLSMode

    /// How a connection uses TLS (libpq's `sslmode` values).
    public enum TLSMode: String, Sendable {
        case disable, prefer, require
    }

    /// Reads a URL; throws `PostgresURLError` saying what is wrong, and refuses one that carries a password.
    public init(_ text: String) throws {
        guard let components = URLComponents(string: text), ["postgresql", "postgres"].contains(components.scheme ?? "") else {
            throw PostgresURLError(message: "a PostgreSQL store is postgresql://USER@HOST:PORT/DATABASE")
        }
        guard components.password == nil else {
            throw PostgresURLError(
                message: "the store URL must not carry a password: give it in SCHEDULEDROP_STORE_PASSWORD or storePasswordFile")
        }
        guard let user = components.user, !user.isEmpty else { throw PostgresURLError(message: "the store URL names no user") }
        guard let host = components.host, !host.isEmpty else { throw PostgresURLError(message: "the store URL names no host") }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else { throw PostgresURLError(message: "the store URL names no database") }
        var tls = TLSMode.prefer
        for item in components.queryItems ?? [] {
            guard item.name == "sslmode", let mode = TLSMode(rawValue: item.value ?? "") else {
                throw PostgresURLError(message: "the store URL's only parameter is sslmode=disable|prefer|require, not \(item.name)")
            }
            tls = mode
        }
        self.user = user
        self.host = host
        self.port = components.port ?? 5432
        self.database = database
        self.tls = tls
    }

    /// The URL as written, without a password.
    public var description: String {
        "postgresql://\(user)@\(host):\(port)/\(database)" + (tls == .prefer ? "" : "?sslmode=\(tls.rawValue)")
    }
}

/// A store URL that cannot be used, and why.
public struct PostgresURLError: Error, CustomStringConvertible {
    /// What is wrong.
    public var message: String
    /// The message.
    public var description: String { message }
}
