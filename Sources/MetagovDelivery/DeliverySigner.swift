import Crypto
import Foundation

/// Headers of an outbound delivery, and their verification (for receivers written in Swift and for tests).
public enum DeliverySigner {
    /// `X-Metagov-Signature`: `sha256=` and the hex HMAC-SHA256 of the exact body bytes under the secret.
    public static let signatureHeader = "X-Metagov-Signature"
    /// `X-Metagov-Event-Id`: the same on every retry of a delivery, for de-duplication.
    public static let eventIDHeader = "X-Metagov-Event-Id"
    /// `X-Metagov-Timestamp`: Unix seconds when this attempt was sent.
    public static let timestampHeader = "X-Metagov-Timestamp"
    /// `X-Metagov-Delivery`: the delivery's id (for `Events.RedeliverDelivery` and `ListDeliveries`).
    public static let deliveryHeader = "X-Metagov-Delivery"

    /// The signature header value of `body` under `secret`.
    public static func signature(body: [UInt8], secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `header` is the signature of `body` under `secret` (compared in constant time).
    public static func verify(body: [UInt8], secret: String, header: String) -> Bool {
        let expected = Array(signature(body: body, secret: secret).utf8)
        let given = Array(header.utf8)
        guard expected.count == given.count else { return false }
        return zip(expected, given).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
