"""The engine's Repository port on SQLAlchemy: SQLite by default, PostgreSQL for deployments.

Each engine step is one transaction here, so an answer is durable before anything the
candidate sees next, and a killed process loses at most the step it was in.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, datetime

from sqlalchemy import and_, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, async_sessionmaker

from bot.engine.models import ScoreResult
from bot.engine.state import (
    AnswerRecord,
    AskedQuestion,
    Changes,
    FollowUpAsked,
    RoundState,
    SessionState,
    SessionStatus,
)
from bot.storage import tables as t


class SqlRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def close(self) -> None:
        await self.engine.dispose()

    # ------------------------------------------------------------------ users

    async def ensure_user(self, external_id: str, display_name: str, *, at: datetime | None = None) -> str:
        query = select(t.User.id).where(t.User.external_id == external_id)
        async with self._sessions() as db:
            found = await db.scalar(query)
        if found is not None:
            return found
        user_id = uuid.uuid4().hex
        try:
            async with self._sessions.begin() as db:
                db.add(t.User(id=user_id, external_id=external_id, display_name=display_name[:128],
                              created_at=at or datetime.now(UTC)))
        except IntegrityError:  # another process created the same user first
            async with self._sessions() as db:
                found = await db.scalar(query)
            assert found is not None
            return found
        return user_id

    # ------------------------------------------------------------------ sessions

    async def create_session(self, state: SessionState) -> None:
        async with self._sessions() as db, db.begin():
            await db.execute(insert(t.Session).values(_session_row(state)))
            await db.execute(insert(t.Round), [_round_row(state.id, r) for r in state.rounds])
            await db.execute(
                insert(t.AskedQuestion),
                [_question_row(state.id, r.position, q) for r in state.rounds for q in r.questions],
            )

    async def save(self, state: SessionState, changes: Changes) -> None:
        async with self.engine.begin() as db:
            if changes.session:
                await db.execute(update(t.Session).where(t.Session.id == state.id).values(_session_row(state)))
            if changes.answers:
                await db.execute(insert(t.Answer), [_answer_row(state.id, r, q, a) for r, q, a in changes.answers])
            for round_pos in sorted(changes.rounds):
                values = _round_row(state.id, state.rounds[round_pos])
                await db.execute(
                    update(t.Round).where(t.Round.session_id == state.id, t.Round.position == round_pos).values(values)
                )
            for round_pos, question_pos in sorted(changes.questions | changes.final):
                asked = state.locate(round_pos, question_pos)
                key = (t.AskedQuestion.session_id == state.id, t.AskedQuestion.round_pos == round_pos,
                       t.AskedQuestion.position == question_pos)
                await db.execute(update(t.AskedQuestion).where(*key).values(_question_row(state.id, round_pos, asked)))
            for round_pos, question_pos in sorted(changes.final):
                await self._write_criteria(db, state.id, round_pos, state.locate(round_pos, question_pos))

    async def _write_criteria(self, db: AsyncConnection, session_id: str, round_pos: int, asked: AskedQuestion) -> None:
        """Per-criterion rows for a settled grade (the running grade lives in the question's result)."""
        await db.execute(
            delete(t.CriterionScore).where(
                t.CriterionScore.session_id == session_id,
                t.CriterionScore.round_pos == round_pos,
                t.CriterionScore.question_pos == asked.position,
            )
        )
        if asked.result is None:
            return
        await db.execute(
            insert(t.CriterionScore),
            [
                {
                    "session_id": session_id, "round_pos": round_pos, "question_pos": asked.position,
                    "criterion_id": c.id, "question_id": asked.question_id, "level": c.score,
                    "max_level": c.max, "evidence": c.evidence,
                }
                for c in asked.result.criteria
            ],
        )

    async def load_session(self, session_id: str) -> SessionState | None:
        async with self._sessions() as db:
            session = await db.get(t.Session, session_id)
            if session is None:
                return None
            rounds = (await db.scalars(select(t.Round).where(t.Round.session_id == session_id).order_by(t.Round.position))).all()
            asked = (await db.scalars(
                select(t.AskedQuestion).where(t.AskedQuestion.session_id == session_id)
                .order_by(t.AskedQuestion.round_pos, t.AskedQuestion.position)
            )).all()
            answers = (await db.scalars(
                select(t.Answer).where(t.Answer.session_id == session_id)
                .order_by(t.Answer.round_pos, t.Answer.question_pos, t.Answer.seq)
            )).all()
        by_question: dict[tuple[int, int], list[AnswerRecord]] = defaultdict(list)
        for a in answers:
            by_question[(a.round_pos, a.question_pos)].append(AnswerRecord(
                seq=a.seq, kind=a.kind, prompt=a.prompt, text=a.text, submitted_at=a.submitted_at, late=a.late))
        questions_by_round: dict[int, list[AskedQuestion]] = defaultdict(list)
        for q in asked:
            questions_by_round[q.round_pos].append(AskedQuestion(
                position=q.position, question_id=q.question_id, rubric_version=q.rubric_version, status=q.status,
                asked_at=q.asked_at, deadline_at=q.deadline_at, hints=list(q.hints),
                followups=[FollowUpAsked.model_validate(f) for f in q.followups], draft=q.draft,
                answers=by_question[(q.round_pos, q.position)],
                result=ScoreResult.model_validate(q.result) if q.result else None,
            ))
        return SessionState(
            id=session.id, user_id=session.user_id, mode=session.mode, level=session.level,
            track=session.track, seed=session.seed, status=session.status, created_at=session.created_at,
            ended_at=session.ended_at, last_active_at=session.last_active_at, score=session.score,
            rounds=[
                RoundState(
                    position=r.position, kind=r.kind, minutes=r.minutes, status=r.status,
                    started_at=r.started_at, deadline_at=r.deadline_at, ended_at=r.ended_at,
                    warnings_sent=list(r.warnings_sent), questions=questions_by_round[r.position], score=r.score,
                )
                for r in rounds
            ],
        )

    async def resumable_session(self, user_id: str) -> str | None:
        async with self._sessions() as db:
            return await db.scalar(
                select(t.Session.id)
                .where(t.Session.user_id == user_id,
                       t.Session.status.in_([SessionStatus.ACTIVE.value, SessionStatus.INTERRUPTED.value]))
                .order_by(t.Session.created_at.desc())
                .limit(1)
            )

    async def recent_question_ids(self, user_id: str, sessions: int) -> set[str]:
        async with self._sessions() as db:
            recent = (
                select(t.Session.id).where(t.Session.user_id == user_id)
                .order_by(t.Session.created_at.desc()).limit(sessions).subquery()
            )
            rows = await db.scalars(
                select(t.AskedQuestion.question_id).where(
                    and_(t.AskedQuestion.session_id.in_(select(recent.c.id)),
                         t.AskedQuestion.status.not_in(["pending", "unasked"]))
                )
            )
            return set(rows.all())

    async def list_sessions(self, user_id: str, limit: int) -> list[SessionState]:
        async with self._sessions() as db:
            ids = (await db.scalars(
                select(t.Session.id).where(t.Session.user_id == user_id)
                .order_by(t.Session.created_at.desc()).limit(limit)
            )).all()
        states = [await self.load_session(i) for i in ids]
        return [s for s in states if s is not None]


def _session_row(state: SessionState) -> dict[str, object]:
    return {
        "id": state.id, "user_id": state.user_id, "mode": state.mode, "level": state.level.value,
        "track": state.track.value, "seed": state.seed, "status": state.status.value,
        "created_at": state.created_at, "ended_at": state.ended_at, "last_active_at": state.last_active_at,
        "score": state.score,
    }


def _round_row(session_id: str, r: RoundState) -> dict[str, object]:
    return {
        "session_id": session_id, "position": r.position, "kind": r.kind.value, "minutes": r.minutes,
        "status": r.status.value, "started_at": r.started_at, "deadline_at": r.deadline_at,
        "ended_at": r.ended_at, "warnings_sent": list(r.warnings_sent), "score": r.score,
    }


def _question_row(session_id: str, round_pos: int, q: AskedQuestion) -> dict[str, object]:
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


def _answer_row(session_id: str, round_pos: int, question_pos: int, a: AnswerRecord) -> dict[str, object]:
    return {
        "session_id": session_id, "round_pos": round_pos, "question_pos": question_pos, "seq": a.seq,
        "kind": a.kind, "prompt": a.prompt, "text": a.text, "submitted_at": a.submitted_at, "late": a.late,
    }
