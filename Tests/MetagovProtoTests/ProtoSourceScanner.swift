import Foundation

/// Reads the full names of the messages declared in `.proto` files, straight from their text (independently
/// of the generator, so that a message the generator skipped is noticed).
enum ProtoSourceScanner {
    /// Every message (nested ones too, map entries excluded) of every `.proto` file under `root`.
    static func messageNames(under root: URL) throws -> Set<String> {
        var names = Set<String>()
        guard let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return names }
        for case let file as URL in files where file.pathExtension == "proto" {
            names.formUnion(messageNames(in: try String(contentsOf: file, encoding: .utf8)))
        }
        return names
    }

    /// The messages declared in one file's text.
    static func messageNames(in text: String) -> Set<String> {
        var names = Set<String>()
        var package = ""
        // One entry per open brace: the message name it opens, or nil for any other block.
        var scopes: [String?] = []
        var previous: [String] = []
        for token in tokens(of: text) {
            switch token {
            case "{":
                if previous.count >= 2, previous[previous.count - 2] == "message" {
                    let name = previous[previous.count - 1]
                    scopes.append(name)
                    let path = ([package].filter { !$0.isEmpty } + scopes.compactMap { $0 }).joined(separator: ".")
                    names.insert(path)
                } else {
                    scopes.append(nil)
                }
            case "}":
                _ = scopes.popLast()
            case ";":
                if previous.count >= 2, previous[previous.count - 2] == "package" { package = previous[previous.count - 1] }
            default: break
            }
            previous.append(token)
            if previous.count > 3 { previous.removeFirst() }
        }
        return names
    }

    /// Words and the punctuation `{`, `}`, `;`, with comments and string literals removed.
    private static func tokens(of text: String) -> [String] {
        var tokens: [String] = []
        var word = ""
        var iterator = Array(text.unicodeScalars)[...]
        func flush() {
            if !word.isEmpty { tokens.append(word) }
            word = ""
        }
        while let scalar = iterator.popFirst() {
            if scalar == "/", iterator.first == "/" {
                while let next = iterator.popFirst(), next != "\n" {}
                flush()
            } else if scalar == "/", iterator.first == "*" {
                iterator = iterator.dropFirst()
                while let next = iterator.popFirst() {
                    if next == "*", iterator.first == "/" { iterator = iterator.dropFirst(); break }
                }
                flush()
            } else if scalar == "\"" {
                while let next = iterator.popFirst(), next != "\"" {}
                flush()
            } else if "{};".unicodeScalars.contains(scalar) {
                flush()
                tokens.append(String(scalar))
            } else if CharacterSet.whitespacesAndNewlines.contains(scalar) || "=()<>,[]".unicodeScalars.contains(scalar) {
                flush()
            } else {
                word.unicodeScalars.append(scalar)
            }
        }
        flush()
        return tokens
    }
}
