import ArgumentParser
import Foundation
import MetagovClient
import MetagovProto

/// `metagov-bench catch-up`: one subscriber reads `--count` stored events of `--community` from cursor 0 through
/// `Events.Subscribe` and reports events per second; it checks that cursors strictly increase and that every
/// event carries its data.
struct CatchUp: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catch-up", abstract: "Events/s read by one subscriber catching up from cursor 0.")

    @Option(help: "Server HOST:PORT.") var server: ServerAddress
    @Option(help: "Community whose events are read.") var community: String
    @Option(help: "Events to read.") var count = 1_000_000

    func run() async throws {
        let client = try await MetagovClient.connect(host: server.host, port: server.port, timeout: nil)
        let start = ContinuousClock.now
        var received = 0
        var previous: UInt64 = 0
        for try await event in client.events.subscribe(.init(community: community, afterCursor: 0)) {
            guard event.cursor > previous else {
                throw FanoutError("cursor \(event.cursor) after \(previous): out of order or duplicated")
            }
            guard event.community == community, event.data != nil else {
                throw FanoutError("event \(event.cursor) is not a full event of '\(community)'")
            }
            previous = event.cursor
            received += 1
            if received == count { break }
        }
        let seconds = (ContinuousClock.now - start).seconds
        await client.close()
        guard received == count else { throw FanoutError("the stream ended after \(received) of \(count) events") }
        print(String(format: "catch-up: %d events in %.2f s: %.0f events/s", count, seconds, Double(count) / seconds))
    }
}
