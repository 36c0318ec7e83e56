"""Metagov's plugin API on its own (no gateway): the Registry decorators, Parameters, VotingStandard, the
models, DataStore, errors and the webhook request object."""

import json

import jsonschema
import pytest

from metagov.core import errors, models, plugin_manager
from metagov.core.datastore import DataStore
from metagov.core.models import Community, GovernanceProcess, LinkQuality, LinkType, Plugin, ProcessStatus
from metagov.core.plugin_manager import AuthorizationType, Parameters, Registry, VotingStandard
from metagov.core.state_encoding import encode
from metagov.plugin_host.request import WebhookRequest


def test_the_registry_records_what_metagov_records(plugin_types):
    townhall = plugin_types["townhall"]
    assert plugin_manager.plugin_registry["townhall"] is townhall
    assert set(townhall._action_registry) == {"post-message", "add-moderator", "moderator-count"}
    meta = townhall._action_registry["moderator-count"]
    assert (meta.function_name, meta.is_public, meta.input_schema) == ("moderator_count", True, None)
    assert list(townhall._process_registry) == ["vote"]
    assert townhall._task_functions == ["poll_messages"]
    assert townhall._webhook_receiver_function == "receive_forum_event"
    assert townhall._webhook_verifier_function == "verify_signature"
    assert [event["type"] for event in townhall._event_schemas] == ["member_joined"]
    assert townhall._process_registry["vote"]().plugin_inst is None


def test_registration_errors():
    class Nameless(Plugin):
        pass

    with pytest.raises(Exception, match="missing name attribute"):
        Registry.plugin(Nameless)

    class Twice(Plugin):
        name = "twice-test"

        @Registry.action("go", "first")
        def first(self):
            return 1

        @Registry.action("go", "second")
        def second(self):
            return 2

    with pytest.raises(Exception, match="'twice-test.go' already registered"):
        Registry.plugin(Twice)

    class Misspelt(Plugin):
        name = "misspelt-test"
        config_schema = {"type": "object", "propertys": {}}

    with pytest.raises(jsonschema.SchemaError, match="'propertys' was unexpected"):
        Registry.plugin(Misspelt)
    with pytest.raises(jsonschema.SchemaError):
        Registry.action("x", "bad", input_schema={"type": "object", "properties": {"a": {"typo": 1}}})(lambda s: 0)

    class Orphan(GovernanceProcess):
        name = "orphan"
        plugin_name = "no-such-plugin"

    with pytest.raises(Exception, match="No such plugin 'no-such-plugin'. Plugin must be declared before process."):
        Registry.governance_process(Orphan)

    class Homeless(GovernanceProcess):
        name = "homeless"

    with pytest.raises(Exception, match="Missing plugin name"):
        Registry.governance_process(Homeless)
    assert not {"twice-test", "misspelt-test"} & set(plugin_manager.plugin_registry)


def test_parameters():
    schema = {"properties": {"title": {"type": "string"}, "size": {"type": "integer", "default": 2},
                             "note": {"type": "string"}}, "required": ["title"]}
    values = {"title": "t", "extra": [1]}
    parameters = Parameters(values=values, schema=schema)
    assert (parameters.title, parameters.size, parameters.note, parameters.extra) == ("t", 2, None, [1])
    assert parameters._json == {"title": "t", "extra": [1], "size": 2} and parameters._json is values
    with pytest.raises(jsonschema.ValidationError):
        Parameters(values={"size": 1}, schema=schema)
    assert Parameters(values={"a": 1}).a == 1 and Parameters()._json == {}


def test_voting_standard():
    schema = VotingStandard.create_input_schema(include=["title", "options"], exclude=["options"],
                                                extra_properties={"k": {"type": "integer"}},
                                                required=["title", "options", "k"])
    assert schema == {"properties": {"title": {"type": "string"}, "k": {"type": "integer"}},
                      "required": ["title", "k"]}
    everything = VotingStandard.create_input_schema(exclude=["details"], extra_properties={"x": {}})
    assert set(everything["properties"]) == {"title", "options", "closing_at", "x"}
    assert set(VotingStandard.INPUT_PARAMETERS) == {"title", "options", "details", "closing_at"}  # not mutated
    assert (AuthorizationType.USER_LOGIN, AuthorizationType.APP_INSTALL) == ("user", "app")


def test_datastore_sees_the_snapshot_and_its_own_writes():
    store = DataStore({"kept": encode({1, 2}), "gone": 1, "null": None})
    assert store.get("kept") == {1, 2} and store.get("missing") is None and store.get("null") is None
    store.get("kept").add(3)
    assert store.get("kept") == {1, 2}  # a copy: changing it changes nothing
    assert store.set("new", (1, 2)) is True and store.get("new") == (1, 2)
    assert store.remove("gone") is True and store.get("gone") is None and store.remove("gone") is False
    assert store.remove("never") is False
    store.set("gone", "again")
    assert store.changes() == ({"new": encode((1, 2)), "gone": "again"}, ["never"])
    with pytest.raises(TypeError):
        store.set("bad", object())


