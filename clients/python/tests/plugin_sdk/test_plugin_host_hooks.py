"""The plugin host runs every kind of hook of the test plugins for a fake gateway and answers with the hook's
result and effects: actions, initialize, a vote process (start, webhook, update, close), the periodic task,
the webhook receiver and the signature check."""

import datetime
import decimal

from fake_gateway import wait_until
from metagov.v1 import common_pb2
from metagov.v1 import plugin_host_pb2 as pb
from metagov_client.convert import to_python
from sdk_helpers import (invocation, plugin_snapshot, process_snapshot, result_value, state_values, townhall_config,
                         webhook)


def _session(gateway, start_host):
    start_host(gateway.target)
    return gateway.session()


def test_initialize_writes_state_and_the_saved_platform_id(gateway, start_host, forum):
    session = _session(gateway, start_host)
    result = session.invoke(invocation(1, pb.INVOCATION_KIND_INITIALIZE,
                                       plugin_snapshot("townhall", townhall_config(forum, moderators=["ann"]))))
    assert result_value(result) is None
    state = state_values(result.effects.plugin_state_set)
    assert state["moderators"] == {"ann"} and state["last_seen"] == 0
    assert isinstance(state["installed_at"], datetime.datetime) and state["installed_at"].tzinfo is not None
    assert not result.effects.HasField("community_platform_id")

    ledger = session.invoke(invocation(2, pb.INVOCATION_KIND_INITIALIZE, plugin_snapshot("ledger", {"book": "x"})))
    assert ledger.effects.community_platform_id == "book-x"


def test_actions_return_their_result_and_buffer_state(gateway, start_host, forum):
    session = _session(gateway, start_host)
    plugin = plugin_snapshot("townhall", townhall_config(forum), state={"moderators": {"ann"}, "recent": (1, 2, 3)})
    forum.messages.extend({"id": n, "author": "x", "text": "old"} for n in (1, 2, 3))

    posted = session.invoke(invocation(1, pb.INVOCATION_KIND_ACTION, plugin, action="post-message",
                                       parameters={"text": "hello", "topic": "news"}))
    assert result_value(posted) == {"id": 4, "url": f"{forum.url}/m/4"}
    assert state_values(posted.effects.plugin_state_set) == {"recent": (2, 3, 4)}
    assert forum.calls[-1]["body"] == {"text": "hello", "topic": "news"}

    added = session.invoke(invocation(2, pb.INVOCATION_KIND_ACTION, plugin, action="add-moderator",
                                      parameters={"username": "bob"}))
    assert result_value(added) == {"moderators": ["ann", "bob"]}
    assert state_values(added.effects.plugin_state_set) == {"moderators": {"ann", "bob"}}

    # Each invocation starts from the gateway's snapshot: the write above was only an effect.
    count = session.invoke(invocation(3, pb.INVOCATION_KIND_ACTION, plugin, action="moderator-count"))
    assert result_value(count) == 1
    assert not count.effects.plugin_state_set and not count.effects.events


def test_state_round_trips_through_effects_and_snapshots(gateway, start_host):
    session = _session(gateway, start_host)
    config = {"book": "b", "currency": "EUR"}
    first = session.invoke(invocation(1, pb.INVOCATION_KIND_ACTION, plugin_snapshot("ledger", config),
                                      action="record", parameters={"amount": "10.50", "due_in_days": 2}))
    assert result_value(first) == {"count": 1, "total": "10.50"}
    state = state_values(first.effects.plugin_state_set)
    assert state["entries"] == [(decimal.Decimal("10.50"), datetime.datetime(2026, 1, 3, 12, 0), None)]
    # The gateway stores the JSON forms and sends them back with the next invocation.
    second = session.invoke(invocation(2, pb.INVOCATION_KIND_ACTION, plugin_snapshot("ledger", config, state=state),
                                       action="record", parameters={"amount": "-0.25", "due_in_days": 30, "memo": "m"}))
    assert result_value(second) == {"count": 2, "total": "10.25"}
    entries = state_values(second.effects.plugin_state_set)["entries"]
    assert entries[1] == (decimal.Decimal("-0.25"), datetime.datetime(2026, 1, 31, 12, 0), "m")
    assert [to_python(e.data) for e in second.effects.events] == [{"amount": "-0.25", "currency": "EUR"}]

    forgotten = session.invoke(invocation(3, pb.INVOCATION_KIND_ACTION,
                                          plugin_snapshot("ledger", config, state={"entries": []}), action="forget"))
    assert result_value(forgotten) == {"had_entries": True, "had_total": False}
    assert sorted(forgotten.effects.plugin_state_removed) == ["entries", "total"]


