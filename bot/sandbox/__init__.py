"""Running candidate code: in a bubblewrap sandbox, or not at all.

The bot holds secrets (Discord token, LLM key, database URL), so a submission never runs in
the bot's process or with its environment, files, network or uid.  ``harness.py`` runs inside
and reports returned values; ``runner.py`` starts, bounds and kills the sandbox;
``results.py`` compares the values with expected ones outside and decides what the candidate
may see.  Without a working sandbox nothing runs and the result says why.
"""

from bot.engine.models import CodeCheck, FirstFailure
from bot.sandbox.limits import Limits
from bot.sandbox.runner import Probe, SandboxRunner

__all__ = ["CodeCheck", "FirstFailure", "Limits", "Probe", "SandboxRunner"]
