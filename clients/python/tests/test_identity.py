"""metagov.v1.Identity: every RPC with Metagov's semantics and the failures."""

import grpc

from helpers import fails

NOT_FOUND, INVALID_ARGUMENT, ALREADY_EXISTS = (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.INVALID_ARGUMENT,
                                               grpc.StatusCode.ALREADY_EXISTS)


def test_identity(client):
    client.create_community("C", slug="c")
    first, second = client.create_id("c", count=2)
    assert first != second and all(0 < i < 2**53 for i in (first, second))
    [third] = client.create_id("c")
    linked = client.link_account("c", first, "discord", "ann#1", custom_data={"avatar": "a.png", "level": 3},
                                 link_type="oauth", link_quality="confirmed_by_user")
    assert linked == {"external_id": first, "community": "c", "platform_type": "discord",
                      "platform_identifier": "ann#1", "community_platform_id": "",
                      "custom_data": {"avatar": "a.png", "level": 3}, "link_type": "oauth",
                      "link_quality": "confirmed_by_user"}
    client.link_account("c", second, "slack", "U1", community_platform_id="T1")
    # An equal or lower quality link of the same account is refused; a higher one replaces it.
    fails(lambda: client.link_account("c", second, "discord", "ann#1", link_quality="unconfirmed"), ALREADY_EXISTS)
    assert client.get_user("c", first) == {"external_id": first, "linked_accounts": [linked]}
    assert [u["external_id"] for u in client.get_users("c", platform_type="slack")] == [second]
    assert [u["external_id"] for u in client.get_users("c", community_platform_id="T1")] == [second]
    assert sorted(u["external_id"] for u in client.get_users("c")) == sorted([first, second, third])
    assert [u["external_id"] for u in client.filter_users_by_account("c", "discord", "ann#1")] == [first]
    assert client.filter_users_by_account("c", "discord", "nobody") == []
    assert client.get_linked_account("c", first, "discord")["platform_identifier"] == "ann#1"
    assert client.get_linked_account("c", second, "slack", community_platform_id="T1")["platform_identifier"] == "U1"
    merged = client.merge_ids("c", first, second)
    assert merged["external_id"] == first
    assert {a["platform_type"] for a in merged["linked_accounts"]} == {"discord", "slack"}
    assert client.get_user("c", second)["external_id"] == first
    client.unlink_account("c", "slack", "U1", community_platform_id="T1")
    assert [a["platform_type"] for a in client.get_user("c", first)["linked_accounts"]] == ["discord"]
    upgraded = client.link_account("c", first, "discord", "ann#1", link_quality="confirmed_by_governance")
    assert upgraded["link_quality"] == "confirmed_by_governance"


def test_failures(client):
    client.create_community("C", slug="c")
    [known] = client.create_id("c")
    fails(lambda: client.create_id("c", count=5000), INVALID_ARGUMENT)
    fails(lambda: client.create_id("c", count=-1), INVALID_ARGUMENT, "count")
    fails(lambda: client.create_id("zz"), NOT_FOUND, "zz")
    fails(lambda: client.link_account("c", known, "discord", "x", link_type="weird"), INVALID_ARGUMENT,
          "account.link_type")
    fails(lambda: client.link_account("c", known, "discord", "x", link_quality="great"), INVALID_ARGUMENT,
          "account.link_quality")
    fails(lambda: client.link_account("c", 12345, "discord", "x"), NOT_FOUND, "12345")
    fails(lambda: client.unlink_account("c", "discord", "nobody"), NOT_FOUND, "nobody")
    fails(lambda: client.get_user("c", 123), NOT_FOUND, "123")
    fails(lambda: client.get_users("zz"), NOT_FOUND, "zz")
    fails(lambda: client.filter_users_by_account("zz"), NOT_FOUND, "zz")
    fails(lambda: client.get_linked_account("c", known, "github"), NOT_FOUND)
    fails(lambda: client.merge_ids("c", known, 777), NOT_FOUND, "777")
