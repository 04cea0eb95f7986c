import DropFolders
import Foundation
import TestSupport

/// The kinds of remote folder the daemon tests run against, each on its real server.
enum RemoteKind: String, CaseIterable, CustomStringConvertible, Sendable {
    case ftp, ftps, sftp, s3

    var description: String { rawValue }
}

/// A real server of one kind with what the daemon tests need of it: the YAML of a folder on it, the secrets the
/// daemon reads from its environment, files put and seen on the server, and an outage.
///
/// Folders are named by their path on the server (`inbox`): a folder of the login directory for FTP and SFTP, a key
/// prefix (`inbox/`) for S3. The server's password or secret key is in `REMOTE_SECRET`, S3's key id in `REMOTE_KEY`.
final class RemoteServer: @unchecked Sendable {
    let kind: RemoteKind
    private let ftp: FTPServer?
    private let ssh: SSHServer?
    private let s3: S3Server?

    /// Starts a server of `kind`.
    init(_ kind: RemoteKind) throws {
        self.kind = kind
        ftp = kind == .ftp || kind == .ftps ? try FTPServer(tls: kind == .ftps) : nil
        ssh = kind == .sftp ? try SSHServer() : nil
        s3 = kind == .s3 ? try S3Server() : nil
    }

    /// The password or secret key.
    var secret: String { ftp?.password ?? ssh?.password ?? s3!.secretKey }

    /// The environment the daemon needs, with `secret` in place of the real secret.
    func environment(secret: String? = nil) -> [String: String] {
        ["REMOTE_SECRET": secret ?? self.secret, "REMOTE_KEY": s3?.accessKey ?? ""]
    }

