import Foundation

/// Finds an event's quote in its article, after typographic normalisation only: Unicode NFC,
/// U+00A0 and U+202F as a space, ’ as ', and runs of white space as one space. Case, other
/// punctuation and words must match exactly.
public struct QuoteMatcher: Sendable {
    private let text: [UInt8]

    /// Prepares an article's text (normalised once, searched many times).
    public init(article: String) {
        text = Array(Self.normalize(article).utf8)
    }

    /// Whether the normalised quote occurs in the normalised article. An empty quote never does.
    public func contains(_ quote: String) -> Bool {
        let needle = Array(Self.normalize(quote).utf8)
        guard !needle.isEmpty, needle.count <= text.count else { return false }
        return text.firstRange(of: needle) != nil
    }

    /// The normal form both sides are compared in.
    public static func normalize(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in nfc(text).unicodeScalars {
            switch scalar {
            case "\u{00A0}", "\u{202F}":
                pendingSpace = true
            case _ where scalar.properties.isWhitespace:
                pendingSpace = true
            default:
                if pendingSpace, !out.isEmpty { out.append(" ") }
                pendingSpace = false
                out.append(scalar == "\u{2019}" ? "'" : scalar)
            }
        }
        return String(out)
    }
}
