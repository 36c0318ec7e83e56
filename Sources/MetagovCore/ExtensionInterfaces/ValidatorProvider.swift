/// Adds named validators (CKAN's `IValidators`) usable from any JSON-Schema the core compiles, as
/// `{"format": "<name>"}`. A validator returns an error message, or `nil` when the value is valid.
public protocol ValidatorProvider: MetagovExtension {
    func validators() -> [String: NamedValidator]
}
