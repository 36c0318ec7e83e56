import MetagovProto
import MetagovProtoGRPC
import MetagovProtoJSON

/// What server reflection answers, independent of the protocol version (v1 or v1alpha).
enum ReflectionAnswer: Equatable {
    /// Serialized FileDescriptorProtos: the file asked for, then its transitive imports.
    case files([[UInt8]])
    case services([String])
    case error(code: Int32, message: String)
}

/// The embedded descriptors, indexed by file name and by symbol.
struct ReflectionIndex: Sendable {
    private let files: [String: ProtoFileDescriptor]
    private let fileOfSymbol: [String: String]
    /// The services listed (those the server actually serves), sorted.
    let services: [String]

    init(files: [ProtoFileDescriptor] = ProtoFiles.all, servedPaths: [String]) {
        self.files = Dictionary(files.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var fileOfSymbol: [String: String] = [:]
        for file in files {
            for symbol in file.symbols { fileOfSymbol[symbol] = file.name }
        }
        self.fileOfSymbol = fileOfSymbol
        let served = Set(servedPaths.compactMap { path in path.split(separator: "/").first.map(String.init) })
        self.services = files.flatMap(\.services).filter(served.contains).sorted()
    }

    func fileByName(_ name: String) -> ReflectionAnswer {
        guard self.files[name] != nil else { return .error(code: 5, message: "file '\(name)' not found") }
        return .files(self.withImports(name))
    }

    func fileContainingSymbol(_ symbol: String) -> ReflectionAnswer {
        let trimmed = symbol.hasPrefix(".") ? String(symbol.dropFirst()) : symbol
        guard let name = self.fileOfSymbol[trimmed] else { return .error(code: 5, message: "symbol '\(symbol)' not found") }
        return .files(self.withImports(name))
    }

    func extensionQuery(_ type: String) -> ReflectionAnswer {
        .error(code: 5, message: "no extensions of '\(type)' are known (the API defines none)")
    }

    func listServices() -> ReflectionAnswer { .services(self.services) }

    /// `name`'s descriptor first, then each of its transitive imports once.
    private func withImports(_ name: String) -> [[UInt8]] {
        var order: [String] = []
        var seen: Set<String> = []
        var pending = [name]
        while let next = pending.first {
            pending.removeFirst()
            guard seen.insert(next).inserted, let file = self.files[next] else { continue }
            order.append(next)
            pending.append(contentsOf: file.dependencies)
        }
        return order.compactMap { self.files[$0]?.serialized }
    }
}
