// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "scheduledrop",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "scheduledrop", targets: ["scheduledrop"])
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", exact: "2.0.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/vapor/multipart-kit", exact: "4.7.1"),
        .package(url: "https://github.com/apple/swift-http-types", exact: "1.8.0"),
        .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/pointfreeco/swift-clocks", exact: "1.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", exact: "2.37.6"),
    ],
    targets: [
        .target(name: "ICalendar"),
        .target(name: "Schedule", dependencies: ["ICalendar"]),
        .target(
            name: "Sessions",
            dependencies: [.product(name: "Crypto", package: "swift-crypto"), .product(name: "_CryptoExtras", package: "swift-crypto")]
        ),
        .target(
            name: "ScheduleStore",
            dependencies: [
                "Schedule", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CLibSSH2", pkgConfig: "libssh2", providers: [.apt(["libssh2-1-dev"])]),
        .target(
            name: "DropFolders",
            dependencies: ["CCurl", "CLibSSH2", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "Ingestion",
            dependencies: [
                "ICalendar", "Schedule", "ScheduleStore", "DropFolders",
                .product(name: "Clocks", package: "swift-clocks"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "ScheduleFeed",
            dependencies: [
                "ICalendar", "Schedule", "ScheduleStore", "Sessions", "Ingestion",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "scheduledrop",
            dependencies: [
                "Schedule", "ScheduleStore", "DropFolders", "Ingestion", "ScheduleFeed", "Sessions",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(name: "ical-bench", dependencies: ["ICalendar"], path: "Benchmarks/ICalBench"),
        .target(name: "TestSupport", dependencies: [.product(name: "Logging", package: "swift-log")], path: "Tests/TestSupport"),
        .testTarget(
            name: "ICalendarTests",
            dependencies: ["ICalendar", "TestSupport", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(name: "ScheduleTests", dependencies: ["Schedule", "ICalendar"]),
        .testTarget(name: "SessionsTests", dependencies: ["Sessions"]),
        .testTarget(
            name: "ScheduleStoreTests",
            dependencies: ["ScheduleStore", "Schedule", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "DropFoldersTests", dependencies: ["DropFolders", "TestSupport"]),
        .testTarget(
            name: "IngestionTests",
            dependencies: [
                "Ingestion", "ScheduleStore", "Schedule", "ICalendar", "DropFolders", "TestSupport",
                .product(name: "Clocks", package: "swift-clocks"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "ScheduleFeedTests",
            dependencies: [
                "ScheduleFeed", "Ingestion", "ScheduleStore", "Schedule", "ICalendar", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "IntegrationTests", dependencies: ["ScheduleStore", "Schedule", "ICalendar", "DropFolders", "Ingestion", "TestSupport"]),
    ]
)
