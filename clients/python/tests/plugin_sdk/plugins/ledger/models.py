import datetime
import decimal

import jsonschema

from metagov.core.errors import PluginAuthError, PluginErrorInternal
from metagov.core.models import Plugin
from metagov.core.plugin_manager import Registry

from .schemas import config, entry

EVENT_ENTRY_RECORDED = "entry_recorded"


class BookClosedError(PluginAuthError):
    default_code = "ledger_book_closed"
    default_detail = "This book is closed to new entries."


@Registry.plugin
class Ledger(Plugin):
    name = "ledger"
    config_schema = config
    accepts_undeclared_event_types = False

    class Meta:
        proxy = True

    def initialize(self):
        # As Metagov's Loomio plugin does: the platform id is only known once initialized.
        self.community_platform_id = f"book-{self.config['book']}"
        self.save()

    @Registry.action(slug="record", description="Record an entry", input_schema=entry)
    def record(self, amount, due_in_days, memo=None):
        entries = self.state.get("entries") or []
        due = datetime.datetime(2026, 1, 1, 12, 0) + datetime.timedelta(days=due_in_days)
        entries.append((decimal.Decimal(amount), due, memo))
        self.state.set("entries", entries)
        self.state.set("total", sum(amount for amount, _, _ in entries))
        self.send_event_to_driver(EVENT_ENTRY_RECORDED, {"amount": amount, "currency": self.config["currency"]}, None)
        return {"count": len(entries), "total": str(self.state.get("total"))}

    @Registry.action(slug="forget", description="Forget every entry")
    def forget(self):
        return {"had_entries": self.state.remove("entries"), "had_total": self.state.remove("total")}

    @Registry.action(slug="fail", description="Fails the way it is asked to",
                     input_schema={"type": "object", "properties": {"how": {"type": "string"}}, "required": ["how"]})
    def fail(self, how):
        self.state.set("last_failure", how)  # never kept: a failed hook has no effects
        if how == "internal":
            raise PluginErrorInternal("the ledger server is down")
        if how == "auth":
            raise BookClosedError
        if how == "validation":
            jsonschema.validate({"amount": 12}, entry)
        if how == "bad-result":
            return {"when": datetime.date(2026, 1, 1)}
        if how == "bad-state":
            self.state.set("lock", object())
        return {}["missing"]

    @Registry.event_producer_task(event_schemas=[{"type": EVENT_ENTRY_RECORDED}])
    def audit(self):
        self.state.set("audited_at", datetime.datetime(2026, 1, 2, 3, 4, 5))
