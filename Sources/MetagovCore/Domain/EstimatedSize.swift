import MetagovJSON

// Rough sizes of values in memory and on the wire, which bound in-memory buffers and caches by bytes, not
// only by count: strings and numbers, plus a little per value.

extension JSONValue {
    /// Roughly how many bytes the value takes. Iterative (no recursion on deep values); nested containers
    /// wait on a stack, so a flat object (most event data) costs no allocation.
    var estimatedSize: Int {
        var total = 0
        var nested: [JSONValue] = []
        var next: JSONValue? = self
        while let value = next ?? nested.popLast() {
            next = nil
            switch value {
            case .array(let items):
                total += 16
                for item in items {
                    if let size = item.scalarSize { total += size } else { nested.append(item) }
                }
            case .object(let members):
                total += 16
                for (key, member) in members {
                    total += 16 + key.utf8.count
                    if let size = member.scalarSize { total += size } else { nested.append(member) }
                }
            default:
                total += value.scalarSize ?? 0
            }
        }
        return total
    }

    /// The estimated size of a scalar; nil for an array or object.
    private var scalarSize: Int? {
        switch self {
        case .null, .bool: 8
        case .integer, .number: 16
        case .string(let text): 16 + text.utf8.count
        case .array, .object: nil
        }
    }
}

extension Event {
    /// Roughly how many bytes the event takes.
    var estimatedSize: Int {
        64 + community.utf8.count + source.utf8.count + eventType.utf8.count + estimatedJSONSize
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

extension GovernanceProcess {
    /// Roughly how many bytes the process record takes (its entries are not part of it).
    var estimatedSize: Int {
        var size = 128 + community.utf8.count + plugin.utf8.count + name.utf8.count
        size += (outcome?.estimatedSize ?? 0) + (errors?.estimatedSize ?? 0) + (callbackURL?.utf8.count ?? 0) + (url?.utf8.count ?? 0)
        for (key, value) in state { size += 16 + key.utf8.count + value.estimatedSize }
        return size
    }
}
