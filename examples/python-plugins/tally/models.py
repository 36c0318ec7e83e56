import hashlib
import hmac
from datetime import datetime, timedelta, timezone

from metagov.core.models import GovernanceProcess, Plugin, ProcessStatus
from metagov.core.plugin_manager import Registry


@Registry.plugin
class Tally(Plugin):
    """Counters, and approval votes cast through signed webhooks."""
    name = "tally"
    config_schema = {"type": "object", "properties": {"secret": {"type": "string"}}, "required": ["secret"]}

    @Registry.action(slug="bump", description="Add one to a counter",
                     input_schema={"type": "object", "properties": {"counter": {"type": "string"}}})
    def bump(self, counter="default"):
        counts = self.state.get("counts") or {}
        counts[counter] = counts.get(counter, 0) + 1
        self.state.set("counts", counts)
        self.send_event_to_driver("bumped", {"counter": counter, "value": counts[counter]}, {"provider": "tally"})
        return {"value": counts[counter]}

    @Registry.webhook_signature_verifier
    def verify(self, request):  # runs before anything else reads a webhook; False rejects it (HTTP 401)
        digest = hmac.new(self.config["secret"].encode(), request.body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(request.headers.get("X-Signature", ""), f"sha256={digest}")


@Registry.governance_process
class Approval(GovernanceProcess):
    name = "approval"
    plugin_name = "tally"
    input_schema = {"type": "object", "properties": {"needed": {"type": "integer", "default": 2},
                                                     "minutes": {"type": "integer", "default": 60}}}

    def start(self, parameters):
        self.state.set("closes_at", datetime.now(timezone.utc) + timedelta(minutes=parameters.minutes))
        self.state.set("approvers", set())  # state keeps datetimes, sets, tuples as they are
        self.outcome = {"approvals": 0, "needed": parameters.needed}
        self.status = ProcessStatus.PENDING.value
        self.save()

    def receive_webhook(self, request):  # the instance's webhooks, while pending: {"approver": "ann"}
        approvers = self.state.get("approvers") | {request.json()["approver"]}
        self.state.set("approvers", approvers)
        self.outcome["approvals"] = len(approvers)
        self.save()
        if len(approvers) >= self.outcome["needed"]:
            self.close()

    def update(self):  # every scheduler pass, while pending
        if datetime.now(timezone.utc) >= self.state.get("closes_at"):
            self.close()

    def close(self):
        self.outcome["approved"] = self.outcome["approvals"] >= self.outcome["needed"]
        self.status = ProcessStatus.COMPLETED.value
        self.save()
