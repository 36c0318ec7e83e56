/// Translates JSON-Schema regular expressions (ECMA-262 syntax) into the ICU syntax of `NSRegularExpression`,
/// keeping ECMA-262's meaning where the two differ:
///
/// - `\d`, `\w`, `\b` are ASCII-only (`[0-9]`, `[A-Za-z0-9_]`); `\s` is ECMA-262's white space and line
///   terminators; `\v` is the vertical tab (ICU: any vertical white space).
/// - `$` matches only at the end of the input (ICU: also before a final line terminator); `.` matches anything but
///   `\n`, `\r`, U+2028 and U+2029.
/// - In character classes `[`, `&`, `-` and other ICU set syntax are literal; `[]` matches nothing and `[^]`
///   anything; `\b` is a backspace.
/// - `\cX`, `\xHH`, `\uHHHH` (surrogate pairs combined), `\u{H...}`, `\0`, named groups `(?<n>...)` and
///   `\k<n>`, lookarounds, `\p{...}` Unicode properties.
/// - A `{` or `}` that is not part of a quantifier is literal (ECMA-262 annex B).
///
/// Syntax that is not ECMA-262 is rejected: escapes of letters or digits with no meaning (`\a`, `\z`, `\Q`...),
/// ICU/PCRE group forms (`(?i)`, `(?P<n>...)`, `(?>...)`, `(?#...)`), possessive and doubled quantifiers (`a*+`,
/// `a**`), quantified assertions, unterminated classes and groups.
enum ECMARegexTranslator {
    /// Why a pattern is not a valid ECMA-262 regular expression.
    struct Failure: Error {
        var message: String
    }

    /// The ICU pattern equivalent to the ECMA-262 `pattern`.
    static func translate(_ pattern: String) throws(Failure) -> String {
        var translator = Translation(scalars: Array(pattern.unicodeScalars))
        try translator.run()
        return translator.output
    }

    /// ECMA-262 white space and line terminators (`\s`), as the inside of an ICU set.
    static let whiteSpaceSet = #"\x{9}-\x{D}\x{20}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}"#
    static let wordSet = "0-9A-Z_a-z"
    static let digitSet = "0-9"
    static let wordBoundary = "(?:(?<=[\(wordSet)])(?![\(wordSet)])|(?<![\(wordSet)])(?=[\(wordSet)]))"
    static let notWordBoundary = "(?:(?<=[\(wordSet)])(?=[\(wordSet)])|(?<![\(wordSet)])(?![\(wordSet)]))"

    private struct Translation {
        let scalars: [Unicode.Scalar]
        var index = 0
        var output = ""
        /// Whether the last thing written can take a quantifier.
        var quantifiable = false
        var openGroups = 0

        init(scalars: [Unicode.Scalar]) {
            self.scalars = scalars
            output.reserveCapacity(scalars.count * 2)
        }

        func peek(_ offset: Int = 0) -> Unicode.Scalar? {
            index + offset < scalars.count ? scalars[index + offset] : nil
        }

        mutating func run() throws(Failure) {
            while let scalar = peek() {
                switch scalar {
                case "\\":
                    try escape()
                case "[":
                    try characterClass()
                    quantifiable = true
                case "(":
                    try group()
                    quantifiable = false
                case ")":
                    guard openGroups > 0 else { throw Failure(message: "unmatched ')'") }
                    openGroups -= 1
                    output += ")"
                    index += 1
                    quantifiable = true
                case "|":
                    output += "|"
                    index += 1
                    quantifiable = false
                case "^":
                    output += "^"
                    index += 1
                    quantifiable = false
                case "$":
                    output += #"\z"#
                    index += 1
                    quantifiable = false
                case ".":
                    output += #"[^\x{A}\x{D}\x{2028}\x{2029}]"#
                    index += 1
                    quantifiable = true
                case "*", "+", "?":
                    guard quantifiable else { throw Failure(message: "nothing to repeat before '\(scalar)'") }
                    output.unicodeScalars.append(scalar)
                    index += 1
                    lazySuffix()
                case "{":
                    if let quantifier = try braceQuantifier() {
                        guard quantifiable else { throw Failure(message: "nothing to repeat before '{'") }
                        output += quantifier
                        lazySuffix()
                    } else {
                        output += #"\{"#
                        index += 1
                        quantifiable = true
                    }
                case "}", "]":
                    literal(scalar)
                    index += 1
                default:
                    literal(scalar)
                    index += 1
                }
            }
            guard openGroups == 0 else { throw Failure(message: "unterminated group") }
        }

