"""Peer interviews as adapters use them: each step loads the session, applies a rule, saves it.

A step that loses a race with the partner's (both pressed a button at once, maybe on two bot
processes) is applied again to the fresh state, once; the rules are pure, so replaying one is
safe.  A rated turn is written into the candidate's history like any round they played alone.
"""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from bot.engine.models import Level, RoundKind, Track
from bot.engine.peer import NoShow, Pair, QueueEntry, requeued
from bot.engine.peer_grading import PeerGrader, as_history
from bot.engine.peer_ports import PeerConflict, PeerStore
from bot.engine.peer_round import (
    PeerEvent,
    answer,
    ask,
    close,
    confirm,
    expire,
    follow_up,
    leave,
    new_session,
    pick_questions,
    rate_interviewer,
    tick,
)
from bot.engine.peer_state import PeerError, PeerSession, PeerTurn, Phase
from bot.engine.ports import Clock, QuestionBank, Repository
from bot.engine.state import Changes

TURN_MINUTES = 10  # one question each way: a drill's length, so a whole session fits in half an hour


@dataclass(frozen=True)
class Outcome:
    """A step's result: the session as saved and what to tell the pair."""

    session: PeerSession
    events: list[PeerEvent]


class PeerService:
    def __init__(self, store: PeerStore, bank: QuestionBank, grader: PeerGrader, repository: Repository,
                 clock: Clock, *, minutes: int = TURN_MINUTES) -> None:
        self.store = store
        self.bank = bank
        self.grader = grader
        self.repository = repository
        self.clock = clock
        self.minutes = minutes

    async def join(self, member: str, round_: RoundKind, level: Level, track: Track = Track.ANY,
                   when: datetime | None = None, guild: str | None = None, channel: str | None = None) -> QueueEntry:
        """Queue ``member``, from now or from ``when``; refused if no two questions could be asked."""
        if len(self.bank.eligible(round_, level, track)) < 2:
            raise PeerError("There are not two questions for this round and level; try another level or track.")
        await self.repository.ensure_user(member, member)  # so /privacy export and forget find their rows
        now = self.clock.now()
        entry = QueueEntry(member, round_, level, track, now, max(now, when) if when else now, guild, channel=channel)
        await self.store.join(entry)
        return entry

    async def block(self, member: str, other: str) -> None:
        """``member`` is never paired with ``other`` again (either way round); ``other`` is not told."""
        await self.store.block(member, other, self.clock.now())

    async def pair(self, claimer: str, limit: int = 1000) -> list[PeerSession]:
        """One pairing pass over the queue (any process may run it at any time)."""
        now = self.clock.now()

        def open_session(pair: Pair) -> PeerSession:
            eligible = self.bank.eligible(pair.first.round, pair.first.level, pair.track)
            session_id = uuid.uuid4().hex
            return new_session(session_id, pair, pick_questions(eligible, (set(), set()), session_id),
                               self.minutes, now)

        return await self.store.pair(now, claimer, open_session, limit)

    async def _step(self, pairing_id: str, rule: Callable[[PeerSession], list[PeerEvent] | Awaitable[list[PeerEvent]]],
                    requeue: Callable[[PeerSession], tuple[QueueEntry, ...]] | None = None) -> Outcome:
        """Load, apply ``rule`` (which may await, as grading does), save; replayed once on a fresh
        copy when another process saved first."""
        for attempt in range(2):
            loaded = await self.store.load(pairing_id)
            if loaded is None:
                raise PeerError("That peer interview no longer exists.")
            session, version = loaded
            applied = rule(session)
            events = await applied if inspect.isawaitable(applied) else applied
            try:
                await self.store.save(session, version, requeue(session) if requeue else ())
            except PeerConflict:
                if attempt == 1:
                    raise
                continue
            return Outcome(session, events)
        raise AssertionError("unreachable")

    async def confirm(self, pairing_id: str, member: str) -> Outcome:
        return await self._step(pairing_id, lambda s: confirm(s, member, self.clock.now()))

    async def ask(self, pairing_id: str, member: str) -> Outcome:
        return await self._step(pairing_id, lambda s: ask(s, member, self.clock.now()))

    async def follow_up(self, pairing_id: str, member: str, criterion: str) -> Outcome:
        def rule(session: PeerSession) -> list[PeerEvent]:
            turn = _current(session)
            return follow_up(session, member, self.bank.get(turn.question_id), criterion, self.clock.now())

        return await self._step(pairing_id, rule)

    async def answer(self, pairing_id: str, member: str, text: str) -> Outcome:
        return await self._step(pairing_id, lambda s: answer(s, member, text, self.clock.now()))

    async def close(self, pairing_id: str, member: str) -> Outcome:
        return await self._step(pairing_id, lambda s: close(s, member, self.clock.now()))

    async def tick(self, pairing_id: str) -> Outcome:
        """The question's deadline timer: close it if time is up (harmless if it was closed)."""
        return await self._step(pairing_id, lambda s: tick(s, self.clock.now()))

    async def rate(self, pairing_id: str, member: str, levels: dict[str, int], note: str | None) -> Outcome:
        """The interviewer's grade (the offline grade is taken beside it); the candidate's history
        gets the turn as a round."""
        rated: list[PeerTurn] = []  # the turn graded by the attempt that was saved

        async def rule(session: PeerSession) -> list[PeerEvent]:
            turn = _current(session)
            rated[:] = [turn]
            question, rubric = self.bank.get(turn.question_id), self.bank.rubric(turn.question_id)
            return await self.grader.grade(session, member, question, rubric, levels, note, self.clock.now())

        outcome = await self._step(pairing_id, rule)
        await self.record(outcome.session, rated[0])
        return outcome

    async def record(self, session: PeerSession, turn: PeerTurn) -> None:
        """Put a rated turn into the candidate's history (once: its id is derived from the turn)."""
        user_id = await self.repository.ensure_user(turn.candidate, turn.candidate)
        question, rubric = self.bank.get(turn.question_id), self.bank.rubric(turn.question_id)
        state = as_history(session, turn, user_id, question, rubric)
        if await self.repository.load_session(state.id) is not None:
            return
        await self.repository.create_session(state)
        await self.repository.save(state, Changes(session=True, rounds={0}, questions={(0, 0)}, final={(0, 0)},
                                                  answers=[(0, 0, a) for a in state.rounds[0].questions[0].answers]))

    async def rate_interviewer(self, pairing_id: str, member: str, clarity: int, followups: int, time_keeping: int,
                               note: str | None = None) -> Outcome:
        def rule(session: PeerSession) -> list[PeerEvent]:
            rate_interviewer(session, member, clarity, followups, time_keeping, note, self.clock.now())
            return []

        return await self._step(pairing_id, rule)

    async def leave(self, member: str) -> Outcome | None:
        """Out of the queue, or out of the live session (which ends it for both); ``None`` if neither."""
        if await self.store.leave_queue(member):
            return None
        live = await self.store.live_for(member)
        if live is None:
            raise PeerError("You are not in the peer queue or in a peer interview.")
        return await self._step(live, lambda s: leave(s, member, self.clock.now()))

    async def expire(self, pairing_id: str) -> tuple[Outcome, NoShow | None]:
        """The confirmation timer: drop a no-show and put the partner back at the front."""
        found: list[NoShow | None] = [None]

        def rule(session: PeerSession) -> list[PeerEvent]:
            found[0] = expire(session, self.clock.now())
            return [] if found[0] is None else [PeerEvent("dropped", member=m) for m in found[0].dropped]

        def back(session: PeerSession) -> tuple[QueueEntry, ...]:
            outcome = found[0]
            if outcome is None:
                return ()
            now = self.clock.now()
            return tuple(requeued(QueueEntry(m, session.round, session.level, session.track, session.created_at, now,
                                             session.guild, channel=session.channel)) for m in outcome.requeued)

        outcome = await self._step(pairing_id, rule, back)
        return outcome, found[0]


def _current(session: PeerSession) -> PeerTurn:
    turn = session.current()
    if turn is None:
        raise PeerError("This peer interview is not running.")
    return turn


def open_turn(session: PeerSession) -> PeerTurn | None:
    """The turn whose question is on the clock, if any (for the deadline timer)."""
    turn = session.current()
    return turn if turn is not None and turn.phase == Phase.ASKED else None
