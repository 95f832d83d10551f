import Foundation
import Negotiation

/// The text in Unicode NFC.
///
/// Foundation's normaliser is slow, and nearly all text we read is already NFC: text whose every scalar is below U+0300 (no combining marks, nothing that
/// decomposes) or in General Punctuation from U+2002 (U+2000 and U+2001 are the block's only
/// NFC_Quick_Check=No characters) is returned as it is.
func nfc(_ text: String) -> String {
    // Bytes below 0xCC are ASCII, continuation bytes, or lead bytes of U+0080–U+02FF: such
    // text is NFC, found without decoding a scalar.
    if text.utf8.withContiguousStorageIfAvailable({ largestByte($0) < 0xCC }) == true { return text }
    var isNFC = true
    for scalar in text.unicodeScalars {
        let v = scalar.value
        if v < 0x300 || (0x2002...0x206F).contains(v) || v == 0x20AC { continue }
        isNFC = false
        break
    }
    return isNFC ? text : text.precomposedStringWithCanonicalMapping
}

/// The largest byte: a loop without an early exit, which the compiler vectorises (most text is
/// short, and `allSatisfy` went byte by byte).
private func largestByte(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt8 {
    var largest: UInt8 = 0
    for byte in bytes { largest = max(largest, byte) }
    return largest
}
