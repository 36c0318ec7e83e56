import MetagovCore
import MetagovProto
import MetagovProtoGRPC
import MetagovProtoJSON

extension Metagov_V1_Webhook {
    init(_ subscription: WebhookSubscription) {
        self.init(
            id: subscription.id, community: subscription.community, url: subscription.url,
            eventTypes: subscription.eventTypes, plugins: subscription.plugins, hasSecret: !subscription.secret.isEmpty,
            createdAt: .init(subscription.createdAt), updatedAt: .init(subscription.updatedAt))
    }
}

extension Metagov_V1_DeliveryStatus {
    init(_ status: DeliveryStatus) {
        switch status {
        case .pending: self = .pending
        case .delivered: self = .delivered
        case .failed: self = .failed
        }
    }

    /// The core status; nil for UNSPECIFIED (no filter) and unknown values.
    var domain: DeliveryStatus? {
        switch self {
        case .pending: return .pending
        case .delivered: return .delivered
        case .failed: return .failed
        default: return nil
        }
    }
}

extension Metagov_V1_Delivery {
    init(_ delivery: OutboundDelivery) {
        self.init(
            id: delivery.id, kind: delivery.kind.rawValue, webhookId: delivery.webhookID ?? 0,
            processId: delivery.processID ?? 0, community: delivery.community, eventId: delivery.eventID,
            url: delivery.url, status: .init(delivery.status), attempts: Int32(clamping: delivery.attempts),
            nextAttemptAt: .init(delivery.nextAttemptAt), lastError: delivery.lastError ?? "",
            lastStatusCode: Int32(clamping: delivery.lastStatusCode ?? 0), createdAt: .init(delivery.createdAt),
            deliveredAt: delivery.deliveredAt.map(Google_Protobuf_Timestamp.init),
            body: .wrapping(try? JSONValue(parsing: delivery.body)))
    }
}
