"""The engine's Repository port on SQLAlchemy: SQLite by default, PostgreSQL for deployments.

Each engine step is one transaction here, so an answer is durable before anything the
candidate sees next, and a killed process loses at most the step it was in.  The SQL is
written once, as functions over a ``Connection``; :mod:`bot.storage.db` runs them.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from bot.engine.models import ScoreResult
from bot.engine.review import MISSED_LEVEL, Attempt
from bot.engine.state import (
    AnswerRecord,
    AskedQuestion,
    Changes,
    FollowUpAsked,
    QuestionStatus,
    RoundState,
    SessionState,
    SessionStatus,
)
from bot.storage import tables as t
from bot.storage.db import Database
from bot.storage.deleted import run_on_session
from bot.storage.outbox import insert_events

LIVE = (SessionStatus.ACTIVE.value, SessionStatus.INTERRUPTED.value)
# Questions that were put to the candidate (AskedQuestion.counted).
COUNTED = (QuestionStatus.ANSWERED.value, QuestionStatus.SKIPPED.value, QuestionStatus.TIMED_OUT.value)

# Statements built once: SQLAlchemy reuses their compiled form, and a list of rows runs as
# one executemany.  Key parameters are prefixed ``k_`` so they never clash with column names.
_UPDATE_SESSION = update(t.Session).where(t.Session.id == bindparam("k_session"))
_UPDATE_ROUND = update(t.Round).where(t.Round.session_id == bindparam("k_session"),
                                      t.Round.position == bindparam("k_round"))
_UPDATE_QUESTION = update(t.AskedQuestion).where(t.AskedQuestion.session_id == bindparam("k_session"),
                                                 t.AskedQuestion.round_pos == bindparam("k_round"),
                                                 t.AskedQuestion.position == bindparam("k_question"))
_DELETE_CRITERIA = delete(t.CriterionScore).where(t.CriterionScore.session_id == bindparam("k_session"),
                                                  t.CriterionScore.round_pos == bindparam("k_round"),
                                                  t.CriterionScore.question_pos == bindparam("k_question"))
_INSERT_ANSWER = insert(t.Answer)
_INSERT_CRITERIA = insert(t.CriterionScore)


class SqlRepository:
    def __init__(self, database: Database) -> None:
        self.database = database
        # Checked first in every save's transaction (the terminal's session lease); raising rolls the save back.
        self.fence: Callable[[Connection, str], None] | None = None

    async def close(self) -> None:
        await self.database.close()

    # ------------------------------------------------------------------ users

    async def ensure_user(self, external_id: str, display_name: str) -> str:
        """The user's id, creating the user on first sight (safe when two processes race)."""
        query = select(t.User.id).where(t.User.external_id == external_id)
        found = await self.database.run(lambda db: db.scalar(query))
        if found is not None:
            return str(found)
        row = {"id": uuid.uuid4().hex, "external_id": external_id, "display_name": display_name[:128],
               "created_at": datetime.now(UTC)}
        try:
            await self.database.run(lambda db: db.execute(insert(t.User).values(row)))
        except IntegrityError:
            found = await self.database.run(lambda db: db.scalar(query))
            return str(found)
        return str(row["id"])

    # ------------------------------------------------------------------ sessions

    async def create_session(self, state: SessionState) -> None:
        def work(db: Connection) -> None:
            db.execute(insert(t.Session).values(_session_row(state)))
            db.execute(insert(t.Round), [_round_row(state.id, r) for r in state.rounds])
            db.execute(insert(t.AskedQuestion),
                       [_question_row(state.id, r.position, q) for r in state.rounds for q in r.questions])

        await self.database.run(work)

    async def save(self, state: SessionState, changes: Changes) -> None:
        # Rows are built here, on the event loop, so the worker never reads state the engine changes.
        key = {"k_session": state.id}
        session_row = {**_session_row(state), **key} if changes.session else None
        answers = [_answer_row(state.id, r, q, a) for r, q, a in changes.answers]
        rounds = [{**_round_row(state.id, state.rounds[r]), **key, "k_round": r} for r in sorted(changes.rounds)]
        questions = [{**_question_row(state.id, r, state.locate(r, q)), **key, "k_round": r, "k_question": q}
                     for r, q in sorted(changes.questions | changes.final)]
        regraded = [{**key, "k_round": r, "k_question": q} for r, q in sorted(changes.regraded)]
        criteria = [row for r, q in sorted(changes.final) for row in _criterion_rows(state.id, r, state.locate(r, q))]
        events = list(changes.events)
        fence = self.fence

        def work(db: Connection) -> None:
            if fence is not None:
                fence(db, state.id)
            if session_row is not None:
                db.execute(_UPDATE_SESSION, session_row)
            if answers:
                db.execute(_INSERT_ANSWER, answers)
            if rounds:
                db.execute(_UPDATE_ROUND, rounds)
            if questions:
                db.execute(_UPDATE_QUESTION, questions)
            if regraded:
                db.execute(_DELETE_CRITERIA, regraded)
            if criteria:
                # per-criterion rows exist once a grade is settled; the running grade is the question's result
                db.execute(_INSERT_CRITERIA, criteria)
            if events:
                insert_events(db, state.id, events)

        await run_on_session(self.database, state.id, work)

    async def load_session(self, session_id: str) -> SessionState | None:
        return await self.database.run(lambda db: load_state(db, session_id))

    async def resumable_session(self, user_id: str) -> str | None:
        query = (select(t.Session.id).where(t.Session.user_id == user_id, t.Session.status.in_(LIVE))
                 .order_by(t.Session.created_at.desc()).limit(1))
        found = await self.database.run(lambda db: db.scalar(query))
        return None if found is None else str(found)

    async def recent_question_ids(self, user_id: str, sessions: int) -> set[str]:
        recent = (select(t.Session.id).where(t.Session.user_id == user_id)
                  .order_by(t.Session.created_at.desc()).limit(sessions).subquery())
        query = select(t.AskedQuestion.question_id).where(
            t.AskedQuestion.session_id.in_(select(recent.c.id)),
            t.AskedQuestion.status.not_in(["pending", "unasked"]),
        )
        return await self.database.run(lambda db: {str(v) for v in db.scalars(query)})

    async def attempts(self, user_id: str, sessions: int) -> list[Attempt]:
        """Graded answers of the user's last sessions, as :func:`bot.engine.review.attempts` reads them
        from whole sessions, in two queries instead of loading every session."""
        A, C = t.AskedQuestion, t.CriterionScore
        recent = (select(t.Session.id).where(t.Session.user_id == user_id)
                  .order_by(t.Session.created_at.desc()).limit(sessions).subquery())
        answered = select(t.Answer.session_id).where(t.Answer.session_id == A.session_id,
                                                     t.Answer.round_pos == A.round_pos,
                                                     t.Answer.question_pos == A.position).exists()
        graded = (select(A.session_id, A.round_pos, A.position, A.question_id, A.asked_at, A.score,
                         t.Session.created_at)
                  .join(t.Session, t.Session.id == A.session_id)
                  .where(A.session_id.in_(select(recent.c.id)), A.status.in_(COUNTED), A.result.is_not(None),
                         A.scorer.is_not(None), A.scorer != "none", answered))
        missed = (select(C.session_id, C.round_pos, C.question_pos, C.criterion_id)
                  .where(C.session_id.in_(select(recent.c.id)), C.level <= MISSED_LEVEL))

        def work(db: Connection) -> list[Attempt]:
            gaps: dict[tuple[str, int, int], set[str]] = defaultdict(set)
            for session_id, round_pos, question_pos, criterion in db.execute(missed):
                gaps[(session_id, round_pos, question_pos)].add(criterion)
            found = [Attempt(row.question_id, row.asked_at or row.created_at, row.score or 0,
                             frozenset(gaps[(row.session_id, row.round_pos, row.position)]))
                     for row in db.execute(graded)]
            return sorted(found, key=lambda a: a.at)

        return await self.database.run(work)

    async def list_sessions(self, user_id: str, limit: int) -> list[SessionState]:
        query = (select(t.Session.id).where(t.Session.user_id == user_id)
                 .order_by(t.Session.created_at.desc()).limit(limit))

        def work(db: Connection) -> list[SessionState]:
            states = [load_state(db, str(session_id)) for session_id in db.scalars(query)]
            return [s for s in states if s is not None]

        return await self.database.run(work)


