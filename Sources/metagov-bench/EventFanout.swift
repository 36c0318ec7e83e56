import ArgumentParser
import Foundation
import MetagovClient
import MetagovGRPC
import MetagovJSON
import MetagovProto
import MetagovProtoGRPC
import MetagovProtoJSON

/// `metagov-bench fanout`: event append and delivery rates and delivery latency with 0, 1, 10 and 100 concurrent
/// subscribers, against a running server (`--no-auth`); each subscriber checks it receives every new event
/// exactly once, in cursor order. Run by `bench/event-fanout`.
struct EventFanout: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fanout",
        abstract: "Event fan-out benchmark: appended and delivered events/s, delivery latency p50/p99.")

    @Option(help: "Server HOST:PORT.") var server: ServerAddress
    @Option(
        name: .customLong("subscribe-server"),
        help: "HOST:PORT the subscribers use (default: --server): another gateway on the same database measures delivery across gateways.")
    var subscribeServer: ServerAddress?
    @Option(help: "Events appended per round.") var events = 4000
    @Option(help: "Concurrent writers (one poll vote each, so they never conflict).") var writers = 8
    @Option(help: "Subscriber counts, comma separated.") var subscribers = "0,1,10,100"

    func run() async throws {
        let (host, port) = (server.host, server.port)
        let subscribeAddress = subscribeServer ?? server
        let (subscribeHost, subscribePort) = (subscribeAddress.host, subscribeAddress.port)
        let setup = try await MetagovClient.connect(host: host, port: port)
        _ = try await setup.communities.createCommunity(.init(slug: "fanout", readableName: "Fan-out"))
        _ = try await setup.plugins.enablePlugin(.init(community: "fanout", name: "poll"))
        let writerClients = try await (0..<writers).asyncMap { _ in try await MetagovClient.connect(host: host, port: port) }
        print(["subscribers", "appended/s", "delivered/s", "p50 ms", "p99 ms", "appended vs first"].map { $0.padding(toLength: 18, withPad: " ", startingAt: 0) }.joined())
        var reference: Double?
        var round = 0
        for count in subscribers.split(separator: ",").compactMap({ Int($0) }) {
            round += 1
            // Fresh polls every round, so that every round starts alike.
            var votes: [Int64] = []
            for n in 0..<writers {
                votes.append(try await setup.processes.startProcess(.init(
                    community: "fanout", plugin: "poll", process: "vote",
                    parameters: .init(fields: ["title": .init(json: .string("r\(round)w\(n)")), "options": .init(json: ["a", "b"])]))).id)
            }
            let last = try await lastCursor(setup)
            let perWriter = events / writers
            let total = perWriter * writers
            let receivers = try await (0..<count).asyncMap { _ in
                try await MetagovClient.connect(host: subscribeHost, port: subscribePort)
            }
            let start = ContinuousClock.now
            async let latencies: [[Double]] = withThrowingTaskGroup(of: [Double].self) { group in
                for receiver in receivers {
                    group.addTask {
                        var samples: [Double] = []
                        samples.reserveCapacity(total)
                        var previous = last
                        for try await event in receiver.events.subscribe(.init(community: "fanout", afterCursor: last)) {
                            guard event.cursor > previous else {
                                throw FanoutError("cursor \(event.cursor) after \(previous): out of order or duplicated")
                            }
                            previous = event.cursor
                            let sent = event.timestamp.map { $0.date.timeIntervalSince1970 } ?? 0
                            samples.append((Date().timeIntervalSince1970 - sent) * 1000)
                            if samples.count == total { break }
                        }
                        guard samples.count == total else {
                            throw FanoutError("the stream ended after \(samples.count) of \(total) events")
                        }
                        return samples
                    }
                }
                var all: [[Double]] = []
                for try await samples in group { all.append(samples) }
                return all
            }
            let voterPrefix = "r\(round)"
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, client) in writerClients.enumerated() {
                    let vote = votes[index]
                    group.addTask {
                        for n in 0..<perWriter {
                            _ = try await client.actions.performAction(.init(
                                community: "fanout", plugin: "poll", action: "cast-vote",
                                parameters: .init(fields: [
                                    "process_id": .init(json: .integer(Int(vote))),
                                    "voter": .init(json: .string("\(voterPrefix)-\(n)")), "option": .init(json: "a"),
                                ])))
                        }
                    }
                }
                try await group.waitForAll()
            }
            let appendSeconds = (ContinuousClock.now - start).seconds
            let samples = try await latencies.flatMap { $0 }.sorted()
            let deliverSeconds = (ContinuousClock.now - start).seconds
            for receiver in receivers { await receiver.close() }
            let appended = Double(total) / appendSeconds
            reference = reference ?? appended
            let delivered = Double(samples.count) / deliverSeconds
            let p50 = samples.isEmpty ? Double.nan : samples[samples.count / 2]
            let p99 = samples.isEmpty ? Double.nan : samples[min(samples.count - 1, samples.count * 99 / 100)]
            let columns = [
                String(count), String(format: "%.0f", appended), count == 0 ? "-" : String(format: "%.0f", delivered),
                count == 0 ? "-" : String(format: "%.2f", p50), count == 0 ? "-" : String(format: "%.2f", p99),
                String(format: "%.2f", appended / (reference ?? appended)),
            ]
            print(columns.map { $0.padding(toLength: 18, withPad: " ", startingAt: 0) }.joined())
        }
        for client in writerClients { await client.close() }
        await setup.close()
    }

    private func lastCursor(_ client: MetagovClient) async throws -> UInt64 {
        var options = GRPCCallOptions()
        options.timeout = .milliseconds(300)
        var cursor: UInt64 = 0
        do {
            for try await event in client.events.subscribe(.init(community: "fanout", afterCursor: 0), options: options) {
                cursor = event.cursor
            }
        } catch {}
        return cursor
    }
}

