/// A party to the negotiations, from `events/parties.yaml`.
public struct Party: Sendable, Hashable, Codable {
    /// A short code: `UA`, `RU`, `US`…
    public var code: String
    /// Display names by language code (`en`, `fr`).
    public var names: [String: String]
    /// Other ways texts name it, in any language, people included (Kyiv, Zelensky…).
    public var aliases: [String]

    public init(code: String, names: [String: String], aliases: [String]) {
        self.code = code
        self.names = names
        self.aliases = aliases
    }
}

/// A negotiation line, from `events/tracks.yaml`.
public struct Track: Sendable, Hashable, Codable {
    public var id: String
    public var names: [String: String]
    /// The parties whose acceptance the track needs.
    public var requires: [String]

    public init(id: String, names: [String: String], requires: [String]) {
        self.id = id
        self.names = names
        self.requires = requires
    }
}

/// The parties and tracks a corpus may name: data files, not code, so a user can add a track
/// without a rebuild.
public struct Registry: Sendable, Hashable {
    public var parties: [Party]
    public var tracks: [Track]

    public init(parties: [Party], tracks: [Track]) {
        self.parties = parties
        self.tracks = tracks
    }

    public func party(_ code: String) -> Party? { parties.first { $0.code == code } }
    public func track(_ id: String) -> Track? { tracks.first { $0.id == id } }

    /// Whether a party has the code: ``party(_:)`` without copying the party.
    package func hasParty(_ code: String) -> Bool { parties.contains { $0.code == code } }

    /// Whether a track has the id: ``track(_:)`` without copying the track.
    package func hasTrack(_ id: String) -> Bool { tracks.contains { $0.id == id } }
}
