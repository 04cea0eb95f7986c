import Crypto
import Foundation

/// The hash a device proves it holds an app token with: of the KS it calls with, followed by the token.
public enum AppTokenHash: String, CaseIterable, Sendable {
    /// MD5.
    case md5 = "MD5"
    /// SHA-1.
    case sha1 = "SHA1"
    /// SHA-256.
    case sha256 = "SHA256"
    /// SHA-512.
    case sha512 = "SHA512"

    /// The lower-case hex digest of `ks` followed by `token`.
    public func digest(ks: String, token: String) -> String {
        let data = Data((ks + token).utf8)
        let bytes: [UInt8] =
            switch self {
            case .md5: Array(Insecure.MD5.hash(data: data))
            case .sha1: Array(Insecure.SHA1.hash(data: data))
            case .sha256: Array(SHA256.hash(data: data))
            case .sha512: Array(SHA512.hash(data: data))
            }
        return lowercaseHex(bytes)
    }
}
