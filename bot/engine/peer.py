"""Who is paired with whom for a peer mock interview: the queue's rules, with no storage in sight.

A member waits in the queue for one round at one level, optionally on a framework track and from
a chosen time.  Two waiting members make a pair when they want the same round at the same level,
their tracks do not conflict (``any`` fits every track), neither has blocked the other, and both
slots have begun.  The queue is served in order: members sent back after a partner's no-show come
first (they already waited once), then everyone else by when they joined.  Storage runs
:func:`pick_pairs` inside the transaction that claims the rows, so the rules live here once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.engine.models import Level, RoundKind, Track

CONFIRM_WITHIN = timedelta(minutes=1)  # a paired member who has not confirmed by then is a no-show


@dataclass(frozen=True)
class QueueEntry:
    """One member waiting to be paired; ``front`` marks someone whose last partner never showed."""

    member: str
    round: RoundKind
    level: Level
    track: Track
    joined_at: datetime
    not_before: datetime
    guild: str | None = None
    front: bool = False
    channel: str | None = None  # where the member asked from: the pair's thread opens there

    def order(self) -> tuple[int, datetime, str]:
        """Queue position: the front first, then first come, first served (ties by member id)."""
        return (0 if self.front else 1, self.joined_at, self.member)


@dataclass(frozen=True)
class Pair:
    """Two members who will interview each other; ``first`` is the interviewer of round one."""

    first: QueueEntry
    second: QueueEntry

    @property
    def members(self) -> tuple[str, str]:
        return (self.first.member, self.second.member)

    @property
    def track(self) -> Track:
        """The pair's track: the specific one if either asked for one, else ``any``."""
        return self.first.track if self.first.track != Track.ANY else self.second.track


def blocked_key(a: str, b: str) -> frozenset[str]:
    """A block works both ways: whoever blocked whom, the two are never paired."""
    return frozenset((a, b))


def compatible(a: QueueEntry, b: QueueEntry) -> bool:
    """Same round, same level, same server, and tracks that fit together."""
    if a.member == b.member or a.round != b.round or a.level != b.level or a.guild != b.guild:
        return False
    return a.track == b.track or Track.ANY in (a.track, b.track)


def pick_pairs(waiting: Iterable[QueueEntry], blocked: Iterable[frozenset[str]], now: datetime) -> list[Pair]:
    """Pair the queue greedily in queue order: each member takes the earliest compatible partner.

    Greedy in order is what a waiting member expects (whoever waited longest is served first) and
    it is linear per member in practice, since compatible members sit next to each other.  The
    member who waited longer interviews first, so the newer arrival answers first and has not
    been kept waiting for the question.  Entries whose slot has not begun are left alone.
    """
    forbidden = set(blocked)
    ready = sorted((e for e in waiting if e.not_before <= now), key=QueueEntry.order)
    taken: set[str] = set()
    pairs: list[Pair] = []
    for index, entry in enumerate(ready):
        if entry.member in taken:
            continue
        for other in ready[index + 1:]:
            if other.member in taken or not compatible(entry, other):
                continue
            if blocked_key(entry.member, other.member) in forbidden:
                continue
            taken.update((entry.member, other.member))
            pairs.append(Pair(entry, other))
            break
    return pairs


@dataclass(frozen=True)
class NoShow:
    """What happens to a pair when confirmation time runs out: who is dropped, who goes back."""

    dropped: tuple[str, ...]
    requeued: tuple[str, ...]


def no_show(members: Sequence[str], confirmed: Iterable[str]) -> NoShow | None:
    """``None`` when everyone confirmed; otherwise the silent are dropped and the rest requeued
    at the front of the queue (they did show up, and should not wait from scratch again)."""
    said_yes = set(confirmed)
    silent = tuple(m for m in members if m not in said_yes)
    if not silent:
        return None
    return NoShow(dropped=silent, requeued=tuple(m for m in members if m in said_yes))


def requeued(entry: QueueEntry) -> QueueEntry:
    """The same request, back in the queue ahead of newcomers."""
    return QueueEntry(entry.member, entry.round, entry.level, entry.track, entry.joined_at, entry.not_before,
                      entry.guild, front=True, channel=entry.channel)
