"""The prepared rubric cache: the same grades with it as without it, rebuilt when content changes, never trusted blindly."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.content import prepared
from bot.content.bank import QuestionBank
from bot.content.paths import content_root
from bot.engine.models import Rubric, ScoreResult
from bot.engine.ports import AnswerText
from bot.scoring import matcher, topicality
from bot.scoring.matcher import CompiledRubric
from bot.scoring.offline import OfflineScorer

# A few answers over the kinds of rubric the cache stores: indicator phrases, typo repair, coverage in
# plain words, red-flag phrases and misconception claims, a hedge, a story, and an answer to another question.
ANSWERS = [
    ("core.gil", "The GIL lets one thread run Python bytecode at a time, so threads help with I/O but not CPU work. "
                 "For CPU-bound code use multiprocesing or a C extension that releases the lock."),
    ("core.gil", "The GIL makes Python code thread-safe, so you never need a lock around shared counters."),
    ("core.mutable-default", "The default list is evaluated only once when def runs, so every call shares it. "
                               "Use None and build a fresh list inside."),
    ("core.abc-vs-duck-typing", "I might be wrong, but a Protocol is checked by Python at runtime when the object is "
                                "created, and an ABC only lists abstract methods."),
    ("behavioral.conflict", "Last year a teammate and I disagreed about the release date. I set up a call, we listed "
                            "the risks together and agreed to ship behind a flag; the launch went out two days later."),
    # Decorators explained to the question on closures: judged against the whole catalogue's topics.
    ("core.closures", "A decorator receives a function and hands back a wrapper around it; @timed over a def is "
                      "shorthand for rebinding the name, and functools.wraps keeps the original name and docstring."),
]

# Runs each answer through `mockloop score --json` in one process and prints the outputs, then how many
# rubrics that process compiled itself (the rest came from prepared files).
DRIVER = """
import contextlib, io, json, sys
from bot.scoring import matcher
compiled = []
original = matcher._compile
matcher._compile = lambda rubric: compiled.append(rubric.question) or original(rubric)
from bot.cli import main
outputs = []
for question, answer in json.loads(sys.argv[1]):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["score", "--question", question, "--answer", answer, "--json"]) == 0
    outputs.append(out.getvalue())
