"""The session state machine: start, answer, follow-up, hint, skip, timeout, end, resume.

Each public method is one step: it takes the session's lock, changes the state, commits it
through the Repository and only then publishes events, so what a user sees has always been
saved first.  Adapters call these methods; timers call :meth:`InterviewEngine.tick`.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import TypeVar

from bot.engine import events as ev
from bot.engine.context import Actor, current_actor
from bot.engine.errors import EngineError, SessionFinished, SessionNotFound
from bot.engine.flow import RoundFlow, Step
from bot.engine.limits import MAX_ANSWER_CHARS, MAX_FOLLOWUPS, MIN_FOLLOWUP_SECONDS, clean_text
from bot.engine.pause import paused
from bot.engine.planning import SessionRequest, opening_notices, plan
from bot.engine.ports import AnswerText, Clock, Interviewer, Notifier, QuestionBank, Repository, Scorer
from bot.engine.signals import mean_score
from bot.engine.state import (
    AnswerRecord,
    AskedQuestion,
    Changes,
    FollowUpAsked,
    QuestionStatus,
    RoundState,
    RoundStatus,
    SessionState,
    SessionStatus,
)
from bot.engine.timing import next_wakeup, warnings_due

T = TypeVar("T")


class InterviewEngine:
    """Runs mock interview sessions; transport-agnostic and safe to share across sessions."""

    def __init__(
        self,
        bank: QuestionBank,
        scorer: Scorer,
        interviewer: Interviewer,
        repository: Repository,
        notifier: Notifier,
        clock: Clock,
        *,
        outbox: bool = False,
    ) -> None:
        """With ``outbox`` every step's events are saved in the step's own transaction and the
        notifier delivers them from storage; ``publish`` then only says that there is something new."""
        self.bank = bank
        self.scorer = scorer
        self.interviewer = interviewer
        self.repo = repository
        self.notifier = notifier
        self.clock = clock
        self.outbox = outbox
        self.flow = RoundFlow(bank, clock)
        self._states: dict[str, SessionState] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    # ------------------------------------------------------------------ lifecycle

    async def start(self, request: SessionRequest) -> SessionState:
        """Plan the rounds, pick their questions, save the session and ask the first question."""
        seed = request.seed if request.seed is not None else random.SystemRandom().randrange(1, 2**31)
        found = await plan(self.bank, self.repo, self.clock, request, seed)
        now = self.clock.now()
        state = SessionState(
            id=uuid.uuid4().hex,
            user_id=request.user_id,
            mode="loop" if len(request.rounds) > 1 else "round",
            level=request.level,
            guild_id=request.guild_id,
            track=request.track,
            seed=seed,
            created_at=now,
            last_active_at=now,
            rounds=found.rounds,
        )
        await self.repo.create_session(state)
        self._states[state.id] = state
        async with self._step(state.id) as step:
            step.changes.session = True
            for notice in opening_notices(self.bank, request, found):
                step.emit(notice)
            self.flow.start_round(step, state.rounds[0])
        return state

    def forget(self, session_id: str) -> None:
        """Drop what is cached of a session whose rows were deleted (a privacy request)."""
        self._states.pop(session_id, None)
        self._locks.pop(session_id, None)

    async def state(self, session_id: str) -> SessionState:
        """The current state of a session (loaded from the repository when not cached)."""
        return await self._load(session_id)

    async def interrupt(self, session_id: str, draft: str | None = None) -> None:
        """Mark the session resumable, keeping any unfinished answer text as a draft."""
        async with self._step(session_id) as step:
            if step.state.finished:
                step.save = False
                return
            step.state.status = SessionStatus.INTERRUPTED
            step.changes.session = True
            self._touch_current(step, draft=clean_text(draft) if draft and draft.strip() else None)
        self._states.pop(session_id, None)

    async def resume(self, session_id: str, *, pause_clock: bool) -> SessionState:
        """Continue an interrupted session.

        With ``pause_clock`` (the terminal) the time away does not count: deadlines move by
        the time since the last checkpoint.  Without it (a bot that went down) deadlines stay,
        and the next :meth:`tick` closes what expired meanwhile.
        """
        self._states.pop(session_id, None)
        async with self._step(session_id) as step:
            state = step.state
            if state.finished:
                raise SessionFinished("That session has already finished; start a new one.")
            round_ = state.current_round()
            if round_ is None:
                raise EngineError("That session has no round in progress.")
            away = self.clock.now() - state.last_active_at
            if pause_clock and away.total_seconds() > 0:
                for moment in ("started_at", "deadline_at"):
                    value = getattr(round_, moment)
                    setattr(round_, moment, value + away if value else value)
                current = round_.current()
                if current is not None and current.deadline_at and current.asked_at:
                    current.deadline_at += away
                    current.asked_at += away
            state.status = SessionStatus.ACTIVE
            step.changes.session = True
            step.changes.touch(round_.position)
            current = round_.current()
            if current is not None:
                step.changes.touch(round_.position, current.position)
                self.flow.repeat_prompt(step, round_, current)
        return step.state

    async def checkpoint(self, session_id: str, draft: str | None = None, question: tuple[int, int] | None = None) -> None:
        """Record that the candidate is still here, so a crash pauses the clock at this moment; a
        ``draft`` (text typed for ``question``, not sent yet) is kept too if that question is still the
        current one, so even a killed process gives it back on resume."""
        async with self._step(session_id) as step:
            step.save = step.changes.session = not step.state.finished
            round_ = step.state.current_round()
            current = round_.current() if round_ else None
            same = round_ is not None and current is not None and question == (round_.position, current.position)
            if step.save and same and draft and draft.strip() and current is not None and current.draft != clean_text(draft):
                self._touch_current(step, draft=clean_text(draft))

    # ------------------------------------------------------------------ candidate actions

    async def answer(self, session_id: str, text: str, *, question: tuple[int, int] | None = None) -> None:
        """Record an answer to the current question (or, late, to the question named)."""
        text = clean_text(text)
        async with self._step(session_id) as step:
            state = step.state
            if state.finished:
                raise SessionFinished("This session has ended; start a new one to keep practising.")
            if len(text) > MAX_ANSWER_CHARS:
                step.save = False
                step.emit(ev.AnswerRejected(
                    f"That answer is {len(text):,} characters; the limit is {MAX_ANSWER_CHARS:,}. "
                    "Nothing was saved: shorten it and send it again."
                ))
                return
            round_ = state.current_round()
            current = round_.current() if round_ else None
            target = current
            if question is not None and (current is None or (round_ and (round_.position, current.position) != question)):
                target = state.locate(*question)
            if target is None or round_ is None:
                raise EngineError("There is no question waiting for an answer.")
            if not text.strip():
                step.save = False
                step.emit(ev.SkipConfirmationNeeded(round_.position, target.position))
                return
            if target is not current:
                await self._late_answer(step, question or (0, 0), text)
                return
            record = AnswerRecord(
                seq=len(target.answers),
                kind="followup" if target.awaiting_followup else "main",
                prompt=target.followups[-1].text if target.awaiting_followup else None,
                text=text,
                submitted_at=self.clock.now(),
            )
            target.answers.append(record)
            step.changes.answers.append((round_.position, target.position, record))
            # Code is run in a sandbox, which takes a moment: like a slow scorer, commit the answer first.
            instant = self.scorer.instant and self.bank.get(target.question_id).answer_format != "code"
            if instant:
                await self._after_answer(step, round_, target)
        if not instant:
            # The answer is committed; now grade it and decide what comes next.
            async with self._step(session_id) as step:
                round_ = step.state.current_round()
                current = round_.current() if round_ else None
                if round_ is None or current is None or current.answers[-1].seq != record.seq:
                    step.save = False  # a timer closed the question meanwhile; the answer is kept
                    return
                await self._after_answer(step, round_, current)

    async def _after_answer(self, step: Step, round_: RoundState, current: AskedQuestion) -> None:
        """Grade the question so far, then ask a follow-up or move on."""
        await self._grade(step, round_.position, current)
        step.emit(ev.AnswerRecorded(round_.position, current.position, late=False))
        if current.result is not None and current.result.tests is not None:
            step.emit(ev.CodeChecked(round_.position, current.position, current.result.tests))
        follow = await self._maybe_follow_up(step, round_, current)
        if follow is not None:
            current.followups.append(follow)
            step.emit(ev.FollowUpAsked(round_.position, current.position, follow.text, follow.criterion))
        elif self.bank.get(current.question_id).answer_format == "code":
            # Code is worked on, as in a real live-coding round: the question stays open for new
            # versions until the candidate moves on or its time runs out; the latest version counts.
            step.emit(ev.Notice("Send an improved version while the clock runs (the latest one counts), or press "
                                "Skip (/skip) to move on with this grade."))
        else:
            self.flow.close_question(step, round_, current, QuestionStatus.ANSWERED, "answered")

    async def skip(self, session_id: str) -> None:
        """Move on from the current question; unanswered it scores 0, answered it keeps its grade."""
        async with self._step(session_id) as step:
            round_, current = self._require_current(step)
            if current.answers:
                self.flow.close_question(step, round_, current, QuestionStatus.ANSWERED, "skipped")
            else:
                current.result = self.flow.blank(current, "skipped")
                self.flow.close_question(step, round_, current, QuestionStatus.SKIPPED, "skipped")

    async def hint(self, session_id: str) -> None:
        """Reveal one key point of the current question; that criterion's ceiling drops."""
        async with self._step(session_id) as step:
            round_, current = self._require_current(step)
            question = self.bank.get(current.question_id)
            said = AnswerText([a.text for a in current.answers])
            hint = await self._waiting(step, self.interviewer.hint(
                question, self.bank.rubric(question.id), said, current.result, current.hints, level=step.state.level))
            if hint is None:
                step.save = False
                step.emit(ev.NoHintLeft(round_.position, current.position))
                return
            current.hints.append(hint.criterion)
            step.changes.touch(round_.position, current.position)
            name = self.bank.rubric(question.id).criterion(hint.criterion).name
            step.emit(ev.HintGiven(round_.position, current.position, hint.text, name))

    async def end(self, session_id: str) -> None:
        """End the session now; the question on screen counts as skipped unless answered."""
        async with self._step(session_id) as step:
            state = step.state
            if state.finished:
                step.save = False
                return
            round_ = state.current_round()
            if round_ is not None:
                self.flow.close_round(step, round_, "ended", advance=False)
            self.flow.finish(step, SessionStatus.ENDED_EARLY, "ended")

    async def tick(self, session_id: str) -> None:
        """Apply whatever the clock says is due: warnings, question and round timeouts."""
        async with self._step(session_id) as step:
            state = step.state
            round_ = state.current_round()
            step.save = False
            if state.finished or state.status != SessionStatus.ACTIVE or round_ is None:
                return
            now = self.clock.now()
            for name in warnings_due(round_, now):
                step.save = True
                round_.warnings_sent.append(name)
                step.changes.touch(round_.position)
                assert round_.deadline_at is not None
                left = int((round_.deadline_at - now).total_seconds())
                step.emit(ev.TimeWarning(round_.position, name, left))
            assert round_.deadline_at is not None
            current = round_.current()
            if now >= round_.deadline_at:
                step.save = True
                self.flow.close_round(step, round_, "timed_out", advance=True)
            elif current is not None and current.deadline_at is not None and now >= current.deadline_at:
                step.save = True
                status = QuestionStatus.ANSWERED if current.answers else QuestionStatus.TIMED_OUT
                if not current.answers:
                    current.result = self.flow.blank(current, "time ran out before an answer")
                self.flow.close_question(step, round_, current, status, "timed_out")

    async def next_wakeup(self, session_id: str) -> datetime | None:
        """When :meth:`tick` should next run for this session, or ``None`` if nothing is pending."""
        state = await self._load(session_id)
        round_ = state.current_round()
        if state.finished or state.status != SessionStatus.ACTIVE or round_ is None:
            return None
        return next_wakeup(round_)

    # ------------------------------------------------------------------ internals

    @asynccontextmanager
    async def _step(self, session_id: str) -> AsyncIterator[Step]:
        lock = self._locks.setdefault(session_id, asyncio.Lock())
        async with lock:
            step = Step(await self._load(session_id))
            token = current_actor.set(Actor(step.state.user_id, session_id, step.state.guild_id))
            try:
                yield step
            except BaseException:
                # The step may have changed the cached state part-way; the next step reloads
                # what was actually committed instead.
                self._states.pop(session_id, None)
                raise
            finally:
                current_actor.reset(token)
            if self.outbox and step.events:
                if not step.save:  # nothing else changed (a refusal, a notice): store only what to show
                    step.save, step.changes = True, Changes()
                step.changes.events = list(step.events)
            if step.save:
                if step.changes.session:
                    step.state.last_active_at = self.clock.now()
                await self.repo.save(step.state, step.changes)
            if step.state.finished:
                # A finished session is read from storage if ever needed again; caching it would
                # grow memory (and garbage-collection pauses) for the life of the process.
                self._states.pop(session_id, None)
                self._locks.pop(session_id, None)
        for event in step.events:
            await self.notifier.publish(session_id, event)

    async def _load(self, session_id: str) -> SessionState:
        state = self._states.get(session_id)
        if state is None:
            state = await self.repo.load_session(session_id)
            if state is None:
                raise SessionNotFound(f"No session with id {session_id!r}.")
            self._states[session_id] = state
        return state

    def _require_current(self, step: Step) -> tuple[RoundState, AskedQuestion]:
        if step.state.finished:
            raise SessionFinished("This session has ended.")
        round_ = step.state.current_round()
        current = round_.current() if round_ else None
        if round_ is None or current is None:
            raise EngineError("There is no question in progress.")
        return round_, current

    def _touch_current(self, step: Step, draft: str | None) -> None:
        round_ = step.state.current_round()
        current = round_.current() if round_ else None
        if round_ is not None and current is not None:
            current.draft = draft
            step.changes.touch(round_.position, current.position)

    async def _grade(self, step: Step, round_pos: int, asked: AskedQuestion) -> None:
        question = self.bank.get(asked.question_id)
        parts = AnswerText([a.text for a in asked.answers])
        asked.result = await self._waiting(step, self.scorer.score(question, self.bank.rubric(question.id), parts,
                                                                    frozenset(asked.hints)))
        asked.draft = None
        step.changes.touch(round_pos, asked.position)

    async def _waiting(self, step: Step, work: Awaitable[T]) -> T:
        """Slow collaborators (a model) are waited on with the clock stopped; instant ones need no pause."""
        return await (work if self.scorer.instant else paused(step, self.clock, work))

    async def _maybe_follow_up(self, step: Step, round_: RoundState, asked: AskedQuestion) -> FollowUpAsked | None:
        if len(asked.followups) >= MAX_FOLLOWUPS or asked.result is None or asked.deadline_at is None:
            return None
        if (asked.deadline_at - self.clock.now()).total_seconds() < MIN_FOLLOWUP_SECONDS:
            return None
        question = self.bank.get(asked.question_id)
        parts = AnswerText([a.text for a in asked.answers])
        return await self._waiting(step, self.interviewer.follow_up(
            question, self.bank.rubric(question.id), parts, asked.result, asked.followups, level=step.state.level))

    async def _late_answer(self, step: Step, ref: tuple[int, int], text: str) -> None:
        """An answer that arrived after its question closed: kept, graded, and marked late."""
        round_pos, question_pos = ref
        asked = step.state.locate(round_pos, question_pos)
        if asked.status in (QuestionStatus.PENDING, QuestionStatus.UNASKED):
            step.save = False
            step.emit(ev.AnswerRejected("That question was never asked, so there is nothing to answer."))
            return
        record = AnswerRecord(seq=len(asked.answers), kind="main", text=text, submitted_at=self.clock.now(), late=True)
        asked.answers.append(record)
        step.changes.answers.append((round_pos, question_pos, record))
        await self._grade(step, round_pos, asked)
        step.changes.final.add((round_pos, question_pos))
        step.changes.regraded.add((round_pos, question_pos))
        if asked.status in (QuestionStatus.TIMED_OUT, QuestionStatus.SKIPPED):
            asked.status = QuestionStatus.ANSWERED
        round_ = step.state.rounds[round_pos]
        if round_.status == RoundStatus.DONE:
            round_.score = mean_score(q.score for q in round_.questions if q.counted)
            step.changes.touch(round_pos)
        step.emit(ev.AnswerRecorded(round_pos, question_pos, late=True))
