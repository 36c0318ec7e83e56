"""metagov.v1.Events.Subscribe: stored then live events, filters, resumption, cancellation."""

import hashlib
import hmac
import threading
import time

import grpc

from helpers import fails, start_poll, take, vote


def test_stored_then_live_then_resume(client):
    process = start_poll(client)
    for voter in ["a", "b", "c"]:
        vote(client, process["id"], voter)
    with client.subscribe(community="c") as stream:
        seen = take(stream, 3)
        assert [e["data"]["voter"] for e in seen] == ["a", "b", "c"]
        for voter in ["d", "e"]:
            vote(client, process["id"], voter, "b")
        seen += take(stream, 2)
    cursors = [e["cursor"] for e in seen]
    assert cursors == sorted(cursors) and len(set(cursors)) == 5
    for event in seen:
        assert event["event_type"] == "vote_cast" and event["source"] == "poll" and event["community"] == "c"
        assert event["initiator"] == {"user_id": event["data"]["voter"], "provider": "poll"}
        assert event["timestamp"].endswith("Z")
    assert seen[3]["data"] == {"process_id": process["id"], "voter": "d", "option": "b", "previous_option": None}
    # Resume after any cursor seen: exactly what follows it, then live ones.
    for index in range(5):
        with client.subscribe(community="c", after_cursor=cursors[index]) as resumed:
            assert [e["cursor"] for e in take(resumed, 4 - index)] == cursors[index + 1:]
    with client.subscribe(community="c", after_cursor=cursors[-1]) as resumed:
        vote(client, process["id"], "f")
        [live] = take(resumed, 1)
        assert live["cursor"] > cursors[-1] and live["data"]["voter"] == "f"


def test_filters(client):
    process = start_poll(client)
    other = start_poll(client, community="d")
    client.enable_plugin("c", "inbound", {"secret": "k"})
    vote(client, process["id"], "c1")
    vote(client, other["id"], "d1", community="d")
    body = b'{"n": 1}'
    client.deliver_webhook("c", "inbound", body,
                           {"x-hub-signature-256": "sha256=" + hmac.new(b"k", body, hashlib.sha256).hexdigest()})
    vote(client, process["id"], "c2")
    with client.subscribe() as everything:
        assert [e["community"] for e in take(everything, 4)] == ["c", "d", "c", "c"]
    with client.subscribe(community="c", plugins=["poll"]) as polls:
        assert [e["data"]["voter"] for e in take(polls, 2)] == ["c1", "c2"]
    with client.subscribe(event_types=["webhook_received"]) as hooks:
        [hook] = take(hooks, 1)
        assert hook["source"] == "inbound" and hook["data"]["body"] == {"n": 1}
    with client.subscribe(community="d") as d:
        [only] = take(d, 1)
        assert only["data"]["voter"] == "d1"
        # Live events of other communities do not reach it.
        vote(client, process["id"], "c3")
        vote(client, other["id"], "d2", community="d")
        [live] = take(d, 1)
        assert live["data"]["voter"] == "d2"


def test_failures(client):
    fails(lambda: next(client.subscribe(community="zz", timeout=10)), grpc.StatusCode.NOT_FOUND, "zz")
    fails(lambda: next(client.subscribe(after_cursor=2**63 + 5, timeout=10)), grpc.StatusCode.INVALID_ARGUMENT,
          "after_cursor")


def test_many_subscribers_see_the_same_events(client):
    process = start_poll(client)
    streams = [client.subscribe(community="c") for _ in range(8)]
    try:
        for n in range(5):
            vote(client, process["id"], f"v{n}")
        results = [[e["cursor"] for e in take(stream, 5)] for stream in streams]
        assert all(r == results[0] for r in results) and len(set(results[0])) == 5
    finally:
        for stream in streams:
            stream.cancel()


def test_cancel_while_blocked_in_another_thread(client):
    process = start_poll(client)
    vote(client, process["id"], "first")
    stream = client.subscribe(community="c")
    received, finished = [], threading.Event()

    def consume():
        for event in stream:
            received.append(event)
        finished.set()

    consumer = threading.Thread(target=consume, daemon=True)
    consumer.start()
    deadline = time.monotonic() + 10
    while not received and time.monotonic() < deadline:
        time.sleep(0.02)
    assert [e["data"]["voter"] for e in received] == ["first"]
    time.sleep(0.2)  # the consumer is now blocked waiting for a live event
    stream.cancel()
    assert finished.wait(5), "iteration did not end after cancel()"
    assert stream.cancelled and len(received) == 1
    # The server is fine and keeps serving streams.
    vote(client, process["id"], "second")
    with client.subscribe(community="c", after_cursor=received[0]["cursor"]) as again:
        assert take(again, 1)[0]["data"]["voter"] == "second"


def test_hand_over_under_concurrent_writes_counts_every_event_once(client):
    """Subscribers resuming at different cursors while 4 threads vote: each sees every later event once."""
    process = start_poll(client)
    for n in range(10):
        vote(client, process["id"], f"early{n}")
    with client.subscribe(community="c") as stream:
        early = [e["cursor"] for e in take(stream, 10)]
    resume_points = [0, early[0], early[4], early[9]]
    streams = [client.subscribe(community="c", after_cursor=cursor) for cursor in resume_points]
    errors = []

    def writer(w):
        try:
            for n in range(25):
                vote(client, process["id"], f"w{w}-{n}")
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    writers = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for thread in writers:
        thread.start()
    try:
        expected_total = 10 + 100
        results = []
        for cursor, stream in zip(resume_points, streams):
            expected = expected_total - (early.index(cursor) + 1 if cursor else 0)
            results.append([e["cursor"] for e in take(stream, expected, timeout=60)])
    finally:
        for thread in writers:
            thread.join()
        for stream in streams:
            stream.cancel()
    assert not errors
    everything = results[0]
    assert len(everything) == 110 and len(set(everything)) == 110 and everything == sorted(everything)
    for cursor, seen in zip(resume_points, results):
        assert seen == [c for c in everything if c > cursor]


def test_a_stalled_subscriber_delays_nobody(client):
    process = start_poll(client)
    stalled = client.subscribe(community="c")  # never read
    try:
        with client.subscribe(community="c") as live:
            for n in range(200):
                vote(client, process["id"], f"v{n}")
            seen = take(live, 200, timeout=60)
        assert len({e["cursor"] for e in seen}) == 200
        # The stalled one still gets everything, from the log, when it finally reads.
        assert len(take(stalled, 200, timeout=60)) == 200
    finally:
        stalled.cancel()
