import Foundation
import MetagovCore
import NIOCore
import NIOPosix

/// Decides where a delivery may connect: the URL's host is resolved at send time and a non-public address
/// (loopback, private, link-local, ...) is refused unless `allowed` covers it. The delivery then connects to
/// exactly the address that was checked (no second lookup a DNS answer could change in between).
struct DestinationGuard: Sendable {
    /// Ranges that may be reached although they are not public (`metagov.delivery.allowed_destinations`).
    let allowed: [IPNetwork]

    /// Where a delivery goes: the host name of its URL and the address checked for it.
    struct Destination: Sendable {
        let host: String
        let address: String
    }

    struct Refused: Error, CustomStringConvertible {
        let description: String
    }

    init(config: MetagovConfig) {
        self.allowed = (config.list(CoreConfig.deliveryAllowedDestinations) ?? []).compactMap(IPNetwork.init)
    }

    /// Resolves the URL's host and checks the address; throws `Refused` naming the address and its kind.
    func destination(of url: String) async throws -> Destination {
        guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty,
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https"
        else { throw Refused(description: "not an http(s) URL") }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let port = components.port ?? (scheme == "https" ? 443 : 80)
        let address: String
        if IPNetwork.parseAddress(bare) != nil {
            address = bare
        } else {
            let resolved = try await NIOThreadPool.singleton.runIfActive {
                try SocketAddress.makeAddressResolvingHost(bare, port: port)
            }
            guard let text = resolved.ipAddress else { throw Refused(description: "\(bare) did not resolve to an IP address") }
            address = text
        }
        guard let bytes = IPNetwork.parseAddress(address) else { throw Refused(description: "bad address \(address)") }
        if let kind = IPNetwork.nonPublicKind(of: bytes), !self.allowed.contains(where: { $0.contains(bytes) }) {
            throw Refused(
                description: "refused: \(bare) is \(address), a \(kind) address (allow it with \(CoreConfig.deliveryAllowedDestinations))")
        }
        return Destination(host: bare, address: address)
    }
}
