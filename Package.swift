// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "metagov-swift",
    platforms: [.macOS(.v15)],
    products: [
        // Build your own server with your extensions: `await MetagovServer.main(extensions: [...])`.
        .library(name: "MetagovServer", targets: ["MetagovServer"]),
        // Write plugins and extensions against the core.
        .library(name: "MetagovCore", targets: ["MetagovCore"]),
        .library(name: "MetagovSQLite", targets: ["MetagovSQLite"]),
        .library(name: "MetagovPostgres", targets: ["MetagovPostgres"]),
        .library(name: "MetagovPlugins", targets: ["MetagovPlugins"]),
        // Call a gateway from Swift (no core, no database, no crypto).
        .library(name: "MetagovClient", targets: ["MetagovClient"]),
        .executable(name: "metagovd", targets: ["metagovd"]),
        .executable(name: "metagov", targets: ["metagov"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.20.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // `swift package generate-documentation --target MetagovCore` (the DocC catalog: articles for authors).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // MARK: Core
        .target(name: "MetagovJSON"),
        .target(
            name: "MetagovCore",
            dependencies: [
                "MetagovJSON", .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"), .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .target(
            name: "MetagovSQLite",
            dependencies: [
                "MetagovCore", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]),
        .target(
            name: "MetagovPostgres",
            dependencies: [
                "MetagovCore", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(name: "MetagovPlugins", dependencies: ["MetagovCore", .product(name: "Crypto", package: "swift-crypto")]),

        // MARK: Transport
        .systemLibrary(name: "CNGHTTP2", pkgConfig: "libnghttp2", providers: [.apt(["libnghttp2-dev"])]),
        .target(
            name: "MetagovHTTP2",
            dependencies: [
                "CNGHTTP2", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]),
        .target(
            name: "MetagovHTTP",
            dependencies: [
                "MetagovHTTP2", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        .target(
            name: "MetagovGRPC",
            dependencies: [
                "MetagovHTTP2", "MetagovHTTP", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "CompressNIO", package: "compress-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]),

        // MARK: Codec
        .target(
            name: "MetagovProtoC",
            cSettings: [.headerSearchPath("generated")],
            linkerSettings: [.linkedLibrary("protobuf-c")]),
        .target(name: "MetagovProto", dependencies: ["MetagovProtoC", "MetagovJSON"]),
        .target(name: "MetagovProtoGRPC", dependencies: ["MetagovProto", "MetagovGRPC"]),
        .target(name: "MetagovProtoJSON", dependencies: ["MetagovJSON", "MetagovProto"]),

        // MARK: Services and the server
        .target(
            name: "MetagovDelivery",
            dependencies: [
                "MetagovCore", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ]),
        .target(
            name: "MetagovRPC",
            dependencies: [
                "MetagovCore", "MetagovProto", "MetagovProtoGRPC", "MetagovProtoJSON", "MetagovGRPC", "MetagovHTTP",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]),
        .target(
            name: "MetagovAdmin",
            dependencies: [
                "MetagovCore", "MetagovSQLite", "MetagovPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // The server's allocator (Linux): mimalloc serves `malloc` for the whole process once linked (README "Memory").
        .systemLibrary(name: "CMimalloc", providers: [.apt(["libmimalloc-dev"])]),
        .target(
            name: "MetagovServer",
            dependencies: [
                "MetagovAdmin", "MetagovCore", "MetagovPlugins", "MetagovRPC", "MetagovGRPC", "MetagovDelivery",
                .target(name: "CMimalloc", condition: .when(platforms: [.linux])),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
        .executableTarget(name: "metagovd", dependencies: ["MetagovServer"]),

        // MARK: Clients
        .target(name: "MetagovClient", dependencies: ["MetagovJSON", "MetagovProto", "MetagovProtoGRPC", "MetagovProtoJSON", "MetagovGRPC"]),
        .executableTarget(
            name: "metagov",
            dependencies: [
                "MetagovClient", "MetagovProto", "MetagovProtoGRPC", "MetagovProtoJSON", "MetagovGRPC", "MetagovJSON",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "metagov-bench",
            dependencies: [
                "MetagovClient", "MetagovProto", "MetagovProtoGRPC", "MetagovProtoJSON", "MetagovGRPC", "MetagovJSON",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // MARK: Tests
        .target(
            name: "MetagovTestSupport",
            dependencies: [
                "MetagovCore", "MetagovSQLite", "MetagovPostgres", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/MetagovTestSupport"),
        .testTarget(name: "MetagovCoreTests", dependencies: ["MetagovCore", "MetagovSQLite", "MetagovTestSupport"]),
        // The store tests: one suite, every case run against SQLite and PostgreSQL.
        .testTarget(
            name: "MetagovStoreTests",
            dependencies: [
                "MetagovCore", "MetagovSQLite", "MetagovPostgres", "MetagovTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .testTarget(
            name: "MetagovPluginsTests", dependencies: ["MetagovCore", "MetagovPlugins", "MetagovTestSupport"]),
        .testTarget(
            name: "ThirdPartyPluginTests", dependencies: ["MetagovCore", "MetagovPlugins", "MetagovTestSupport"]),
        .testTarget(name: "MetagovdTests", dependencies: ["MetagovCore", "MetagovSQLite", "MetagovTestSupport"]),
        .testTarget(name: "MetagovGRPCTests", dependencies: ["MetagovGRPC", "MetagovHTTP2", "MetagovHTTP", "MetagovTestSupport"]),
        .testTarget(
            name: "MetagovProtoTests",
            dependencies: ["MetagovProto", "MetagovProtoGRPC", "MetagovProtoJSON", "MetagovGRPC", "MetagovJSON"]),
        .testTarget(
            name: "MetagovServerTests",
            dependencies: [
                "MetagovClient", "MetagovProto", "MetagovProtoGRPC", "MetagovProtoJSON", "MetagovGRPC", "MetagovCore",
                "MetagovDelivery", "MetagovTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
    ]
)

// The modules on the per-call path of the API: their nonisolated async functions run on the caller's executor
// (the handler thread pool) instead of switching executors at every call (SE-0461); about 9% more
// PerformAction calls per second under h2load (A/B against the same commit without it).
let callPathModules = [
    "MetagovCore", "MetagovSQLite", "MetagovRPC", "MetagovPlugins", "MetagovGRPC", "MetagovProto", "MetagovProtoGRPC",
    "MetagovProtoJSON",
]
for target in package.targets where callPathModules.contains(target.name) {
    target.swiftSettings = (target.swiftSettings ?? []) + [.enableUpcomingFeature("NonisolatedNonsendingByDefault")]
}
