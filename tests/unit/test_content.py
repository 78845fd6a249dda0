"""Every question and rubric file loads, cross-references hold, and the whole catalogue is present."""

from __future__ import annotations

import re
import tomllib

import pytest

from bot.content.bank import QuestionBank
from bot.content.paths import content_root
from bot.engine.loop import LOOP_ORDER
from bot.engine.models import Level, Question, RoundKind, Rubric, Track
from bot.scoring.text import phrase_stems

CATALOGUE = """
screen.background screen.project screen.motivation
core.mutability core.mutable-default core.collections core.comprehension-vs-generator core.argument-passing
core.is-vs-eq core.copying core.args-kwargs core.decorators core.lambda-vs-def core.closures core.method-kinds
core.mro core.dataclasses core.abc-vs-duck-typing core.slots core.generators core.iterators core.yield-from core.gil
core.concurrency-models core.asyncio-when core.asyncio-mistakes core.event-loop-blocking core.exceptions
core.context-managers core.pytest core.mocking
framework.django-request-lifecycle framework.django-n-plus-one framework.django-vs-fastapi framework.fastapi-pydantic
framework.fastapi-model-loading framework.flask-auth framework.production-api framework.frontend-integration
framework.sql framework.deployment
coding.flatten-dict coding.retry-decorator coding.mutable-default-bug coding.log-pipeline coding.parse-orders
coding.async-fanout
design.notification-service design.ingestion-service design.url-shortener
behavioral.incident behavioral.ownership behavioral.mentoring behavioral.conflict
""".split()

ROOT = content_root()
BANK = QuestionBank.load(ROOT)
QUESTION_FILES = sorted((ROOT / "data" / "questions").rglob("*.toml"))
RUBRIC_FILES = sorted((ROOT / "rubrics").rglob("*.toml"))


@pytest.mark.parametrize("path", QUESTION_FILES, ids=lambda p: p.stem)
def test_question_file_validates(path) -> None:
    question = Question.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    assert path.parent.name == question.round.value


@pytest.mark.parametrize("path", RUBRIC_FILES, ids=lambda p: p.stem)
def test_rubric_file_validates_and_every_phrase_compiles(path) -> None:
    rubric = Rubric.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    assert abs(sum(c.weight for c in rubric.criteria) - 1) < 1e-9
    for criterion in rubric.criteria:
        for indicator in criterion.indicators:
            for phrase in indicator.phrases:
                assert phrase_stems(phrase), f"{path.name}: {phrase!r} has nothing to match"
    for flag in rubric.red_flags:
        for phrase in flag.phrases:
            assert phrase_stems(phrase), f"{path.name}: red flag {phrase!r} has nothing to match"
    for criterion in rubric.criteria:
        for indicator in criterion.indicators:
            lowered = [p.casefold() for p in indicator.phrases]
            assert len(lowered) == len(set(lowered)), f"{path.name}: {indicator.id} repeats a phrase"


def test_every_catalogue_id_exists_with_a_rubric() -> None:
    missing = [qid for qid in CATALOGUE if qid not in BANK]
    assert not missing, f"catalogue ids without a question: {missing}"
    for qid in CATALOGUE:
        assert BANK.rubric(qid).question == qid


def test_ids_are_unique_and_follow_ups_name_real_criteria() -> None:
    ids = [q.id for q in BANK.all()]
    assert len(ids) == len(set(ids)) == len(QUESTION_FILES)
    for question in BANK.all():
        criteria = {c.id for c in BANK.rubric(question.id).criteria}
        assert {f.criterion for f in question.followups} <= criteria


def test_every_round_and_level_can_be_practised() -> None:
    for kind in LOOP_ORDER:
        for level in Level:
            if kind == RoundKind.DESIGN and level == Level.JUNIOR:
                continue  # system design is a mid/senior round; a junior loop leaves it out
            assert BANK.eligible(kind, level, Track.ANY), f"no {kind.value} questions for {level.value}"
    for track in (Track.DJANGO, Track.FASTAPI, Track.FLASK):
        assert BANK.eligible(RoundKind.FRAMEWORK, Level.MID, track)


def test_coding_questions_carry_tests_as_data() -> None:
    for question in BANK.all():
        if question.round == RoundKind.CODING:
            assert question.answer_format == "code" and question.coding is not None
            assert len(question.coding.examples) >= 3 and len(question.coding.hidden) >= 6


def test_content_is_free_of_leftover_placeholders() -> None:
    for path in QUESTION_FILES + RUBRIC_FILES:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\b(TODO|TBD|FIXME|lorem ipsum)\b", text, re.IGNORECASE), path.name


def _indicators_without_phrases(data: dict) -> list[str]:
    """Indicator ids (criterion/indicator) that no phrase can ever match."""
    return [f"{c['id']}/{i['id']}" for c in data.get("criteria", []) for i in c.get("indicators", [])
            if not any(phrase_stems(p) for p in i.get("phrases", []))]


@pytest.mark.parametrize("path", RUBRIC_FILES, ids=lambda p: p.stem)
def test_every_indicator_keeps_at_least_one_matchable_phrase(path) -> None:
    # Read as plain TOML, not through the model, so a phrase list emptied or reduced to
    # punctuation while pruning wordings is reported by name.
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert not _indicators_without_phrases(data), path.name