def test_a_vote_runs_start_webhook_update_and_close(gateway, start_host, forum):
    session = _session(gateway, start_host)
    plugin = plugin_snapshot("townhall", townhall_config(forum))
    yesterday = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()

    started = session.invoke(invocation(
        1, pb.INVOCATION_KIND_PROCESS_START, plugin, process=process_snapshot("vote"),
        parameters={"title": "Lunch?", "options": ["pizza", "salad"], "closing_at": yesterday}))
    assert result_value(started) is None
    changes = started.effects.process
    assert changes.status == common_pb2.PROCESS_STATUS_PENDING
    assert changes.url.startswith(f"{forum.url}/polls/")
    assert to_python(changes.outcome) == {"votes": {"pizza": 0, "salad": 0}}
    assert not changes.HasField("errors")
    process_state = state_values(changes.state_set)
    assert process_state == {"poll_id": "poll-1", "options": ("pizza", "salad"), "voters": set(), "quorum": 3,
                             "closing_at": datetime.date.today() - datetime.timedelta(days=1)}

    pending = process_snapshot("vote", common_pb2.PROCESS_STATUS_PENDING, to_python(changes.outcome), changes.url,
                               state=process_state)
    vote = webhook("vote_cast", {"poll_id": "poll-1", "voter": "ann", "option": "salad"})
    counted = session.invoke(invocation(2, pb.INVOCATION_KIND_PROCESS_RECEIVE_WEBHOOK, plugin, process=pending,
                                        webhook=vote))
    assert result_value(counted) == {"counted": True}
    assert to_python(counted.effects.process.outcome) == {"votes": {"pizza": 0, "salad": 1}}
    assert counted.effects.process.status == common_pb2.PROCESS_STATUS_UNSPECIFIED  # unchanged
    assert not counted.effects.process.HasField("url")
    assert state_values(counted.effects.process.state_set) == {"voters": {"ann"}}

    other = webhook("vote_cast", {"poll_id": "another", "voter": "bob", "option": "pizza"})
    ignored = session.invoke(invocation(3, pb.INVOCATION_KIND_PROCESS_RECEIVE_WEBHOOK, plugin, process=pending,
                                        webhook=other))
    assert result_value(ignored) is None and ignored.effects.process == pb.ProcessChanges()

    updated = session.invoke(invocation(4, pb.INVOCATION_KIND_PROCESS_UPDATE, plugin, process=pending))
    assert updated.effects.process.status == common_pb2.PROCESS_STATUS_COMPLETED
    assert to_python(updated.effects.process.outcome) == {"votes": {"pizza": 0, "salad": 0}, "winner": None}
    assert forum.calls[-1]["path"] == "/polls/poll-1/close"

    closed = session.invoke(invocation(5, pb.INVOCATION_KIND_PROCESS_CLOSE, plugin, process=process_snapshot(
        "vote", common_pb2.PROCESS_STATUS_PENDING, {"votes": {"pizza": 2, "salad": 1}}, state=process_state)))
    assert closed.effects.process.status == common_pb2.PROCESS_STATUS_COMPLETED
    assert to_python(closed.effects.process.outcome)["winner"] == "pizza"


