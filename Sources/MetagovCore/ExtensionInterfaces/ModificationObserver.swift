/// What happened to a domain object.
public enum ModificationKind: String, Sendable, Hashable {
    case new
    case changed
    case deleted
}

/// The object a modification is about, as it is after the change (before it, for deletions).
public enum ModifiedObject: Sendable, Hashable {
    case community(Community)
    case plugin(PluginInstance)
    case process(GovernanceProcess)
}

/// A committed change to a community, plugin instance or governance process.
public struct Modification: Sendable, Hashable {
    public var kind: ModificationKind
    public var object: ModifiedObject

    public init(kind: ModificationKind, object: ModifiedObject) {
        self.kind = kind
        self.object = object
    }
}

/// Receives notifications of new, changed and deleted communities, plugin instances and processes
/// (CKAN's `IDomainObjectModification`). Called after the transaction commits, never for a rolled-back one,
/// in commit order on the task that made the change; keep it quick.
public protocol ModificationObserver: MetagovExtension {
    func notify(_ modification: Modification)
}