        /// After a quantifier: an optional `?` (lazy); nothing else may repeat it.
        mutating func lazySuffix() {
            if peek() == "?" {
                output += "?"
                index += 1
            }
            quantifiable = false
        }

        /// `{n}`, `{n,}` or `{n,m}` at the current position (consumed), or `nil` when the brace is a literal.
        mutating func braceQuantifier() throws(Failure) -> String? {
            var position = index + 1
            func number() -> Int? {
                var value: Int?
                while position < scalars.count, let digit = scalars[position].asciiDigit {
                    value = min((value ?? 0) * 10 + digit, 1_000_000)
                    position += 1
                }
                return value
            }
            guard let low = number() else { return nil }
            var high: Int? = low
            if position < scalars.count, scalars[position] == "," {
                position += 1
                high = number()
            }
            guard position < scalars.count, scalars[position] == "}" else { return nil }
            if let high, high < low { throw Failure(message: "numbers out of order in {\(low),\(high)} quantifier") }
            index = position + 1
            guard let high else { return "{\(low),}" }
            return high == low ? "{\(low)}" : "{\(low),\(high)}"
        }

        mutating func literal(_ scalar: Unicode.Scalar) {
            if scalar.isASCIIAlphanumeric {
                output.unicodeScalars.append(scalar)
            } else {
                output += Self.hex(scalar.value)
            }
            quantifiable = true
        }

