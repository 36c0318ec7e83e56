import Foundation

/// Reads raw configuration values from a file and the environment.
public enum ConfigSource {
    /// Parses `key = value` lines; `#`/`;` comments, blank lines and `[section]` headers are ignored.
    /// Throws a ``ConfigError`` for a line that is not of that form.
    public static func parse(_ text: String) throws -> [String: String] {
        var values: [String: String] = [:]
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(rawLine).trimmed
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") || line.hasPrefix("[") { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw ConfigError(key: "line \(number + 1)", message: "expected 'key = value', got '\(line)'")
            }
            let key = String(line[..<equals]).trimmed
            guard !key.isEmpty else { throw ConfigError(key: "line \(number + 1)", message: "missing key") }
            values[key] = String(line[line.index(after: equals)...]).trimmed
        }
        return values
    }

    /// The environment variable that overrides `key`: upper-cased, dots and dashes as underscores
    /// (`metagov.hooks.max_attempts` → `METAGOV_HOOKS_MAX_ATTEMPTS`).
    public static func environmentName(for key: String) -> String {
        key.uppercased().map { $0 == "." || $0 == "-" ? "_" : $0 }.reduce(into: "") { $0.append($1) }
    }

    /// Raw values from the file at `path` (when given), overridden by environment variables for every
    /// declared key.
    public static func load(
        path: String?, declaration: ConfigDeclaration, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> [String: String] {
        var values: [String: String] = [:]
        if let path {
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw ConfigError(key: "config file", message: "cannot read '\(path)'")
            }
            values = try parse(text)
        }
        for option in declaration.options {
            if let value = environment[environmentName(for: option.key)] { values[option.key] = value }
        }
        return values
    }
}
