import CoreMetrics

/// Metrics a `Store` backend's writer records for every batch it commits.
package struct StoreBatchMetrics: Sendable {
    /// One transaction of the writer: from its BEGIN to its COMMIT (or ROLLBACK).
    package let transaction = Timer(label: "metagov_store_transaction_duration_seconds", preferredDisplayUnit: .seconds)
    /// Units of work committed together by one transaction (group commit).
    package let unitsPerTransaction = Recorder(label: StoreBatchMetrics.unitsLabel)
    /// Transactions that failed as a whole (lock timeout, I/O error).
    package let failedTransactions = Counter(label: "metagov_store_failed_transactions_total")
    /// Transactions rolled back and performed again, each unit in a savepoint, because a unit failed after it had
    /// written (its writes could not be undone alone).
    package let redoneTransactions = Counter(label: "metagov_store_redone_transactions_total")

    package static let unitsLabel = "metagov_store_units_per_transaction"
    package static let unitsBuckets: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]

    package init() {}
}
