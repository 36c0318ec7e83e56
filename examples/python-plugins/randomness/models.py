"""Random numbers and a vote decided by chance: the gateway's built-in `randomness` plugin, written the way a
Metagov plugin is written (a `metagov/plugins/randomness/` package), to run out of process."""

import logging
import random
import time

from metagov.core.errors import APIException
from metagov.core.models import GovernanceProcess, Plugin, ProcessStatus
from metagov.core.plugin_manager import Registry

logger = logging.getLogger(__name__)


class InvalidBounds(APIException):
    """The caller's bounds are unusable (HTTP 400: the gateway answers INVALID_ARGUMENT)."""

    status_code = 400


def random_int(low, high):
    if low >= high:
        raise InvalidBounds(f"low ({low}) must be less than high ({high})")
    return random.SystemRandom().randrange(low, high)


@Registry.plugin
class Randomness(Plugin):
    name = "randomness"
    description = "Random numbers and a vote decided by chance (Metagov's example plugin)."
    config_schema = {
        "type": "object",
        "properties": {
            "default_low": {"type": "integer", "description": "Lower bound used when random-int gets none"},
            "default_high": {"type": "integer", "description": "Upper bound (exclusive) used when random-int gets none"},
        },
        "required": ["default_low", "default_high"],
    }

    class Meta:
        proxy = True

    def initialize(self):
        self.state.set("lucky_number", 4)

    @Registry.action(
        slug="set-lucky-number",
        description="Store a lucky number in the plugin's state",
        input_schema={"type": "object", "properties": {"lucky_number": {"type": "integer"}}, "required": ["lucky_number"]},
        output_schema={"type": "object", "properties": {"lucky_number": {"type": "integer"}}, "required": ["lucky_number"]},
    )
    def set_lucky_number(self, lucky_number):
        self.state.set("lucky_number", lucky_number)
        return {"lucky_number": lucky_number}

    @Registry.action(
        slug="random-int",
        description="A random integer in [low, high); the bounds default to the configured ones",
        input_schema={"type": "object", "properties": {"low": {"type": "integer"}, "high": {"type": "integer"}}},
        output_schema={"type": "object", "properties": {"value": {"type": "integer"}}, "required": ["value"]},
        is_public=True,
    )
    def random_int(self, low=None, high=None):
        low = self.config["default_low"] if low is None else low
        high = self.config["default_high"] if high is None else high
        return {"value": random_int(low, high)}

    @Registry.event_producer_task()
    def log_pass(self):
        logger.debug("randomness: periodic task ran")


@Registry.governance_process
class DelayedStochasticVote(GovernanceProcess):
    name = "delayed-stochastic-vote"
    plugin_name = "randomness"
    description = "Picks a random winner among the options once `delay` minutes have passed"
    input_schema = {
        "type": "object",
        "properties": {
            "options": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            "delay": {"type": "integer", "minimum": 0, "description": "Minutes to wait before closing"},
        },
        "required": ["options", "delay"],
    }
    outcome_schema = {"type": "object", "properties": {"winner": {"type": ["string", "null"]}}}

    class Meta:
        proxy = True

    def start(self, parameters):
        self.state.set("options", parameters.options)
        self.state.set("closing_at", time.time() + parameters.delay * 60)
        self.outcome = {"winner": None}
        self.status = ProcessStatus.PENDING.value
        self.save()

    def update(self):
        if time.time() >= self.state.get("closing_at"):
            self.close()

    def close(self):
        options = self.state.get("options")
        self.outcome = {"winner": options[random_int(0, len(options))]}
        self.status = ProcessStatus.COMPLETED.value
        self.save()
