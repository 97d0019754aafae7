// swift-tools-version:5.9
import PackageDescription

let package = Package(
    name: "TodoServer",
    platforms: [.macOS(.v13)],
    dependencies: [
        // 💧 A server-side Swift web framework.
        .package(url: "https://github.com/vapor/vapor.git", from: "4.89.0"),
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.62.0"),
        .package(
            url: "git@github.com:grpc/grpc-swift.git",
            branch: "main"
        ),
        .package(path: "../SharedModels"),
    ],
    targets: [
        .executableTarget(
            name: "App",
            dependencies: [
                .product(name: "Vapor", package: "vapor"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "AppTests", dependencies: [.target(name: "App")]),
    ]
)
