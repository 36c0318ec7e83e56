import MetagovCore

/// What a unit of a write batch read that the batch's next units may reuse instead of reading it again: the
/// webhook subscriptions every unit with events looks up (most batches: none, read once).
///
/// It holds only what the batch's transaction shows: any unit that changes subscriptions (or deletes a
/// community, whose subscriptions go with it) drops it, and so does any unit that fails (its savepoint undid
/// whatever it wrote, which it may have read back).
final class BatchMemo {
    private var subscriptions: [String?: [WebhookSubscription]] = [:]

    /// The subscriptions of `community` (nil: of all), read once per batch with `read`.
    func webhookSubscriptions(
        community: String?, _ read: () throws -> [WebhookSubscription]
    ) rethrows -> [WebhookSubscription] {
        if let known = subscriptions[community] { return known }
        let subscriptions = try read()
        self.subscriptions[community] = subscriptions
        return subscriptions
    }

    /// Drops everything: the batch's writes changed what was read, or may have been undone.
    func forget() {
        subscriptions = [:]
    }
}
