import Foundation
import Logging
import Synchronization

/// How `metagovd serve` writes its log lines.
enum LogFormat: String, CaseIterable, Sendable {
    /// `2026-11-30T12:00:00.000Z info metagovd.serve: rpc method=... code=OK`
    case text
    /// One JSON object per line: `ts`, `level`, `logger`, `message`, then the metadata as string fields.
    case json
}

/// A swift-log handler writing one line per message to standard error, as text or JSON.
struct LineLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level
    let label: String
    let format: LogFormat

    private static let output = Mutex(FileHandle.standardError)

    init(label: String, format: LogFormat, level: Logger.Level) {
        self.label = label
        self.format = format
        self.logLevel = level
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let (level, message) = (event.level, event.message)
        var fields = self.metadata
        if let metadata = event.metadata { fields.merge(metadata) { $1 } }
        let time = Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))
        let text: String
        switch self.format {
        case .text:
            let pairs = fields.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quoted("\($0.value)"))" }
            text = ([time, level.rawValue, "\(self.label):", "\(message)"] + pairs).joined(separator: " ")
        case .json:
            var object = ["ts": time, "level": level.rawValue, "logger": self.label, "message": "\(message)"]
            for (key, value) in fields where object[key] == nil { object[key] = "\(value)" }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            text = String(decoding: data, as: UTF8.self)
        }
        let bytes = Data((text + "\n").utf8)
        Self.output.withLock { $0.write(bytes) }
    }

    /// A value as is, or in double quotes when it has spaces, quotes or `=`.
    private static func quoted(_ value: String) -> String {
        guard value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) || value.isEmpty else { return value }
        return "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
