import Dispatch
import Logging
import MetagovCore
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// One PostgreSQL session driven from one blocking thread: every statement is sent through postgres-nio (whose
/// event loop does the I/O) and the thread waits for its answer, so the store's synchronous transaction bodies
/// run unchanged on PostgreSQL. It is never used from an event loop, and from one thread at a time.
///
/// Statements whose answer the caller does not need at once (`BEGIN`, `SAVEPOINT`, `RELEASE`, writes whose
/// result the caller knows in advance) are *sent*: postgres-nio queues them on the connection and the next
/// awaited statement (``run(_:_:)``) or ``sync()`` waits for them too, so they cost no extra wake-up of the
/// thread. There, in the order they were sent, the first failure among them is reported (through the
/// statement's own translation, if it has one), or the first ``DeferredCheck`` of a result that does not hold.
///
/// A connection that breaks, or does not answer within the query timeout, is closed: the statement fails with
/// ``StoreError/unavailable(_:)`` and the next transaction connects again. A transaction is never moved to a
/// new connection halfway.
final class BlockingConnection: @unchecked Sendable {
    private static let nextID = Atomic<Int>(0)

    let url: PostgresURL
    private let configuration: PostgresConnection.Configuration
    private let connectTimeout: Double
    private let queryTimeout: Double
    private let logger: Logger
    private let id: Int
    // Touched by the owning thread only.
    private var connection: PostgresConnection?
    private var sent: [PendingStatement] = []
    /// The unit of work (of a write batch) the statements sent from now on belong to: a failure of a statement
    /// of another unit is reported as ``EarlierUnitFailure``. Nil outside units (and on read connections).
    var unit: Int?
    /// The first ``EarlierUnitFailure`` reported since the transaction began, even if the body that got it
    /// swallowed it: the transaction is unusable for the current unit then.
    private(set) var earlierFailure: EarlierUnitFailure?
    /// How many statements were sent or run on this connection (or held back to be sent, see
    /// ``countHeldBack()``): whether a unit of work ran any.
    private(set) var statements = 0
    /// Called before any statement is sent or run and before ``sync()`` waits, with the kinds of held-back
    /// writes the statement does not depend on: a writer that holds writes back to send several as one statement
    /// sends the others then, so that every statement sees what was written before it.
    var beforeStatement: ((BlockingConnection, HeldBackKinds) -> Void)?
    private var flushing = false
    /// The last statement sent or run: answers come in order, so once it is answered all are.
    private var lastSent: EventLoopFuture<PostgresQueryResult>?

    /// - Parameter startup: server settings for the session (e.g. `lock_timeout`).
    init(url: PostgresURL, options: PostgresStoreOptions, startup: [(String, String)] = [], logger: Logger) throws {
        self.url = url
        configuration = try url.configuration(
            connectTimeout: options.connectTimeout, startup: [("application_name", "metagovd")] + startup)
        connectTimeout = options.connectTimeout
        queryTimeout = options.queryTimeout
        self.logger = logger
        id = Self.nextID.add(1, ordering: .relaxed).newValue
    }

    deinit { close() }

    /// How many times the session was (re)established: session state (advisory locks, `LISTEN`) is lost when
    /// it changes.
    private(set) var generation = 0