        static func hex(_ value: UInt32) -> String { #"\x{"# + String(value, radix: 16, uppercase: true) + "}" }

        mutating func group() throws(Failure) {
            openGroups += 1
            guard peek(1) == "?" else {
                output += "("
                index += 1
                return
            }
            switch (peek(2), peek(3)) {
            case (":", _), ("=", _), ("!", _):
                output += "(?"
                output.unicodeScalars.append(scalars[index + 2])
                index += 3
            case ("<", "="), ("<", "!"):
                output += "(?<"
                output.unicodeScalars.append(scalars[index + 3])
                index += 4
            case ("<", _):
                index += 3
                let name = try groupName()
                output += "(?<\(name)>"
            default:
                throw Failure(message: "invalid group: '(?' must be followed by ':', '=', '!', '<=', '<!' or '<name>'")
            }
        }

        /// A group name up to and including '>'.
        mutating func groupName() throws(Failure) -> String {
            var name = ""
            while let scalar = peek(), scalar != ">" {
                guard scalar.isASCIIAlphanumeric || scalar == "_" || scalar == "$" else {
                    throw Failure(message: "invalid character in group name")
                }
                name.unicodeScalars.append(scalar)
                index += 1
            }
            guard peek() == ">", let first = name.unicodeScalars.first, first.asciiDigit == nil else {
                throw Failure(message: "invalid group name")
            }
            index += 1
            return name
        }

        /// An escape outside a character class (at the backslash).
        mutating func escape() throws(Failure) {
            guard let next = peek(1) else { throw Failure(message: "\\ at end of pattern") }
            index += 2
            quantifiable = true
            switch next {
            case "d": output += "[\(ECMARegexTranslator.digitSet)]"
            case "D": output += "[^\(ECMARegexTranslator.digitSet)]"
            case "w": output += "[\(ECMARegexTranslator.wordSet)]"
            case "W": output += "[^\(ECMARegexTranslator.wordSet)]"
            case "s": output += "[\(ECMARegexTranslator.whiteSpaceSet)]"
            case "S": output += "[^\(ECMARegexTranslator.whiteSpaceSet)]"
            case "b":
                output += ECMARegexTranslator.wordBoundary
                quantifiable = false
            case "B":
                output += ECMARegexTranslator.notWordBoundary
                quantifiable = false
            case "1"..."9":
                var number = Int(next.value - 0x30)
                while let digit = peek()?.asciiDigit, number < 1000 {
                    number = number * 10 + digit
                    index += 1
                }
                output += #"\"# + String(number)
            case "k":
                guard peek() == "<" else { throw Failure(message: "invalid escape '\\k'") }
                index += 1
                let name = try groupName()
                output += #"\k<"# + name + ">"
            case "p", "P":
                guard peek() == "{" else { throw Failure(message: "invalid escape '\\\(next)'") }
                output += try property(next)
            default:
                index -= 2
                let scalar = try characterEscape(inClass: false)
                output += Self.hex(scalar.value)
            }
        }

        /// `\p{...}` or `\P{...}` after the letter (at the brace).
        mutating func property(_ letter: Unicode.Scalar) throws(Failure) -> String {
            var text = #"\"# + String(letter) + "{"
            index += 1
            while let scalar = peek(), scalar != "}" {
                guard scalar.isASCIIAlphanumeric || scalar == "_" || scalar == "=" else {
                    throw Failure(message: "invalid Unicode property name")
                }
                text.unicodeScalars.append(scalar)
                index += 1
            }
            guard peek() == "}" else { throw Failure(message: "unterminated \\\(letter){...}") }
            index += 1
            return text + "}"
        }

        /// An escape that stands for one character (at the backslash): controls, hex and Unicode escapes, and
        /// escaped punctuation.
        mutating func characterEscape(inClass: Bool) throws(Failure) -> Unicode.Scalar {
            guard let next = peek(1) else { throw Failure(message: "\\ at end of pattern") }
            index += 2
            switch next {
            case "f": return "\u{0C}"
            case "n": return "\n"
            case "r": return "\r"
            case "t": return "\t"
            case "v": return "\u{0B}"
            case "b" where inClass: return "\u{08}"
            case "0":
                if peek()?.asciiDigit != nil { throw Failure(message: "octal escapes are not allowed") }
                return "\u{0}"
            case "c":
                guard let letter = peek(), letter.isASCIILetter else { throw Failure(message: "invalid escape '\\c'") }
                index += 1
                return Unicode.Scalar(UInt8(letter.value % 32))
            case "x":
                guard let value = hexDigits(2) else { throw Failure(message: "invalid escape '\\x': expected 2 hex digits") }
                return Unicode.Scalar(UInt8(value))
            case "u":
                return try unicodeEscape()
            default:
                if next.isASCIIAlphanumeric { throw Failure(message: "invalid escape '\\\(next)'") }
                return next
            }
        }

        /// Exactly `count` hex digits at the current position (consumed).
        mutating func hexDigits(_ count: Int) -> UInt32? {
            guard index + count <= scalars.count else { return nil }
            var value: UInt32 = 0
            for offset in 0..<count {
                guard let digit = scalars[index + offset].hexDigitValue else { return nil }
                value = value << 4 | digit
            }
            index += count
            return value
        }

        /// After `\u`: `HHHH` (a surrogate pair `\uHHHH\uHHHH` is combined) or `{H...}`.
        mutating func unicodeEscape() throws(Failure) -> Unicode.Scalar {
            if peek() == "{" {
                index += 1
                var value: UInt32 = 0
                var digits = 0
                while let digit = peek()?.hexDigitValue {
                    value = value << 4 | digit
                    digits += 1
                    index += 1
                    guard value <= 0x10FFFF else { throw Failure(message: "\\u{...} escape beyond U+10FFFF") }
                }
                guard digits > 0, peek() == "}", let scalar = Unicode.Scalar(value) else {
                    throw Failure(message: "invalid escape '\\u{...}'")
                }
                index += 1
                return scalar
            }
            guard let high = hexDigits(4) else { throw Failure(message: "invalid escape '\\u': expected 4 hex digits") }
            if (0xD800...0xDBFF).contains(high), peek() == "\\", peek(1) == "u" {
                let save = index
                index += 2
                if let low = hexDigits(4), (0xDC00...0xDFFF).contains(low),
                    let scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
                {
                    return scalar
                }
                index = save
            }
            // A lone surrogate cannot occur in a Swift string: it matches nothing.
            return Unicode.Scalar(high) ?? "\u{FFFF}"
        }

        /// A member of a character class: one character, or a set such as `\d`.
        enum ClassAtom {
            case character(Unicode.Scalar)
            case set(String)
        }

        /// A character class (at the '[').
        mutating func characterClass() throws(Failure) {
            index += 1
            var negated = false
            if peek() == "^" {
                negated = true
                index += 1
            }
            if peek() == "]" {
                index += 1
                output += negated ? #"[\x{0}-\x{10FFFF}]"# : "(?!)"
                return
            }
            var body = ""
            while true {
                guard let scalar = peek() else { throw Failure(message: "unterminated character class") }
                if scalar == "]" {
                    index += 1
                    break
                }
                let atom = try classAtom()
                if peek() == "-", let after = peek(1), after != "]" {
                    index += 1
                    let end = try classAtom()
                    switch (atom, end) {
                    case (.character(let low), .character(let high)):
                        guard low.value <= high.value else { throw Failure(message: "range out of order in character class") }
                        body += Self.hex(low.value) + "-" + Self.hex(high.value)
                    default:
                        // ECMA-262 annex B: a range with a set at either end is the set(s) and a literal '-'.
                        body += Self.classText(atom) + #"\x{2D}"# + Self.classText(end)
                    }
                } else {
                    body += Self.classText(atom)
                }
            }
            output += (negated ? "[^" : "[") + body + "]"
        }

        static func classText(_ atom: ClassAtom) -> String {
            switch atom {
            case .character(let scalar): return hex(scalar.value)
            case .set(let text): return text
            }
        }

        mutating func classAtom() throws(Failure) -> ClassAtom {
            guard let scalar = peek() else { throw Failure(message: "unterminated character class") }
            guard scalar == "\\" else {
                index += 1
                return .character(scalar)
            }
            switch peek(1) {
            case "d": index += 2; return .set(ECMARegexTranslator.digitSet)
            case "D": index += 2; return .set("[^\(ECMARegexTranslator.digitSet)]")
            case "w": index += 2; return .set(ECMARegexTranslator.wordSet)
            case "W": index += 2; return .set("[^\(ECMARegexTranslator.wordSet)]")
            case "s": index += 2; return .set(ECMARegexTranslator.whiteSpaceSet)
            case "S": index += 2; return .set("[^\(ECMARegexTranslator.whiteSpaceSet)]")
            case "p", "P":
                guard let letter = peek(1), peek(2) == "{" else { throw Failure(message: "invalid escape in character class") }
                index += 2
                return .set(try property(letter))
            case "-":
                index += 2
                return .character("-")
            default:
                return .character(try characterEscape(inClass: true))
            }
        }
    }
}

extension Unicode.Scalar {
    fileprivate var asciiDigit: Int? {
        value >= 0x30 && value <= 0x39 ? Int(value - 0x30) : nil
    }

    fileprivate var isASCIILetter: Bool {
        (value >= 0x41 && value <= 0x5A) || (value >= 0x61 && value <= 0x7A)
    }

    fileprivate var isASCIIAlphanumeric: Bool { isASCIILetter || asciiDigit != nil }

    fileprivate var hexDigitValue: UInt32? {
        switch value {
        case 0x30...0x39: return value - 0x30
        case 0x41...0x46: return value - 0x41 + 10
        case 0x61...0x66: return value - 0x61 + 10
        default: return nil
        }
    }
}
