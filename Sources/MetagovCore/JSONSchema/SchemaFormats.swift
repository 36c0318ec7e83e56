import Foundation

/// The standard `format` checks of draft 7.
enum SchemaFormats {
    static let standard: [String: NamedValidator] = [
        "date-time": string { isDateTime($0) },
        "date": string { isDate($0) },
        "time": string { isTime($0) },
        "email": string { isEmail($0) },
        "hostname": string { isHostname($0) },
        "ipv4": string { isIPv4($0) },
        "ipv6": string { isIPv6($0) },
        "uri": string { isURI($0, requireScheme: true) },
        "uri-reference": string { isURI($0, requireScheme: false) },
        "json-pointer": string { isJSONPointer($0) },
        "relative-json-pointer": string { isRelativeJSONPointer($0) },
        "regex": string { CompiledRegex.compile($0) != nil },
    ]

    /// A validator that checks strings with `test` and accepts every other type.
    private static func string(_ test: @escaping @Sendable (String) -> Bool) -> NamedValidator {
        { value in
            guard let text = value.stringValue else { return nil }
            return test(text) ? nil : ""
        }
    }

    private static func digits(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(text)
    }

    private static func isDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = digits(parts[0]), let month = digits(parts[1]), let day = digits(parts[2]),
            (1...12).contains(month), day >= 1
        else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= days[month - 1]
    }

    private static func isTime(_ text: String) -> Bool {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 9, utf8[2] == 0x3A, utf8[5] == 0x3A else { return false }
        let s = Substring(text)
        guard let hour = digits(s.prefix(2)), let minute = digits(s.dropFirst(3).prefix(2)),
            let second = digits(s.dropFirst(6).prefix(2)), hour < 24, minute < 60, second <= 60
        else { return false }
        var rest = s.dropFirst(8)
        if rest.first == "." {
            rest = rest.dropFirst()
            let fraction = rest.prefix { $0.isASCII && $0.isNumber }
            guard !fraction.isEmpty else { return false }
            rest = rest.dropFirst(fraction.count)
        }
        var offsetMinutes = 0
        if rest == "Z" || rest == "z" {
            offsetMinutes = 0
        } else {
            guard rest.count == 6, let sign = rest.first, sign == "+" || sign == "-",
                rest.dropFirst(3).first == ":",
                let offsetHour = digits(rest.dropFirst().prefix(2)), let offsetMinute = digits(rest.dropFirst(4).prefix(2)),
                offsetHour < 24, offsetMinute < 60
            else { return false }
            offsetMinutes = (offsetHour * 60 + offsetMinute) * (sign == "+" ? 1 : -1)
        }
        if second == 60 {
            let utc = ((hour * 60 + minute - offsetMinutes) % 1440 + 1440) % 1440
            return utc == 23 * 60 + 59
        }
        return true
    }

    private static func isDateTime(_ text: String) -> Bool {
        guard let separator = text.firstIndex(where: { $0 == "T" || $0 == "t" }) else { return false }
        return isDate(String(text[..<separator])) && isTime(String(text[text.index(after: separator)...]))
    }

    private static func isEmail(_ text: String) -> Bool {
        guard let at = text.lastIndex(of: "@") else { return false }
        let local = text[..<at]
        let domain = text[text.index(after: at)...]
        guard !local.isEmpty, !domain.isEmpty else { return false }
        if local.hasPrefix("\"") {
            guard local.count >= 2, local.hasSuffix("\"") else { return false }
        } else {
            guard !local.hasPrefix("."), !local.hasSuffix("."), !local.contains(".."), !local.contains(" ") else { return false }
        }
        if domain.hasPrefix("[") && domain.hasSuffix("]") {
            let literal = domain.dropFirst().dropLast()
            if literal.lowercased().hasPrefix("ipv6:") { return isIPv6(String(literal.dropFirst(5))) }
            return isIPv4(String(literal))
        }
        return isHostname(String(domain))
    }

    private static func isHostname(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 253 else { return false }
        return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            guard (1...63).contains(label.utf8.count), label.first != "-", label.last != "-" else { return false }
            let ascii = label.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D }
            guard ascii else { return false }
            if label.lowercased().hasPrefix("xn--") { return IDNAHostnameLabel.isValidALabel(label) }
            return !(label.count >= 4 && label.dropFirst(2).hasPrefix("--"))
        }
    }

    private static func isIPv4(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            guard let value = digits(part), part.count <= 3, value <= 255 else { return false }
            return part.count == 1 || part.first != "0"
        }
    }

    private static func isIPv6(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 45 else { return false }
        var address = Substring(text)
        var groupsAllowed = 8
        if let lastColon = address.lastIndex(of: ":"), address[address.index(after: lastColon)...].contains(".") {
            guard isIPv4(String(address[address.index(after: lastColon)...])) else { return false }
            address = address[...lastColon]
            if address.hasSuffix(":") && !address.hasSuffix("::") { address = address.dropLast() }
            groupsAllowed = 6
        }
        let halves = address.components(separatedBy: "::")
        guard halves.count <= 2 else { return false }
        func groups(_ part: String) -> [Substring]? {
            if part.isEmpty { return [] }
            let list = part.split(separator: ":", omittingEmptySubsequences: false)
            let valid = list.allSatisfy { group in
                (1...4).contains(group.count) && group.utf8.allSatisfy {
                    ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x46) || ($0 >= 0x61 && $0 <= 0x66)
                }
            }
            return valid ? list : nil
        }
        if halves.count == 2 {
            guard let left = groups(halves[0]), let right = groups(halves[1]) else { return false }
            return left.count + right.count < groupsAllowed
        }
        guard let all = groups(halves[0]) else { return false }
        return all.count == groupsAllowed
    }

    private static let uriCharacters: Set<UInt8> = Set(
        Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%".utf8))

    private static func isURI(_ text: String, requireScheme: Bool) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.allSatisfy({ uriCharacters.contains($0) }) else { return false }
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "%") {
            guard index + 2 < bytes.count, bytes[index + 1].isHexDigit, bytes[index + 2].isHexDigit else { return false }
        }
        let reference = URIReference(text)
        if requireScheme {
            guard let scheme = reference.scheme, !scheme.isEmpty else { return false }
        }
        if reference.scheme == nil, !reference.path.hasPrefix("/"),
            reference.path.split(separator: "/", omittingEmptySubsequences: false).first?.contains(":") == true
        {
            return false
        }
        let outsideHost = reference.path + (reference.query ?? "") + (reference.fragment ?? "")
        if outsideHost.contains("[") || outsideHost.contains("]") { return false }
        if let authority = reference.authority {
            let parts = authority.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count <= 2, let hostPort = parts.last else { return false }
            if parts.count == 2, parts[0].contains("[") || parts[0].contains("]") { return false }
            var port = Substring("")
            if hostPort.hasPrefix("[") {
                guard let close = hostPort.firstIndex(of: "]") else { return false }
                let literal = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
                if !(literal.first == "v" || literal.first == "V") && !isIPv6(String(literal)) { return false }
                let rest = hostPort[hostPort.index(after: close)...]
                if !rest.isEmpty {
                    guard rest.first == ":" else { return false }
                    port = rest.dropFirst()
                }
            } else {
                if hostPort.contains("[") || hostPort.contains("]") { return false }
                if let colon = hostPort.lastIndex(of: ":") { port = hostPort[hostPort.index(after: colon)...] }
            }
            guard port.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        }
        if let fragment = reference.fragment, fragment.contains("#") { return false }
        return true
    }

    private static func isJSONPointer(_ text: String) -> Bool {
        guard text.isEmpty || text.hasPrefix("/") else { return false }
        var previousTilde = false
        for character in text {
            if previousTilde, character != "0", character != "1" { return false }
            previousTilde = character == "~"
        }
        return !previousTilde
    }

    private static func isRelativeJSONPointer(_ text: String) -> Bool {
        let number = text.prefix { $0.isASCII && $0.isNumber }
        guard !number.isEmpty, number == "0" || number.first != "0" else { return false }
        let rest = text.dropFirst(number.count)
        return rest == "#" || isJSONPointer(String(rest))
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (self >= 0x30 && self <= 0x39) || (self >= 0x41 && self <= 0x46) || (self >= 0x61 && self <= 0x66)
    }
}
