"""Peer interviews in the database: the queue, pairings claimed exactly once, and saved sessions.

Pairing claims queue rows the way timers are claimed (bot.storage.timers): one transaction opens
with a write (expired entries leave the queue), which on SQLite takes the single writer's lock,
then ``SELECT … FOR UPDATE SKIP LOCKED`` picks ready rows no other transaction holds.  The engine's
rules pair them, and the paired rows are deleted as the pairings are inserted, in that same
transaction.  Two processes asking at once on PostgreSQL get disjoint rows; on SQLite they take
turns.  Either way a member is in at most one pairing made from one queue entry.  Each pairing also
gets its confirmation timer in the same transaction, so a crash cannot lose the no-show check.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.engine import Connection, RowMapping
from sqlalchemy.exc import IntegrityError

from bot.engine.models import Level, RoundKind, ScoreResult, Track
from bot.engine.peer import Pair, QueueEntry, blocked_key, pick_pairs
from bot.engine.peer_ports import PeerConflict
from bot.engine.peer_state import (
    HumanRating,
    InterviewerRating,
    PeerAnswer,
    PeerError,
    PeerSession,
    PeerStatus,
    PeerTurn,
    Phase,
)
from bot.storage import tables as t
from bot.storage.db import Database

Q = t.PeerQueueEntry
P = t.PeerPairing
EXPIRES = timedelta(hours=2)  # a slot this far past with no partner: the member is long gone
LIVE = (PeerStatus.CONFIRMING.value, PeerStatus.RUNNING.value)
CONFIRM_TIMER = "peer-confirm"  # the no-show check, a minute after pairing
OPEN_TIMER = "peer-open"  # open the pair's thread: due at once, fired by exactly one process
PAIR_TIMER = "peer-pair"  # a pairing pass when a member's chosen slot begins
DEADLINE_TIMER = "peer-deadline"  # the open question's time is up, kept in step with the session by save()
SESSION_TIMERS = (CONFIRM_TIMER, OPEN_TIMER, DEADLINE_TIMER)


def _entry(row: RowMapping) -> QueueEntry:
    return QueueEntry(row["member"], RoundKind(row["round"]), Level(row["level"]), Track(row["track"]),
                      row["joined_at"], row["not_before"], row["guild_id"], bool(row["front"]), row["channel_id"])


def _entry_row(entry: QueueEntry) -> dict[str, Any]:
    return {"member": entry.member, "guild_id": entry.guild, "round": entry.round.value, "level": entry.level.value,
            "track": entry.track.value, "joined_at": entry.joined_at, "not_before": entry.not_before,
            "front": entry.front, "channel_id": entry.channel}


def _guild_number(guild: str | None) -> int | None:
    """Timers know servers by number (to pick the shard); a pairing outside a server has none."""
    return int(guild) if guild is not None and guild.isdigit() else None


def _timer(kind: str, session: PeerSession, due: datetime) -> dict[str, Any]:
    return {"id": f"{kind}:{session.id}", "kind": kind, "due_at": due, "state": "pending",
            "guild_id": _guild_number(session.guild), "payload": {"pairing": session.id}, "schedule_id": None,
            "session_id": None, "claimed_by": None, "claimed_at": None}


def _sync_deadline(db: Connection, session: PeerSession) -> None:
    """The deadline timer exists exactly while a question is on the clock, written with the step
    that started or closed it, so a crash in between cannot leave a question without its end."""
    timer_id = f"{DEADLINE_TIMER}:{session.id}"
    turn = session.current()
    due = turn.deadline_at if turn is not None and turn.phase == Phase.ASKED else None
    current = db.scalar(select(t.Timer.due_at).where(t.Timer.id == timer_id))
    if due == current:
        return
    db.execute(delete(t.Timer).where(t.Timer.id == timer_id))
    if due is not None:
        db.execute(insert(t.Timer).values(_timer(DEADLINE_TIMER, session, due)))


def _live(db: Connection, member: str) -> str | None:
    query = select(P.id).where(or_(P.first_member == member, P.second_member == member), P.status.in_(LIVE))
    found = db.scalar(query.limit(1))
    return None if found is None else str(found)


def _blocks_among(db: Connection, members: list[str]) -> set[frozenset[str]]:
    if not members:
        return set()
    rows = db.execute(select(t.PeerBlock.blocker, t.PeerBlock.blocked)
                      .where(or_(t.PeerBlock.blocker.in_(members), t.PeerBlock.blocked.in_(members))))
    return {blocked_key(a, b) for a, b in rows}


def _pairing_row(session: PeerSession, version: int) -> dict[str, Any]:
    return {"status": session.status.value, "confirmed": list(session.confirmed), "confirm_by": session.confirm_by,
            "left_by": session.left_by, "ended_at": session.ended_at, "version": version}


def _round_row(pairing_id: str, turn: PeerTurn) -> dict[str, Any]:
    return {"pairing_id": pairing_id, "position": turn.position, "interviewer": turn.interviewer,
            "candidate": turn.candidate, "question_id": turn.question_id, "minutes": turn.minutes,
            "phase": turn.phase.value, "asked_at": turn.asked_at, "deadline_at": turn.deadline_at,
            "ended_at": turn.ended_at, "followups": list(turn.followups),
            "answers": [a.model_dump(mode="json") for a in turn.answers],
            "offline": turn.offline.model_dump(mode="json") if turn.offline else None, "human_score": turn.human_score}


def _rating_rows(session: PeerSession) -> list[dict[str, Any]]:
    rows = [{"pairing_id": session.id, "rater": turn.interviewer, "kind": "answer", "position": turn.position,
             "levels": dict(turn.rating.levels), "note": turn.rating.note, "rated_at": turn.rating.rated_at}
            for turn in session.turns if turn.rating is not None]
    for rater, given in session.interviewer_ratings.items():
        turn = next(x for x in session.turns if x.candidate == rater)
        rows.append({"pairing_id": session.id, "rater": rater, "kind": "interviewer", "position": turn.position,
                     "levels": {"clarity": given.clarity, "followups": given.followups,
                                "time_keeping": given.time_keeping},
                     "note": given.note, "rated_at": given.rated_at})
    return rows


def _write_children(db: Connection, session: PeerSession) -> None:
    db.execute(delete(t.PeerRound).where(t.PeerRound.pairing_id == session.id))
    db.execute(insert(t.PeerRound), [_round_row(session.id, turn) for turn in session.turns])
    db.execute(delete(t.PeerRating).where(t.PeerRating.pairing_id == session.id))
    ratings = _rating_rows(session)
    if ratings:
        db.execute(insert(t.PeerRating), ratings)


def _turn(row: RowMapping, ratings: dict[tuple[str, str], RowMapping]) -> PeerTurn:
    given = ratings.get((row["interviewer"], "answer"))
    rating = None if given is None else HumanRating(levels=dict(given["levels"]), note=given["note"],
                                                    rated_at=given["rated_at"])
    return PeerTurn(position=row["position"], interviewer=row["interviewer"], candidate=row["candidate"],
                    question_id=row["question_id"], minutes=row["minutes"], phase=Phase(row["phase"]),
                    asked_at=row["asked_at"], deadline_at=row["deadline_at"], ended_at=row["ended_at"],
                    followups=list(row["followups"]), answers=[PeerAnswer.model_validate(a) for a in row["answers"]],
                    rating=rating, offline=ScoreResult.model_validate(row["offline"]) if row["offline"] else None,
                    human_score=row["human_score"])


def load_session(db: Connection, pairing_id: str) -> tuple[PeerSession, int] | None:
    """A stored session rebuilt from its rows, with its version."""
    row = db.execute(select(P.__table__).where(P.id == pairing_id)).mappings().first()
    if row is None:
        return None
    rounds = db.execute(select(t.PeerRound.__table__).where(t.PeerRound.pairing_id == pairing_id)
                        .order_by(t.PeerRound.position)).mappings().all()
    ratings = {(r["rater"], r["kind"]): r for r in db.execute(
        select(t.PeerRating.__table__).where(t.PeerRating.pairing_id == pairing_id)).mappings()}
    reviews = {rater: InterviewerRating(**r["levels"], note=r["note"], rated_at=r["rated_at"])
               for (rater, kind), r in ratings.items() if kind == "interviewer"}
    session = PeerSession(id=row["id"], guild=row["guild_id"], channel=row["channel_id"],
                          members=(row["first_member"], row["second_member"]),
                          round=RoundKind(row["round"]), level=Level(row["level"]), track=Track(row["track"]),
                          created_at=row["created_at"], confirm_by=row["confirm_by"], confirmed=list(row["confirmed"]),
                          status=PeerStatus(row["status"]), left_by=row["left_by"], ended_at=row["ended_at"],
                          turns=[_turn(r, ratings) for r in rounds], interviewer_ratings=reviews)
    return session, int(row["version"])


class SqlPeers:
    """The :class:`~bot.engine.peer_ports.PeerStore` on SQLite or PostgreSQL."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def join(self, entry: QueueEntry) -> None:
        def work(db: Connection) -> None:
            if _live(db, entry.member) is not None:
                raise PeerError("You are already in a peer interview; finish it or /peer leave first.")
            if db.scalar(select(Q.member).where(Q.member == entry.member)) is not None:
                raise PeerError("You are already in the queue; /peer leave to change your request.")
            db.execute(insert(Q).values(_entry_row(entry)))
            if entry.not_before > entry.joined_at:  # a later slot: a pairing pass when it begins
                db.execute(delete(t.Timer).where(t.Timer.id == f"{PAIR_TIMER}:{entry.member}"))
                db.execute(insert(t.Timer).values(id=f"{PAIR_TIMER}:{entry.member}", kind=PAIR_TIMER,
                                                  due_at=entry.not_before, state="pending",
                                                  guild_id=_guild_number(entry.guild), payload={}))

        try:
            await self.database.run(work)
        except IntegrityError as exc:  # the same member joining twice at the same instant
            raise PeerError("You are already in the queue; /peer leave to change your request.") from exc

    async def leave_queue(self, member: str) -> bool:
        def work(db: Connection) -> bool:
            db.execute(delete(t.Timer).where(t.Timer.id == f"{PAIR_TIMER}:{member}"))
            return bool(db.execute(delete(Q).where(Q.member == member)).rowcount)

        return await self.database.run(work)

    async def queued(self, member: str) -> QueueEntry | None:
        row = await self.database.run(lambda db: db.execute(select(Q.__table__).where(Q.member == member))
                                      .mappings().first())
        return None if row is None else _entry(row)

    async def waiting(self) -> int:
        return len(await self.database.run(lambda db: db.execute(select(Q.member)).all()))

    async def block(self, member: str, other: str, now: datetime) -> None:
        if member == other:
            raise PeerError("You cannot block yourself.")

        def work(db: Connection) -> None:
            found = db.scalar(select(t.PeerBlock.blocker).where(t.PeerBlock.blocker == member,
                                                                t.PeerBlock.blocked == other))
            if found is None:
                db.execute(insert(t.PeerBlock).values(blocker=member, blocked=other, created_at=now))

        with contextlib.suppress(IntegrityError):  # blocked twice at once: one row is all a block needs
            await self.database.run(work)

    async def pair(self, now: datetime, claimer: str, open_session: Callable[[Pair], PeerSession],
                   limit: int = 1000) -> list[PeerSession]:
        def work(db: Connection) -> list[PeerSession]:
            db.execute(delete(Q).where(Q.not_before < now - EXPIRES))  # the write that serialises SQLite
            picked = (select(Q.__table__).where(Q.not_before <= now).order_by(Q.front.desc(), Q.joined_at)
                      .limit(limit).with_for_update(skip_locked=True))
            entries = [_entry(r) for r in db.execute(picked).mappings().all()]
            pairs = pick_pairs(entries, _blocks_among(db, [e.member for e in entries]), now)
            members = [m for pair in pairs for m in pair.members]
            if not members:
                return []
            taken = db.execute(delete(Q).where(Q.member.in_(members))).rowcount
            if taken != len(members):  # cannot happen while the rows are locked; refuse rather than pair twice
                raise RuntimeError("a queue row vanished during its claim")
            sessions = [open_session(pair) for pair in pairs]
            db.execute(insert(P), [{"id": s.id, "guild_id": s.guild, "channel_id": s.channel, "first_member": s.members[0],
                                    "second_member": s.members[1], "round": s.round.value, "level": s.level.value,
                                    "track": s.track.value, "paired_by": claimer[:32], "created_at": now,
                                    "thread_id": None, **_pairing_row(s, 1)} for s in sessions])
            db.execute(insert(t.PeerRound), [_round_row(s.id, turn) for s in sessions for turn in s.turns])
            db.execute(insert(t.Timer), [_timer(kind, s, due) for s in sessions
                                         for kind, due in ((OPEN_TIMER, now), (CONFIRM_TIMER, s.confirm_by))])
            return sessions

        return await self.database.run(work)

    async def load(self, pairing_id: str) -> tuple[PeerSession, int] | None:
        return await self.database.run(lambda db: load_session(db, pairing_id))

    async def live_for(self, member: str) -> str | None:
        return await self.database.run(lambda db: _live(db, member))

    async def save(self, session: PeerSession, version: int, requeue: tuple[QueueEntry, ...] = ()) -> int:
        rows = [_entry_row(e) for e in requeue]

        def work(db: Connection) -> int:
            moved = db.execute(update(P).where(P.id == session.id, P.version == version)
                               .values(_pairing_row(session, version + 1))).rowcount
            if moved != 1:
                raise PeerConflict("Your partner's action landed first; please try that again.")
            _write_children(db, session)
            _sync_deadline(db, session)
            for row in rows:
                db.execute(delete(Q).where(Q.member == row["member"]))
                db.execute(insert(Q).values(row))
            return version + 1

        return await self.database.run(work)

    async def set_thread(self, pairing_id: str, thread_id: str) -> None:
        await self.database.run(lambda db: db.execute(update(P).where(P.id == pairing_id).values(thread_id=thread_id)))

    async def thread_of(self, pairing_id: str) -> str | None:
        return await self.database.run(lambda db: db.scalar(select(P.thread_id).where(P.id == pairing_id)))

    async def by_thread(self, thread_id: str) -> str | None:
        return await self.database.run(lambda db: db.scalar(select(P.id).where(P.thread_id == thread_id)))


