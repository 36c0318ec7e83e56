// swift-tools-version:6.0
import PackageDescription

// A package of your own that adds a plugin type (and an interceptor) to metagov-swift and builds its own
// gateway executable, without touching metagov-swift. Point the dependency at a release of metagov-swift
// (`.package(url: ..., from: ...)`); here it is the enclosing checkout.
let package = Package(
    name: "extension-template",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "HelloExtension", targets: ["HelloExtension"]),
        .executable(name: "hello-gateway", targets: ["hello-gateway"]),
    ],
    dependencies: [
        .package(name: "metagov-swift", path: "../.."),
    ],
    targets: [
        .target(name: "HelloExtension", dependencies: [.product(name: "MetagovServer", package: "metagov-swift")]),
        .executableTarget(
            name: "hello-gateway",
            dependencies: ["HelloExtension", .product(name: "MetagovServer", package: "metagov-swift")]),
        .testTarget(
            name: "HelloExtensionTests",
            dependencies: [
                "HelloExtension",
                .product(name: "MetagovCore", package: "metagov-swift"),
                .product(name: "MetagovSQLite", package: "metagov-swift"),
                .product(name: "MetagovClient", package: "metagov-swift"),
            ]),
    ]
)