    /// The YAML lines of a folder `id` on the server at `folder`, listed every `poll` seconds (indented as a list item).
    func folderYAML(id: String, folder: String, afterProcessing: String = "keep", partnerId: Int, poll: Double = 0.5, stable: Double = 0.6)
        -> String
    {
        var lines = [
            "  - id: \(id)", "    type: \(kind)", "    partnerId: \(partnerId)", "    pollInterval: \(poll)", "    maxBackoff: 4",
            "    fileSizeCheckInterval: \(stable)", "    afterProcessing: \(afterProcessing)",
        ]
        if let ftp {
            lines += [
                "    host: 127.0.0.1", "    port: \(ftp.port)", "    path: \(folder)", "    username: \(ftp.username)",
                "    passwordEnv: REMOTE_SECRET", "    timeout: 5",
            ]
            if kind == .ftps { lines.append("    caFile: \(ftp.certificate)") }
        }
        if let ssh {
            lines += [
                "    host: 127.0.0.1", "    port: \(ssh.port)", "    path: \(folder)", "    username: \(ssh.username)",
                "    passwordEnv: REMOTE_SECRET", "    knownHostsFile: \(ssh.knownHosts)", "    timeout: 5",
            ]
        }
        if let s3 {
            lines += [
                "    endpoint: \(s3.endpoint)", "    region: \(s3.region)", "    bucket: \(s3.bucket)", "    prefix: \(folder)/",
                "    accessKeyEnv: REMOTE_KEY", "    secretKeyEnv: REMOTE_SECRET", "    timeout: 2",
            ]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Puts `text` as the file `name` of `folder` on the server, replacing it.
    func put(_ name: String, _ text: String, in folder: String) throws {
        if let ftp { try ftp.put(name, text, in: folder) }
        if let ssh { try ssh.put(name, text, in: folder) }
        if let s3 { try s3.put(folder + "/" + name, text) }
    }

    /// Puts `count` files `f00001.ics`… of the body `text` in `folder`, fast: written into the home directly (FTP, SFTP),
    /// or uploaded on one connection (S3).
    func putMany(_ count: Int, _ text: String, in folder: String) throws {
        if let s3 { return try s3.putMany(prefix: folder + "/f", count: count, text) }
        try put("f1.ics", text, in: folder)
        let directory = (ftp?.home ?? ssh!.home) + "/" + folder
        let digits = String(count).count
        for index in 1...count {
            let name = "f" + String(repeating: "0", count: digits - String(index).count) + String(index) + ".ics"
            try FileManager.default.copyItem(atPath: directory + "/f1.ics", toPath: directory + "/" + name)
        }
        try FileManager.default.removeItem(atPath: directory + "/f1.ics")
        if let ssh { try ssh.put("f1.ics", text, in: folder) }
        if ssh != nil { try FileManager.default.removeItem(atPath: directory + "/f1.ics") }
    }

    /// The folder `folder` on the server as the daemon's folder source with the right secrets.
    func source(folder: String) -> any FolderSource {
        if let ftp {
            return FTPFolder(
                FTPFolder.Settings(
                    id: "remote", host: "127.0.0.1", port: ftp.port, path: folder, username: ftp.username, password: ftp.password,
                    tls: kind == .ftps, certificateAuthorities: ftp.certificate))
        }
        if let ssh {
            return SFTPFolder(
                SFTPFolder.Settings(
                    id: "remote", host: "127.0.0.1", port: ssh.port, path: folder, username: ssh.username, password: ssh.password,
                    knownHostsFile: ssh.knownHosts),
                pins: NoPins())
        }
        return S3Folder(
            S3Folder.Settings(
                id: "remote", endpoint: s3!.endpoint, region: s3!.region, bucket: s3!.bucket, prefix: folder + "/",
                accessKeyId: s3!.accessKey, secretAccessKey: s3!.secretKey))
    }

    /// Writes `text` as `name` in `folder` in `chunks` pieces with `pause` between them, as a slow upload does: each
    /// piece is appended (FTP, SFTP), or the whole object so far stored again (S3, where an object appears whole).
    func upload(_ name: String, _ text: String, in folder: String, chunks: Int, pause: Duration) async throws {
        let bytes = Array(text.utf8)
        let size = bytes.count / chunks + 1
        var sent = 0
        try put(name, "", in: folder)
        while sent < bytes.count {
            let next = min(sent + size, bytes.count)
            if let home = ftp?.home ?? ssh?.home {
                let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: home + "/" + folder + "/" + name))
                try handle.seekToEnd()
                try handle.write(contentsOf: bytes[sent..<next])
                try handle.close()
            } else {
                try put(name, String(decoding: bytes[..<next], as: UTF8.self), in: folder)
            }
            sent = next
            try await Task.sleep(for: pause)
        }
    }

    /// The names directly in `folder` on the server (sub-folders too, for FTP and SFTP), sorted.
    func files(in folder: String) throws -> [String] {
        if let home = ftp?.home ?? ssh?.home {
            return ((try? FileManager.default.contentsOfDirectory(atPath: home + "/" + folder)) ?? []).sorted()
        }
        let names = try s3!.keys(prefix: folder + "/").map { String($0.dropFirst(folder.count + 1)) }
        return Set(names.map { $0.split(separator: "/", maxSplits: 1).count > 1 ? String($0.prefix { $0 != "/" }) : $0 }).sorted()
    }

    /// Makes the server unreachable: FTP and SFTP servers stop; moto, whose state lives in memory only, is paused.
    func fail() {
        ftp?.stop()
        ssh?.stop()
        s3?.pause()
    }

    /// Brings the server back after `fail()`.
    func recover() throws {
        try ftp?.start()
        try ssh?.start()
        s3?.resume()
    }

    /// The SSH server, for what only SFTP has (host keys).
    var sshServer: SSHServer? { ssh }
}

/// No host key is ever pinned: the folder checks known_hosts only.
private struct NoPins: HostKeyPins {
    func pinnedHostKey(folderId: String, host: String) async throws -> String? { nil }
    func pinHostKey(folderId: String, host: String, key: String, fingerprint: String) async throws {}
}
