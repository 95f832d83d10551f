// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Parley",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "parley", targets: ["parley"]),
        .executable(name: "parley-bench", targets: ["parley-bench"]),
        .library(name: "Negotiation", targets: ["Negotiation"]),
        .library(name: "Corpus", targets: ["Corpus"]),
        .library(name: "Store", targets: ["Store"]),
        .library(name: "EventLog", targets: ["EventLog"]),
        .library(name: "LMDB", targets: ["LMDB"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // File descriptors, stat and errno with Swift names, EINTR retried: what FileIO builds on.
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/JohnSundell/Plot", from: "0.14.0"),
        // `parley serve`: the HTTP server (on SwiftNIO), its request logs and its metrics. Without
        // Hummingbird's default traits, which would bring swift-configuration and full Foundation.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // Tests only: generated hostile inputs for the corpus reader, dates, quotes and ingest.
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // The system's liblmdb, found through pkg-config.
        .systemLibrary(
            name: "CLMDB",
            pkgConfig: "lmdb",
            providers: [.apt(["liblmdb-dev"])]
        ),
        // The system's libcrypto (OpenSSL 3): SHA-256 for the chain and the article texts.
        .systemLibrary(
            name: "CCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // libyaml's event parser, the one YAML parser: the corpus reader builds its own
        // line-numbered tree from it, and the extraction lexicons are read through that tree.
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        // What glibc has and Swift's Glibc module leaves out: mallopt, fallocate (empty elsewhere).
        .systemLibrary(name: "CGlibc"),
        // Reading and writing the files a user names (bounded, regular files only, written whole),
        // and the ingest's scratch files.
        .target(name: "FileIO", dependencies: ["CGlibc", .product(name: "SystemPackage", package: "swift-system")]),
        // A thin, safe wrapper over LMDB's C API.
        .target(name: "LMDB", dependencies: ["CLMDB", .product(name: "SystemPackage", package: "swift-system")]),
        // The append-only, hash-chained log of opaque payloads.
        .target(
            name: "EventLog",
            dependencies: ["LMDB", "CCrypto"]
        ),
        // The domain, with no I/O: days, articles, events, registries, the fold of a track's
        // events into its state, history and audit, and the bytes a record is logged as.
        .target(name: "CanonicalJSON"),
        .target(name: "Negotiation", dependencies: ["EventLog", "CanonicalJSON"]),
        // Reading and checking the curated files: the catalog, the articles, the registries and
        // the event files, with diagnostics that name the file, line and field.
        .target(name: "Corpus", dependencies: ["Negotiation", "FileIO", "CYAML"]),
        // The negotiation record over the log: ingest, derived indexes, queries, replay.
        .target(
            name: "Store",
            dependencies: ["Negotiation", "Corpus", "EventLog", "FileIO", "CGlibc", .product(name: "SystemPackage", package: "swift-system")]
        ),
        // A deterministic synthetic corpus at any scale, for `parley synth`, the benchmark and tests.
        .target(name: "Synthetic", dependencies: ["Negotiation"]),
        // The words extraction matches, and what it matches them with: tokens, phrases, sentence
        // splitting, and the lexicons of `events/lexicons/` (cues, tracks, dates) with their reader.
        .target(name: "Lexicons", dependencies: ["Negotiation", "Corpus"]),
        // Article → candidate events: sentence analysis and cues, dates, parties, tracks, merged
        // drafts, the event-file writer; and the evaluation against the curated events.
        .target(name: "Extraction", dependencies: ["Lexicons", "Negotiation", "Corpus"]),
        // Taking articles in and fixing the record by command: `add`, `review`, `correct`,
        // `retract` and `init` write the project's files (never the log), each whole.
        .target(name: "Intake", dependencies: ["Corpus", "Extraction", "Negotiation", "EventLog", "FileIO"]),
        // The log as NDJSON (every entry, its hash and record, an article's text) and a log
        // rebuilt from it, every hash checked as it comes.
        .target(name: "Exchange", dependencies: ["Store", "EventLog", "Negotiation", "CanonicalJSON", "FileIO"]),
        // The answers to the questions put to the log (state, timeline, audit, diff, an event, an
        // article) as values that encode to the JSON the command line prints and the server sends.
        .target(name: "Answers", dependencies: ["Negotiation", "Store", "EventLog"]),
        // `parley serve`: one log over HTTP for a team (the read API, the change feed, tokens and
        // the write API, the web page), on Hummingbird.
        .target(
            name: "Server",
            dependencies: [
                "Answers", "Negotiation", "Corpus", "Store", "EventLog", "Intake", "Extraction", "Lexicons", "Exchange", "Report", "FileIO",
                "CanonicalJSON",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // What leaves Parley as files: the HTML timeline report, the CSV exports and TimelineJS.
        .target(
            name: "Report",
            dependencies: ["Negotiation", "Store", "EventLog", .product(name: "Plot", package: "Plot"), .product(name: "CSV", package: "CSV.swift")]
        ),
        // The command-line tool: parses arguments, calls the library, prints.
        .executableTarget(
            name: "parley",
            dependencies: [
                "Negotiation",
                "Corpus",
                "Store",
                "Synthetic",
                "EventLog",
                "FileIO",
                "Lexicons",
                "Extraction",
                "Intake",
                "Exchange",
                "Report",
                "Answers",
                "Server",
                "CGlibc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // The benchmark (release builds; not part of `swift test`) and its C baselines.
        .target(
            name: "CBench",
            path: "Benchmarks/CBench",
            linkerSettings: [.linkedLibrary("lmdb"), .linkedLibrary("sqlite3"), .linkedLibrary("yaml")]
        ),
        .executableTarget(
            name: "parley-bench",
            dependencies: [
                "Negotiation", "Corpus", "Store", "Report", "Synthetic", "EventLog", "Lexicons", "Extraction", "CBench", "CGlibc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/parley-bench"
        ),
        // Helpers the test targets share: temporary directories, the fixtures' paths (Tests/Fixtures).
        .target(name: "TestSupport", path: "Tests/Support"),
        .testTarget(name: "LMDBTests", dependencies: ["LMDB", "CLMDB", "TestSupport"]),
        .testTarget(
            name: "EventLogTests",
            dependencies: ["EventLog", "LMDB", "TestSupport"]
        ),
        .testTarget(
            name: "NegotiationTests",
            dependencies: [
                "Negotiation", "Corpus", "Store", "Report", "Synthetic", "EventLog", "LMDB", "FileIO", "TestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "ExtractionTests", dependencies: ["Extraction", "Lexicons", "Negotiation", "Corpus", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Negotiation", "Corpus", "Store", "EventLog", "TestSupport"]),
        // The drivers the reliability tests start: writers that skip ingest's checks, a reader
        // that holds its transaction. Built for the tests only; never part of `parley`.
        .executableTarget(
            name: "parley-test-harness",
            dependencies: ["Negotiation", "Corpus", "Store", "Synthetic", "EventLog", "LMDB", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Tests/Harness"
        ),
        // Kills, races and stalls real `parley` processes; depending on the tools builds them first.
        .testTarget(name: "ReliabilityTests", dependencies: ["parley", "parley-test-harness", "Negotiation", "Corpus", "Store", "Report", "Synthetic", "EventLog", "LMDB", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
