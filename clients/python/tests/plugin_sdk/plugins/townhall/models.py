import datetime
import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request

import metagov.plugins.townhall.schemas as Schemas
from metagov.core.errors import PluginAuthError, PluginErrorInternal
from metagov.core.models import AuthType, GovernanceProcess, Plugin, ProcessStatus
from metagov.core.plugin_manager import Parameters, Registry, VotingStandard

logger = logging.getLogger(__name__)

EVENT_MEMBER_JOINED = "member_joined"


@Registry.plugin
class Townhall(Plugin):
    """A community forum, reached over its HTTP API."""

    name = "townhall"
    auth_type = AuthType.API_KEY
    config_schema = Schemas.config
    community_platform_id_key = "forum_id"

    class Meta:
        proxy = True

    def initialize(self):
        self.state.set("installed_at", datetime.datetime.now(datetime.timezone.utc))
        self.state.set("moderators", set(self.config["moderators"]))
        self.state.set("last_seen", 0)

    def forum_request(self, method, route, payload=None):
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(self.config["api_url"] + route, data=data, method=method,
                                         headers={"Authorization": f"Token {self.config['api_key']}",
                                                  "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            if error.code in (401, 403):
                raise PluginAuthError(detail=f"forum refused the API key ({error.code})", code="forum_auth")
            raise PluginErrorInternal(f"forum answered {error.code}: {error.read().decode()}")

    @Registry.action(
        slug="post-message",
        description="Post a message in a topic",
        input_schema=Schemas.post_message,
        output_schema=Schemas.posted,
    )
    def post_message(self, text, topic):
        posted = self.forum_request("POST", "/messages", {"text": text, "topic": topic})
        recent = self.state.get("recent") or ()
        self.state.set("recent", (recent + (posted["id"],))[-3:])
        return {"id": posted["id"], "url": posted["url"]}

    @Registry.action(
        slug="add-moderator",
        description="Make a member a moderator",
        input_schema={"type": "object", "properties": {"username": {"type": "string"}}, "required": ["username"]},
    )
    def add_moderator(self, username):
        moderators = self.state.get("moderators")
        moderators.add(username)
        self.state.set("moderators", moderators)
        return {"moderators": sorted(moderators)}

    @Registry.action(slug="moderator-count", description="How many moderators the forum has", is_public=True)
    def moderator_count(self):
        return len(self.state.get("moderators"))

    @Registry.event_producer_task(interval=60)
    def poll_messages(self):
        since = self.state.get("last_seen")
        messages = self.forum_request("GET", f"/messages?since={since}")
        for message in messages:
            initiator = {"user_id": message["author"], "provider": "townhall"}
            self.send_event_to_driver(event_type="message_posted", data=message, initiator=initiator)
        if messages:
            self.state.set("last_seen", messages[-1]["id"])

    def signature_matches(self, request):
        key = self.config["webhook_secret"].encode()
        expected = "sha256=" + hmac.new(key, request.body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(request.headers.get("X-Townhall-Signature", ""), expected)

    @Registry.webhook_signature_verifier
    def verify_signature(self, request):
        return self.signature_matches(request)

    @Registry.webhook_receiver(event_schemas=[{"type": EVENT_MEMBER_JOINED, "schema": Schemas.member_joined}])
    def receive_forum_event(self, request):
        if not self.signature_matches(request):
            raise PluginErrorInternal("Invalid signature header")
        body = json.loads(request.body)
        if request.headers["X_TOWNHALL_EVENT"] == EVENT_MEMBER_JOINED:
            member = body["member"]
            self.add_linked_account(platform_identifier=member["username"], custom_data={"name": member["name"]},
                                    link_type="oauth", link_quality="confirmed (weak)")
            initiator = {"user_id": member["username"], "provider": "townhall"}
            self.send_event_to_driver(event_type=EVENT_MEMBER_JOINED, data=member, initiator=initiator)
        return {"received": request.data.get("id")}


@Registry.governance_process
class TownhallVote(GovernanceProcess):
    name = "vote"
    plugin_name = "townhall"
    description = "A vote in the forum, closed by a driver, on its closing date, or at its quorum"
    input_schema = VotingStandard.create_input_schema(
        include=["title", "options", "closing_at"],
        extra_properties={"quorum": {"type": "integer", "default": 3}},
        required=["title", "options"],
    )
    outcome_schema = Schemas.vote_outcome

    class Meta:
        proxy = True

    def start(self, parameters: Parameters):
        poll = self.plugin_inst.forum_request("POST", "/polls", {"title": parameters.title,
                                                                 "options": parameters.options})
        self.state.set("poll_id", poll["id"])
        self.state.set("options", tuple(parameters.options))
        self.state.set("voters", set())
        self.state.set("quorum", parameters.quorum)
        if parameters.closing_at:
            self.state.set("closing_at", datetime.date.fromisoformat(parameters.closing_at))
        self.url = poll["url"]
        self.outcome = {"votes": {option: 0 for option in parameters.options}}
        self.status = ProcessStatus.PENDING.value
        self.save()

    def update(self):
        closing_at = self.state.get("closing_at")
        if closing_at is not None and datetime.date.today() >= closing_at:
            self.close()

    def receive_webhook(self, request):
        body = request.json()
        if request.headers.get("X-Townhall-Event") != "vote_cast" or body["poll_id"] != self.state.get("poll_id"):
            return None
        voters = self.state.get("voters")
        if body["voter"] in voters:
            return {"counted": False}
        voters.add(body["voter"])
        self.state.set("voters", voters)
        self.outcome["votes"][body["option"]] += 1
        self.save()
        if len(voters) >= self.state.get("quorum"):
            self.close()
        return {"counted": True}

    def close(self):
        self.plugin_inst.forum_request("POST", f"/polls/{self.state.get('poll_id')}/close")
        votes = self.outcome["votes"]
        most = max(votes.values())
        leaders = [option for option in self.state.get("options") if votes[option] == most]
        self.outcome["winner"] = leaders[0] if len(leaders) == 1 else None
        self.status = ProcessStatus.COMPLETED.value
        self.save()
        logger.info(f"Closed {self}")
