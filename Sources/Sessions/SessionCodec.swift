import Crypto
import Foundation
import _CryptoExtras

/// Reads and writes KS text as Kaltura's clients make it (`generateSession` and `generateSessionV2` of
/// `KalturaApiClient`).
///
/// - v1: base64 of `hex(SHA-1(secret + fields)) | fields`, the fields being
///   `partnerId;partnerId;expiry;type;random;userId;privileges`.
/// - v2: URL-safe base64 of `v2|partnerId|` and the AES-128-CBC encryption (key: the first 16 bytes of the
///   secret's SHA-1, zero IV, zero padding) of `SHA-1(random + fields) + random(16) + fields`, the fields
///   being a form-encoded list of the privileges, `_e` (expiry), `_t` (type) and `_u` (user).
///
/// A KS is valid when it is signed by one of the partner's secrets; a user-secret KS may only be a user KS.
public enum SessionCodec {
    /// The partner's two secrets, as a KS is checked against them.
    public struct Secrets: Equatable, Sendable {
        /// Signs admin and user sessions.
        public var admin: String
        /// Signs user sessions only.
        public var user: String

        /// Creates the pair.
        public init(admin: String, user: String) {
            self.admin = admin
            self.user = user
        }
    }

    /// A new secret: 32 lower-case hex digits of 16 random bytes, as Kaltura's secrets and app tokens are.
    public static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return lowercaseHex((0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// The partner a KS claims to be of, read without checking it (to find the secrets to check it with).
    public static func partner(of ks: String) -> Int? {
        guard let bytes = decodeBase64(ks) else { return nil }
        if bytes.starts(with: Array("v2|".utf8)) {
            let fields = bytes.dropFirst(3).prefix { $0 != UInt8(ascii: "|") }
            return Int(String(decoding: fields, as: UTF8.self))
        }
        guard let bar = bytes.firstIndex(of: UInt8(ascii: "|")) else { return nil }
        let info = bytes[bytes.index(after: bar)...]
        return info.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false).first
            .flatMap { Int(String(decoding: $0, as: UTF8.self)) }
    }

    /// The session a KS stands for, checked against `secrets`; expiry is the caller's to check.
    public static func read(_ ks: String, secrets: Secrets) throws(SessionError) -> KalturaSession {
        guard let bytes = decodeBase64(ks) else { throw .invalid("the KS is not base64") }
        let (session, admin) =
            if bytes.starts(with: Array("v2|".utf8)) {
                try readV2(bytes, secrets: secrets)
            } else {
                try readV1(bytes, secrets: secrets)
            }
        if !admin && session.kind == .admin { throw .invalid("a KS signed with the user secret cannot be an admin KS") }
        return session
    }

    /// A new v2 KS for `session`, signed with `secret`.
    public static func write(_ session: KalturaSession, secret: String) -> String {
        var fields: [(String, String)] = session.privileges.entries.map { ($0.name, $0.value) }
        fields += [("_e", String(session.expiry)), ("_t", String(session.kind.rawValue)), ("_u", session.userId)]
        let form = fields.map { formEncode($0.0) + "=" + formEncode($0.1) }.joined(separator: "&")
        var generator = SystemRandomNumberGenerator()
        let random = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        var plain = random + Array(form.utf8)
        plain = Array(Insecure.SHA1.hash(data: plain)) + plain
        plain += [UInt8](repeating: 0, count: (16 - plain.count % 16) % 16)
        // Kaltura's format fixes the IV at zero; the random prefix makes equal sessions encrypt differently.
        let cipher =
            (try? AES._CBC.encrypt(plain, using: key(secret), iv: AES._CBC.IV(ivBytes: [UInt8](repeating: 0, count: 16)), noPadding: true))
            ?? Data()
        let text = Data(Array("v2|\(session.partnerId)|".utf8) + cipher).base64EncodedString()
        return text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }

    private static func readV1(_ bytes: [UInt8], secrets: Secrets) throws(SessionError) -> (KalturaSession, admin: Bool) {
        guard let bar = bytes.firstIndex(of: UInt8(ascii: "|")) else { throw .invalid("the KS has no signature") }
        let signature = String(decoding: bytes[..<bar], as: UTF8.self).lowercased()
        let info = Array(bytes[(bar + 1)...])
        func signed(by secret: String) -> Bool {
            lowercaseHex(Insecure.SHA1.hash(data: Array(secret.utf8) + info)) == signature
        }
        let admin = signed(by: secrets.admin)
        guard admin || signed(by: secrets.user) else { throw .invalid("the KS is not signed by the partner's secret") }
        let fields = info.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        guard fields.count >= 6, let partner = Int(fields[0]), let expiry = Int64(fields[2]), let type = Int(fields[3]),
            let kind = KalturaSession.Kind(rawValue: type)
        else { throw .invalid("the KS's fields cannot be read") }
        let privileges = fields.count > 6 ? Privileges(fields[6]) : Privileges()
        return (KalturaSession(partnerId: partner, kind: kind, userId: fields[5], expiry: expiry, privileges: privileges), admin)
    }

    private static func readV2(_ bytes: [UInt8], secrets: Secrets) throws(SessionError) -> (KalturaSession, admin: Bool) {
        let header = bytes.dropFirst(3)
        guard let bar = header.firstIndex(of: UInt8(ascii: "|")), let partner = Int(String(decoding: header[..<bar], as: UTF8.self))
        else { throw .invalid("the KS's partner cannot be read") }
        let cipher = Array(bytes[(bar + 1)...])
        guard !cipher.isEmpty, cipher.count % 16 == 0 else { throw .invalid("the KS's fields are not whole blocks") }
        for (secret, admin) in [(secrets.admin, true), (secrets.user, false)] {
            guard let fields = decrypt(cipher, secret: secret) else { continue }
            return (try session(partner: partner, fields: fields), admin)
        }
        throw .invalid("the KS is not signed by the partner's secret")
    }

    /// The form-encoded fields of a v2 KS, if `secret` decrypts it and its hash matches.
    private static func decrypt(_ cipher: [UInt8], secret: String) -> String? {
        let iv = try? AES._CBC.IV(ivBytes: [UInt8](repeating: 0, count: 16))
        guard let iv, let plain = try? AES._CBC.decrypt(cipher, using: key(secret), iv: iv, noPadding: true) else { return nil }
        var bytes = Array(plain)
        while bytes.last == 0 { bytes.removeLast() }
        guard bytes.count >= 36 else { return nil }
        let body = Array(bytes[20...])
        guard Array(Insecure.SHA1.hash(data: body)) == Array(bytes[..<20]) else { return nil }
        return String(decoding: body[16...], as: UTF8.self)
    }

    private static func session(partner: Int, fields: String) throws(SessionError) -> KalturaSession {
        var privileges = Privileges()
        var expiry: Int64?
        var type: Int?
        var user = ""
        for pair in fields.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = formDecode(parts[0])
            let value = parts.count > 1 ? formDecode(parts[1]) : ""
            switch name {
            case "_e": expiry = Int64(value)
            case "_t": type = Int(value)
            case "_u": user = value
            default: if !name.hasPrefix("_") { privileges.set(name, value) }
            }
        }
        guard let expiry, let kind = type.flatMap(KalturaSession.Kind.init(rawValue:)) else {
            throw .invalid("the KS's fields cannot be read")
        }
        return KalturaSession(partnerId: partner, kind: kind, userId: user, expiry: expiry, privileges: privileges)
    }

    private static func key(_ secret: String) -> SymmetricKey {
        SymmetricKey(data: Array(Insecure.SHA1.hash(data: Array(secret.utf8))).prefix(16))
    }

    /// Standard or URL-safe base64, with or without padding.
    private static func decodeBase64(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 3)
        for byte in text.utf8 where byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t") {
            switch byte {
            case UInt8(ascii: "-"): bytes.append(UInt8(ascii: "+"))
            case UInt8(ascii: "_"): bytes.append(UInt8(ascii: "/"))
            default: bytes.append(byte)
            }
        }
        bytes += [UInt8](repeating: UInt8(ascii: "="), count: (4 - bytes.count % 4) % 4)
        return Data(base64Encoded: Data(bytes)).map(Array.init)
    }

    /// Form encoding as Python's `urlencode`: letters, digits and `_.-~` kept, a space as `+`, the rest `%XX`.
    private static func formEncode(_ text: String) -> String {
        (text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "").replacingOccurrences(of: "%20", with: "+")
    }

    /// What form encoding keeps as it is.
    private static let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-~")

    private static func formDecode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