def load_state(db: Connection, session_id: str) -> SessionState | None:
    session = db.execute(select(t.Session.__table__).where(t.Session.id == session_id)).mappings().first()
    if session is None:
        return None
    rounds = db.execute(select(t.Round.__table__).where(t.Round.session_id == session_id)
                        .order_by(t.Round.position)).mappings().all()
    asked = db.execute(select(t.AskedQuestion.__table__).where(t.AskedQuestion.session_id == session_id)
                       .order_by(t.AskedQuestion.round_pos, t.AskedQuestion.position)).mappings().all()
    answers = db.execute(select(t.Answer.__table__).where(t.Answer.session_id == session_id)
                         .order_by(t.Answer.round_pos, t.Answer.question_pos, t.Answer.seq)).mappings().all()
    by_question: dict[tuple[int, int], list[AnswerRecord]] = defaultdict(list)
    for a in answers:
        by_question[(a["round_pos"], a["question_pos"])].append(AnswerRecord.model_validate(
            {k: a[k] for k in ("seq", "kind", "prompt", "text", "submitted_at", "late")}))
    questions: dict[int, list[AskedQuestion]] = defaultdict(list)
    for q in asked:
        questions[q["round_pos"]].append(AskedQuestion(
            position=q["position"], question_id=q["question_id"], rubric_version=q["rubric_version"],
            status=q["status"], asked_at=q["asked_at"], deadline_at=q["deadline_at"], hints=list(q["hints"]),
            followups=[FollowUpAsked.model_validate(f) for f in q["followups"]], draft=q["draft"],
            answers=by_question[(q["round_pos"], q["position"])],
            result=ScoreResult.model_validate(q["result"]) if q["result"] else None,
        ))
    return SessionState.model_validate({
        **{k: session[k] for k in ("id", "user_id", "mode", "level", "track", "seed", "status", "created_at",
                                   "ended_at", "last_active_at", "score", "guild_id")},
        "rounds": [
            RoundState.model_validate({**{k: r[k] for k in ("position", "kind", "minutes", "status", "started_at",
                                                            "deadline_at", "ended_at", "warnings_sent", "score")},
                                       "questions": questions[r["position"]]})
            for r in rounds
        ],
    })


