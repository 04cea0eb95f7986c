import Sessions
import Testing

/// KSs made by Kaltura's own Python client (KalturaApiClient 23.10.0, `generateSession` and `generateSessionV2`),
/// read back, and KSs we make, read as the client's are.
@Suite("KS v1 and v2") struct SessionCodecTests {
    static let secrets = SessionCodec.Secrets(admin: "0123456789abcdef0123456789abcdef", user: "fedcba9876543210fedcba9876543210")
    /// `generateSession(admin, "dev", 2, 5, until 2100, "setrole:CAPTURE_DEVICE_ROLE,disableentitlement")`.
    static let clientV1 =
        "OThlNjQ0MGUyOTdlYjEyNzBmZWM0NDM2MWFhZjZjMjhkZDZkOGI4ZHw1OzU7NDEwMjQ0NDgwMDsyOzMyOTAzO2RldjtzZXRyb2xlOkNBUFRVUkVfREVWSUNFX1JPTEUsZGlzYWJsZWVudGl0bGVtZW50"
    /// `generateSessionV2` with the same arguments.
    static let clientV2 =
        "djJ8NXxnOz2pYdR3D_j6OSuhou8j8Og13MT78isym13LOnpn12cHiBELNoV5zxK4A8j3KbzdjfGtdzJrDyR5S1i2Lac4BEj-n-baSOnxjex78UfZOJFDU5FQpFSSqTTkNKVCw1OqSSuVSzWm31wcsIYmHjLc"
    /// `generateSessionV2(user secret, "viewer user", 0, 5, until 2100, "*")`.
    static let clientUserV2 =
        "djJ8NXx4ZzKbqbNWEdMgGfqW6xvsTuqzB-tKeeYMy2Q7xdc5JeV2TdXMVf537kZ-_7t3b5nFyxvC2RyvxqbfeEXQ3YHDJn1Mm-jzKQahUGWrp62JjA=="

    @Test("the client's v1 and v2 admin KSs read as the session they stand for", arguments: [clientV1, clientV2])
    func clientKS(_ ks: String) throws {
        #expect(SessionCodec.partner(of: ks) == 5)
        let session = try SessionCodec.read(ks, secrets: Self.secrets)
        #expect(session.partnerId == 5)
        #expect(session.kind == .admin)
        #expect(session.userId == "dev")
        #expect(session.expiry == 4_102_444_800)
        #expect(session.privileges.role == "CAPTURE_DEVICE_ROLE")
        #expect(session.privileges.value(of: "disableentitlement") == "")
        #expect(Role.of(session) == .captureDevice)
    }

    @Test("a user-secret KS is a user KS; `*` is every privilege")
    func userSecret() throws {
        let session = try SessionCodec.read(Self.clientUserV2, secrets: Self.secrets)
        #expect(session.kind == .user && session.userId == "viewer user")
        #expect(session.privileges.value(of: "all") == "*")
        #expect(Role.of(session) == .user)
    }

    @Test("another partner's secrets, a user secret for an admin KS, and garbage are refused")
    func refused() {
        let other = SessionCodec.Secrets(admin: String(repeating: "1", count: 32), user: String(repeating: "2", count: 32))
        for ks in [Self.clientV1, Self.clientV2] {
            #expect(throws: SessionError.self) { try SessionCodec.read(ks, secrets: other) }
            let swapped = SessionCodec.Secrets(admin: Self.secrets.user, user: Self.secrets.admin)
            #expect(throws: SessionError.invalid("a KS signed with the user secret cannot be an admin KS")) {
                try SessionCodec.read(ks, secrets: swapped)
            }
        }
        for garbage in ["", "not base64!", "djJ8NXw=", "YWJjfDE7MjszOzQ=", String(Self.clientV2.dropLast(8))] {
            #expect(throws: SessionError.self) { try SessionCodec.read(garbage, secrets: Self.secrets) }
        }
    }

    @Test("a KS we write reads back whole, and is different each time")
    func roundTrip() throws {
        var privileges = Privileges("setrole:CAPTURE_DEVICE_ROLE, disableentitlement,,view:*")
        privileges.set("note", "a b&c=d")
        let session = KalturaSession(partnerId: 12, kind: .user, userId: "cam 7@room", expiry: 1_900_000_000, privileges: privileges)
        let ks = SessionCodec.write(session, secret: Self.secrets.user)
        #expect(try SessionCodec.read(ks, secrets: Self.secrets) == session)
        #expect(SessionCodec.write(session, secret: Self.secrets.user) != ks)
        #expect(session.privileges.description == "setrole:CAPTURE_DEVICE_ROLE,disableentitlement,view:*,note:a b&c=d")
    }

    @Test("roles allow what they list")
    func roles() {
        #expect(Role.admin.allows(service: "apptoken", action: "add"))
        #expect(!Role.captureDevice.allows(service: "apptoken", action: "add"))
        #expect(Role.captureDevice.allows(service: "schedule_scheduleevent", action: "list"))
        #expect(!Role.captureDevice.allows(service: "schedule_scheduleevent", action: "get"), "Kaltura grants the device list, not get")
        #expect(Role.widget.allows(service: "apptoken", action: "startsession"))
        #expect(!Role.widget.allows(service: "schedule_scheduleevent", action: "list"))
        #expect(Role.user.allows(service: "schedule_scheduleevent", action: "get"))
        #expect(!Role.user.allows(service: "bulkupload_bulk", action: "list"))
        var privileges = Privileges()
        privileges.set("setrole", "NO_SUCH_ROLE")
        let unknown = Role.of(KalturaSession(partnerId: 1, kind: .admin, userId: "", expiry: 0, privileges: privileges))
        #expect(!unknown.allows(service: "schedule_scheduleevent", action: "list") && unknown.allows(service: "session", action: "get"))
    }

    @Test("app token hashes are the hex digests of the KS followed by the token")
    func tokenHashes() {
        #expect(AppTokenHash.md5.digest(ks: "a", token: "bc") == "900150983cd24fb0d6963f7d28e17f72")
        #expect(AppTokenHash.sha1.digest(ks: "ab", token: "c") == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(AppTokenHash.sha256.digest(ks: "", token: "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(AppTokenHash.sha512.digest(ks: "abc", token: "").hasPrefix("ddaf35a193617aba"))
    }
}
