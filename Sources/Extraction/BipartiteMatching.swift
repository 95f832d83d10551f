/// A maximum one-to-one matching in a bipartite graph, by augmenting paths (Kuhn's
/// algorithm): each left node in turn looks for a free right node, or one whose partner can
/// move to another free right node, and so on. O(V·E); articles have tens of events.
public enum BipartiteMatching {
    /// The largest set of pairs (left, right) such that each left and each right node is in at
    /// most one pair, and each pair is an edge: `edges[l]` lists the right nodes `l` may pair with.
    ///
    /// Left nodes are tried in order and their edges in the order given, so the result is
    /// deterministic: among maximum matchings, earlier nodes and edges are preferred.
    public static func maximum(left: Int, right: Int, edges: [[Int]]) -> [(left: Int, right: Int)] {
        var partner = [Int?](repeating: nil, count: right)
        for l in 0..<left {
            var visited = [Bool](repeating: false, count: right)
            _ = augment(l, edges, &partner, &visited)
        }
        return partner.enumerated().compactMap { r, l in l.map { (left: $0, right: r) } }.sorted { $0.left < $1.left }
    }

    /// Finds a path from left node `l` to a free right node, flipping the pairs along it.
    private static func augment(_ l: Int, _ edges: [[Int]], _ partner: inout [Int?], _ visited: inout [Bool]) -> Bool {
        guard l < edges.count else { return false }
        for r in edges[l] where r < partner.count && !visited[r] {
            visited[r] = true
            if let other = partner[r] {
                guard augment(other, edges, &partner, &visited) else { continue }
            }
            partner[r] = l
            return true
        }
        return false
    }
}
