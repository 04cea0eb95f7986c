import Foundation
import TestSupport
import Testing

/// `check-config` on what each folder kind reads and checks, through the real executable.
@Suite struct CheckConfigTests {
    @Test func aSettingOfAnotherFolderKindIsNamedWithItsPathBesideEachKindsOwnProblems() async throws {
        let root = try TemporaryDirectory()
        try root.write(
            "c.yaml",
            """
            folders:
              - id: a
                path: ./in
                bucket: drop
              - id: b
                type: ftps
                host: ftp.example
                username: u
                passwordEnv: P
                knownHostsFile: ./known_hosts
                listingTimeZone: Mars/Base
              - id: c
                type: s3
                path: ./in
              - id: d
                type: sftp
                host: sftp.example
                username: u
                privateKeyFile: ./key
                caFile: ./ca.pem
              - id: e
                type: local
                timeout: 5
            """)
        let output = try Self.checkConfig("c.yaml", in: root)
        for expected in [
            "folders[0].bucket (line 4): not a setting of a local folder, only of an S3 folder",
            "folders[1].knownHostsFile (line 10): not a setting of an FTP folder, only of an SFTP folder",
            "folders[1].listingTimeZone (line 11): Mars/Base is not an IANA time zone",
            "folders[2].path (line 14): not a setting of an S3 folder, only of a local folder, an FTP folder or an SFTP folder",
            "folders[2].bucket (line 12): an S3 folder needs its bucket's name",
            "folders[3].caFile (line 20): not a setting of an SFTP folder, only of an FTP folder or an S3 folder",
            "folders[3].knownHostsFile (line 15): an SFTP folder needs a known_hosts file, or hostKeyPolicy: acceptNew",
            "folders[4].timeout (line 23): not a setting of a local folder, only of an FTP folder, an SFTP folder or an S3 folder",
            "folders[4].path (line 21): a local folder needs a path",
        ] {
            #expect(output.contains(expected), "\(expected) in \(output)")
        }
        #expect(output.contains("the configuration has 9 problem(s)"), "\(output)")
    }

    @Test func anUnknownFolderTypeIsNamedWithTheKnownOnes() async throws {
        let root = try TemporaryDirectory()
        try root.write("c.yaml", "folders:\n  - id: a\n    type: webdav\n    path: ./in\n")
        let output = try Self.checkConfig("c.yaml", in: root)
        #expect(output.contains("folders[0].type (line 3): unknown folder type webdav; known: local, ftp, ftps, sftp, s3"), "\(output)")
    }

    @Test func folderIdsCannotPoseAsPseudoFoldersAndURLFieldsCannotHoldPasswords() async throws {
        let root = try TemporaryDirectory()
        try root.write(
            "c.yaml",
            """
            folders:
              - id: upload-2
                path: ./in
                partnerId: 1
              - id: CLI
                path: ./in
              - id: ..
                path: ./in
              - id: b
                type: sftp
                host: alice:Hunter2Secret@sftp.example
                username: alice
                passwordEnv: P
                hostKeyPolicy: acceptNew
              - id: c
                type: s3
                bucket: drop
                endpoint: https://AKIAEXAMPLE:Hunter3Secret@s3.example
              - id: d
                type: ftp
                host: ftp://ftp.example/in
                username: u
                passwordEnv: P
            maxJobCutOffs: 0
            """)
        let output = try Self.checkConfig("c.yaml", in: root)
        for expected in [
            "folders[0].id (line 2): 'cli' and 'upload-…' are reserved",
            "folders[1].id (line 5): 'cli' and 'upload-…' are reserved",
            "folders[2].id (line 7): must be 1 to 64 ASCII letters",
            "folders[3].host (line 11): must be the server's name or address alone: a user or password in it",
            "folders[4].endpoint (line 18): must not hold a user or password",
            "folders[5].host (line 21): must be the server's name or address alone, without a scheme",
            "maxJobCutOffs (line 24): must be 1…1000",
        ] {
            #expect(output.contains(expected), "\(expected) in \(output)")
        }
        #expect(!output.contains("Hunter2Secret") && !output.contains("Hunter3Secret"), "a password is never repeated: \(output)")
    }

    @Test func theFeedsLimitsAreCheckedAndNamedWithTheirPaths() async throws {
        let root = try TemporaryDirectory()
        try root.write(
            "c.yaml",
            """
            feed:
              idleTimeoutSeconds: 0
              headerTimeoutSeconds: -1
              maxConnections: 0
              maxUnauthenticatedBodyKilobytes: 0
              maxListValues: -5
              maxParameters: 2000000000
            """)
        let output = try Self.checkConfig("c.yaml", in: root)
        for expected in [
            "feed.idleTimeoutSeconds (line 2): must be more than 0 seconds and at most a day (86400)",
            "feed.headerTimeoutSeconds (line 3): must be more than 0 seconds and at most a day (86400)",
            "feed.maxConnections (line 4): must be 1…1000000000",
            "feed.maxUnauthenticatedBodyKilobytes (line 5): must be 1…1000000000",
            "feed.maxListValues (line 6): must be 1…1000000000",
            "feed.maxParameters (line 7): must be 1…1000000000",
        ] {
            #expect(output.contains(expected), "\(expected) in \(output)")
        }
    }

    /// The output of `check-config --config name` in `root`, which must find problems.
    private static func checkConfig(_ name: String, in root: TemporaryDirectory) throws -> String {
        let check = try Daemon(["check-config", "--config", name], in: root.path, logPath: root.path + "/out")
        check.process.waitUntilExit()
        #expect(check.process.terminationStatus == 1)
        return check.output
    }
}
