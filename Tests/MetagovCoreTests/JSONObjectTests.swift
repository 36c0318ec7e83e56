import MetagovCore
import Testing

@Suite struct JSONObjectTests {
    @Test func membersAreKeptInKeyOrderWhateverOrderTheyCameIn() {
        let object = JSONObject([("b", 2), ("c", 3), ("a", 1)])
        #expect(Array(object.keys) == ["a", "b", "c"])
        #expect(Array(object.values) == [1, 2, 3])
        #expect(object.map(\.key) == ["a", "b", "c"])
        #expect(JSONValue.object(object).serialized() == #"{"a":1,"b":2,"c":3}"#)
    }

    @Test func aRepeatedKeyKeepsItsLastValue() throws {
        #expect(JSONObject([("k", 1), ("j", 0), ("k", 2), ("k", 3)]) == ["j": 0, "k": 3])
        let literal: JSONValue = ["k": 1, "k": 2]
        #expect(literal == ["k": 2])
        #expect(try JSONValue(parsing: #"{"k": 1, "a": true, "k": 2}"#) == ["a": true, "k": 2])
        // Many members, each key twice, in reverse: the last of each key still wins.
        let many = JSONObject((0..<40).reversed().map { ("k\($0 % 20)", JSONValue.integer($0)) })
        #expect(many.count == 20 && many["k3"] == 3 && many["k19"] == 19)
        #expect(zip(many.keys, many.keys.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test func lookupsAddReplaceAndRemove() {
        var object: JSONObject = ["m": 1]
        #expect(object["m"] == 1 && object["x"] == nil && object["x"] != .null)
        object["a"] = "first"
        object["z"] = "last"
        #expect(object.updateValue(2, forKey: "m") == 1)
        #expect(object.updateValue(true, forKey: "n") == nil)
        #expect(Array(object.keys) == ["a", "m", "n", "z"])
        object["a"] = nil
        #expect(object.removeValue(forKey: "z") == "last")
        #expect(object.removeValue(forKey: "z") == nil)
        #expect(object == ["m": 2, "n": true])
        object["count", default: 0] = .integer((object["count"]?.intValue ?? 0) + 1)
        #expect(object["count"] == 1)
        // A member whose value is null is present, unlike a missing one.
        object["null"] = .null
        #expect(object["null"] == .some(.null) && object.count == 4)
    }

    @Test func equalityAndHashIgnoreHowTheObjectWasBuilt() {
        var built = JSONObject()
        for key in ["q", "b", "x", "a"] { built[key] = .string(key) }
        let literal: JSONObject = ["a": "a", "b": "b", "q": "q", "x": "x"]
        #expect(built == literal && built.hashValue == literal.hashValue)
        #expect(built != ["a": "a", "b": "b", "q": "q"])
        #expect(built != ["a": "a", "b": "b", "q": "q", "x": "y"])
        #expect(Set<JSONValue>([.object(built), .object(literal)]).count == 1)
    }

    @Test func wholeObjectOperations() {
        let object: JSONObject = ["a": 1, "b": 2, "c": 3]
        #expect(object.mapValues { .integer(($0.intValue ?? 0) * 10) } == ["a": 10, "b": 20, "c": 30])
        #expect(object.filter { $0.key != "b" } == ["a": 1, "c": 3])
        #expect(object.merging(["b": 20, "d": 40], uniquingKeysWith: { mine, _ in mine }) == ["a": 1, "b": 2, "c": 3, "d": 40])
        var merged = object
        merged.merge(["0": 0, "c": 30], uniquingKeysWith: { _, theirs in theirs })
        #expect(Array(merged.keys) == ["0", "a", "b", "c"] && merged["c"] == 30)
        #expect(JSONObject(object.dictionary) == object)
        #expect(object.description == #"["a": 1, "b": 2, "c": 3]"#)
        #expect(JSONObject().description == "[:]")
    }

    @Test func aLargeObjectBuiltWholeIsSortedOnce() throws {
        let count = 50_000
        let members = (0..<count).reversed().map { ("key-\($0)", JSONValue.integer($0)) }
        let object = JSONObject(members)
        #expect(object.count == count)
        #expect(object["key-123"] == 123 && object["key-\(count)"] == nil)
        #expect(zip(object.keys, object.keys.dropFirst()).allSatisfy { $0 < $1 })
        let text = JSONValue.object(object).serialized()
        #expect(try JSONValue(parsing: text) == .object(object))
    }

    @Test func canonicallyEquivalentKeysAreOneKey() {
        // As with dictionary keys: "é" precomposed and "e" + combining acute are the same key.
        let object = JSONObject([("\u{E9}", 1), ("e\u{301}", 2)])
        #expect(object.count == 1 && object["\u{E9}"] == 2)
    }
}
