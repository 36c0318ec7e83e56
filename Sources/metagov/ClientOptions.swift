import ArgumentParser
import Foundation
import MetagovClient
import MetagovJSON
import MetagovGRPC
import MetagovProto
import MetagovProtoGRPC
import MetagovProtoJSON

/// Where the server is and how to call it; every `metagov` command takes these.
struct ClientOptions: ParsableArguments {
    @Option(help: "Server address HOST:PORT (default: $METAGOV_SERVER or 127.0.0.1:50051).")
    var server: String?

    @Option(help: "API token sent as 'authorization: Bearer TOKEN' (default: $METAGOV_TOKEN).")
    var token: String?

    @Option(help: "Deadline of each call in seconds (streams: none unless given).")
    var timeout: Double?

    @Flag(help: "Connect over TLS (implied by --ca, --cert and --key).")
    var tls = false

    @Option(help: "PEM file of the authorities the server's certificate must chain to (default: the system's).")
    var ca: String?

    @Option(help: "PEM client certificate for mTLS (with --key).")
    var cert: String?

    @Option(help: "PEM private key of --cert.")
    var key: String?

    func validate() throws {
        if (cert == nil) != (key == nil) { throw ValidationError("--cert and --key go together") }
    }

    /// TLS settings from the options, nil for cleartext.
    var tlsSettings: GRPCClientTLS? {
        guard tls || ca != nil || cert != nil else { return nil }
        return GRPCClientTLS(caPath: ca, certificatePath: cert, privateKeyPath: key)
    }

    /// Connects, runs `body` with the client, closes. Call failures are printed as `CODE: message` on standard
    /// error with exit status 1.
    func withClient(_ body: (MetagovClient) async throws -> Void) async throws {
        let environment = ProcessInfo.processInfo.environment
        let address = server ?? environment["METAGOV_SERVER"] ?? "127.0.0.1:50051"
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else {
            throw ValidationError("--server must look like HOST:PORT, got '\(address)'")
        }
        let host = String(address[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        let client: MetagovClient
        do {
            var configuration = GRPCClientConfiguration()
            configuration.tls = tlsSettings
            client = try await MetagovClient.connect(
                host: host, port: port, token: token ?? environment["METAGOV_TOKEN"],
                timeout: timeout.map { .milliseconds(Int64($0 * 1000)) }, configuration: configuration)
        } catch {
            FileHandle.standardError.write(Data("UNAVAILABLE: cannot connect to \(address): \(error)\n".utf8))
            throw ExitCode(1)
        }
        do {
            try await body(client)
            await client.close()
        } catch let status as GRPCStatus {
            await client.close()
            FileHandle.standardError.write(Data("\(status.code): \(status.message)\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// Prints one JSON document per line.
func emit(_ message: some JSONRepresentableMessage) {
    emit(message.json)
}

func emit(_ value: JSONValue) {
    FileHandle.standardOutput.write(Data((value.serialized(pretty: false) + "\n").utf8))
}

/// Parses a JSON object argument into a Struct, naming the option on failure.
func structArgument(_ text: String?, option: String) throws -> Google_Protobuf_Struct? {
    guard let text else { return nil }
    let value: JSONValue
    do {
        value = try JSONValue(parsing: text)
    } catch {
        throw ValidationError("--\(option) is not valid JSON: \(error)")
    }
    guard case .object(let fields) = value else { throw ValidationError("--\(option) must be a JSON object") }
    return Google_Protobuf_Struct(fields: fields)
}

/// The enum value a lower-case `--status` names (the .proto name is `prefix` + the upper-cased text), or a
/// validation error listing `choices`.
func statusArgument<Status>(_ text: String, prefix: String, parse: (String) -> Status?, choices: String) throws -> Status {
    guard let value = parse(prefix + text.uppercased()) else { throw ValidationError("--status must be \(choices)") }
    return value
}
