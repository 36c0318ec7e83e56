/// Declares configuration options (CKAN's `IConfigDeclaration`): keys with types, defaults and
/// descriptions, validated at start-up and printed by `metagovd config declaration`.
public protocol ConfigDeclaring: MetagovExtension {
    func declareConfig(_ declaration: inout ConfigDeclaration)
}

/// Receives the validated configuration at start-up (CKAN's `IConfigurable`). Throwing stops start-up.
public protocol Configurable: MetagovExtension {
    func configure(_ config: MetagovConfig) throws
}
