import ArgumentParser
import Foundation
import MetagovCore

/// `metagovd token create|list|revoke`: API tokens, managed on the database directly.
package struct TokenCommand: ParsableCommand {
    package init() {}
    package static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Create, list and revoke API tokens.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token and print it (only now: just a hash is stored).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "admin; community:SLUG for a token limited to one community; plugin-host[:TYPE,...] for a plugin host (it may only connect and serve plugin types, the named ones when given).")
        var scope: String
        @Option(help: "Unique name (generated when omitted).") var name: String?
        @Option(help: "Lifetime, e.g. 3600s, 90m, 12h, 30d (default: no expiry).") var expires: String?

        func run() async throws {
            guard let tokenScope = TokenScope(scope) else {
                throw ValidationError("--scope must be 'admin', 'community:SLUG' or 'plugin-host[:TYPE,...]', got '\(scope)'")
            }
            let lifetime = try expires.map(parseDuration)
            let (token, record) = try await global.openCore().tokens.create(scope: tokenScope, name: name, expiresIn: lifetime)
            Output.print(["token": .string(token), "id": .integer(Int(record.id)), "name": .string(record.name),
                          "scope": .string(record.scope.description),
                          "expires_at": record.expiresAt.map { .string($0.rfc3339) } ?? .null])
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their secrets).")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let core = try global.openCore()
            let now = core.now()
            Output.print(.array(try await core.tokens.list().map { token in
                ["id": .integer(Int(token.id)), "name": .string(token.name), "scope": .string(token.scope.description),
                 "created_at": .string(token.createdAt.rfc3339),
                 "expires_at": token.expiresAt.map { .string($0.rfc3339) } ?? .null,
                 "revoked_at": token.revokedAt.map { .string($0.rfc3339) } ?? .null,
                 "active": .bool(token.isActive(at: now))]
            }))
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by id or name; it stops working at once.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Token id or name.") var token: String

        func run() async throws {
            let revoked = try await global.openCore().tokens.revoke(token)
            Output.print(["revoked": .string(revoked.name), "id": .integer(Int(revoked.id))])
        }
    }
}

/// Parses `90s`, `15m`, `12h`, `30d` (or plain seconds).
func parseDuration(_ text: String) throws -> Duration {
    let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
    let unit = text.last.flatMap { units[$0] }
    let number = unit == nil ? Substring(text) : text.dropLast()
    guard let value = Int64(number), value > 0 else {
        throw ValidationError("'\(text)' is not a duration like 3600s, 90m, 12h or 30d")
    }
    return .seconds(value * (unit ?? 1))
}
