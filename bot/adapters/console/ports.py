"""What the terminal adapter needs from storage, as ports: the storage layer implements them.

A practice session is written by one process at a time.  The adapter claims it, renews the
claim while it runs and gives it back at the end; who holds a session (a :class:`Holder`) is
what it tells the candidate when another terminal has it open.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

STALE_AFTER = timedelta(seconds=20)  # four missed heartbeats: the holder is gone


@dataclass(frozen=True)
class Holder:
    """The process holding a session: its random owner id, where it runs, and its last signs of life."""

    owner: str
    host: str
    pid: int
    since: datetime | None = None
    heartbeat_at: datetime | None = None

    @classmethod
    def this_process(cls) -> Holder:
        return cls(uuid.uuid4().hex, socket.gethostname()[:255], os.getpid())

    def where(self) -> str:
        since = f" since {self.since:%Y-%m-%d %H:%M:%S} UTC" if self.since else ""
        return f"mockloop on {self.host} (pid {self.pid}){since}"

    def alive(self, now: datetime, me: Holder) -> bool:
        """Still renewing, and (on this machine) still running."""
        if self.heartbeat_at is None or now - self.heartbeat_at > STALE_AFTER:
            return False
        if self.host == me.host:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                return False
            except PermissionError:
                return True
        return True


class Leases(Protocol):
    """Session leases held by ``me``, this process."""

    me: Holder

    async def current(self, session_id: str) -> Holder | None:
        """Who holds the session now, if anyone."""
        ...

    async def claim(self, session_id: str, now: datetime, *, take_over: bool = False) -> Holder | None:
        """Hold the session; returns the live other holder instead when there is one and ``take_over`` is false."""
        ...

    async def renew(self, session_id: str, now: datetime) -> Holder | None:
        """Renew the hold; returns the process that took the session over, if one did."""
        ...

    async def release(self, session_id: str) -> None: ...
