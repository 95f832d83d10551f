import Plot

/// Escaping for text and attribute values taken from the log.
///
/// Plot renders attribute values as given, and its text escaping leaves anything shaped like an
/// entity (`&amp;`) as it is; a quote or a title from the press must come out as written, so
/// everything that comes from data goes through here.
enum Markup {
    /// Text content: `&`, `<` and `>` escaped.
    static func text(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for character in value {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(character)
            }
        }
        return out
    }

    /// An attribute value in double quotes: `&`, `<`, `>`, `"` and `'` escaped.
    static func attribute(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for character in value {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// A value usable in an `id` and in a `#fragment`: what the registries and event files
    /// allow (letters, digits, `-`, `_`, `.`) is kept, anything else becomes `-`.
    static func identifier(_ value: String) -> String {
        String(value.map { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) ? $0 : "-" })
    }
}

extension Node {
    /// Text from the log, escaped.
    static func plain(_ text: String) -> Node { .raw(Markup.text(text)) }

    /// An attribute whose value is escaped.
    static func attr(_ name: String, _ value: String) -> Node {
        .attribute(named: name, value: Markup.attribute(value))
    }

    /// A class list.
    static func classes(_ names: String...) -> Node {
        .attr("class", names.filter { !$0.isEmpty }.joined(separator: " "))
    }
}
