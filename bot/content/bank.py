"""Loads and cross-checks every question and rubric file; serves them to the engine."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import ValidationError

from bot.engine.loop import level_matches, track_matches
from bot.engine.models import Level, Question, RoundKind, Rubric, Track
from bot.scoring.claim_form import unmatched
from bot.scoring.code_facts import FACTS


class ContentError(Exception):
    """A content file is missing, unreadable or invalid; the message names the file."""


Model = TypeVar("Model", Question, Rubric)


def _read(path: Path, model: type[Model]) -> Model:
    import tomllib  # here: a start served from the content cache (score, check-code) parses no TOML

    try:
        return model.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{path}: not valid TOML ({exc}).") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "file"
        raise ContentError(f"{path}: {where}: {first['msg']}.") from exc


class QuestionBank:
    """Every question with its rubric, indexed by id."""

    def __init__(self, questions: dict[str, Question], rubrics: dict[str, Rubric]) -> None:
        self._questions = questions
        self._rubrics = rubrics

    @classmethod
    def load(cls, root: Path) -> QuestionBank:
        """Read ``root/data/questions/**.toml`` and ``root/rubrics/**.toml`` and cross-check them."""
        questions: dict[str, Question] = {}
        rubrics: dict[str, Rubric] = {}
        for path in sorted((root / "data" / "questions").rglob("*.toml")):
            question = _read(path, Question)
            if question.id in questions:
                raise ContentError(f"{path}: question id {question.id!r} is used twice.")
            if path.stem != question.id:
                raise ContentError(f"{path}: file name must be the question id {question.id!r}.")
            questions[question.id] = question
        for path in sorted((root / "rubrics").rglob("*.toml")):
            rubric = _read(path, Rubric)
            if rubric.question not in questions:
                raise ContentError(f"{path}: rubric for unknown question {rubric.question!r}.")
            unknown = sorted({f for c in rubric.criteria for i in c.indicators for f in i.code} - FACTS.keys())
            if unknown:
                raise ContentError(f"{path}: unknown code facts {unknown}; known: {', '.join(sorted(FACTS))}.")
            for flag in rubric.red_flags:
                lost = [alt for claim in flag.claims for alt in unmatched(claim)]
                if lost:
                    raise ContentError(f"{path}: red flag {flag.id!r}: the claim wording {lost[0]!r} would never be found, "
                                       "not even in its own words (it has no word, or a word of its code is one the "
                                       "matcher drops); reword it.")
            rubrics[rubric.question] = rubric
        for question in questions.values():
            if question.id not in rubrics:
                raise ContentError(f"question {question.id!r} has no rubric file.")
            known = {c.id for c in rubrics[question.id].criteria}
            for follow in question.followups:
                if follow.criterion not in known:
                    raise ContentError(f"question {question.id!r}: follow-up names unknown criterion {follow.criterion!r}.")
        if not questions:
            raise ContentError(f"no question files found under {root / 'data' / 'questions'}.")
        return cls(questions, rubrics)

    def get(self, question_id: str) -> Question:
        return self._questions[question_id]

    def rubric(self, question_id: str) -> Rubric:
        return self._rubrics[question_id]

    def __contains__(self, question_id: object) -> bool:
        return question_id in self._questions

    def all(self) -> list[Question]:
        return sorted(self._questions.values(), key=lambda q: (list(RoundKind).index(q.round), q.id))

    def eligible(self, round_: RoundKind, level: Level, track: Track) -> list[Question]:
        return [
            q
            for q in self.all()
            if q.round == round_ and level_matches(q, level) and (round_ != RoundKind.FRAMEWORK or track_matches(q, track))
        ]

    def filter(self, round_: RoundKind | None, level: Level | None, track: Track | None) -> list[Question]:
        return [
            q
            for q in self.all()
            if (round_ is None or q.round == round_)
            and (level is None or level_matches(q, level))
            and (track is None or track_matches(q, track))
        ]

    def nearest(self, question_id: str, n: int = 3) -> list[str]:
        """Ids that look like a mistyped ``question_id``, for "did you mean" messages."""
        import difflib  # here: only a mistyped id needs it

        ids = list(self._questions)
        close = difflib.get_close_matches(question_id, ids, n=n, cutoff=0.5)
        if not close:
            close = [i for i in ids if question_id.split(".")[-1] in i][:n]
        return close