    /// Makes sure the session is open (connecting when needed) before a transaction starts.
    func open() throws {
        if let connection, !connection.isClosed { return }
        drop()
        let future = PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: id, logger: logger)
        do {
            connection = try wait(future, timeout: connectTimeout + 1, what: "connecting")
            generation += 1
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.unavailable(
                "cannot connect to PostgreSQL at \(url.endpoint) (database '\(url.database)'): \(PostgresFailure.reason(error))")
        }
    }

    /// Sends `sql` without waiting for its answer. With `checked`, a failure is reported by the next awaited
    /// statement or ``sync()``; without it (a closing `ROLLBACK`), it is ignored. `check` is run on the result
    /// there (it throws when the result is not what the caller assumed), and `translate` turns the statement's
    /// own failure into the error the caller reports (nil: the usual translation).
    func send(
        _ sql: String, _ binds: PostgresBindings = PostgresBindings(), checked: Bool = true,
        independentOf: HeldBackKinds = [], heldBackFor owners: [Int]? = nil, check: DeferredCheck? = nil,
        translate: ((any Error) -> (any Error)?)? = nil
    ) {
        sendHeldBack(independentOf: independentOf)
        statements += 1
        let outcome = SentStatement()
        if let connection, !connection.isClosed {
            let future = connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
            future.whenComplete { outcome.complete($0) }
            lastSent = future
        } else {
            outcome.complete(.failure(StoreError.unavailable("the connection to PostgreSQL at \(url.endpoint) was lost; try again")))
        }
        if checked {
            sent.append(PendingStatement(
                outcome: outcome, owners: owners ?? currentOwners, heldBack: owners != nil, check: check, translate: translate))
        }
    }

    /// Waits for the statements sent since the last awaited one and reports the first failure among them, or
    /// the first check that does not hold; returns at once when none is pending.
    func sync() throws {
        sendHeldBack()
        guard !sent.isEmpty else { return }
        let earlier = sent
        sent.removeAll(keepingCapacity: true)
        if let lastSent {
            // Its own failure, if any, is among the pending statements' (it is the last of them).
            _ = try? wait(lastSent, timeout: queryTimeout, what: "running a statement")
        }
        try settle(earlier)
    }

    /// Ends the transaction of a job with `sql` (`ROLLBACK`, or `COMMIT` of a read-only one), without waiting:
    /// the next job's statements queue behind it. Failures of what the job sent are no longer of interest.
    func finish(_ sql: String = "ROLLBACK") {
        send(sql, checked: false)
        sent.removeAll(keepingCapacity: true)
        earlierFailure = nil
    }

    /// Runs `sql` with `binds` and returns its rows and command tag, after every statement sent before it.
    @discardableResult
    func run(_ sql: String, _ binds: PostgresBindings = PostgresBindings()) throws -> PostgresQueryResult {
        guard let connection, !connection.isClosed else {
            drop()
            throw StoreError.unavailable("the connection to PostgreSQL at \(url.endpoint) was lost; try again")
        }
        sendHeldBack()
        statements += 1
        let future = connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        lastSent = future
        let earlier = sent
        sent.removeAll(keepingCapacity: true)
        let result: PostgresQueryResult
        do {
            result = try wait(future, timeout: queryTimeout, what: "running a statement")
        } catch {
            // A statement sent earlier that failed is the cause (this one then fails as "transaction aborted").
            try settle(earlier)
            throw failure(error)
        }
        try settle(earlier)
        return result
    }

    /// Counts a write a writer holds back (to send it with others as one, through ``beforeStatement``).
    func countHeldBack() { statements += 1 }

    private func sendHeldBack(independentOf kinds: HeldBackKinds = []) {
        guard let beforeStatement, !flushing else { return }
        flushing = true
        defer { flushing = false }
        beforeStatement(self, kinds)
    }

    /// The units the statements sent now belong to: the current one, or none (the batch's own statements).
    private var currentOwners: [Int] { unit.map { [$0] } ?? [] }

    /// Reports the first failure among `statements` (answered, in the order they were sent), or the first of
    /// their checks that does not hold; as an ``EarlierUnitFailure`` when it is another unit's.
    private func settle(_ statements: [PendingStatement]) throws {
        for statement in statements {
            do {
                switch statement.outcome.result {
                case .failure(let error):
                    throw failure(error, translate: statement.translate)
                case .success(let result):
                    try statement.check?(result)
                case nil:
                    // Not answered: the connection was closed while waiting (a timeout), which the caller reports.
                    throw StoreError.unavailable("PostgreSQL at \(url.endpoint) did not answer; try again")
                }
            } catch {
                guard statement.owners == currentOwners else {
                    let earlier = earlierFailure
                        ?? EarlierUnitFailure(units: statement.owners, heldBack: statement.heldBack, error: error)
                    earlierFailure = earlier
                    throw earlier
                }
                throw error
            }
        }
    }

    /// Closes the session (a transaction in progress is rolled back by the server).
    func close() {
        if let connection { connection.closeKeepingAlive() }
        drop()
    }

    private func drop() {
        connection = nil
        lastSent = nil
        earlierFailure = nil
        sent.removeAll()
    }

    /// `error` in the store's terms; a lost connection is closed so that the next transaction reconnects.
    private func failure(_ error: any Error, translate: ((any Error) -> (any Error)?)? = nil) -> any Error {
        let translated = translate?(error) ?? PostgresFailure.translate(error, url: url)
        if PostgresFailure.losesConnection(error) { close() }
        return translated
    }

    /// Blocks until `future` completes; past `timeout` the connection is closed (which fails the future) and the
    /// call fails with ``StoreError/unavailable(_:)``.
    private func wait<T: Sendable>(_ future: EventLoopFuture<T>, timeout: Double, what: String) throws -> T {
        let semaphore = DispatchSemaphore(value: 0)
        let outcome = Completion<T>()
        future.whenComplete { result in
            outcome.complete(result)
            semaphore.signal()
        }
        if semaphore.wait(timeout: .now() + timeout) == .timedOut {
            connection?.closeKeepingAlive()
            _ = semaphore.wait(timeout: .now() + 5)
            drop()
            let seconds = timeout == timeout.rounded() ? String(Int(timeout)) : String(timeout)
            throw StoreError.unavailable("PostgreSQL at \(url.endpoint) did not answer within \(seconds) s (\(what)); try again")
        }
        guard let result = outcome.result else {
            throw StoreError.unavailable("PostgreSQL at \(url.endpoint) did not answer (\(what)); try again")
        }
        return try result.get()
    }
}

