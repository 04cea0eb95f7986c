import DropFolders
import Foundation

/// The objects of an S3 bucket directly under a prefix (`type: s3`), through libcurl with AWS Signature V4.
enum S3FolderKind: FolderKind {
    static var names: [String] { ["s3"] }
    static var noun: String { "an S3 folder" }
    static var keys: Set<FolderConfiguration.CodingKeys> {
        [
            .bucket, .prefix, .endpoint, .region, .pathStyle, .accessKeyEnv, .secretKeyEnv, .credentialsFile, .profile, .timeout, .caFile,
            .verifyCertificate,
        ]
    }

    static func location(of folder: FolderConfiguration) -> String {
        "s3://\(folder.bucket ?? "")/\(folder.prefix ?? "") at \(endpoint(of: folder))"
    }

    /// The prefix: the archives are keys under it.
    static func directory(of folder: FolderConfiguration) -> String { folder.prefix ?? "" }

    static func problems(of folder: FolderConfiguration, path: String) -> [ConfigurationError] {
        var problems: [ConfigurationError] = []
        if (folder.bucket ?? "").count < 3 {
            problems.append(FolderConfiguration.problem(.bucket, at: path, "an S3 folder needs its bucket's name"))
        }
        if let endpoint = folder.endpoint, URL(string: endpoint)?.host == nil {
            problems.append(FolderConfiguration.problem(.endpoint, at: path, "\(endpoint) is not a URL"))
        }
        return problems + folder.timeoutProblems(path: path)
    }

    /// The keys come from `credentialsFile` (AWS's shared credentials format, the `profile` section) when it is
    /// set, else from the environment variables `accessKeyEnv` and `secretKeyEnv`.
    static func source(of folder: FolderConfiguration, yamlPath: String, pins: any HostKeyPins) throws -> any FolderSource {
        let keys: (id: String, secret: String)
        if let credentialsFile = folder.credentialsFile {
            guard let text = try? String(contentsOfFile: credentialsFile, encoding: .utf8) else {
                throw ConfigurationError(path: yamlPath + ".credentialsFile", message: "\(credentialsFile) cannot be read")
            }
            let values = iniSection(folder.profile, of: text)
            guard let id = values["aws_access_key_id"], let secret = values["aws_secret_access_key"] else {
                throw ConfigurationError(
                    path: yamlPath + ".credentialsFile",
                    message: "\(credentialsFile) has no aws_access_key_id and aws_secret_access_key in [\(folder.profile)]")
            }
            keys = (id, secret)
        } else {
            keys = (
                try FolderConfiguration.environment(folder.accessKeyEnv, yamlPath: yamlPath, key: "accessKey"),
                try FolderConfiguration.environment(folder.secretKeyEnv, yamlPath: yamlPath, key: "secretKey")
            )
        }
        return S3Folder(
            S3Folder.Settings(
                id: folder.id, endpoint: endpoint(of: folder), region: folder.region, bucket: folder.bucket ?? "",
                prefix: folder.prefix ?? "", pathStyle: folder.pathStyle ?? (folder.endpoint != nil), accessKeyId: keys.id,
                secretAccessKey: keys.secret, timeout: folder.timeout, certificateAuthorities: folder.caFile,
                verifyCertificate: folder.verifyCertificate))
    }

    /// The S3 server: the configured endpoint, or AWS's for the region.
    private static func endpoint(of folder: FolderConfiguration) -> String {
        folder.endpoint ?? "https://s3.\(folder.region).amazonaws.com"
    }

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
