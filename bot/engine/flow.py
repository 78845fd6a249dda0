"""Moving through a session: asking questions, closing them, closing rounds, finishing.

These transitions are shared by every step of :class:`bot.engine.session.InterviewEngine`
(answers, skips, timeouts, ends); they change state and record events and changes, and
never touch storage or adapters themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from bot.engine import events as ev
from bot.engine.models import ScoreResult
from bot.engine.ports import Clock, QuestionBank
from bot.engine.results import blank_result
from bot.engine.signals import mean_score
from bot.engine.state import (
    AskedQuestion,
    Changes,
    QuestionStatus,
    RoundState,
    RoundStatus,
    SessionState,
    SessionStatus,
)
from bot.engine.timing import question_budget


@dataclass
class Step:
    """One engine step in progress: the state it changes, what it touched, what it will announce."""

    state: SessionState
    changes: Changes = field(default_factory=Changes)
    events: list[ev.Event] = field(default_factory=list)
    save: bool = True

    def emit(self, event: ev.Event) -> None:
        self.events.append(event)


class RoundFlow:
    """The transitions between questions and rounds, given the bank and the clock."""

    def __init__(self, bank: QuestionBank, clock: Clock) -> None:
        self.bank = bank
        self.clock = clock

    def blank(self, asked: AskedQuestion, reason: str) -> ScoreResult:
        return blank_result(self.bank.get(asked.question_id), self.bank.rubric(asked.question_id), reason)

    def repeat_prompt(self, step: Step, round_: RoundState, asked: AskedQuestion) -> None:
        assert asked.deadline_at is not None and round_.deadline_at is not None
        step.emit(self.asked_event(round_, asked))
        if asked.awaiting_followup:
            follow = asked.followups[-1]
            step.emit(ev.FollowUpAsked(round_.position, asked.position, follow.text, follow.criterion))
        if asked.draft:
            step.emit(ev.Notice(f"Your unfinished answer was kept (type more lines, or /send):\n{asked.draft}"))

    def asked_event(self, round_: RoundState, asked: AskedQuestion) -> ev.QuestionAsked:
        assert asked.deadline_at is not None and round_.deadline_at is not None
        return ev.QuestionAsked(
            round_pos=round_.position,
            question_pos=asked.position,
            number=asked.position + 1,
            total=len(round_.questions),
            question=self.bank.get(asked.question_id),
            deadline_at=asked.deadline_at,
            round_deadline_at=round_.deadline_at,
        )

    def start_round(self, step: Step, round_: RoundState) -> None:
        now = self.clock.now()
        round_.status = RoundStatus.ACTIVE
        round_.started_at = now
        round_.deadline_at = now + timedelta(minutes=round_.minutes)
        step.changes.touch(round_.position)
        step.emit(ev.RoundStarted(round_.position, round_.kind, round_.minutes, len(round_.questions),
                                  len(step.state.rounds), round_.deadline_at))
        self.ask(step, round_, round_.questions[0])

    def ask(self, step: Step, round_: RoundState, asked: AskedQuestion) -> None:
        now = self.clock.now()
        asked.deadline_at = now + question_budget(round_, now)
        asked.status = QuestionStatus.ACTIVE
        asked.asked_at = now
        step.changes.touch(round_.position, asked.position)
        step.emit(self.asked_event(round_, asked))

    def close_question(self, step: Step, round_: RoundState, asked: AskedQuestion, status: QuestionStatus, reason: str) -> None:
        asked.status = status
        step.changes.touch(round_.position, asked.position)
        step.changes.final.add((round_.position, asked.position))
        step.emit(ev.QuestionClosed(round_.position, asked.position, reason, asked.result))
        upcoming = next((q for q in round_.questions if q.status == QuestionStatus.PENDING), None)
        if upcoming is not None and round_.deadline_at is not None and self.clock.now() < round_.deadline_at:
            self.ask(step, round_, upcoming)
        else:
            self.close_round(step, round_, "completed", advance=True)

    def close_round(self, step: Step, round_: RoundState, reason: str, *, advance: bool) -> None:
        for asked in round_.questions:
            if asked.status == QuestionStatus.ACTIVE:
                closing = "timed_out" if reason == "timed_out" else "skipped"
                if asked.answers:
                    asked.status = QuestionStatus.ANSWERED
                else:
                    asked.status = QuestionStatus.TIMED_OUT if closing == "timed_out" else QuestionStatus.SKIPPED
                    asked.result = self.blank(asked, closing.replace("_", " "))
                step.emit(ev.QuestionClosed(round_.position, asked.position, closing, asked.result))
                step.changes.final.add((round_.position, asked.position))
            elif asked.status == QuestionStatus.PENDING:
                asked.status = QuestionStatus.UNASKED
            step.changes.touch(round_.position, asked.position)
        round_.status = RoundStatus.DONE
        round_.ended_at = self.clock.now()
        round_.score = mean_score(q.score for q in round_.questions if q.counted)
        step.changes.touch(round_.position)
        step.emit(ev.RoundEnded(round_.position, round_.kind, round_.score, reason))
        if not advance:
            return
        upcoming = next((r for r in step.state.rounds if r.status == RoundStatus.PENDING), None)
        if upcoming is not None:
            self.start_round(step, upcoming)
        else:
            self.finish(step, SessionStatus.COMPLETED, "completed")

    def finish(self, step: Step, status: SessionStatus, reason: str) -> None:
        state = step.state
        for round_ in state.rounds:
            if round_.status == RoundStatus.PENDING:
                round_.status = RoundStatus.DONE
                for asked in round_.questions:
                    asked.status = QuestionStatus.UNASKED
                    step.changes.touch(round_.position, asked.position)
                step.changes.touch(round_.position)
        state.status = status
        step.changes.session = True
        state.ended_at = self.clock.now()
        state.score = mean_score(r.score for r in state.rounds if r.score is not None)
        step.emit(ev.SessionEnded(state.id, state.score, reason))
