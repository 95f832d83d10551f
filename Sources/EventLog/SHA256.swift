import CCrypto

/// SHA-256, from the system's libcrypto (OpenSSL 3, its EVP interface): the chain, the article
/// texts and their catalog.
///
/// A hasher owns its libcrypto context and starts over after each digest, so that a batch's
/// chain reuses one context instead of allocating one per digest.
public struct SHA256: ~Copyable {
    /// The number of bytes of a digest.
    public static let byteCount = 32

    /// `EVP_MD_CTX *`, freed with the hasher.
    private let context: OpaquePointer

    public init() {
        // Allocation fails only when memory does; a hasher without a context could not hash.
        guard let context = EVP_MD_CTX_new() else { preconditionFailure("libcrypto cannot allocate a digest context") }
        self.context = context
        start()
    }

    deinit { EVP_MD_CTX_free(context) }

    private func start() {
        guard EVP_DigestInit_ex2(context, Algorithm.sha256.digest, nil) == 1 else {
            preconditionFailure("libcrypto cannot start a SHA-256 digest")
        }
    }

    /// Adds `bytes` to the message.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        // Fails only on a context that was not started, which `init` and `finalize` rule out.
        _ = EVP_DigestUpdate(context, base, bytes.count)
    }

    /// Writes the message's digest into `out`, its first ``byteCount`` bytes, and starts a new
    /// message.
    public mutating func finalize(into out: UnsafeMutableRawBufferPointer) {
        precondition(out.count >= Self.byteCount, "a SHA-256 digest needs 32 bytes")
        var length: UInt32 = 0
        _ = EVP_DigestFinal_ex(context, out.baseAddress?.assumingMemoryBound(to: UInt8.self), &length)
        start()
    }

    /// The message's digest (32 bytes); a new message starts.
    public mutating func finalize() -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: Self.byteCount) { buffer, count in
            finalize(into: UnsafeMutableRawBufferPointer(buffer))
            count = Self.byteCount
        }
    }

    /// The digest of `bytes` (32 bytes).
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// The digest of `data` (32 bytes).
    public static func hash(data: some Sequence<UInt8>) -> [UInt8] {
        if let digest = data.withContiguousStorageIfAvailable({ hash(UnsafeRawBufferPointer($0)) }) { return digest }
        return Array(data).withUnsafeBytes { hash($0) }
    }

    /// libcrypto's SHA-256 implementation, fetched once for the process (a digest started
    /// from `EVP_sha256()` fetches it again each time) and never freed.
    private final class Algorithm: @unchecked Sendable {
        // @unchecked, for the one C pointer the compiler cannot see into; sound because:
        // - `digest` is a `let`, set once by the static's initialiser (which Swift runs once,
        //   synchronised) and never freed;
        // - threads only ever pass it, as `const EVP_MD *`, to EVP_DigestInit_ex2, which reads
        //   it and counts a reference to it (a count libcrypto updates with atomics): by
        //   openssl-threads(7) an object is thread-safe so long as the calls made on it do not
        //   modify it, and nothing modifies an `EVP_MD` once fetched. What threads may not share,
        //   the `EVP_MD_CTX`, each `SHA256` owns alone (it is ~Copyable and not Sendable).
        // `EVP_sha256()`, should the fetch fail, is a static object, shareable the same way.
        let digest: OpaquePointer?
        static let sha256 = Algorithm()
        private init() { digest = EVP_MD_fetch(nil, "SHA256", nil) ?? EVP_sha256() }
    }
}
