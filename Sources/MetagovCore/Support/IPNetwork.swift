/// An IPv4 or IPv6 address range in CIDR notation (`10.0.0.0/8`, `::1/128`; a bare address is a range of
/// one), and the address classes an outbound request must not reach by default.
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    /// The network's bytes (4 for IPv4, 16 for IPv6).
    public let bytes: [UInt8]
    /// Leading bits that must match.
    public let prefixLength: Int

    /// Parses `10.0.0.0/8`, `fd00::/8`, `127.0.0.1`; nil when malformed.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPNetwork.parseAddress(String(parts[0])) else { return nil }
        let maxLength = address.count * 8
        if parts.count == 2 {
            guard let length = Int(parts[1]), (0...maxLength).contains(length) else { return nil }
            self.prefixLength = length
        } else {
            self.prefixLength = maxLength
        }
        self.bytes = address
    }

    private init(bytes: [UInt8], prefixLength: Int) {
        self.bytes = bytes
        self.prefixLength = prefixLength
    }

    public var description: String {
        "\(AddressText.text(of: self.bytes) ?? "?")/\(self.prefixLength)"
    }

    /// Whether the address `bytes` (4 or 16 of them) is inside this range.
    public func contains(_ address: [UInt8]) -> Bool {
        guard address.count == self.bytes.count else { return false }
        var bits = self.prefixLength
        for index in 0..<address.count where bits > 0 {
            let mask: UInt8 = bits >= 8 ? 0xFF : ~(0xFF >> UInt8(bits))
            if address[index] & mask != self.bytes[index] & mask { return false }
            bits -= 8
        }
        return true
    }

    /// The bytes of an IPv4 or IPv6 address literal, nil when `text` is not one.
    public static func parseAddress(_ text: String) -> [UInt8]? { AddressText.bytes(of: text) }

    /// Loopback, private (RFC 1918, unique local), link-local (cloud metadata services live there),
    /// carrier-grade NAT, unspecified and multicast ranges: what a server must not be made to call on its own
    /// network by whoever registers a webhook.
    public static let nonPublic: [(IPNetwork, String)] = [
        ("127.0.0.0/8", "loopback"), ("::1/128", "loopback"),
        ("10.0.0.0/8", "private"), ("172.16.0.0/12", "private"), ("192.168.0.0/16", "private"), ("fc00::/7", "private"),
        ("169.254.0.0/16", "link-local"), ("fe80::/10", "link-local"),
        ("100.64.0.0/10", "shared (carrier-grade NAT)"), ("0.0.0.0/8", "unspecified"), ("::/128", "unspecified"),
        ("224.0.0.0/4", "multicast"), ("ff00::/8", "multicast"), ("255.255.255.255/32", "broadcast"),
    ].compactMap { text, kind in IPNetwork(text).map { ($0, kind) } }

    /// Why `address` is not a public destination ("loopback", "private", ...), or nil when it is public.
    /// IPv4 addresses inside IPv6 (`::ffff:a.b.c.d`, `64:ff9b::a.b.c.d`) are judged by their IPv4 part.
    public static func nonPublicKind(of address: [UInt8]) -> String? {
        var address = address
        if address.count == 16 {
            let mapped = address[0..<10].allSatisfy { $0 == 0 } && address[10] == 0xFF && address[11] == 0xFF
            let nat64 = address[0..<12] == [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0][...]
            if mapped || nat64 { address = Array(address[12..<16]) }
        }
        return self.nonPublic.first { $0.0.contains(address) }?.1
    }
}
