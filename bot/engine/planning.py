"""Planning a session before anything is saved: its rounds, each round's questions, what comes first.

Kept apart from the state machine in :mod:`bot.engine.session`: planning reads the candidate's
history and the bank and decides, but changes nothing, so it can be read (and tested) on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine import events as ev
from bot.engine.errors import EngineError
from bot.engine.loop import ROUNDS, choose_questions, question_count
from bot.engine.models import Level, RoundKind, Track
from bot.engine.ports import Clock, QuestionBank, Repository
from bot.engine.review import HISTORY_SESSIONS, due_for_review, weak_spots
from bot.engine.state import AskedQuestion, RoundState

RECENT_SESSIONS = 3  # questions seen in this many recent sessions are asked again only when needed


@dataclass(frozen=True)
class SessionRequest:
    user_id: str
    rounds: tuple[RoundKind, ...]
    level: Level
    track: Track = Track.ANY
    minutes: int | None = None  # per round; None means each round's default
    questions: int | None = None
    seed: int | None = None
    guild_id: str | None = None
    focus: frozenset[str] = frozenset()  # question ids to ask first (a prep plan's drill topics)
    weak: bool = False  # "drill my weak spots": ask first the questions whose criteria keep being missed


@dataclass(frozen=True)
class Plan:
    rounds: list[RoundState]
    skipped: list[str]  # rounds of a loop left out: no questions at this level
    focus: frozenset[str]  # question ids asked first
    weak: list[str]  # the candidate's weak spots, when asked for


async def plan(bank: QuestionBank, repo: Repository, clock: Clock, request: SessionRequest, seed: int) -> Plan:
    """The rounds and their questions: focus questions first, recent ones only when needed."""
    recent = await repo.recent_question_ids(request.user_id, RECENT_SESSIONS)
    tried = await repo.attempts(request.user_id, HISTORY_SESSIONS)
    weak = weak_spots(tried) if request.weak else []
    focus = request.focus or frozenset(weak) or frozenset(due_for_review(tried, clock.now()))
    rounds: list[RoundState] = []
    skipped: list[str] = []
    for kind in request.rounds:
        minutes = request.minutes or ROUNDS[kind].default_minutes
        eligible = bank.eligible(kind, request.level, request.track)
        if not eligible:
            if len(request.rounds) > 1:
                skipped.append(kind.value)  # a loop leaves out rounds not asked at this level
                continue
            others = [lv.value for lv in Level if bank.eligible(kind, lv, request.track)]
            raise EngineError(
                f"There are no {kind.value} questions for level {request.level.value}; "
                f"levels with {kind.value} questions: {', '.join(others) or 'none'}."
            )
        position = len(rounds)
        count = question_count(kind, minutes, request.questions)
        focused = [q for q in eligible if q.id in focus]
        chosen = choose_questions(focused, count, seed + position, recent)
        if len(chosen) < count:  # the round's length is kept: other questions fill it up
            rest = [q for q in eligible if q.id not in focus]
            chosen += choose_questions(rest, count - len(chosen), seed + position, recent)
        asked = [AskedQuestion(position=i, question_id=q.id, rubric_version=bank.rubric(q.id).version)
                 for i, q in enumerate(chosen)]
        rounds.append(RoundState(position=position, kind=kind, minutes=minutes, questions=asked))
    if not rounds:
        raise EngineError(f"There are no questions for level {request.level.value} in any of those rounds.")
    return Plan(rounds, skipped, focus, weak)


def opening_notices(bank: QuestionBank, request: SessionRequest, found: Plan) -> list[ev.Notice]:
    """What the candidate is told before the first question: why some questions come first, what was left out."""
    notices: list[ev.Notice] = []
    planned = {q.question_id for r in found.rounds for q in r.questions}
    if request.weak and not found.weak:
        notices.append(ev.Notice("No weak spots yet: they appear once the same key point is missed in a question's "
                                 "last two attempts. This round picks questions as usual."))
    elif not request.focus and found.focus & planned:
        why = ("your weak spots (key points missed in the last attempts)" if found.weak else
               "back for review (graded under 65 last time)")
        titles = ", ".join(bank.get(q).title for q in sorted(found.focus & planned))
        notices.append(ev.Notice(f"Asked first, {why}: {titles}."))
    if found.skipped:
        notices.append(ev.Notice(f"Left out at level {request.level.value}: the {', '.join(found.skipped)} round "
                                 "(interviews at this level rarely include it and no questions are written for it)."))
    return notices
