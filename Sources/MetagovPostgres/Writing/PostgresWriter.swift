import MetagovCore
import PostgresNIO

/// The ``StoreWriter`` handed to ``PostgresStore/write(_:)`` bodies: the reads of ``PostgresReading`` plus the
/// writes in per-concern extensions. It records what the unit of work changed that other gateways cache
/// (``WriteEffects``), for the notification sent with the commit.
///
/// Writes whose result the body can be given without asking PostgreSQL are sent without waiting (see
/// ``BlockingConnection/send(_:_:checked:check:translate:)``), with what could make them fail checked when they
/// settle: at the unit's next awaited statement or at its end, before its savepoint is released. A body cannot
/// catch such a failure and go on writing (none does); its unit fails with it.
struct PostgresWriter: PostgresReading, StoreWriter {
    let connection: BlockingConnection
    let effects: WriteEffects
    /// What the batch knows of the database, shared by its units.
    let batch: BatchKnowledge
    /// Writes of the batch's units held back to be sent together.
    let heldBack: HeldBackWrites

    /// Runs a statement; returns how many rows it changed.
    @discardableResult
    func execute(_ sql: String, _ binds: PostgresBindings = PostgresBindings()) throws -> Int {
        try connection.run(sql, binds).metadata.rows ?? 0
    }

    /// Sends a statement without waiting; a foreign key violation fails the unit with ``StoreError/notFound(_:)``
    /// naming `notFound`. `independentOf` names the writes held back (``HeldBackWrites``) that the statement does
    /// not depend on.
    func send(
        _ sql: String, _ binds: PostgresBindings, independentOf: HeldBackKinds = [], notFound: String? = nil,
        check: DeferredCheck? = nil
    ) {
        connection.send(sql, binds, independentOf: independentOf, check: check) { error in
            guard PostgresFailure.sqlState(error) == "23503" else { return nil }
            return notFound.map { StoreError.notFound($0) }
        }
    }

    /// Runs `body` in a savepoint of its own, turning the constraint violations the caller expects into
    /// ``StoreError``s: a uniqueness violation into ``StoreError/alreadyExists(_:)`` naming `alreadyExists()`, a
    /// foreign key violation into ``StoreError/notFound(_:)`` naming `notFound()`. PostgreSQL aborts a transaction
    /// at its first error; the savepoint undoes just the failed statement, so a body that catches the error may go
    /// on writing, as on SQLite. Only for statements that can violate a constraint (the others pay nothing).
    @discardableResult
    func translatingConstraints<T>(
        alreadyExists: () throws -> String? = { nil }, notFound: () throws -> String? = { nil },
        _ body: () throws -> T
    ) throws -> T {
        connection.send("SAVEPOINT statement")
        do {
            let result = try body()
            connection.send("RELEASE SAVEPOINT statement")
            return result
        } catch {
            let state = PostgresFailure.sqlState(error)
            guard state == "23505" || state == "23503" else { throw error }
            connection.send("ROLLBACK TO SAVEPOINT statement")
            connection.send("RELEASE SAVEPOINT statement")
            if state == "23505", let what = try alreadyExists() { throw StoreError.alreadyExists(what) }
            if state == "23503", let what = try notFound() { throw StoreError.notFound(what) }
            throw error
        }
    }
}

/// What committed units of work changed that other gateways hold in memory: sent to them with the commit
/// (``ChangeNotice``).
final class WriteEffects {
    var lastCursor: Int64?
    var eventsDeleted = false
    var pluginInstancesChanged = false
    var tokensChanged = false
    var stateChanged = false

    func merge(_ other: WriteEffects) {
        if let cursor = other.lastCursor { lastCursor = max(lastCursor ?? 0, cursor) }
        eventsDeleted = eventsDeleted || other.eventsDeleted
        pluginInstancesChanged = pluginInstancesChanged || other.pluginInstancesChanged
        tokensChanged = tokensChanged || other.tokensChanged
        stateChanged = stateChanged || other.stateChanged
    }

    /// The changes, as the core names them.
    var changes: [StoreChange] {
        var changes: [StoreChange] = []
        if eventsDeleted { changes.append(.eventsDeleted) }
        if let lastCursor { changes.append(.eventsAppended(through: lastCursor)) }
        if pluginInstancesChanged { changes.append(.pluginInstancesChanged) }
        if tokensChanged { changes.append(.tokensChanged) }
        if stateChanged { changes.append(.stateChanged) }
        return changes
    }
}