def test_plugins_collect_events_accounts_and_saved_platform_ids():
    plugin = Plugin(id=4, community="c", config={"k": 1}, community_platform_id="")
    assert (plugin.pk, str(plugin.community), plugin.community_platform_id) == (4, "c", None)
    plugin.send_event_to_driver("listed", ["a"], None)
    plugin.send_event_to_driver(event_type="made", data={"x": 1}, initiator={"user_id": "u"})
    assert [(e.event_type, e.data, e.initiator) for e in plugin.hook_effects().events] == \
        [("listed", {"value": ["a"]}, {}), ("made", {"x": 1}, {"user_id": "u"})]
    link = plugin.add_linked_account(platform_identifier="u1", link_type="manual admin",
                                     link_quality=LinkQuality.STRONG_CONFIRM)
    plugin.add_linked_account(platform_identifier="u2", external_id=9, link_quality="confirmed (weak)")
    assert (link.link_type, link.link_quality, link.external_id) == ("manual_admin", "confirmed_by_governance", None)
    assert [(a.platform_identifier, a.external_id, a.link_type, a.link_quality)
            for a in plugin.hook_effects().linked_accounts] == \
        [("u1", None, "manual_admin", "confirmed_by_governance"), ("u2", 9, "unknown", "confirmed_by_user")]
    with pytest.raises(ValueError, match="unknown LinkType 'telepathy'"):
        plugin.add_linked_account(platform_identifier="u3", link_type="telepathy")
    assert LinkType.EMAIL_MATCHING.value == "email_matching"

    plugin.community_platform_id = "team-1"
    assert plugin.saved_community_platform_id() is None  # not saved
    plugin.save()
    assert plugin.saved_community_platform_id() == "team-1"
    assert str(Plugin(community=Community("c", "Climate"))) == "None for 'Climate (c)'"


def test_processes_keep_only_what_they_saved():
    process = GovernanceProcess(id=3, outcome={"votes": {"a": 0}}, url="")
    assert (process.status, process.url, process.errors, process.saved_changes()) == ("created", None, {}, {})
    process.status = ProcessStatus.PENDING.value
    process.outcome["votes"]["a"] = 1
    assert process.saved_changes() == {}
    process.save()
    process.outcome["votes"]["a"] = 2  # after the save: not kept
    process.url = "https://vote"
    assert process.saved_changes() == {"status": "pending", "outcome": {"votes": {"a": 1}}}
    process.status = ProcessStatus.COMPLETED  # the enum itself is accepted
    process.save()
    assert process.saved_changes() == {"status": "completed", "outcome": {"votes": {"a": 2}}, "url": "https://vote"}
    process.status = "done"
    with pytest.raises(ValueError, match="unknown process status 'done'"):
        process.save()
    with pytest.raises(NotImplementedError):
        process.close()


def test_metagov_names_are_importable():
    assert (models.AuthType.API_KEY, models.AuthType.OAUTH, models.AuthType.NONE) == ("api_key", "oauth", "none")
    assert [s.value for s in ProcessStatus] == ["created", "pending", "completed"]
    assert issubclass(errors.PluginErrorInternal, errors.APIException)
    assert errors.PluginAuthError().get_codes() == "server_error"
    assert errors.PluginErrorInternal("not_in_channel").detail == "not_in_channel"
    assert models.DataStore is DataStore


def test_webhook_requests_look_like_rest_framework_requests():
    body = json.dumps({"id": 5, "ok": True}).encode()
    request = WebhookRequest("POST", "/api/hooks/c/p?a=1&a=2&b=", [("content-type", "application/json"),
                                                                   ("x-github-event", "issues"),
                                                                   ("x-multi", "1"), ("X-Multi", "2")], body)
    assert (request.method, request.path, request.body) == ("POST", "/api/hooks/c/p", body)
    assert request.headers["X-GitHub-Event"] == request.headers["X_GITHUB_EVENT"] == "issues"
    assert request.headers.get("x-missing") is None and "Content-Type" in request.headers
    assert request.headers["x-multi"] == "1, 2"
    assert request.json() == request.data == {"id": 5, "ok": True}
    assert (request.GET["a"], request.GET.getlist("a"), request.GET.get("b"), request.GET.dict()) == \
        ("2", ["1", "2"], "", {"a": "2", "b": ""})
    assert request.POST == {} and "payload" not in request.POST
    assert request.META["CONTENT_TYPE"] == "application/json" and request.META["HTTP_X_GITHUB_EVENT"] == "issues"
    assert request.META["QUERY_STRING"] == "a=1&a=2&b=" and request.META["CONTENT_LENGTH"] == str(len(body))

    form = WebhookRequest("POST", "/hook", [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
                          b"payload=%7B%22type%22%3A%22block_actions%22%7D&x=1")
    assert json.loads(form.POST.get("payload")) == {"type": "block_actions"} and "payload" in form.POST
    assert form.data["x"] == "1"
    plain = WebhookRequest("POST", "/hook", [("content-type", "text/plain")], b"hello")
    assert plain.data == {} and plain.POST == {}
    with pytest.raises(ValueError):
        plain.json()
