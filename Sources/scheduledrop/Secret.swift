import Foundation

/// Secrets a folder names (passwords, passphrases, keys): read from an environment variable or a file when the
/// folder starts, never from the configuration itself.
///
/// Errors name where the secret should be, never the secret.
enum Secret {
    /// A secret from the environment variable `env` or the first line of `file`; nil if neither is set.
    static func read(env: String?, file: String?, yamlPath: String, key: String) throws -> String? {
        if let name = env { return try environment(name, yamlPath: yamlPath, key: key) }
        if let file {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw ConfigurationError(path: yamlPath + ".\(key)File", message: "\(file) cannot be read")
            }
            return String(text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).first ?? "")
        }
        return nil
    }

    /// The value of the environment variable `name` that holds the secret `key`; an error if it is not set or empty.
    static func environment(_ name: String, yamlPath: String, key: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            throw ConfigurationError(path: yamlPath + ".\(key)Env", message: "the environment variable \(name) is not set")
        }
        return value
    }
}
