import Foundation
import MetagovCore
import Testing

/// An event read from a store holds its JSON as text until something reads it.
@Suite struct StoredEventTests {
    let time = Date(timeIntervalSince1970: 1_800_000_000)

    func stored(_ data: String, _ initiator: String) -> Event {
        Event(
            cursor: 7, community: "c", source: "poll", pluginID: 1, eventType: "vote_cast", timestamp: time,
            storedData: Array(data.utf8), storedInitiator: Array(initiator.utf8))
    }

    @Test func readsAsTheValuesItWasStoredFrom() {
        let event = stored(#"{"voter":"ann","n":2}"#, #"{"user_id":"ann"}"#)
        let built = Event(
            cursor: 7, community: "c", source: "poll", pluginID: 1, eventType: "vote_cast", timestamp: time,
            data: ["voter": "ann", "n": 2], initiator: ["user_id": "ann"])
        #expect(event.data == ["voter": "ann", "n": 2])
        #expect(event.initiator == ["user_id": "ann"])
        #expect(event == built)
        #expect(Set([event, built]).count == 1)
        #expect(event.storedJSON?.data == Array(#"{"voter":"ann","n":2}"#.utf8))
        #expect(built.storedJSON == nil)
    }

    @Test func settingTheDataDropsTheStoredText() {
        var event = stored(#"{"a":1}"#, "{}")
        event.data = ["a": 2]
        #expect(event.storedJSON == nil)
        #expect(event.data == ["a": 2])
        #expect(event.initiator == [:])
    }
}
