import Foundation

/// A `pattern` or `patternProperties` regular expression, translated from ECMA-262 and compiled once when the
/// schema is compiled.
///
/// `NSRegularExpression` is immutable and safe to use from several threads at once.
struct CompiledRegex: @unchecked Sendable {
    /// The pattern as written in the schema.
    let source: String
    let expression: NSRegularExpression

    init(_ source: String) throws(SchemaCompileError) {
        self.source = source
        guard let expression = Self.compile(source) else {
            throw SchemaCompileError(message: "invalid regular expression '\(source)'")
        }
        self.expression = expression
    }

    /// The compiled form of the ECMA-262 `pattern`, or `nil` when it is not a valid regular expression.
    static func compile(_ pattern: String) -> NSRegularExpression? {
        guard let translated = try? ECMARegexTranslator.translate(pattern) else { return nil }
        return try? NSRegularExpression(pattern: translated)
    }

    /// Whether the expression matches somewhere in `string` (patterns are not implicitly anchored).
    func matches(_ string: String) -> Bool {
        expression.firstMatch(in: string, range: NSRange(location: 0, length: string.utf16.count)) != nil
    }
}
