/// Just enough of RFC 3986 to resolve `$id` and `$ref` against a base URI.
struct URIReference: Hashable {
    var scheme: String?
    var authority: String?
    var path: String
    var query: String?
    var fragment: String?

    init(_ text: String) {
        var rest = Substring(text)
        if let hash = rest.firstIndex(of: "#") {
            fragment = String(rest[rest.index(after: hash)...])
            rest = rest[..<hash]
        }
        if let question = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: question)...])
            rest = rest[..<question]
        }
        if let colon = rest.firstIndex(of: ":"),
            rest[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." }),
            rest[..<colon].first?.isLetter == true
        {
            scheme = String(rest[..<colon])
            rest = rest[rest.index(after: colon)...]
        }
        if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
            let end = rest.firstIndex(of: "/") ?? rest.endIndex
            authority = String(rest[..<end])
            rest = rest[end...]
        }
        path = String(rest)
    }

    /// The text without the fragment.
    var withoutFragment: String {
        var text = ""
        if let scheme { text += scheme + ":" }
        if let authority { text += "//" + authority }
        text += path
        if let query { text += "?" + query }
        return text
    }

    var text: String { withoutFragment + (fragment.map { "#" + $0 } ?? "") }

    /// `reference` resolved against this base.
    func resolving(_ reference: String) -> URIReference {
        let ref = URIReference(reference)
        var target = ref
        if ref.scheme != nil {
            target.path = Self.removeDots(ref.path)
            return target
        }
        target.scheme = scheme
        if ref.authority != nil {
            target.path = Self.removeDots(ref.path)
            return target
        }
        target.authority = authority
        if ref.path.isEmpty {
            target.path = path
            target.query = ref.query ?? query
        } else if ref.path.hasPrefix("/") {
            target.path = Self.removeDots(ref.path)
        } else {
            let directory: String
            if let slash = path.lastIndex(of: "/") {
                directory = String(path[...slash])
            } else {
                directory = authority != nil ? "/" : ""
            }
            target.path = Self.removeDots(directory + ref.path)
        }
        return target
    }

    private static func removeDots(_ path: String) -> String {
        guard path.contains(".") else { return path }
        var output: [Substring] = []
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        for (offset, segment) in segments.enumerated() {
            if segment == "." { if offset == segments.count - 1 { output.append("") }; continue }
            if segment == ".." {
                if output.count > 1 { output.removeLast() }
                if offset == segments.count - 1 { output.append("") }
                continue
            }
            output.append(segment)
        }
        return output.joined(separator: "/")
    }
}
