/// One part of a plugin type's declaration: its config, a hook, an action, a process type, the events it
/// emits. Listed inside `PluginType(_:description:_:)`, like Metagov's decorators on a plugin class.
public protocol PluginTypeComponent: Sendable {
    /// Adds this part to the plugin type being declared.
    func apply(to type: inout PluginType)
}

/// Collects the components of a plugin type declaration (see ``PluginType/init(_:description:_:)``).
@resultBuilder
public enum PluginTypeBuilder {
    /// A single component.
    public static func buildExpression(_ component: some PluginTypeComponent) -> [any PluginTypeComponent] {
        [component]
    }

    /// Several components at once (e.g. a list of actions built elsewhere).
    public static func buildExpression(_ components: [any PluginTypeComponent]) -> [any PluginTypeComponent] {
        components
    }

    /// The components in declaration order.
    public static func buildBlock(_ parts: [any PluginTypeComponent]...) -> [any PluginTypeComponent] {
        parts.flatMap { $0 }
    }

    /// Components declared under `if`.
    public static func buildOptional(_ part: [any PluginTypeComponent]?) -> [any PluginTypeComponent] { part ?? [] }

    /// The `if` branch of an `if`/`else`.
    public static func buildEither(first part: [any PluginTypeComponent]) -> [any PluginTypeComponent] { part }

    /// The `else` branch of an `if`/`else`.
    public static func buildEither(second part: [any PluginTypeComponent]) -> [any PluginTypeComponent] { part }

    /// Components declared in a `for` loop.
    public static func buildArray(_ parts: [[any PluginTypeComponent]]) -> [any PluginTypeComponent] {
        parts.flatMap { $0 }
    }
}

extension PluginType {
    /// Declares a plugin type in one place, the way Metagov's `@Registry` decorators declare a plugin class:
    ///
    /// ```swift
    /// let greeter = PluginType("greeter", description: "Says hello") {
    ///     Config(schema: ["type": "object", "properties": ["greeting": ["type": "string", "default": "hello"]]])
    ///     Emits("greeted")
    ///     Action("greet", "Greets someone", input: ["type": "object"]) { context, parameters in
    ///         try context.emit("greeted", data: parameters)
    ///         return ["text": context.config["greeting"] ?? "hello"]
    ///     }
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - name: the unique plugin type name (Metagov's `Plugin.name`).
    ///   - description: what it is for, shown to drivers.
    ///   - components: ``Config``, ``Initialize``, ``Action``s, ``ProcessType``s, ``Emits``,
    ///     ``PeriodicTask``, ``WebhookReceiver``: any number, in any order.
    public init(_ name: String, description: String, @PluginTypeBuilder _ components: () -> [any PluginTypeComponent]) {
        self.init(name: name, description: description)
        for component in components() { component.apply(to: &self) }
    }
}
