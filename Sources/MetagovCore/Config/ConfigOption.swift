/// The type a configuration value must parse as.
public enum ConfigValueType: String, Sendable, Hashable {
    case string
    case int
    case double
    /// `true`/`false`, `yes`/`no`, `on`/`off`, `1`/`0`.
    case bool
    /// Space- or comma-separated words.
    case list
}

/// One declared configuration option (CKAN's config declaration entry).
public struct ConfigOption: Sendable {
    /// Dotted key, e.g. `metagov.hooks.max_attempts`.
    public var key: String
    public var type: ConfigValueType
    /// Value used when the option is not set; `nil` means unset.
    public var defaultValue: String?
    public var description: String
    /// Shown in the printed declaration instead of the default, when set.
    public var example: String?
    /// Start-up fails when a required option has no value.
    public var required: Bool
    /// Extra check of the raw value: returns an error message or `nil`.
    public var validator: (@Sendable (String) -> String?)?

    public init(
        key: String, type: ConfigValueType = .string, defaultValue: String? = nil, description: String,
        example: String? = nil, required: Bool = false, validator: (@Sendable (String) -> String?)? = nil
    ) {
        self.key = key
        self.type = type
        self.defaultValue = defaultValue
        self.description = description
        self.example = example
        self.required = required
        self.validator = validator
    }
}

/// Every declared option, grouped in titled sections in declaration order.
public struct ConfigDeclaration: Sendable {
    public struct Section: Sendable {
        public var title: String
        public var options: [ConfigOption]
    }

    public private(set) var sections: [Section] = []

    public init() {}

    /// Adds `option` under the section titled `section`.
    public mutating func declare(_ option: ConfigOption, section: String) {
        if let index = sections.firstIndex(where: { $0.title == section }) {
            sections[index].options.append(option)
        } else {
            sections.append(Section(title: section, options: [option]))
        }
    }

    /// Every option, in order.
    public var options: [ConfigOption] { sections.flatMap(\.options) }

    /// A commented example configuration file (what `metagovd config declaration` prints).
    public func exampleConfig() -> String {
        var lines: [String] = []
        for section in sections {
            lines.append("## \(section.title) " + String(repeating: "#", count: max(4, 60 - section.title.count)))
            for option in section.options {
                for line in option.description.split(separator: "\n") { lines.append("# \(line)") }
                var facts = ["type: \(option.type.rawValue)"]
                if option.required { facts.append("required") }
                if let def = option.defaultValue { facts.append("default: \(def.isEmpty ? "(empty)" : def)") }
                lines.append("# (\(facts.joined(separator: ", ")))")
                let shown = option.example ?? option.defaultValue ?? ""
                let prefix = option.defaultValue == nil && option.example == nil && !option.required ? "# " : ""
                lines.append("\(prefix)\(option.key) = \(shown)")
                lines.append("")
            }
        }
        return lines.joined(separator: "\n")
    }
}