/// A check of a sent statement's result, run when it is settled: throws when the result is not what the caller
/// assumed when it went on without waiting for it.
typealias DeferredCheck = (PostgresQueryResult) throws -> Void

/// The failure of a statement sent earlier for other units of work (``BlockingConnection/unit``) than the
/// current one: one unit's, several units' (rows of each sent as one statement), or none (`units` empty: the
/// batch's own statements).
struct EarlierUnitFailure: Error {
    let units: [Int]
    /// Whether the statement was held back, and so sent after statements of later units.
    let heldBack: Bool
    let error: any Error
}

/// A statement sent without waiting, with what is to be done with its answer.
private struct PendingStatement {
    let outcome: SentStatement
    /// The units it was sent for (empty: the batch's own).
    let owners: [Int]
    let heldBack: Bool
    let check: DeferredCheck?
    let translate: ((any Error) -> (any Error)?)?
}

/// The answer of a statement sent without waiting, once known. Its callback is registered before the statement
/// can complete (both go through the connection's event loop in order), and statements complete in the order
/// they were sent, so when a later statement's answer arrives the earlier ones' are recorded.
private final class SentStatement: Sendable {
    private let answer = Mutex<Result<PostgresQueryResult, any Error>?>(nil)

    func complete(_ result: Result<PostgresQueryResult, any Error>) { answer.withLock { $0 = result } }

    var result: Result<PostgresQueryResult, any Error>? { answer.withLock { $0 } }
}

/// The result of a future, handed from the event loop to the waiting thread.
private final class Completion<T: Sendable>: Sendable {
    private let value = Mutex<Result<T, any Error>?>(nil)

    func complete(_ result: Result<T, any Error>) { value.withLock { $0 = result } }

    var result: Result<T, any Error>? { value.withLock { $0 } }
}

extension PostgresConnection {
    /// Closes the connection without waiting, keeping it alive until it is closed (postgres-nio insists that a
    /// connection is closed before it is released).
    func closeKeepingAlive() {
        close().whenComplete { _ in withExtendedLifetime(self) {} }
    }
}
