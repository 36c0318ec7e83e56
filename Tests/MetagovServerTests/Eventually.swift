import Crypto
import Foundation

/// Polls `condition` until it holds or `timeout` passes (generous: a busy machine is slow, a hang is a failure
/// either way); returns whether it held.
func eventually(timeout: Duration = .seconds(120), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}

/// `sha256=` and the hex HMAC-SHA256 of `body` under `secret`, computed here from the primitive, independently
/// of the server's signer.
func independentSignature(_ body: [UInt8], secret: String) -> String {
    let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
    return "sha256=" + mac.map { byte in
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
    }.joined()
}
