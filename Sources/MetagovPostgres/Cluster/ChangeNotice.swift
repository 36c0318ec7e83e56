import MetagovCore

/// The notification a write transaction sends with its commit (`NOTIFY`) so that the other gateways on the
/// database wake their event subscribers and drop what they cached: `ORIGIN|CHANGE,CHANGE...` where a change
/// is `e:CURSOR` (events appended through CURSOR), `d` (events deleted), `p` (plugin instances), `t` (tokens) or
/// `s` (plugin state, processes or process entries).
struct ChangeNotice: Equatable {
    /// The channel every store listens on.
    static let channel = "metagov_changes"

    /// The store that committed the changes (each store ignores its own: its process already applied them).
    let origin: String
    let changes: [StoreChange]

    init?(origin: String, changes: [StoreChange]) {
        guard !changes.isEmpty else { return nil }
        self.origin = origin
        self.changes = changes
    }

    /// Parses a payload; nil for one this release does not understand.
    init?(payload: String) {
        guard let bar = payload.firstIndex(of: "|") else { return nil }
        var changes: [StoreChange] = []
        for part in payload[payload.index(after: bar)...].split(separator: ",") {
            switch part.first {
            case "e":
                guard let cursor = Int64(part.dropFirst(2)) else { return nil }
                changes.append(.eventsAppended(through: cursor))
            case "d": changes.append(.eventsDeleted)
            case "p": changes.append(.pluginInstancesChanged)
            case "t": changes.append(.tokensChanged)
            case "s": changes.append(.stateChanged)
            default: return nil
            }
        }
        self.init(origin: String(payload[..<bar]), changes: changes)
    }

    var payload: String {
        origin + "|" + changes.compactMap { change -> String? in
            switch change {
            case .eventsAppended(let cursor): "e:\(cursor)"
            case .eventsDeleted: "d"
            case .pluginInstancesChanged: "p"
            case .tokensChanged: "t"
            case .stateChanged: "s"
            case .unknown: nil
            }
        }.joined(separator: ",")
    }
}
