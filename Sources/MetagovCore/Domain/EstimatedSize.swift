import MetagovJSON

// Rough sizes of values in memory and on the wire, which bound in-memory buffers and caches by bytes, not
// only by count: strings and numbers, plus a little per value.

extension JSONValue {
    /// Roughly how many bytes the value takes.
    var estimatedSize: Int {
        var total = 0
        var pending: [JSONValue] = [self]
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

extension Event {
    /// Roughly how many bytes the event takes.
    var estimatedSize: Int {
        64 + community.utf8.count + source.utf8.count + eventType.utf8.count + data.estimatedSize + initiator.estimatedSize
    }
}

extension PluginInstance {
    /// Roughly how many bytes the instance takes.
    var estimatedSize: Int {
        64 + community.utf8.count + name.utf8.count + (communityPlatformID?.utf8.count ?? 0) + config.estimatedSize
    }
}

extension CommunityDetails {
    /// Roughly how many bytes the community and its plugin instances take.
    var estimatedSize: Int {
        64 + community.slug.utf8.count + community.readableName.utf8.count
            + plugins.reduce(0) { $0 + $1.estimatedSize }
    }
}
