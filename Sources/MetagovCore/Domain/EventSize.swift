import MetagovJSON

extension Event {
    /// Roughly how many bytes the event takes in memory and on the wire: its strings and numbers, plus a
    /// little per JSON value. Bounds in-memory buffers of events by bytes, not only by count.
    var estimatedSize: Int {
        var total = 64 + community.utf8.count + source.utf8.count + eventType.utf8.count
        var pending: [JSONValue] = [data, initiator]
        while let value = pending.popLast() {
            switch value {
            case .null, .bool: total += 8
            case .integer, .number: total += 16
            case .string(let text): total += 16 + text.utf8.count
            case .array(let items):
                total += 16
                pending.append(contentsOf: items)
            case .object(let members):
                total += 16
                for (key, member) in members {
                    total += 16 + key.utf8.count
                    pending.append(member)
                }
            }
        }
        return total
    }
}
