"""metagov.v1.Communities: every RPC with its failures."""

import re

import grpc

from helpers import fails

NOT_FOUND, ALREADY_EXISTS, INVALID_ARGUMENT = (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.ALREADY_EXISTS,
                                               grpc.StatusCode.INVALID_ARGUMENT)


def test_create_get_update_delete(client):
    created = client.create_community("Climate", slug="climate")
    assert created["slug"] == "climate" and created["readable_name"] == "Climate" and created["plugins"] == []
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$", created["created_at"])
    fetched = client.get_community("climate")
    assert fetched["slug"] == "climate" and fetched["created_at"] == created["created_at"]
    updated = client.update_community("climate", "Climate Action")
    assert updated["readable_name"] == "Climate Action"
    assert client.get_community("climate")["readable_name"] == "Climate Action"
    client.enable_plugin("climate", "poll")
    deleted = client.delete_community("climate")
    assert deleted["slug"] == "climate" and [p["name"] for p in deleted["plugins"]] == ["poll"]
    fails(lambda: client.get_community("climate"), NOT_FOUND, "climate")


def test_generated_slug(client):
    created = client.create_community("No slug")
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", created["slug"].lower())
    assert client.get_community(created["slug"])["readable_name"] == "No slug"


def test_failures(client):
    client.create_community("Climate", slug="climate")
    fails(lambda: client.create_community("Again", slug="climate"), ALREADY_EXISTS, "climate")
    fails(lambda: client.get_community("nope"), NOT_FOUND, "nope")
    fails(lambda: client.update_community("nope", "x"), NOT_FOUND, "nope")
    fails(lambda: client.delete_community("nope"), NOT_FOUND, "nope")
    fails(lambda: client.create_community("Bad", slug="bad slug!"), INVALID_ARGUMENT, "bad slug!")
    fails(lambda: client.create_community("Long", slug="a" * 101), INVALID_ARGUMENT)
    fails(lambda: client.list_communities(page_size=-1), INVALID_ARGUMENT, "page_size")
    fails(lambda: client.list_communities(page_token="garbage"), INVALID_ARGUMENT, "page_token")
    # Nothing of the failed calls was kept.
    assert [c["slug"] for c in client.list_communities()["communities"]] == ["climate"]


def test_list_pages(client):
    slugs = [f"c{n:02}" for n in range(7)]
    for slug in slugs:
        client.create_community(slug.upper(), slug=slug)
    seen, token, pages = [], "", 0
    while True:
        page = client.list_communities(page_size=3, page_token=token)
        assert len(page["communities"]) <= 3
        seen += [c["slug"] for c in page["communities"]]
        pages += 1
        token = page["next_page_token"]
        if not token:
            break
    assert sorted(seen) == slugs and len(seen) == len(set(seen)) and pages >= 3
    assert sorted(c["slug"] for c in client.list_communities()["communities"]) == slugs
