import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// moto's S3 server on a free loopback port with one bucket and one access key allowed `s3:*`, started for a test and
/// stopped when released. Every request must be signed (SigV4) with that key. moto keeps its state in memory only, so a
/// stopped server cannot be started again: `pause()` stands in for an unreachable server. With `tls`, it answers
/// `https` only, with a self-signed certificate made for it (`certificate`).
public final class S3Server: @unchecked Sendable {
    /// The server's port on 127.0.0.1.
    public let port: Int
    /// The PEM certificate the server presents when `tls` is on (it is its own authority); nil without TLS.
    public let certificate: String?
    /// The server's base URL.
    public var endpoint: String { (certificate == nil ? "http" : "https") + "://127.0.0.1:\(port)" }
    /// The region requests are signed for.
    public let region = "us-east-1"
    /// The bucket created at start.
    public let bucket = "drop-" + UUID().uuidString.prefix(8).lowercased()
    /// The access key id.
    public let accessKey: String
    /// The access key's secret.
    public let secretKey: String
    private let root: TemporaryDirectory
    private var pid: pid_t = 0

    /// Starts `moto_server` from the PATH, creates the user, its key and the bucket, then makes the server check every
    /// request's signature; throws with the server's log if it cannot.
    public init(tls: Bool = false) throws {
        root = try TemporaryDirectory()
        port = try FTPServer.freePort()
        guard let python = Self.python() else {
            throw TestServerError(message: "no python3 that imports moto on the PATH (scripts/prerequisites installs moto[server])")
        }
        var arguments = [Self.wrapper, "-H", "127.0.0.1", "-p", String(port)]
        if tls {
            let certificate = root.path + "/cert.pem"
            _ = try Subprocess.run(
                "/usr/bin/openssl",
                [
                    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
                    "subjectAltName=IP:127.0.0.1", "-keyout", root.path + "/key.pem", "-out", certificate,
                ])
            arguments += ["-c", certificate, "-k", root.path + "/key.pem"]
            self.certificate = certificate
        } else {
            certificate = nil
        }
        let log = root.path + "/moto.log"
        let pid = try Subprocess.spawn(python, arguments, log: log)
        do {
            (accessKey, secretKey) = try Self.createKey(
                endpoint: (tls ? "https" : "http") + "://127.0.0.1:\(port)", trust: certificate.map { ["--cacert", $0] } ?? [], pid: pid,
                log: log)
        } catch {
            kill(pid, SIGTERM)
            Subprocess.wait(pid)
            throw error
        }
        self.pid = pid
        try expect(200, "create the bucket", request(["-X", "PUT", endpoint + "/" + bucket]))
        let enforce = try Self.curl(
            trust + ["-X", "POST", "-H", "Content-Type: text/plain", "--data-binary", "0", endpoint + "/moto-api/reset-auth"])
        try expect(200, "enforce signatures", enforce)
    }

    deinit { stop() }

    /// Suspends the server (SIGSTOP): connections are still accepted but nothing is answered until `resume()`.
    public func pause() { kill(pid, SIGSTOP) }

    /// Lets a paused server go on (SIGCONT).
    public func resume() { kill(pid, SIGCONT) }

    /// Stops the server (SIGTERM), paused or not, and waits until it has exited.
    public func stop() {
        guard pid > 0 else { return }
        kill(pid, SIGCONT)
        kill(pid, SIGTERM)
        Subprocess.wait(pid)
        pid = 0
    }

    /// Stores `text` as the object `key` (which may contain `/`) in the bucket.
    public func put(_ key: String, _ text: String) throws {
        let file = root.path + "/" + UUID().uuidString
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let path = key.addingPercentEncoding(withAllowedCharacters: Self.unreserved.union(["/"])) ?? key
        try expect(200, "put \(key)", request(["-T", file, endpoint + "/" + bucket + "/" + path]))
    }

    /// Deletes the object `key`.
    public func delete(_ key: String) throws {
        let path = key.addingPercentEncoding(withAllowedCharacters: Self.unreserved.union(["/"])) ?? key
        try expect(204, "delete \(key)", request(["-X", "DELETE", endpoint + "/" + bucket + "/" + path]))
    }

    /// Stores `count` objects `PREFIX00001.ics`… with the body `text`, in one curl run (one connection, URL globbing).
    public func putMany(prefix: String, count: Int, _ text: String) throws {
        let file = root.path + "/" + UUID().uuidString
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let digits = String(count).count
        let range = String(repeating: "0", count: digits - 1) + "1-" + String(count)
        let url =
            endpoint + "/" + bucket + "/" + (prefix.addingPercentEncoding(withAllowedCharacters: Self.unreserved.union(["/"])) ?? prefix)
        let output = try Subprocess.run(
            "/usr/bin/curl",
            ["-sS", "-w", "%{http_code}\n", "-T", file] + trust + Self.signed("s3", accessKey + ":" + secretKey) + ["\(url)[\(range)].ics"])
        let statuses = output.components(separatedBy: "\n").filter { $0.count == 3 }
        guard statuses.count == count, statuses.allSatisfy({ $0 == "200" }) else {
            throw TestServerError(message: "moto: cannot put \(count) objects: \(output.suffix(300))")
        }
    }