print(json.dumps({"outputs": outputs, "compiled": len(compiled)}))
"""


def _score_all(cache_dir: Path) -> tuple[list[str], int]:
    env = {**os.environ, "MOCKLOOP_CACHE_DIR": str(cache_dir), "OPENAI_API_KEY": ""}
    done = subprocess.run([sys.executable, "-c", DRIVER, json.dumps(ANSWERS)], capture_output=True, text=True, env=env,
                          check=True)
    found = json.loads(done.stdout.strip().splitlines()[-1])
    return found["outputs"], found["compiled"]


def test_grades_are_byte_identical_without_the_cache_cold_and_warm(tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache directory should be")
    without, compiled_without = _score_all(blocked / "cache")
    cold, compiled_cold = _score_all(tmp_path / "cache")
    warm, compiled_warm = _score_all(tmp_path / "cache")
    assert len({json.loads(o)["score"] for o in without}) > 2  # the answers are graded differently from one another
    assert cold == without and warm == without
    assert "reads more like one to another question ('Decorators')" in json.loads(without[-1])["notes"][-1]
    # And they are the grades the scorer gives through its port, as the practice round and the bot ask for them.
    bank = QuestionBank.load(content_root())
    scorer = OfflineScorer(topicality.build((q, bank.rubric(q.id)) for q in bank.all()))
    through_port = [asyncio.run(scorer.score(bank.get(q), bank.rubric(q), AnswerText([a]), frozenset()))
                    for q, a in ANSWERS]
    assert without == [json.dumps(r.model_dump(mode="json"), ensure_ascii=False) + "\n" for r in through_port]
    questions = len({q for q, _ in ANSWERS})
    assert compiled_without == len(ANSWERS)  # no cache: every start compiles its rubric
    assert compiled_cold == questions  # the second answer to a question found its prepared file
    assert compiled_warm == 0  # every rubric came from its prepared file
    assert len(list((tmp_path / "cache").glob("prepared-*/*.*.json"))) == questions
    assert len(list((tmp_path / "cache").glob("prepared-*/topics.json"))) == 1  # the catalogue's topics, once


def _stored(cache_dir: Path, question_id: str) -> list[Path]:
    return list(cache_dir.glob(f"prepared-*/{question_id}.json"))


ANSWER = "The GIL lets one thread run bytecode at a time. A zebra crossing would fix it."


def test_an_edited_rubric_is_prepared_again_and_the_old_copy_removed(content: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    question, rubric = prepared.load(content, "core.gil", cache_dir) or pytest.fail("core.gil not found")
    [before] = _stored(cache_dir, "core.gil")
    last = rubric.criteria[-1].id
    assert _level(OfflineScorer().grade(question, rubric, ANSWER), last) == 0
    # A new phrase for the last criterion: only a fresh compile of the edited rubric knows it.
    path = next((content / "rubrics").rglob("core.gil.toml"))
    head, sep, tail = path.read_text().rpartition("[[criteria]]")
    path.write_text(head + sep + tail.replace("phrases = [", 'phrases = ["zebra crossing", ', 1))
    question, rubric = prepared.load(content, "core.gil", cache_dir) or pytest.fail("core.gil not found")
    [after] = _stored(cache_dir, "core.gil")
    assert after.parent != before.parent and not before.parent.exists()
    assert ["zebra", "cross"] in [p[0] for p in json.loads(after.read_text())["compiled"]["criteria"][-1][0]]
    assert _level(OfflineScorer().grade(question, rubric, ANSWER), last) >= 1


def _level(result: ScoreResult, criterion: str) -> int:
    return next(c.score for c in result.criteria if c.id == criterion)


@pytest.mark.parametrize("damage", ["truncated", "wrong type", "other key", "other question", "extra criterion"])
def test_a_damaged_prepared_file_is_ignored_and_rebuilt(content: Path, tmp_path: Path, damage: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    cache_dir = tmp_path / "cache"
    question, rubric = prepared.load(content, "core.gil", cache_dir) or pytest.fail("core.gil not found")
    expected = OfflineScorer().grade(question, rubric, ANSWER).model_dump_json()
    [path] = _stored(cache_dir, "core.gil")
    good = path.read_text()
    stored = json.loads(good)
    if damage == "truncated":
        path.write_text(good[: len(good) // 2])
    else:
        if damage == "wrong type":
            stored["compiled"]["criteria"][0][0][0][0] = "wait socket"  # a string where a list of stems belongs
        elif damage == "other key":
            stored["key"] = "0" * 24
        elif damage == "other question":
            stored["question"]["id"] = "core.mro"
        else:
            stored["compiled"]["criteria"].append([])
        path.write_text(json.dumps(stored))
    compiled: list[Rubric] = []
    original = matcher._compile

    def counting(rubric: Rubric) -> CompiledRubric:
        compiled.append(rubric)
        return original(rubric)

    monkeypatch.setattr(matcher, "_compile", counting)
    question, rubric = prepared.load(content, "core.gil", cache_dir) or pytest.fail("core.gil not found")
    assert compiled == [rubric]  # not taken from the damaged file: compiled again
    assert OfflineScorer().grade(question, rubric, ANSWER).model_dump_json() == expected
    assert json.loads(path.read_text()) == json.loads(good)  # and written again whole


def test_an_unknown_or_unsafe_question_id_is_none(content: Path, tmp_path: Path) -> None:
    assert prepared.load(content, "core.no-such-question", tmp_path / "cache") is None
    assert prepared.load(content, "../../etc/passwd", tmp_path / "cache") is None
    assert not list((tmp_path / "cache").glob("prepared-*/*.json"))