def _plain(row: RowMapping) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in row.items()}


def export_peer(db: Connection, member: str) -> dict[str, Any]:
    """A member's peer data: their queue entry, the blocks they made, and each peer interview they
    were in (both turns: they asked one question and answered the other), with its ratings.
    Blocks others made against them are those members' data and stay out."""
    pairings = db.execute(select(P.__table__).where(or_(P.first_member == member, P.second_member == member))
                          .order_by(P.created_at)).mappings().all()
    ids = [p["id"] for p in pairings]
    rounds = db.execute(select(t.PeerRound.__table__).where(t.PeerRound.pairing_id.in_(ids))
                        .order_by(t.PeerRound.pairing_id, t.PeerRound.position)).mappings().all() if ids else []
    ratings = db.execute(select(t.PeerRating.__table__).where(t.PeerRating.pairing_id.in_(ids))).mappings().all() \
        if ids else []
    queued = db.execute(select(Q.__table__).where(Q.member == member)).mappings().first()
    blocks = db.execute(select(t.PeerBlock.__table__).where(t.PeerBlock.blocker == member)).mappings().all()
    return {
        "queue": _plain(queued) if queued else None,
        "blocks": [_plain(b) for b in blocks],
        "interviews": [{**_plain(p), "rounds": [_plain(r) for r in rounds if r["pairing_id"] == p["id"]],
                        "ratings": [_plain(r) for r in ratings if r["pairing_id"] == p["id"]]} for p in pairings],
    }


def forget_peer(db: Connection, member: str) -> None:
    """Every peer row naming the member goes: queue, blocks either way, and the interviews they
    were in (the partner keeps their own copy of their turn, in their history)."""
    db.execute(delete(Q).where(Q.member == member))
    db.execute(delete(t.Timer).where(t.Timer.id == f"{PAIR_TIMER}:{member}"))
    db.execute(delete(t.PeerBlock).where(or_(t.PeerBlock.blocker == member, t.PeerBlock.blocked == member)))
    ids = list(db.scalars(select(P.id).where(or_(P.first_member == member, P.second_member == member))))
    if ids:
        db.execute(delete(t.Timer).where(t.Timer.id.in_([f"{kind}:{i}" for i in ids for kind in SESSION_TIMERS])))
        db.execute(delete(t.PeerRating).where(t.PeerRating.pairing_id.in_(ids)))
        db.execute(delete(t.PeerRound).where(t.PeerRound.pairing_id.in_(ids)))
        db.execute(delete(P).where(P.id.in_(ids)))
