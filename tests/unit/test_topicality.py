"""An answer to another question of the catalogue keeps only part of its grade, and is told which question it fits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.bootstrap import load_bank, offline_scorer
from bot.content import topics
from bot.content.bank import QuestionBank
from bot.scoring import topicality
from bot.scoring.offline import OfflineScorer
from bot.scoring.text import sentences
from bot.scoring.topicality import FULL, NONE, Topics

# Decorators explained, in answer to the question about closures and late binding.
DECORATORS = ("A decorator is a function that receives another function and hands back a wrapper around it. "
              "Writing @timed over a def is shorthand for rebinding the name to timed(original). "
              "Inside the wrapper you call functools.wraps so the original name and docstring survive, "
              "and a decorator that takes its own arguments is a factory returning the real decorator.")


# A disagreement story set in async work, in answer to the behavioral question about disagreeing.
ASYNC_STORY = ("My lead wanted to move our Django reporting API to FastAPI because the endpoints blocked on slow "
               "database calls. I thought asyncio would not help while the ORM stayed synchronous, so I asked for "
               "a week, profiled the three slowest endpoints and fixed their queries: p95 went from 1.8 s to 240 ms. "
               "We kept Django, and later built the streaming feature on an event loop where it did pay off. "
               "Looking back, measuring first settled it faster than any meeting would have.")


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    return load_bank(warm=False)


def test_an_answer_to_a_neighbouring_question_keeps_part_of_its_grade_and_says_which(bank: QuestionBank) -> None:
    question, rubric = bank.get("core.closures"), bank.rubric("core.closures")
    alone = OfflineScorer().grade(question, rubric, DECORATORS)
    judged = offline_scorer(bank).grade(question, rubric, DECORATORS)
    assert 0 < judged.score < alone.score
    assert f"({bank.get('core.decorators').title!r})" in judged.notes[-1]
    assert "of its grade is kept" in judged.notes[-1]
    assert judged.unsure is None  # not "long and on the topic": it is on another one
    assert judged.criteria == alone.criteria  # the levels stand; the note says why the number is lower


def test_every_model_answer_in_the_bank_keeps_its_grade(bank: QuestionBank) -> None:
    plain, judged = OfflineScorer(), offline_scorer(bank)
    for question in bank.all():
        text = " ".join(question.strong_answer)
        rubric = bank.rubric(question.id)
        assert judged.grade(question, rubric, text) == plain.grade(question, rubric, text), question.id


def _hand_made(own: float, other: float) -> Topics:
    """Two questions: the word "own" belongs to the first, "other" to the second, at the weights given."""
    return Topics({"own": (("a.first", own),), "other": (("a.second", other),)}, {"a.first": "First", "a.second": "Second"})


@pytest.mark.parametrize(("own", "kept"), [(1.0, None), (FULL, None), (0.7, 0.5), (NONE, 0.0), (0.2, 0.0)])
def test_the_share_kept_falls_linearly_between_the_two_bounds(own: float, kept: float | None) -> None:
    found = _hand_made(own, 1.0).fit("a.first", {"own", "other"})
    if kept is None:
        assert found is None  # close enough to its own question: nothing to say
    else:
        assert found is not None and found.kept == pytest.approx(kept)
        assert found.nearest == "a.second" and found.ratio == pytest.approx(own)


def test_a_question_about_the_candidate_is_compared_only_with_others_about_the_candidate() -> None:
    postings = {"story": (("behavioral.first", 0.2), ("behavioral.other", 0.5)), "tech": (("core.tech", 1.0),)}
    titles = {"behavioral.first": "First", "behavioral.other": "Other", "core.tech": "Tech"}
    index = Topics(postings, titles, frozenset({"behavioral.first", "behavioral.other"}))
    # The technical words are the story's setting: only the other story question can claim it.
    found = index.fit("behavioral.first", {"story", "tech"})
    assert found is not None and found.nearest == "behavioral.other"
    assert index.fit("behavioral.other", {"story", "tech"}) is None
    # A technical question is still compared with every question, stories included.
    assert index.fit("core.tech", {"story"}) is not None


def test_a_story_set_in_technical_work_keeps_its_grade(bank: QuestionBank) -> None:
    question, rubric = bank.get("behavioral.conflict"), bank.rubric("behavioral.conflict")
    judged = offline_scorer(bank)
    assert judged.topics is not None and "behavioral.conflict" in judged.topics.personal
    assert judged.grade(question, rubric, ASYNC_STORY) == OfflineScorer().grade(question, rubric, ASYNC_STORY)
    whole_catalogue = Topics(judged.topics.postings, judged.topics.titles)  # what the rule replaced
    assert whole_catalogue.fit("behavioral.conflict", _stems(ASYNC_STORY)) is not None


def _stems(text: str) -> frozenset[str]:
    return frozenset(token.stem for sentence in sentences(text) for token in sentence.tokens)


def test_nothing_to_compare_with_is_no_finding(bank: QuestionBank) -> None:
    alone = topicality.build([(bank.get("core.closures"), bank.rubric("core.closures"))])
    assert alone.fit("core.closures", {"decor", "wrapper"}) is None  # a catalogue of one question
    assert _hand_made(0.1, 1.0).fit("a.unknown", {"own", "other"}) is None  # a question the catalogue lacks
    assert _hand_made(0.1, 1.0).fit("a.first", {"own"}) is None  # no word of any other question


def test_the_topics_are_prepared_once_and_read_back_the_same(content: Path, tmp_path: Path) -> None:
    built = topics.load(content, tmp_path / "cache")
    [stored] = (tmp_path / "cache").glob("prepared-*/topics.json")
    again = topics.load(content, tmp_path / "cache")
    assert again == built and len(built.titles) == len(list(QuestionBank.load(content).all()))
    assert json.loads(stored.read_text())["version"] == topics.VERSION


@pytest.mark.parametrize("damage", ["truncated", "other version", "unknown question", "weight as text",
                                    "unknown personal question"])
def test_a_damaged_topics_file_is_ignored_and_built_again(content: Path, tmp_path: Path, damage: str) -> None:
    built = topics.load(content, tmp_path / "cache")
    [path] = (tmp_path / "cache").glob("prepared-*/topics.json")
    good = path.read_text()
    stored = json.loads(good)
    stem = next(iter(stored["postings"]))
    if damage == "truncated":
        path.write_text(good[: len(good) // 2])
    else:
        if damage == "other version":
            stored["version"] += 1
        elif damage == "unknown question":
            stored["postings"][stem][0][0] = "core.no-such-question"
        elif damage == "unknown personal question":
            stored["personal"].append("behavioral.no-such-question")
        else:
            stored["postings"][stem][0][1] = "0.5"
        path.write_text(json.dumps(stored))
    assert topics.load(content, tmp_path / "cache") == built
    assert json.loads(path.read_text()) == json.loads(good)  # and written again whole


# Generators explained in answer to their own question, in words a question about log files shares.
STREAMING = ("Iterate over the file object, which hands back one line at a time, so memory stays flat however big the "
             "log is; never call read() or readlines(). A generator parses each line and yields the endpoint only "
             "for a 5xx status, and nothing runs until something asks for the next item. Chain the stages into a "
             "pipeline: lines -> parsed records -> server errors, and feed the last stage into a Counter keyed by "
             "endpoint, the only thing held in memory.")


def _leaning(own: str, ratio: float, stems: frozenset[str]) -> Topics:
    """Every word of the answer weighs ``ratio`` for its own question and 1.0 for another one."""
    postings: dict[str, tuple[tuple[str, float], ...]] = {stem: ((own, ratio), ("x.other", 1.0)) for stem in stems}
    return Topics(postings, {own: "Own", "x.other": "Other"})


@pytest.mark.parametrize(("ratio", "keeps"), [(0.75, True), (0.6, False)])
def test_an_answer_whose_levels_meet_its_own_question_is_not_sent_to_another(bank: QuestionBank, ratio: float,
                                                                              keeps: bool) -> None:
    question, rubric = bank.get("core.generators"), bank.rubric("core.generators")
    alone = OfflineScorer().assess(question, rubric, STREAMING)
    assert alone.levels_score >= topicality.ANSWERED_LEVELS
    judged = OfflineScorer(_leaning(question.id, ratio, _stems(STREAMING))).grade(question, rubric, STREAMING)
    if keeps:  # closer to the other question, but not by much: the levels say which question it answers
        assert judged == alone.result
    else:  # far closer to the other one: the levels alone do not outweigh that
        assert judged.score < alone.result.score and "'Other'" in judged.notes[-1]


def test_a_weak_answer_near_another_question_still_keeps_only_part(bank: QuestionBank) -> None:
    question, rubric = bank.get("core.generators"), bank.rubric("core.generators")
    weak = "Generators are functions with yield. You could use one to read the log somehow and count things."
    alone = OfflineScorer().assess(question, rubric, weak)
    assert 0 < alone.levels_score < topicality.ANSWERED_LEVELS
    judged = OfflineScorer(_leaning(question.id, 0.75, _stems(weak))).grade(question, rubric, weak)
    assert judged.score < alone.result.score
