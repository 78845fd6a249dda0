"""What peer interviews need from storage, as a Protocol (the SQL one is bot.storage.peers)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from bot.engine.peer import Pair, QueueEntry
from bot.engine.peer_state import PeerError, PeerSession


class PeerConflict(PeerError):
    """Someone else saved this session first; reload and try the step again."""


class PeerStore(Protocol):
    async def join(self, entry: QueueEntry) -> None:
        """Queue a member; :class:`PeerError` if they already wait or are in a live session."""
        ...

    async def leave_queue(self, member: str) -> bool:
        """Take a member out of the queue; whether they were in it."""
        ...

    async def queued(self, member: str) -> QueueEntry | None: ...

    async def block(self, member: str, other: str, now: datetime) -> None: ...

    async def pair(self, now: datetime, claimer: str, open_session: Callable[[Pair], PeerSession],
                   limit: int) -> list[PeerSession]:
        """Claim up to ``limit`` ready queue rows no other process holds, pair them by the engine's
        rules and store the sessions ``open_session`` makes, all in one transaction."""
        ...

    async def load(self, pairing_id: str) -> tuple[PeerSession, int] | None:
        """The session and its version (for :meth:`save`)."""
        ...

    async def live_for(self, member: str) -> str | None:
        """The id of the member's confirming or running session, if any."""
        ...

    async def save(self, session: PeerSession, version: int, requeue: tuple[QueueEntry, ...] = ()) -> int:
        """Write the session if nobody saved it since ``version`` (else :class:`PeerConflict`),
        and put ``requeue`` back in the queue in the same transaction; returns the new version."""
        ...

    async def set_thread(self, pairing_id: str, thread_id: str) -> None: ...

    async def thread_of(self, pairing_id: str) -> str | None:
        """The chat thread the pair talks in, once it is open."""
        ...

    async def by_thread(self, thread_id: str) -> str | None:
        """The pairing whose thread this is, if any."""
        ...
