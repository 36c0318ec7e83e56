import os
import tempfile
import time

from metagov.core.models import Plugin
from metagov.core.plugin_manager import Registry


@Registry.plugin
class Slowpoke(Plugin):
    """Takes its time."""

    name = "slowpoke"

    class Meta:
        proxy = True

    @Registry.action(
        slug="nap",
        description="Writes state, then sleeps for `seconds`",
        input_schema={"type": "object", "properties": {"seconds": {"type": "number", "default": 0}}},
    )
    def nap(self, seconds):
        self.state.set("napped", seconds)
        marks = os.environ.get("SLOWPOKE_MARKS")
        if marks:  # tells a test that this nap started, and in which host
            tempfile.NamedTemporaryFile(dir=marks, prefix=f"{os.getpid()}-", delete=False).close()
        time.sleep(seconds)
        return {"napped": seconds}

    @Registry.action(slug="peek", description="What the last nap left in the state")
    def peek(self):
        return {"napped": self.state.get("napped")}