    /// The keys of the bucket's objects that start with `prefix`, sorted (at most 1,000).
    public func keys(prefix: String = "") throws -> [String] {
        let encoded = prefix.addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? prefix
        // curl signs the query as written, and the signature covers it in sorted order.
        let reply = try request([endpoint + "/" + bucket + "?list-type=2&prefix=" + encoded])
        try expect(200, "list \(prefix)", reply)
        return reply.body.components(separatedBy: "<Key>").dropFirst().map { $0.components(separatedBy: "</Key>")[0] }.sorted()
    }

    /// The characters SigV4 leaves unencoded (with `/` in a key's path); curl signs the URL as written.
    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// `Tests/Servers/moto_server.py`: moto_server checking signatures over the raw path and query, as AWS does.
    private static let wrapper =
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path
        + "/Servers/moto_server.py"

    /// The first `python3` on the PATH that can import moto.
    private static func python() -> String? {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        return directories.map { "\($0)/python3" }.first { candidate in
            FileManager.default.isExecutableFile(atPath: candidate)
                && (try? Subprocess.run(candidate, ["-c", "import moto.server"])) != nil
        }
    }

    /// Runs curl with `arguments` signed with the key for S3.
    private func request(_ arguments: [String]) throws -> (status: Int, body: String) {
        try Self.curl(trust + Self.signed("s3", accessKey + ":" + secretKey) + arguments)
    }

    /// The curl options that trust the server's certificate, when it has one.
    private var trust: [String] { certificate.map { ["--cacert", $0] } ?? [] }

    private func expect(_ status: Int, _ what: String, _ reply: (status: Int, body: String)) throws {
        guard reply.status == status else { throw TestServerError(message: "moto: cannot \(what): HTTP \(reply.status) \(reply.body)") }
    }

    /// Waits until the server answers, then creates a user allowed `s3:*` and returns its access key id and secret.
    private static func createKey(endpoint: String, trust: [String], pid: pid_t, log: String) throws -> (String, String) {
        let deadline = Date().addingTimeInterval(30)
        while (try? curl(trust + ["--max-time", "1", endpoint + "/moto-api/data.json"]))?.status != 200 {
            guard waitpid(pid, nil, WNOHANG) == 0, Date() < deadline else {
                let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                throw TestServerError(message: "moto_server did not start at \(endpoint): \(text)")
            }
            usleep(50_000)
        }
        // Not checked yet, but moto routes a request to IAM by the service its signature names.
        let iam = trust + signed("iam", "bootstrap:bootstrap") + ["-X", "POST", endpoint + "/"]
        let policy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#
        var replies = [(status: Int, body: String)]()
        for form in [
            ["Action=CreateUser", "UserName=dropper"],
            ["Action=CreateAccessKey", "UserName=dropper"],
            ["Action=CreatePolicy", "PolicyName=s3all", "PolicyDocument=" + policy],
            ["Action=AttachUserPolicy", "UserName=dropper", "PolicyArn=arn:aws:iam::123456789012:policy/s3all"],
        ] {
            let fields = (form + ["Version=2010-05-08"]).flatMap { ["--data-urlencode", $0] }
            let reply = try curl(iam + fields)
            guard reply.status == 200 else { throw TestServerError(message: "moto: cannot \(form[0]): HTTP \(reply.status) \(reply.body)") }
            replies.append(reply)
        }
        let key = replies[1].body
        func element(_ name: String) -> String {
            key.components(separatedBy: "<\(name)>").dropFirst().first?.components(separatedBy: "</\(name)>").first ?? ""
        }
        return (element("AccessKeyId"), element("SecretAccessKey"))
    }

    /// curl options signing a request for `service` with `user` (`id:secret`), the payload left unsigned.
    private static func signed(_ service: String, _ user: String) -> [String] {
        ["--aws-sigv4", "aws:amz:us-east-1:\(service)", "--user", user, "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD"]
    }

    /// Runs curl with `arguments`; returns the HTTP status and the body, or throws if curl fails.
    private static func curl(_ arguments: [String]) throws -> (status: Int, body: String) {
        let output = try Subprocess.run("/usr/bin/curl", ["-sS", "-w", "\n%{http_code}"] + arguments)
        let end = output.lastIndex(of: "\n") ?? output.startIndex
        return (Int(output[end...].dropFirst()) ?? 0, String(output[..<end]))
    }
}