def _session_row(state: SessionState) -> dict[str, Any]:
    return {
        "id": state.id, "user_id": state.user_id, "mode": state.mode, "level": state.level.value,
        "track": state.track.value, "seed": state.seed, "status": state.status.value,
        "created_at": state.created_at, "ended_at": state.ended_at, "last_active_at": state.last_active_at,
        "score": state.score, "guild_id": state.guild_id,
    }


def _round_row(session_id: str, r: RoundState) -> dict[str, Any]:
    return {
        "session_id": session_id, "position": r.position, "kind": r.kind.value, "minutes": r.minutes,
        "status": r.status.value, "started_at": r.started_at, "deadline_at": r.deadline_at,
        "ended_at": r.ended_at, "warnings_sent": list(r.warnings_sent), "score": r.score,
    }


def _question_row(session_id: str, round_pos: int, q: AskedQuestion) -> dict[str, Any]:
    return {
        "session_id": session_id, "round_pos": round_pos, "position": q.position,
        "question_id": q.question_id, "rubric_version": q.rubric_version, "status": q.status.value,
        "asked_at": q.asked_at, "deadline_at": q.deadline_at, "hints": list(q.hints),
        "followups": [f.model_dump() for f in q.followups], "draft": q.draft,
        "score": q.result.score if q.result else None,
        "signal": q.result.signal.value if q.result else None,
        "scorer": q.result.scorer if q.result else None,
        "result": q.result.model_dump(mode="json") if q.result else None,
    }


def _answer_row(session_id: str, round_pos: int, question_pos: int, a: AnswerRecord) -> dict[str, Any]:
    return {
        "session_id": session_id, "round_pos": round_pos, "question_pos": question_pos, "seq": a.seq,
        "kind": a.kind, "prompt": a.prompt, "text": a.text, "submitted_at": a.submitted_at, "late": a.late,
    }


def _criterion_rows(session_id: str, round_pos: int, asked: AskedQuestion) -> list[dict[str, Any]]:
    if asked.result is None:
        return []
    return [
        {"session_id": session_id, "round_pos": round_pos, "question_pos": asked.position, "criterion_id": c.id,
         "question_id": asked.question_id, "level": c.score, "max_level": c.max, "evidence": c.evidence}
        for c in asked.result.criteria
    ]
