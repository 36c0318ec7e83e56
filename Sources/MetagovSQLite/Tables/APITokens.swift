import Foundation
import GRDB
import MetagovCore

/// Reading and writing the `api_token` table.
enum APITokenRow {
    static let columns = "id, name, scope, secret_hash, created_at, expires_at, revoked_at"

    static func decode(_ row: StoredRow) throws -> APIToken {
        let scopeText: String = try row.decode(atIndex: 2)
        guard let scope = TokenScope(scopeText) else {
            throw StoredValueError(description: "column api_token.scope holds an unknown value '\(scopeText)'")
        }
        return APIToken(
            id: try row.decode(atIndex: 0), name: try row.decode(atIndex: 1), scope: scope,
            secretHash: try row.decode(atIndex: 3), createdAt: try StoredTime.date(row, 4),
            expiresAt: try row.decode(Double?.self, atIndex: 5).map(StoredTime.date),
            revokedAt: try row.decode(Double?.self, atIndex: 6).map(StoredTime.date))
    }
}

extension SQLiteReading {
    func apiToken(id: Int64) throws -> APIToken? {
        try fetchOne("SELECT \(APITokenRow.columns) FROM api_token WHERE id = ?", [id], APITokenRow.decode)
    }

    func apiTokens() throws -> [APIToken] {
        try fetchAll("SELECT \(APITokenRow.columns) FROM api_token ORDER BY id", [], APITokenRow.decode)
    }
}

extension SQLiteWriter {
    func insertAPIToken(name: String, scope: TokenScope, secretHash: String, expiresAt: Date?) throws -> APIToken {
        let now = StoredTime.now()
        let expires = expiresAt?.timeIntervalSince1970
        try translatingConstraints(alreadyExists: { "API token '\(name)'" }) {
            try execute(
                "INSERT INTO api_token (name, scope, secret_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                [name, scope.description, secretHash, now, expires])
        }
        return APIToken(
            id: db.lastInsertedRowID, name: name, scope: scope, secretHash: secretHash, createdAt: StoredTime.date(now),
            expiresAt: expires.map(StoredTime.date), revokedAt: nil)
    }

    func revokeAPIToken(id: Int64) throws -> Bool {
        try executeCountingChanges(
            "UPDATE api_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", [StoredTime.now(), id]) > 0
    }
}
