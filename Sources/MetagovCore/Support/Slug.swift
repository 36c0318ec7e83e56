import Foundation

/// Community slugs: 1 to 100 characters of ASCII letters, digits, `-` and `_` (Django's slug rule).
public enum Slug {
    /// Longest slug accepted.
    public static let maxLength = 100

    /// Whether `candidate` is a valid slug.
    public static func isValid(_ candidate: String) -> Bool {
        guard !candidate.isEmpty, candidate.utf8.count <= maxLength else { return false }
        return candidate.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D || byte == 0x5F
        }
    }

    /// A new random slug (a lowercase UUID), as Metagov generates when none is given.
    public static func generate() -> String { UUID().uuidString.lowercased() }
}
