import Foundation

/// Page sizes and opaque page tokens for keyset-paged listings.
public enum Paging {
    /// Page size used when the caller asks for 0.
    public static let defaultPageSize = 50
    /// Largest page size served; larger requests are clamped.
    public static let maxPageSize = 1000

    /// The effective page size for a requested one.
    static func pageSize(_ requested: Int) throws -> Int {
        if requested < 0 { throw MetagovError.invalidArgument("page_size must not be negative (got \(requested))") }
        return requested == 0 ? defaultPageSize : min(requested, maxPageSize)
    }

    /// Encodes the last key of a page as an opaque token.
    static func token(after key: String) -> String {
        Data(key.utf8).base64EncodedString()
    }

    /// Decodes a token made by ``token(after:)``; empty means the first page.
    static func key(from token: String?) throws -> String? {
        guard let token, !token.isEmpty else { return nil }
        guard let data = Data(base64Encoded: token), let key = String(data: data, encoding: .utf8) else {
            throw MetagovError.invalidArgument("page_token '\(token)' is not a token this server issued")
        }
        return key
    }

    /// Decodes a token holding an integer id.
    static func intKey(from token: String?) throws -> Int64? {
        guard let key = try key(from: token) else { return nil }
        guard let id = Int64(key) else {
            throw MetagovError.invalidArgument("page_token '\(token ?? "")' is not a token this server issued")
        }
        return id
    }
}
