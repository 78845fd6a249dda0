"""The validated content cache: the same bank as a full load, rebuilt when a file changes, never trusted blindly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.content import cache
from bot.content.bank import ContentError, QuestionBank


def _same(a: QuestionBank, b: QuestionBank) -> bool:
    return a.all() == b.all() and all(a.rubric(q.id) == b.rubric(q.id) for q in a.all())


def _snapshots(directory: Path) -> list[str]:
    """The files of each cached snapshot: the whole one and its questions-only copy, under one key."""
    return sorted(p.name.replace("bank-", "").split(".", 1)[1] for p in directory.glob("bank-*.json"))


def _keys(directory: Path) -> set[str]:
    return {p.name.split(".")[0] for p in directory.glob("bank-*.json")}


def _whole(directory: Path) -> Path:
    [whole] = [p for p in directory.glob("bank-*.json") if not p.name.endswith(cache.QUESTIONS + ".json")]
    return whole


def test_a_cached_bank_is_the_bank_a_full_load_gives(content: Path, tmp_path: Path) -> None:
    first = cache.load(content, tmp_path / "cache")
    assert len(_keys(tmp_path / "cache")) == 1 and _snapshots(tmp_path / "cache") == ["json", "questions.json"]
    again = cache.load(content, tmp_path / "cache")
    assert _same(again, QuestionBank.load(content)) and _same(first, again)


def test_editing_a_question_replaces_the_cached_copy(content: Path, tmp_path: Path) -> None:
    cache.load(content, tmp_path / "cache")
    path = next((content / "data" / "questions").rglob("core.gil.toml"))
    path.write_text(path.read_text().replace('title = "', 'title = "Edited: ', 1))
    bank = cache.load(content, tmp_path / "cache")
    assert bank.get("core.gil").title.startswith("Edited: ")
    assert len(_keys(tmp_path / "cache")) == 1  # the stale copy is gone, with its questions-only copy
    assert _snapshots(tmp_path / "cache") == ["json", "questions.json"]


def test_an_invalid_edit_is_reported_not_hidden_by_the_cache(content: Path, tmp_path: Path) -> None:
    cache.load(content, tmp_path / "cache")
    path = next((content / "rubrics").rglob("core.gil.toml"))
    path.write_text(path.read_text().replace("version = ", "version = -", 1))
    with pytest.raises(ContentError, match=r"core\.gil\.toml"):
        cache.load(content, tmp_path / "cache")


def test_a_corrupt_or_unwritable_cache_falls_back_to_a_full_load(content: Path, tmp_path: Path) -> None:
    cache.load(content, tmp_path / "cache")
    for stored in (tmp_path / "cache").glob("bank-*.json"):
        stored.write_text('{"questions": [{"id": "nonsense"}], "rubrics": []}')
    assert _same(cache.load(content, tmp_path / "cache"), QuestionBank.load(content))
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache directory should be")
    assert _same(cache.load(content, blocked / "cache"), QuestionBank.load(content))


def test_listing_and_offline_grading_load_no_database_model_or_chart_library(tmp_path: Path) -> None:
    """`questions` and `score --scorer offline` need the content only: they start without the heavy libraries
    (and without asyncio: a typed answer graded offline needs no event loop)."""
    heavy = ("sqlalchemy", "alembic", "openai", "discord", "matplotlib", "aiosqlite", "asyncpg", "pydantic_settings",
             "asyncio")
    probe = (
        "import sys\nfrom bot.cli import main\n"
        "main(sys.argv[1:])\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & {set(heavy)!r}))\n"
    )
    env = {**os.environ, "MOCKLOOP_CACHE_DIR": str(tmp_path / "cache"), "OPENAI_API_KEY": ""}
    for argv in (["questions", "--json"], ["score", "--question", "core.gil", "--answer", "One thread at a time.", "--json"]):
        done = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True, env=env, check=True)
        assert done.stdout.strip().splitlines()[-1] == "[]", (argv, done.stdout[-300:], done.stderr[-500:])


def test_one_question_comes_from_the_cache_as_the_full_load_has_it_or_not_at_all(content: Path, tmp_path: Path) -> None:
    """`check-code` reads one question from the cache; anything the cache cannot vouch for means a full load."""
    assert cache.question(content, "coding.flatten-dict", tmp_path / "cache") is None  # nothing cached yet
    bank = cache.load(content, tmp_path / "cache")
    assert cache.question(content, "coding.flatten-dict", tmp_path / "cache") == bank.get("coding.flatten-dict")
    assert cache.question(content, "coding.no-such-question", tmp_path / "cache") is None
    path = next((content / "data" / "questions").rglob("coding.flatten-dict.toml"))
    path.write_text(path.read_text().replace('title = "', 'title = "Edited: ', 1))
    assert cache.question(content, "coding.flatten-dict", tmp_path / "cache") is None  # stale: its key changed
    cache.load(content, tmp_path / "cache")
    for stored in (tmp_path / "cache").glob("bank-*.json"):
        stored.write_text('{"questions": [{"id": "coding.flatten-dict", "title": 3}], "rubrics": []}')
    assert cache.question(content, "coding.flatten-dict", tmp_path / "cache") is None


def test_one_question_is_read_from_the_questions_only_copy_and_a_snapshot_without_it_is_written_again(
        content: Path, tmp_path: Path) -> None:
    """The copy spares `check-code` parsing every rubric; a snapshot missing it is no snapshot, so it cannot go stale."""
    bank = cache.load(content, tmp_path / "cache")
    whole = _whole(tmp_path / "cache")
    [copy] = (tmp_path / "cache").glob(f"bank-*{cache.QUESTIONS}.json")
    assert json.loads(copy.read_text()) == {"questions": json.loads(whole.read_text())["questions"]}
    whole.write_text("not the snapshot")  # the questions come from the copy alone
    assert cache.question(content, "coding.flatten-dict", tmp_path / "cache") == bank.get("coding.flatten-dict")
    cache.load(content, tmp_path / "cache")  # the damaged whole is written again
    copy.unlink()
    assert cache.question(content, "coding.flatten-dict", tmp_path / "cache") is None
    assert _same(cache.load(content, tmp_path / "cache"), bank)  # a whole snapshot without its copy: loaded in full...
    assert _snapshots(tmp_path / "cache") == ["json", "questions.json"]  # ...and both written again
    assert cache.question(content, "coding.flatten-dict", tmp_path / "cache") == bank.get("coding.flatten-dict")


def test_one_question_and_its_rubric_come_from_the_cache_as_the_full_load_has_them(content: Path, tmp_path: Path) -> None:
    """`score` reads one question and its rubric from the cache; a stale or damaged snapshot means None (load in full)."""
    assert cache.question_and_rubric(content, "core.gil", tmp_path / "cache") is None  # nothing cached yet
    bank = cache.load(content, tmp_path / "cache")
    assert cache.question_and_rubric(content, "core.gil", tmp_path / "cache") == (bank.get("core.gil"), bank.rubric("core.gil"))
    assert cache.question_and_rubric(content, "core.no-such-question", tmp_path / "cache") is None
    path = next((content / "rubrics").rglob("core.gil.toml"))
    path.write_text(path.read_text().replace("version = ", "version = 1", 1))
    assert cache.question_and_rubric(content, "core.gil", tmp_path / "cache") is None  # stale: its key changed
    cache.load(content, tmp_path / "cache")
    stored = _whole(tmp_path / "cache")
    snapshot = json.loads(stored.read_text())
    [rubric] = [r for r in snapshot["rubrics"] if r["question"] == "core.gil"]
    rubric["criteria"] = rubric["criteria"][:1]  # fewer criteria than a rubric may have
    stored.write_text(json.dumps(snapshot))
    assert cache.question_and_rubric(content, "core.gil", tmp_path / "cache") is None