def test_start_fills_the_parameters_metagov_style(gateway, start_host, forum):
    session = _session(gateway, start_host)
    started = session.invoke(invocation(
        1, pb.INVOCATION_KIND_PROCESS_START, plugin_snapshot("townhall", townhall_config(forum)),
        process=process_snapshot("vote"), parameters={"title": "t", "options": ["a"]}))
    state = state_values(started.effects.process.state_set)
    assert state["quorum"] == 3 and "closing_at" not in state  # default filled in; closing_at None


def test_the_periodic_task_sends_events_of_any_type(gateway, start_host, forum):
    session = _session(gateway, start_host)
    forum.messages.extend([{"id": 1, "author": "ann", "text": "hi"}, {"id": 2, "author": "bob", "text": "yo"}])
    result = session.invoke(invocation(1, pb.INVOCATION_KIND_PERIODIC_TASK,
                                       plugin_snapshot("townhall", townhall_config(forum), state={"last_seen": 0}),
                                       task="poll_messages"))
    events = result.effects.events
    assert [e.event_type for e in events] == ["message_posted", "message_posted"]
    assert to_python(events[1].data) == {"id": 2, "author": "bob", "text": "yo"}
    assert to_python(events[1].initiator) == {"user_id": "bob", "provider": "townhall"}
    assert state_values(result.effects.plugin_state_set) == {"last_seen": 2}


def test_the_webhook_receiver_links_accounts_and_sends_events(gateway, start_host, forum):
    session = _session(gateway, start_host)
    plugin = plugin_snapshot("townhall", townhall_config(forum))
    joined = webhook("member_joined", {"id": "d1", "member": {"username": "cy", "name": "Cy"}})
    result = session.invoke(invocation(1, pb.INVOCATION_KIND_WEBHOOK_RECEIVER, plugin, webhook=joined))
    assert result_value(result) == {"received": "d1"}
    assert [(e.event_type, to_python(e.data)) for e in result.effects.events] == \
        [("member_joined", {"username": "cy", "name": "Cy"})]
    (account,) = result.effects.linked_accounts
    assert (account.platform_identifier, account.external_id, to_python(account.custom_data)) == \
        ("cy", 0, {"name": "Cy"})
    assert (account.link_type, account.link_quality) == ("oauth", "confirmed_by_user")

    forged = webhook("member_joined", {"id": "d2", "member": {"username": "eve", "name": "Eve"}}, secret="guess")
    refused = session.invoke(invocation(2, pb.INVOCATION_KIND_WEBHOOK_RECEIVER, plugin, webhook=forged))
    assert refused.error.code == pb.PLUGIN_ERROR_CODE_INTERNAL
    assert refused.error.message == "Invalid signature header" and not refused.HasField("effects")


def test_the_signature_verifier_answers_a_boolean(gateway, start_host, forum):
    session = _session(gateway, start_host)
    plugin = plugin_snapshot("townhall", townhall_config(forum))
    good = webhook("member_joined", {"id": "1"})
    bad = webhook("member_joined", {"id": "1"}, secret="guess")
    assert result_value(session.invoke(invocation(1, pb.INVOCATION_KIND_VERIFY_SIGNATURE, plugin, webhook=good)))
    assert result_value(session.invoke(invocation(2, pb.INVOCATION_KIND_VERIFY_SIGNATURE, plugin, webhook=bad))) \
        is False


def test_results_arrive_whatever_their_order(gateway, start_host, forum):
    session = _session(gateway, start_host)
    forum.hold_posts()
    plugin = plugin_snapshot("townhall", townhall_config(forum), state={"moderators": set()})
    session.send(invocation(1, pb.INVOCATION_KIND_ACTION, plugin, action="post-message",
                            parameters={"text": "slow", "topic": "t"}))
    forum.wait_posting(1)
    fast = session.invoke(invocation(2, pb.INVOCATION_KIND_ACTION, plugin, action="moderator-count"))
    assert result_value(fast) == 0 and 1 not in session.results
    forum.release(1)
    assert result_value(session.result(1))["id"] == 1
    wait_until(lambda: forum.posting == 0, what="the post to finish")
