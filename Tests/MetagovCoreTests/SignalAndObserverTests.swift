import MetagovCore
import MetagovTestSupport
import Testing

/// Records modifications and signals.
final class WatcherExtension: ModificationObserver, SignalSubscriber {
    let name = "watcher"
    let modifications = Recorder<Modification>()
    let signals = Recorder<Signal>()
    let filtered = Recorder<Signal>()

    func notify(_ modification: Modification) { modifications.append(modification) }

    func signalSubscriptions() -> [SignalSubscription] {
        [
            SignalSubscription(signal: SignalName.processUpdated) { [signals] in signals.append($0) },
            SignalSubscription(signal: SignalName.eventCreated) { [signals] in signals.append($0) },
            SignalSubscription(signal: SignalName.eventCreated, sender: "someone-else") { [filtered] in filtered.append($0) },
        ]
    }
}

@Suite struct SignalAndObserverTests {
    @Test func modificationsAreReportedAfterCommitOnly() async throws {
        let watcher = WatcherExtension()
        let core = try makeCore([WidgetExtension(), watcher])
        _ = try await core.communities.create(slug: "c", readableName: "C")
        _ = try? await core.communities.create(slug: "c", readableName: "duplicate, rolled back")
        _ = try await core.communities.update("c", readableName: "C2")
        let plugin = try await core.plugins.enable(community: "c", name: "widget", config: ["token": "t"])
        _ = try? await core.plugins.enable(community: "c", name: "widget", config: ["token": "fail-init", "team": "X"])
        _ = try await core.plugins.enable(community: "c", name: "widget", config: ["token": "u"])
        let process = try await core.processes.start(community: "c", plugin: "widget", process: "decision", parameters: ["question": "q"])
        _ = try? await core.processes.start(community: "c", plugin: "widget", process: "decision", parameters: ["question": "q", "fail": true])
        _ = try await core.processes.close(process.id)
        try await core.plugins.disable(community: "c", name: "widget")
        try await core.communities.delete("c")
        let seen = watcher.modifications.items.map { modification -> String in
            switch modification.object {
            case .community(let c): return "\(modification.kind.rawValue) community \(c.slug)"
            case .plugin(let p): return "\(modification.kind.rawValue) plugin \(p.id)"
            case .process(let p): return "\(modification.kind.rawValue) process \(p.id) \(p.status.rawValue)"
            }
        }
        #expect(seen == [
            "new community c", "changed community c", "new plugin \(plugin.id)", "changed plugin \(plugin.id)",
            "new process \(process.id) pending", "changed process \(process.id) completed",
            "deleted plugin \(plugin.id)", "deleted community c",
        ])
    }

    @Test func processAndEventSignalsCarryTheNewState() async throws {
        let watcher = WatcherExtension()
        let core = try makeCore([WidgetExtension(), watcher])
        _ = try await core.communities.create(slug: "c", readableName: "C")
        _ = try await core.plugins.enable(community: "c", name: "widget", config: ["token": "t"])
        let process = try await core.processes.start(community: "c", plugin: "widget", process: "decision", parameters: ["question": "q"])
        _ = try await core.actions.perform(community: "c", plugin: "widget", action: "bump")
        _ = try await core.processes.close(process.id)
        let summary = watcher.signals.items.map { signal -> String in
            switch signal.payload {
            case .process(let p): return "\(signal.name) \(signal.sender) \(p.status.rawValue)"
            case .event(let e): return "\(signal.name) \(signal.sender) \(e.eventType) \(e.cursor)"
            case .custom: return signal.name
            }
        }
        let cursors = try await core.events.list().map(\.cursor)
        #expect(summary == [
            "process.updated widget pending", "event.created widget bumped \(cursors[0])",
            "event.created widget bumped \(cursors[1])", "process.updated widget completed",
        ])
        #expect(watcher.filtered.items.isEmpty)
    }

    @Test func busDeliversBySenderAndDisconnects() {
        let bus = SignalBus()
        let all = Recorder<String>()
        let onlyA = Recorder<String>()
        let token = bus.connect(SignalSubscription(signal: "s") { all.append($0.sender) })
        bus.connect(SignalSubscription(signal: "s", sender: "a") { onlyA.append($0.sender) })
        bus.send(Signal(name: "s", sender: "a", payload: .custom(1)))
        bus.send(Signal(name: "s", sender: "b", payload: .custom(2)))
        bus.send(Signal(name: "other", sender: "a", payload: .custom(3)))
        bus.disconnect(token)
        bus.send(Signal(name: "s", sender: "a", payload: .custom(4)))
        #expect(all.items == ["a", "b"])
        #expect(onlyA.items == ["a", "a"])
    }
}
