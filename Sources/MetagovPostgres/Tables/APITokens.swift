import Foundation
import MetagovCore
import PostgresNIO

/// Reading and writing the `api_token` table.
enum APITokenRow {
    static let columns = "id, name, scope, secret_hash, created_at, expires_at, revoked_at"

    static func decode(_ row: PostgresRandomAccessRow) throws -> APIToken {
        let scopeText: String = try row.value(2)
        guard let scope = TokenScope(scopeText) else {
            throw PostgresStoreError.storedValue("column api_token.scope holds an unknown value '\(scopeText)'")
        }
        return APIToken(
            id: try row.value(0), name: try row.value(1), scope: scope, secretHash: try row.value(3),
            createdAt: try row.date(4), expiresAt: try row.optionalDate(5), revokedAt: try row.optionalDate(6))
    }
}

extension PostgresReading {
    func apiToken(id: Int64) throws -> APIToken? {
        try fetchOne("SELECT \(APITokenRow.columns) FROM api_token WHERE id = $1", binds(id), APITokenRow.decode)
    }

    func apiTokens() throws -> [APIToken] {
        try fetchAll("SELECT \(APITokenRow.columns) FROM api_token ORDER BY id", PostgresBindings(), APITokenRow.decode)
    }
}

extension PostgresWriter {
    func insertAPIToken(name: String, scope: TokenScope, secretHash: String, expiresAt: Date?) throws -> APIToken {
        let now = StoredTime.now()
        let expires = expiresAt?.timeIntervalSince1970
        let id: Int64? = try fetchValue(
            """
            INSERT INTO api_token (name, scope, secret_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT DO NOTHING RETURNING id
            """,
            binds(name, scope.description, secretHash, now, expires))
        guard let id else { throw StoreError.alreadyExists("API token '\(name)'") }
        effects.tokensChanged = true
        return APIToken(
            id: id, name: name, scope: scope, secretHash: secretHash, createdAt: StoredTime.date(now),
            expiresAt: expires.map(StoredTime.date), revokedAt: nil)
    }

    func revokeAPIToken(id: Int64) throws -> Bool {
        let revoked = try execute(
            "UPDATE api_token SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL", binds(StoredTime.now(), id)) > 0
        if revoked { effects.tokensChanged = true }
        return revoked
    }
}
