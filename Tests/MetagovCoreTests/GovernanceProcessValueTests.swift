import Foundation
import MetagovCore
import Testing

/// `GovernanceProcess` shares its fields between copies until one changes: it must still behave as a value.
@Suite struct GovernanceProcessValueTests {
    private static func process() -> GovernanceProcess {
        GovernanceProcess(
            id: 7, pluginID: 1, community: "c", plugin: "poll", name: "vote", status: .pending,
            outcome: ["votes": ["a": 1]], errors: nil, state: ["options": ["a", "b"]], callbackURL: nil,
            createdAt: Date(timeIntervalSince1970: 1), updatedAt: Date(timeIntervalSince1970: 2), version: 3)
    }

    @Test func changingACopyLeavesTheOriginalAsItWas() {
        let original = Self.process()
        var copy = original
        copy.state["options"] = ["x"]
        copy.outcome = nil
        copy.status = .completed
        copy.version += 1
        #expect(original.state["options"] == ["a", "b"])
        #expect(original.outcome == ["votes": ["a": 1]])
        #expect(original.status == .pending && original.version == 3)
        #expect(copy.state["options"] == ["x"] && copy.outcome == nil && copy.status == .completed && copy.version == 4)
        #expect(copy != original)
    }

    @Test func equalFieldsAreEqualAndHashAlikeWhetherSharedOrNot() {
        let shared = Self.process()
        let copy = shared
        let rebuilt = Self.process()
        #expect(copy == shared && rebuilt == shared)
        #expect(Set([shared, copy, rebuilt]).count == 1)
        var changedBack = rebuilt
        changedBack.name = "other"
        changedBack.name = "vote"
        #expect(changedBack == shared && changedBack.hashValue == shared.hashValue)
    }

    @Test func copiesChangedOnManyThreadsStayApart() async {
        let original = Self.process()
        let versions = await withTaskGroup(of: Int64.self) { group in
            for index in 0..<64 {
                group.addTask {
                    var copy = original
                    copy.version = Int64(index)
                    copy.state["writer"] = .integer(index)
                    return copy.state["writer"] == .integer(index) ? copy.version : -1
                }
            }
            return await group.reduce(into: Set<Int64>()) { $0.insert($1) }
        }
        #expect(versions == Set((0..<64).map(Int64.init)))
        #expect(original.version == 3 && original.state["writer"] == nil)
    }
}
