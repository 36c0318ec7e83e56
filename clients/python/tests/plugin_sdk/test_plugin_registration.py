"""Loading plugin packages from a directory as Metagov does, and describing them completely in Register."""

import sys

import pytest

from metagov.plugin_host import PluginLoadError, load_plugins
from metagov.plugin_host.registration import register_message
from metagov.v1 import plugin_host_pb2 as pb
from metagov_client.convert import to_python
from sdk_helpers import PLUGINS


def test_packages_load_as_metagov_plugins(plugin_types):
    assert {"townhall", "ledger"} <= set(plugin_types)
    assert plugin_types["townhall"].__module__ == "metagov.plugins.townhall.models"
    assert sys.modules["metagov.plugins.townhall.models"].__file__ == str(PLUGINS / "townhall" / "models.py")
    assert "metagov.plugins.ledger.schemas" in sys.modules  # ledger's relative import
    assert "metagov.plugins.townhall.apps" not in sys.modules  # Django's, never imported


def test_broken_or_missing_directories_are_reported(tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "__init__.py").write_text("")
    (broken / "models.py").write_text("from django.conf import settings\n")
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / ".hidden").mkdir()
    with pytest.raises(PluginLoadError, match="plugin package 'broken' .* failed to import: "
                                              "ModuleNotFoundError: No module named 'django'"):
        load_plugins(str(tmp_path))
    with pytest.raises(PluginLoadError, match="does not exist"):
        load_plugins(str(tmp_path / "nowhere"))


def test_register_describes_every_type_completely(plugin_types):
    register = register_message({name: plugin_types[name] for name in ("townhall", "ledger")}, 5, "h:1")
    assert (register.protocol_version, register.max_in_flight, register.host_name) == (1, 5, "h:1")
    ledger, townhall = register.plugin_types
    assert (townhall.name, townhall.description, townhall.auth_type, townhall.community_platform_id_key) == \
        ("townhall", "A community forum, reached over its HTTP API.", "api_key", "forum_id")
    assert to_python(townhall.config_schema)["required"] == ["api_url", "api_key", "forum_id", "webhook_secret"]
    assert to_python(townhall.config_schema)["properties"]["moderators"]["default"] == []
    actions = {action.slug: action for action in townhall.actions}
    assert set(actions) == {"post-message", "add-moderator", "moderator-count"}
    post = actions["post-message"]
    assert (post.description, post.is_public) == ("Post a message in a topic", False)
    assert to_python(post.input_schema)["properties"]["topic"] == {"type": "string", "default": "general"}
    assert to_python(post.output_schema)["required"] == ["id", "url"]
    count = actions["moderator-count"]
    assert count.is_public and not count.HasField("input_schema") and not count.HasField("output_schema")
    (vote,) = townhall.processes
    assert (vote.name, vote.has_close, vote.has_update, vote.has_receive_webhook) == ("vote", True, True, True)
    assert vote.description.startswith("A vote in the forum")
    assert to_python(vote.input_schema)["required"] == ["title", "options"]
    assert set(to_python(vote.outcome_schema)["properties"]) == {"votes", "winner"}
    assert [(e.event_type, set(to_python(e.schema)["properties"])) for e in townhall.event_types] == \
        [("member_joined", {"username", "name"})]
    assert townhall.accepts_undeclared_event_types and townhall.has_initialize
    assert townhall.has_webhook_receiver and townhall.has_signature_verifier
    assert [(t.name, t.interval_seconds) for t in townhall.periodic_tasks] == [("poll_messages", 60)]

    assert (ledger.description, ledger.auth_type, ledger.community_platform_id_key) == ("", "none", "")
    assert not ledger.accepts_undeclared_event_types and ledger.has_initialize
    assert not ledger.has_webhook_receiver and not ledger.has_signature_verifier and not ledger.processes
    assert [(e.event_type, e.HasField("schema")) for e in ledger.event_types] == [("entry_recorded", False)]
    assert [(t.name, t.interval_seconds) for t in ledger.periodic_tasks] == [("audit", 0)]


def test_register_round_trips_as_bytes(plugin_types):
    register = register_message(plugin_types, 1, "h")
    message = pb.PluginHostMessage(register=register)
    assert pb.PluginHostMessage.FromString(message.SerializeToString()) == message
