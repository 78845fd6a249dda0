"""What the Discord adapter needs stored or done, as Protocols (storage implements them; tests may fake them).

The session notifier and timers are described here too, so that ``services`` (which buttons and
cogs import) need not import the notifier module, which imports the buttons: no import cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bot.engine.events import Event


@dataclass(frozen=True)
class Room:
    """A session's home on Discord: the private thread, who it belongs to, the messages the bot edits."""

    session_id: str
    thread_id: int
    guild_id: int | None
    discord_user_id: int
    status_message_id: int | None = None
    question_message_id: int | None = None


@dataclass(frozen=True)
class GuildConfig:
    guild_id: int
    group_channel_id: int | None = None
    tokens_per_member: int | None = None
    code_execution: bool = True  # run coding answers in the sandbox (an admin can switch it off)


class Rooms(Protocol):
    async def add(self, room: Room) -> None: ...

    async def by_session(self, session_id: str) -> Room | None: ...

    async def by_thread(self, thread_id: int) -> Room | None: ...

    async def set_messages(self, session_id: str, *, status: int | None = None, question: int | None = None) -> None:
        """Remember the message ids the bot edits later (``None`` leaves a value as it is)."""
        ...

    async def live(self) -> list[Room]:
        """Rooms whose session is still running, for picking them up after a restart."""
        ...

    async def of_user(self, user_id: str) -> list[Room]:
        """Every room of this user's sessions, finished ones included (to close them on a forget)."""
        ...


class GuildSettingsStore(Protocol):
    async def get(self, guild_id: int) -> GuildConfig: ...

    async def update(self, guild_id: int, **values: Any) -> GuildConfig: ...


@dataclass(frozen=True)
class Group:
    id: str
    guild_id: str
    channel_id: str
    message_id: str | None
    round: str
    level: str
    starts_at: datetime
    state: str
    created_by: str
    created_at: datetime


class Groups(Protocol):
    async def add(self, group: Group) -> None: ...

    async def get(self, group_id: str) -> Group | None: ...

    async def set(self, group_id: str, **values: object) -> None: ...

    async def toggle(self, group_id: str, discord_user_id: int, at: datetime) -> tuple[bool, int]: ...

    async def members(self, group_id: str) -> list[int]: ...


class CoachRooms(Protocol):
    async def put(self, thread_id: int, user_id: str, discord_user_id: int, state: dict[str, Any]) -> None: ...

    async def get(self, thread_id: int) -> tuple[str, int, dict[str, Any]] | None: ...

    async def threads_of(self, user_id: str) -> list[int]:
        """The threads of this user's rehearsals (to close them on a forget)."""
        ...


class Outbox(Protocol):
    """Events a session's thread must still show, stored with the step that produced them."""

    async def add(self, session_id: str, event: Event) -> None: ...

    async def pending(self, session_id: str) -> list[tuple[int, Event]]: ...

    async def delivered(self, row_id: int) -> None: ...

    async def prune(self, session_id: str) -> None: ...

    async def sessions_with_pending(self) -> list[str]: ...


class SessionNotifier(Protocol):
    """The engine's notifier on Discord, as the cogs and buttons use it."""

    def register(self, room: Room) -> None:
        """The session's thread exists: its events can be posted there."""
        ...

    async def publish(self, session_id: str, event: Event) -> None: ...

    async def post(self, session_id: str, event: Event) -> None:
        """Show an event no engine step produced (it is stored first, then delivered in order)."""
        ...

    def wake(self, session_id: str) -> None:
        """Deliver whatever this session has pending (after a restart)."""
        ...

    async def pending_sessions(self) -> list[str]:
        """Sessions with something their thread has not shown yet."""
        ...

    async def close(self, grace: float = 5.0) -> None:
        """Post what is queued (waiting at most ``grace`` seconds), then stop."""
        ...


class SessionWatch(Protocol):
    """Each running session's next deadline, kept as a database timer."""

    async def watch(self, session_id: str, guild_id: int | None) -> None: ...

    async def stop(self, session_id: str) -> None: ...
