import Crypto
import Foundation
import MetagovCore

/// Generic inbound webhooks: a platform that signs its webhooks with HMAC-SHA256 (GitHub's
/// `X-Hub-Signature-256: sha256=HEX` and the like) posts to `/api/hooks/{community}/inbound`; a valid
/// signature turns the body into a `webhook_received` event, anything else is refused with 401 before the
/// body is read.
public final class InboundExtension: PluginTypeProvider {
    public let name = "inbound"

    public init() {}

    public func pluginTypes() -> [PluginType] {
        [
            PluginType("inbound", description: "Receives HMAC-SHA256-signed webhooks and emits each as a webhook_received event.") {
                Config(
                    schema: [
                        "type": "object",
                        "properties": [
                            "secret": ["type": "string", "minLength": 1, "description": "Shared HMAC-SHA256 key"],
                            "signature_header": [
                                "type": "string", "default": "x-hub-signature-256",
                                "description": "Header holding 'sha256=HEX' (or bare HEX) of the body",
                            ],
                            "platform_id": [
                                "type": "string",
                                "description": "Identifies this instance for webhooks sent to /api/hooks/inbound (header X-Platform-Id)",
                            ],
                        ],
                        "required": ["secret"],
                        "additionalProperties": false,
                    ],
                    communityPlatformIDKey: "platform_id")
                Emits("webhook_received")
                WebhookReceiver(verify: Self.verify(_:config:), platformID: { $0.header("x-platform-id") }) { context, request in
                    try context.emit(
                        "webhook_received",
                        data: ["body": request.json ?? .string(String(decoding: request.body, as: UTF8.self)),
                               "content_type": request.header("content-type").map(JSONValue.string) ?? .null,
                               "event": (request.header("x-github-event") ?? request.header("x-event-type")).map(JSONValue.string) ?? .null],
                        initiator: ["provider": "inbound"])
                }
            }
        ]
    }

    /// Whether the request carries, in the configured header, the HMAC-SHA256 of its body under the secret.
    @Sendable static func verify(_ request: WebhookRequest, config: JSONValue) -> Bool {
        guard let secret = config["secret"]?.stringValue else { return false }
        let headerName = config["signature_header"]?.stringValue ?? "x-hub-signature-256"
        guard let given = request.header(headerName) else { return false }
        return verify(body: request.body, secret: secret, signature: given)
    }

    /// Whether `signature` (`sha256=HEX` or `HEX`) is the HMAC-SHA256 of `body` under `secret`.
    static func verify(body: [UInt8], secret: String, signature: String) -> Bool {
        let hex = signature.lowercased().hasPrefix("sha256=") ? String(signature.dropFirst(7)) : signature
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) ?? hex.endIndex
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return false }
            bytes.append(byte)
            index = next
        }
        return HMAC<SHA256>.isValidAuthenticationCode(bytes, authenticating: body, using: SymmetricKey(data: Data(secret.utf8)))
    }
}
