import ArgumentParser
import MetagovProto
import MetagovProtoGRPC

struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health", abstract: "Check the server's health (grpc.health.v1).")
    @OptionGroup var client: ClientOptions
    @Option(help: "Service name ('' for the whole server).") var service = ""

    func run() async throws {
        try await client.withClient { emit(try await $0.health.check(.init(service: service))) }
    }
}
