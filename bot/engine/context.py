"""Who the current engine step is for, readable by the layers it calls (e.g. to attribute LLM usage).

A context variable keeps the ports' signatures free of bookkeeping arguments; the engine sets it
for the duration of each step and restores it afterwards.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user_id: str
    session_id: str | None = None
    guild_id: str | None = None


current_actor: ContextVar[Actor | None] = ContextVar("current_actor", default=None)
