import MetagovCore
import Testing

/// Address ranges as configured (`metagov.delivery.allowed_destinations`) and the non-public classes
/// outbound requests are kept from.
@Suite struct IPNetworkTests {
    @Test(arguments: [
        ("10.0.0.0/8", "10.0.0.0/8"), ("127.0.0.1", "127.0.0.1/32"), ("fd00::/8", "fd00::/8"), ("::1", "::1/128"),
        ("2001:db8::1/64", "2001:db8::1/64"),
    ])
    func parsesAndPrintsRanges(text: String, printed: String) throws {
        let network = try #require(IPNetwork(text))
        #expect(network.description == printed)
        #expect(IPNetwork(network.description) == network)
    }

    @Test(arguments: ["", "10.0.0.0/33", "::1/129", "10.0.0", "1.2.3.4/-1", "example.com", "10.0.0.0/x", "::g"])
    func refusesMalformedRanges(text: String) {
        #expect(IPNetwork(text) == nil)
    }

    @Test func containsComparesThePrefixBitByBit() throws {
        let network = try #require(IPNetwork("172.16.0.0/12"))
        #expect(network.contains([172, 31, 255, 255]))
        #expect(!network.contains([172, 32, 0, 0]))
        #expect(!network.contains(try #require(IPNetwork.parseAddress("::ffff:172.16.0.1"))))
    }

    @Test func nonPublicAddressesAreNamedIncludingIPv4InsideIPv6() throws {
        func kind(_ text: String) throws -> String? { IPNetwork.nonPublicKind(of: try #require(IPNetwork.parseAddress(text))) }
        #expect(try kind("127.0.0.1") == "loopback")
        #expect(try kind("169.254.169.254") == "link-local")
        #expect(try kind("::ffff:10.1.2.3") == "private")
        #expect(try kind("64:ff9b::7f00:1") == "loopback")
        #expect(try kind("fe80::1") == "link-local")
        #expect(try kind("8.8.8.8") == nil)
        #expect(try kind("2606:4700::1111") == nil)
    }
}
