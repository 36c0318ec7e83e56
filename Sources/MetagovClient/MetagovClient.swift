import Foundation
import MetagovGRPC
import MetagovProto
import MetagovProtoGRPC

/// A connection to a metagov-swift server with a typed stub per service.
///
/// ```swift
/// let client = try await MetagovClient.connect(host: "127.0.0.1", port: 50051, token: token)
/// let community = try await client.communities.createCommunity(.init(slug: "climate", readableName: "Climate"))
/// ```
/// Failures are thrown as `GRPCStatus` (code and message from the server).
public struct MetagovClient: Sendable {
    /// The HTTP/2 connection every stub shares.
    public let connection: GRPCClient
    public let communities: Metagov_V1_CommunitiesClient
    public let plugins: Metagov_V1_PluginsClient
    public let actions: Metagov_V1_ActionsClient
    public let processes: Metagov_V1_ProcessesClient
    public let events: Metagov_V1_EventsClient
    public let identity: Metagov_V1_IdentityClient
    public let health: Grpc_Health_V1_HealthClient

    /// Wraps an open connection. `token`, when given, is sent as `authorization: Bearer TOKEN` on every call
    /// (surrounding whitespace, such as the newline of a token file, removed; an empty token sends none);
    /// `timeout` is the default deadline of each call.
    public init(connection: GRPCClient, token: String? = nil, timeout: Duration? = nil) {
        var options = GRPCCallOptions()
        if let token = token?.trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty {
            options.metadata.add("authorization", "Bearer \(token)")
        }
        options.timeout = timeout
        self.connection = connection
        self.communities = .init(connection: connection, defaultOptions: options)
        self.plugins = .init(connection: connection, defaultOptions: options)
        self.actions = .init(connection: connection, defaultOptions: options)
        self.processes = .init(connection: connection, defaultOptions: options)
        self.events = .init(connection: connection, defaultOptions: options)
        self.identity = .init(connection: connection, defaultOptions: options)
        self.health = .init(connection: connection, defaultOptions: options)
    }

    /// Connects to `host:port`.
    public static func connect(
        host: String, port: Int, token: String? = nil, timeout: Duration? = nil,
        configuration: GRPCClientConfiguration = .init()
    ) async throws -> MetagovClient {
        MetagovClient(
            connection: try await GRPCClient.connect(host: host, port: port, configuration: configuration),
            token: token, timeout: timeout)
    }

    /// Closes the connection (in-flight calls fail with UNAVAILABLE).
    public func close() async {
        await self.connection.close()
    }
}
