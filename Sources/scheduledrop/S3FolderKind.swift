import DropFolders
import Foundation

/// The objects of an S3 bucket directly under a prefix (`type: s3`), through libcurl with AWS Signature V4.
struct S3FolderKind: FolderKind {
    static var names: [String] { ["s3"] }
    static var noun: String { "an S3 folder" }
    static var keys: [String] { CodingKeys.allCases.map(\.stringValue) + CertificateCheck.CodingKeys.allCases.map(\.stringValue) }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case bucket, prefix, endpoint, region, pathStyle, accessKeyEnv, secretKeyEnv, credentialsFile, profile, timeout
    }

    /// The bucket.
    var bucket: String?
    /// The key prefix (`inbox/`); empty for the bucket's top level.
    var prefix: String?
    /// An S3-compatible server's base URL; default AWS's endpoint for the region.
    var endpoint: String?
    /// The region requests are signed for.
    var region = "us-east-1"
    /// Whether the bucket goes in the URL's path rather than its host name; default true with an `endpoint`.
    var pathStyle: Bool?
    /// The environment variable that holds the access key id.
    var accessKeyEnv = "AWS_ACCESS_KEY_ID"
    /// The environment variable that holds the secret access key.
    var secretKeyEnv = "AWS_SECRET_ACCESS_KEY"
    /// An AWS shared credentials file to read the keys from instead of the environment.
    var credentialsFile: String?
    /// The profile of `credentialsFile`.
    var profile = "default"
    /// Seconds a connection may take to open, or a request may wait for the server.
    var timeout = 30
    /// How an https endpoint's certificate is checked.
    var certificates: CertificateCheck

    init(type: String, from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        bucket = try c.decodeIfPresent(String.self, forKey: .bucket)
        prefix = try c.decodeIfPresent(String.self, forKey: .prefix)
        endpoint = try c.decodeIfPresent(String.self, forKey: .endpoint)
        region = try c.decodeIfPresent(String.self, forKey: .region) ?? region
        pathStyle = try c.decodeIfPresent(Bool.self, forKey: .pathStyle)
        accessKeyEnv = try c.decodeIfPresent(String.self, forKey: .accessKeyEnv) ?? accessKeyEnv
        secretKeyEnv = try c.decodeIfPresent(String.self, forKey: .secretKeyEnv) ?? secretKeyEnv
        credentialsFile = try c.decodeIfPresent(String.self, forKey: .credentialsFile)
        profile = try c.decodeIfPresent(String.self, forKey: .profile) ?? profile
        timeout = try c.decodeIfPresent(Int.self, forKey: .timeout) ?? timeout
        certificates = try CertificateCheck(from: decoder)
    }

    var location: String { "s3://\(bucket ?? "")/\(prefix ?? "") at \(resolvedEndpoint)" }

    /// The prefix: the archives are keys under it.
    var directory: String { prefix ?? "" }
    var warnings: [String] { certificates.warnings }

    func problems(path yamlPath: String) -> [ConfigurationError] {
        var problems: [ConfigurationError] = []
        if (bucket ?? "").count < 3 {
            problems.append(ConfigurationError(yamlPath, CodingKeys.bucket, "an S3 folder needs its bucket's name"))
        }
        if let endpoint {
            let url = URLComponents(string: endpoint)
            if endpoint.contains("@") || url?.user != nil || url?.password != nil {
                problems.append(
                    ConfigurationError(
                        yamlPath, CodingKeys.endpoint,
                        "must not hold a user or password (https://key:secret@host would be shown in logs and status); "
                            + "give the keys in credentialsFile or accessKeyEnv and secretKeyEnv"))
            } else if url?.host == nil || url?.host?.isEmpty == true {
                problems.append(ConfigurationError(yamlPath, CodingKeys.endpoint, "\(endpoint) is not a URL"))
            }
        }
        return problems + ServerLogin.timeoutProblems(timeout, path: yamlPath)
    }

    /// The keys come from `credentialsFile` (AWS's shared credentials format, the `profile` section) when it is
    /// set, else from the environment variables `accessKeyEnv` and `secretKeyEnv`.
    func source(id: String, yamlPath: String, pins: any HostKeyPins) throws -> any FolderSource {
        let keys: (id: String, secret: String)
        if let credentialsFile {
            guard let text = try? String(contentsOfFile: credentialsFile, encoding: .utf8) else {
                throw ConfigurationError(path: yamlPath + ".credentialsFile", message: "\(credentialsFile) cannot be read")
            }
            let values = Self.iniSection(profile, of: text)
            guard let id = values["aws_access_key_id"], let secret = values["aws_secret_access_key"] else {
                throw ConfigurationError(
                    path: yamlPath + ".credentialsFile",
                    message: "\(credentialsFile) has no aws_access_key_id and aws_secret_access_key in [\(profile)]")
            }
            keys = (id, secret)
        } else {
            keys = (
                try Secret.environment(accessKeyEnv, yamlPath: yamlPath, key: "accessKey"),
                try Secret.environment(secretKeyEnv, yamlPath: yamlPath, key: "secretKey")
            )
        }
        return S3Folder(
            S3Folder.Settings(
                id: id, endpoint: resolvedEndpoint, region: region, bucket: bucket ?? "", prefix: prefix ?? "",
                pathStyle: pathStyle ?? (endpoint != nil), accessKeyId: keys.id, secretAccessKey: keys.secret, timeout: timeout,
                certificateAuthorities: certificates.caFile, verifyCertificate: certificates.verifyCertificate))
    }

    /// The S3 server: the configured endpoint, or AWS's for the region.
    private var resolvedEndpoint: String { endpoint ?? "https://s3.\(region).amazonaws.com" }

    /// The `key = value` lines of the INI section `name` (`[name]`, or `[profile name]`).
    private static func iniSection(_ name: String, of text: String) -> [String: String] {
        var values: [String: String] = [:]
        var inside = false
        for line in text.split(whereSeparator: \.isNewline).map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if line.hasPrefix("[") {
                inside = line == "[\(name)]" || line == "[profile \(name)]"
            } else if inside, let equals = line.firstIndex(of: "=") {
                values[line[..<equals].trimmingCharacters(in: .whitespaces)] = line[line.index(after: equals)...].trimmingCharacters(
                    in: .whitespaces)
            }
        }
        return values
    }
}
