import CompressNIO
import NIOCore

/// `grpc-timeout` encoding: up to 8 ASCII digits followed by a unit (H, M, S, m, u, n).
enum GRPCTimeout {
    /// Parses a `grpc-timeout` value into nanoseconds; nil if malformed.
    static func parse(_ value: String) -> Int64? {
        let utf8 = value.utf8
        guard utf8.count >= 2, utf8.count <= 9, let unit = utf8.last else { return nil }
        var amount: Int64 = 0
        for byte in utf8.dropLast() {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            amount = amount * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        let multiplier: Int64
        switch unit {
        case UInt8(ascii: "H"): multiplier = 3_600_000_000_000
        case UInt8(ascii: "M"): multiplier = 60_000_000_000
        case UInt8(ascii: "S"): multiplier = 1_000_000_000
        case UInt8(ascii: "m"): multiplier = 1_000_000
        case UInt8(ascii: "u"): multiplier = 1_000
        case UInt8(ascii: "n"): multiplier = 1
        default: return nil
        }
        let (result, overflow) = amount.multipliedReportingOverflow(by: multiplier)
        return overflow ? Int64.max : result
    }

    /// Encodes a duration, rounding up, with the finest unit that fits in 8 digits.
    static func encode(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        if seconds < 0 || (seconds == 0 && attoseconds <= 0) { return "1n" }
        let nanos = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        var total: Int64 = nanos.overflow ? Int64.max : nanos.partialValue
        let (sum, overflow) = total.addingReportingOverflow((attoseconds + 999_999_999) / 1_000_000_000)
        total = overflow ? Int64.max : sum
        let units: [(Int64, Character)] = [
            (1, "n"), (1_000, "u"), (1_000_000, "m"), (1_000_000_000, "S"), (60_000_000_000, "M"),
            (3_600_000_000_000, "H"),
        ]
        for (divisor, unit) in units {
            let value = total / divisor + (total % divisor == 0 ? 0 : 1)
            if value < 100_000_000 { return "\(value)\(unit)" }
        }
        return "99999999H"
    }
}
