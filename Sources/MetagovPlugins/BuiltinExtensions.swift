import MetagovCore

/// The extensions that ship with metagov-swift.
public enum BuiltinExtensions {
    /// A fresh instance of every built-in extension, in their default load order.
    public static func all() -> [any MetagovExtension] {
        [RandomnessExtension(), PollExtension(), InboundExtension()]
    }
}
