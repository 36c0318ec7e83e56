/// The subscriber lag metric: its label and the histogram buckets a backend should give it (in events).
package enum SubscriberLag {
    package static let label = "metagov_subscriber_lag_events"
    package static let buckets: [Double] = [0, 1, 10, 100, 1_000, 10_000, 100_000, 1_000_000]
}
