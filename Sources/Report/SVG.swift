import Plot

/// The context of nodes inside an inline `<svg>`: Plot knows no SVG, so elements are built by
/// name, with the same escaping as the rest of the page.
enum SVG {
    /// An element with its attributes, in the given order, and children.
    static func element(_ name: String, _ attributes: KeyValuePairs<String, String> = [:], _ children: [Node<SVG>] = []) -> Node<SVG> {
        .element(named: name, nodes: attributes.map { Node<SVG>.attr($0.key, $0.value) } + children)
    }

    /// `<title>`: the text a browser shows on hover and a screen reader reads.
    static func title(_ text: String) -> Node<SVG> {
        .element(named: "title", nodes: [.plain(text)])
    }

    static func text(_ content: String, _ attributes: KeyValuePairs<String, String>) -> Node<SVG> {
        .element(named: "text", nodes: attributes.map { Node<SVG>.attr($0.key, $0.value) } + [.plain(content)])
    }

    /// A coordinate with at most one decimal, in the C locale, so output is stable.
    static func number(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        let whole = Int(tenths / 10)
        let rest = abs(Int(tenths) % 10)
        if rest == 0 { return String(whole) }
        return (tenths < 0 && whole == 0 ? "-" : "") + "\(whole).\(rest)"
    }
}
