"""Where a session, a round and a question stand: plain enums, apart from the session's models.

A command that shows a single grade (``mockloop score``) names a question's status, and
importing :mod:`bot.engine.state` for it would build all of the session's pydantic models.
:mod:`bot.engine.state` uses these enums and can still be imported for them.
"""

from __future__ import annotations

from enum import StrEnum


class SessionStatus(StrEnum):
    ACTIVE = "active"
    INTERRUPTED = "interrupted"  # the process stopped or the user pressed Ctrl-C: resumable
    COMPLETED = "completed"
    ENDED_EARLY = "ended_early"


class RoundStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    DONE = "done"


class QuestionStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    ANSWERED = "answered"
    SKIPPED = "skipped"
    TIMED_OUT = "timed_out"
    UNASKED = "unasked"  # the round or session closed before it came up
