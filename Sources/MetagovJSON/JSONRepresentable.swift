import Foundation

/// A value with a JSON form (domain objects as drivers see them: Metagov's snake_case keys, RFC 3339 times).
public protocol JSONRepresentable {
    /// The JSON form.
    var json: JSONValue { get }
}

extension Date {
    /// RFC 3339 / ISO 8601 text with milliseconds, in UTC.
    public var rfc3339: String {
        formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
