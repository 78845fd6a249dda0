"""Fakes for the engine's ports: an in-memory repository, a recording notifier, synthetic content."""

from __future__ import annotations

from bot.engine.events import Event
from bot.engine.loop import level_matches, track_matches
from bot.engine.models import Level, Question, RoundKind, Rubric, Track
from bot.engine.review import Attempt, attempts
from bot.engine.state import Changes, SessionState
from bot.engine.status import SessionStatus


class MemoryRepository:
    """Keeps deep copies, so a test sees only what the engine explicitly saved."""

    def __init__(self) -> None:
        self.users: dict[str, str] = {}
        self.sessions: dict[str, SessionState] = {}
        self.saves = 0

    async def ensure_user(self, external_id: str, display_name: str) -> str:
        return self.users.setdefault(external_id, f"u{len(self.users) + 1}")

    async def create_session(self, state: SessionState) -> None:
        self.sessions[state.id] = state.model_copy(deep=True)

    async def save(self, state: SessionState, changes: Changes) -> None:
        self.saves += 1
        self.sessions[state.id] = state.model_copy(deep=True)

    async def load_session(self, session_id: str) -> SessionState | None:
        found = self.sessions.get(session_id)
        return found.model_copy(deep=True) if found else None

    async def resumable_session(self, user_id: str) -> str | None:
        live = [s for s in self.sessions.values() if s.user_id == user_id
                and s.status in (SessionStatus.ACTIVE, SessionStatus.INTERRUPTED)]
        return max(live, key=lambda s: s.created_at).id if live else None

    async def recent_question_ids(self, user_id: str, sessions: int) -> set[str]:
        mine = sorted((s for s in self.sessions.values() if s.user_id == user_id), key=lambda s: s.created_at)[-sessions:]
        return {q.question_id for s in mine for r in s.rounds for q in r.questions if q.counted}

    async def attempts(self, user_id: str, sessions: int) -> list[Attempt]:
        return attempts(await self.list_sessions(user_id, sessions))

    async def list_sessions(self, user_id: str, limit: int) -> list[SessionState]:
        mine = sorted((s for s in self.sessions.values() if s.user_id == user_id), key=lambda s: s.created_at)
        return list(reversed(mine))[:limit]


class RecordingNotifier:
    def __init__(self) -> None:
        self.events: list[Event] = []

    async def publish(self, session_id: str, event: Event) -> None:
        self.events.append(event)

    def of(self, kind: type) -> list:
        return [e for e in self.events if isinstance(e, kind)]


def make_question(question_id: str, words: tuple[str, str, str] = ("alpha", "bravo", "charlie")) -> tuple[Question, Rubric]:
    """A small valid question whose criteria are evidenced by sentences using ``words``."""
    round_ = question_id.split(".")[0]
    question = Question.model_validate({
        "id": question_id, "round": round_, "title": f"Synthetic {question_id}",
        "levels": ["junior", "mid", "senior", "fullstack"],
        "answer_format": "story" if round_ == "behavioral" else "prose",
        "prompt": f"Explain how {words[0]} relates to {words[1]} in production.",
        "followups": [{"criterion": f"c-{w}", "text": f"What about {w}, in more detail?"} for w in words],
        "strong_answer": [f"Covers {w}." for w in words],
    })
    rubric = Rubric.model_validate({
        "question": question_id, "version": 1,
        "criteria": [
            {"id": f"c-{w}", "name": f"{w} point", "weight": weight,
             "levels": ["none", "some", "good", "great"], "hint": f"Think about the {w} factor here.",
             "needs": [1, 1, 2],
             "indicators": [{"id": f"{w}-a", "phrases": [f"{w} matters"]},
                            {"id": f"{w}-b", "phrases": [f"{w} because"]}]}
            for w, weight in zip(words, (0.4, 0.35, 0.25), strict=True)
        ],
    })
    return question, rubric


class MemoryBank:
    def __init__(self, pairs: list[tuple[Question, Rubric]]) -> None:
        self.questions = {q.id: q for q, _ in pairs}
        self.rubrics = {q.id: r for q, r in pairs}

    def get(self, question_id: str) -> Question:
        return self.questions[question_id]

    def rubric(self, question_id: str) -> Rubric:
        return self.rubrics[question_id]

    def eligible(self, round_: RoundKind, level: Level, track: Track) -> list[Question]:
        return [q for q in self.questions.values() if q.round == round_ and level_matches(q, level) and track_matches(q, track)]


def synthetic_bank(per_round: int = 4) -> MemoryBank:
    return MemoryBank([make_question(f"{kind.value}.q{i}") for kind in RoundKind for i in range(per_round)])
