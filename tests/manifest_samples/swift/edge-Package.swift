// swift-tools-version:5.7
import PackageDescription

/* Commented out until the fork is merged:
   .package(url: "https://github.com/example/old-fork.git", from: "1.0.0"),
   /* nested comment */
*/
let package = Package(
    name: "Edge",
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird/", .upToNextMinor(from: "1.8.0")),
        .package(url: "https://github.com/apple/swift-log.git", "1.0.0"..<"2.0.0"),
        .package(id: "Mona.LinkedList", from: "1.0.0"), // registry package
        .package(name: "Legacy", url: "https://example.com/legacy.git", .revision("abc123")),
    ]
)
