/// Checks of internationalised host name labels (A-labels, `xn--...`): Punycode decoding (RFC 3492) and
/// the IDNA 2008 rules the JSON-Schema suite exercises (RFC 5891, RFC 5892 contextual rules).
enum IDNAHostnameLabel {
    /// Whether the A-label `label` (with its `xn--` prefix) decodes to a valid U-label.
    static func isValidALabel(_ label: Substring) -> Bool {
        guard let decoded = punycodeDecode(label.dropFirst(4).lowercased()), !decoded.isEmpty else { return false }
        return isValidULabel(decoded)
    }

    /// RFC 3492 decoding of the part after `xn--`.
    static func punycodeDecode(_ input: String) -> [Unicode.Scalar]? {
        let base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700
        var output: [Unicode.Scalar] = []
        var rest = Substring(input)
        if let delimiter = input.lastIndex(of: "-") {
            for character in input[..<delimiter] {
                guard let scalar = character.unicodeScalars.first, scalar.isASCII else { return nil }
                output.append(scalar)
            }
            rest = input[input.index(after: delimiter)...]
        }
        var n = 128, i = 0, bias = 72
        var iterator = rest.makeIterator()
        func digit(_ character: Character) -> Int? {
            guard let ascii = character.asciiValue else { return nil }
            switch ascii {
            case 0x61...0x7A: return Int(ascii - 0x61)
            case 0x30...0x39: return Int(ascii - 0x30) + 26
            default: return nil
            }
        }
        func adapt(_ delta: Int, _ count: Int, _ first: Bool) -> Int {
            var delta = first ? delta / damp : delta / 2
            delta += delta / count
            var k = 0
            while delta > ((base - tMin) * tMax) / 2 {
                delta /= base - tMin
                k += base
            }
            return k + (base - tMin + 1) * delta / (delta + skew)
        }
        while let first = iterator.next() {
            let oldI = i
            var w = 1
            var k = base
            var character: Character? = first
            while true {
                guard let current = character, let d = digit(current) else { return nil }
                guard d <= (Int.max - i) / w else { return nil }
                i += d * w
                let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                if d < t { break }
                guard w <= Int.max / (base - t) else { return nil }
                w *= base - t
                k += base
                character = iterator.next()
            }
            bias = adapt(i - oldI, output.count + 1, oldI == 0)
            n += i / (output.count + 1)
            i %= output.count + 1
            guard let scalar = Unicode.Scalar(n) else { return nil }
            output.insert(scalar, at: i)
            i += 1
        }
        return output
    }

    private static let disallowed: Set<UInt32> = [0x0640, 0x07FA, 0x302E, 0x302F, 0x3031, 0x3032, 0x3033, 0x3034, 0x3035, 0x303B]

    static func isValidULabel(_ scalars: [Unicode.Scalar]) -> Bool {
        if scalars.count >= 4, scalars[2] == "-", scalars[3] == "-" { return false }
        if let first = scalars.first, [.spacingMark, .nonspacingMark, .enclosingMark].contains(first.properties.generalCategory) {
            return false
        }
        let hasArabicIndic = scalars.contains { (0x0660...0x0669).contains($0.value) }
        let hasExtendedArabicIndic = scalars.contains { (0x06F0...0x06F9).contains($0.value) }
        if hasArabicIndic && hasExtendedArabicIndic { return false }
        for (index, scalar) in scalars.enumerated() {
            let previous = index > 0 ? scalars[index - 1] : nil
            let next = index + 1 < scalars.count ? scalars[index + 1] : nil
            if disallowed.contains(scalar.value) { return false }
            switch scalar.value {
            case 0x00B7:
                guard previous == "l", next == "l" else { return false }
            case 0x0375:
                guard let next, isGreek(next) else { return false }
            case 0x05F3, 0x05F4:
                guard let previous, (0x0590...0x05FF).contains(previous.value) else { return false }
            case 0x30FB:
                let others = scalars.filter { $0.value != 0x30FB }
                guard others.contains(where: isJapanese) else { return false }
            case 0x200D:
                guard let previous, previous.properties.canonicalCombiningClass == .virama else { return false }
            case 0x200C:
                // After a virama, or between joining (Arabic-script) letters (RFC 5892 appendix A.1, simplified).
                let afterVirama = previous?.properties.canonicalCombiningClass == .virama
                let joining = previous.map(isJoiningLetter) == true && next.map(isJoiningLetter) == true
                guard afterVirama || joining else { return false }
            default:
                break
            }
        }
        return true
    }

    private static func isJoiningLetter(_ scalar: Unicode.Scalar) -> Bool {
        (0x0620...0x064A).contains(scalar.value) || (0x066E...0x06D3).contains(scalar.value)
    }

    private static func isGreek(_ scalar: Unicode.Scalar) -> Bool {
        (0x0370...0x03FF).contains(scalar.value) || (0x1F00...0x1FFF).contains(scalar.value)
    }

    private static func isJapanese(_ scalar: Unicode.Scalar) -> Bool {
        (0x3040...0x309F).contains(scalar.value) || (0x30A0...0x30FF).contains(scalar.value)
            || (0x4E00...0x9FFF).contains(scalar.value) || (0x3400...0x4DBF).contains(scalar.value)
    }
}
