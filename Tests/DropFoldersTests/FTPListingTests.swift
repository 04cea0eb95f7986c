import DropFolders
import Foundation
import Testing

/// Listings recorded from real servers, read back into files with sizes and times.
@Suite struct FTPListingTests {
    /// proftpd 1.3.8 (Debian 12), `MLSD` of a folder with a file whose name has a space, an old file and a sub-folder.
    static let proftpdMLSD = """
        modify=20261125030503;perm=flcdmpe;type=cdir;unique=FE00UF9C0D3;UNIX.group=0;UNIX.groupname=ftptest;UNIX.mode=0755;UNIX.owner=1001;UNIX.ownername=ftptest; .\r
        modify=20261125030503;perm=adfrw;size=16;type=file;unique=FE00UF9C144;UNIX.group=0;UNIX.groupname=ftptest;UNIX.mode=0644;UNIX.owner=1001;UNIX.ownername=ftptest; term 2026.ics\r
        modify=20261125030503;perm=flcdmpe;type=dir;unique=FE00UF9C167;UNIX.group=0;UNIX.groupname=ftptest;UNIX.mode=0755;UNIX.owner=1001;UNIX.ownername=ftptest; sub\r
        modify=20261125030502;perm=flcdmpe;type=pdir;unique=FE00UF9C0C3;UNIX.group=0;UNIX.groupname=ftptest;UNIX.mode=0755;UNIX.owner=1001;UNIX.ownername=ftptest; ..\r
        modify=20240305102030;perm=adfrw;size=1234;type=file;unique=FE00UF9C154;UNIX.group=0;UNIX.groupname=ftptest;UNIX.mode=0644;UNIX.owner=1001;UNIX.ownername=ftptest; old.csv\r

        """

    /// The same folder's `LIST` from proftpd.
    static let proftpdLIST = """
        -rw-r--r--   1 ftptest  root         1234 Mar  5  2024 old.csv\r
        drwxr-xr-x   2 ftptest  root         4096 Nov 25 03:05 sub\r
        -rw-r--r--   1 ftptest  root           16 Nov 25 03:05 term 2026.ics\r

        """

    /// 2026-11-25 03:10:00 UTC, a few minutes after the listings were recorded.
    static let now: Int64 = 1_795_575_000

    static func seconds(_ text: String) -> Int64 {
        Int64(ISO8601DateFormatter().date(from: text)!.timeIntervalSince1970) * 1_000_000_000
    }

    @Test func mlsdGivesExactSizesAndUTCTimesOfFilesOnly() {
        #expect(
            FTPListing.parseMLSD(Self.proftpdMLSD) == [
                .init(name: "term 2026.ics", size: 16, modified: Self.seconds("2026-11-25T03:05:03Z"), precision: .exact),
                .init(name: "old.csv", size: 1234, modified: Self.seconds("2024-03-05T10:20:30Z"), precision: .exact),
            ])
        #expect(
            FTPListing.parseMLSD("type=file;size=5;modify=20250101000000.25; a b.ics\n")
                == [.init(name: "a b.ics", size: 5, modified: Self.seconds("2025-01-01T00:00:00Z") + 250_000_000, precision: .exact)])
        #expect(
            FTPListing.parseMLSD("type=file;size=5;modify=20250230000000; bad-date.ics\ntype=file;modify=20250101000000; no-size\n").isEmpty
        )
    }

    @Test func unixListGivesMinutesForRecentFilesAndDaysForOldOnes() {
        #expect(
            FTPListing.parseLIST(Self.proftpdLIST, now: Self.now) == [
                .init(name: "old.csv", size: 1234, modified: Self.seconds("2024-03-05T00:00:00Z"), precision: .day),
                .init(name: "term 2026.ics", size: 16, modified: Self.seconds("2026-11-25T03:05:00Z"), precision: .minute),
            ])
    }

    @Test func aYearlessTimeIsInThePastYearWhenItWouldBeInTheFuture() {
        let newYear = Int64(ISO8601DateFormatter().date(from: "2027-01-02T08:00:00Z")!.timeIntervalSince1970)
        let listing = "-rw-r--r--    1 1000     1000          42 Dec 31 23:00 late.ics\n-rw-r--r-- 1 1000 1000 7 Jan  2 08:30 early.ics\n"
        #expect(
            FTPListing.parseLIST(listing, now: newYear).map(\.modified) == [
                Self.seconds("2026-12-31T23:00:00Z"), Self.seconds("2027-01-02T08:30:00Z"),
            ], "December is last year's; 30 minutes ahead (a server clock a little fast) stays this year")
    }

    @Test func otherServersAndZones() {
        // vsftpd prints numeric owners; some servers leave the group out.
        let vsftpd = "-rw-r--r--    1 1000     1000         2048 Feb 29  2024 leap.ics\n-rw-r--r-- 1 owner 99 Mar  1 09:15 no-group.csv\n"
        #expect(FTPListing.parseLIST(vsftpd, now: Self.now).map(\.name) == ["leap.ics", "no-group.csv"])
        #expect(FTPListing.parseLIST(vsftpd, now: Self.now).map(\.size) == [2048, 99])
        // IIS in its DOS style, two- and four-digit years, a folder and a name with spaces.
        let iis =
            "11-24-26  01:05PM                 1234 Spring term.ics\r\n11-24-2026  09:05AM       <DIR>          archive\r\n"
            + "01-02-27  12:00AM                    3 midnight.csv\r\n"
        #expect(
            FTPListing.parseLIST(iis, now: Self.now) == [
                .init(name: "Spring term.ics", size: 1234, modified: Self.seconds("2026-11-24T13:05:00Z"), precision: .minute),
                .init(name: "midnight.csv", size: 3, modified: Self.seconds("2027-01-02T00:00:00Z"), precision: .minute),
            ])
        // A server in Berlin: its listed times are Berlin wall clock.
        let berlin = FTPListing.parseLIST(Self.proftpdLIST, now: Self.now, zone: TimeZone(identifier: "Europe/Berlin")!)
        #expect(berlin.last?.modified == Self.seconds("2026-11-25T02:05:00Z"))
        #expect(FTPListing.parseLIST("total 8\nlrwxrwxrwx 1 a b 4 Nov 25 03:05 link -> x\nnonsense line\n", now: Self.now).isEmpty)
    }

    @Test func untrustedNamesAreRefusedWithTheirReason() {
        for name in ["a.ics", "Spring term 2026.ics", "é日.csv", String(repeating: "x", count: 255)] {
            #expect(throws: Never.self) { try FileName.check(name) }
        }
        for name in [
            "", ".", "..", "../x.ics", "a/b.ics", "a\\b.ics", "nul\u{0}.ics", "bell\u{7}.ics", "del\u{7F}",
            String(repeating: "x", count: 256),
        ] {
            #expect(throws: FolderError.self, "\(name.debugDescription)") { try FileName.check(name) }
            do { try FileName.check(name) } catch { #expect(error.code == .unsafeName) }
        }
    }
}
