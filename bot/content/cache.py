"""A validated copy of the question bank, so a command line that only lists or scores starts at once.

Reading 108 TOML files and cross-checking them costs a few hundred milliseconds on every start,
which the terminal commands pay before they say anything.  After a full load has passed every
check, the questions and rubrics are written as one JSON file; the next start validates that file
with the same models (a fraction of the cost: pydantic parses JSON natively) instead of parsing
TOML.  JSON rather than pickle, so the file is data and nothing in it can run.

The file's name carries a key made of every content file's path, size and modification time,
plus the model, loader and cache source files, so editing a question or upgrading MockLoop makes a
new key and the stale file is replaced.  Beside it, under the same key, the questions alone: a
command that needs one question (`check-code`) parses that tenth of the data, not the rubrics too.
Any problem with the cache (unwritable directory, corrupt or foreign file, a missing half) falls
back to the full load: the cache can make a start faster, never wrong.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ValidationError

from bot.engine.models import Question, Rubric

if TYPE_CHECKING:  # the loader (TOML, cross-checks) is imported only when a whole bank is needed
    from bot.content.bank import QuestionBank

PREFIX = "bank-"
QUESTIONS = ".questions"  # the questions-only copy: bank-KEY.questions.json
# Code whose changes alter what a loaded bank holds, or how it is stored: a new key when any is edited.
_SOURCES = (Path(__file__).parent / "bank.py", Path(__file__).parents[1] / "engine" / "models.py", Path(__file__))


class _Snapshot(BaseModel):
    questions: list[Question]
    rubrics: list[Rubric]


def cache_dir() -> Path:
    """``MOCKLOOP_CACHE_DIR``, else the user's cache directory (``XDG_CACHE_HOME`` or ``~/.cache``)."""
    explicit = os.environ.get("MOCKLOOP_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mockloop"


def key(root: Path) -> str:
    """What the content under ``root`` is now: every file's path, size and modification time, and the loader's code."""
    digest = hashlib.sha256()
    files = sorted([*_toml_files(root / "data" / "questions"), *_toml_files(root / "rubrics")])
    for path in [*files, *map(str, _SOURCES)]:
        stat = os.stat(path)
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:24]


def _toml_files(top: Path) -> list[str]:
    # The files QuestionBank.load reads (rglob follows linked folders too); os.walk and plain strings take
    # half the time of Path.rglob, and every start of a command pays it.
    return [os.path.join(folder, name)
            for folder, _, names in os.walk(top, followlinks=True) for name in names if name.endswith(".toml")]


def load(root: Path, directory: Path | None = None) -> QuestionBank:
    """The bank under ``root``: from the cache when it matches the files, else loaded in full (and cached)."""
    from bot.content.bank import QuestionBank

    directory = directory or cache_dir()
    try:
        path = directory / f"{PREFIX}{key(root)}.json"
    except OSError:
        return QuestionBank.load(root)
    cached = _read(path)
    if cached is not None:
        return cached
    bank = QuestionBank.load(root)
    _write(path, bank)
    return bank


def question(root: Path, question_id: str, directory: Path | None = None) -> Question | None:
    """One question from the cache, validating only that one; None when the cache cannot say (load in full then).

    `check-code` needs a single question, and validating every question and rubric in the
    snapshot costs about 50 ms of its start; parsing the JSON and validating one entry costs
    under 10.  The snapshot was written only after a full load passed every cross-check, by the
    same model code (its key covers it), so one entry needs no more than its own model.  It is
    read from the questions-only copy: parsing the whole snapshot, nine tenths of it rubrics,
    took 10-15 ms of a fresh process, the copy about 1.
    """
    snapshot = _snapshot(root, directory, QUESTIONS)
    try:
        found = _one(snapshot, "questions", "id", question_id)
        return Question.model_validate(found) if found is not None else None
    except ValidationError:
        return None


def question_and_rubric(root: Path, question_id: str, directory: Path | None = None) -> tuple[Question, Rubric] | None:
    """One question and its rubric from the cache, read as :func:`question` reads one; None when the cache cannot say.

    `score` grades one answer against one rubric: validating the rest of the snapshot would be
    most of what its content costs.
    """
    snapshot = _snapshot(root, directory)
    try:
        found = _one(snapshot, "questions", "id", question_id)
        marked = _one(snapshot, "rubrics", "question", question_id)
        if found is None or marked is None:
            return None
        return Question.model_validate(found), Rubric.model_validate(marked)
    except ValidationError:
        return None


def _snapshot(root: Path, directory: Path | None, part: str = "") -> object:
    """The snapshot (or its ``part``) matching the files under ``root``, parsed, not validated; None if none to trust."""
    try:
        path = (directory or cache_dir()) / f"{PREFIX}{key(root)}{part}.json"
        if path.stat().st_uid != os.getuid():
            return None  # only a file this user wrote
        return json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None


def _one(snapshot: object, part: str, field: str, value: str) -> object:
    """The one entry of the snapshot's ``part`` whose ``field`` is ``value``; None unless there is exactly one."""
    entries = snapshot.get(part) if isinstance(snapshot, dict) else None
    if not isinstance(entries, list):
        return None
    found = [e for e in entries if isinstance(e, dict) and e.get(field) == value]
    return found[0] if len(found) == 1 else None


def _read(path: Path) -> QuestionBank | None:
    from bot.content.bank import QuestionBank

    try:
        if path.stat().st_uid != os.getuid() or not _part(path, QUESTIONS).is_file():
            return None  # only a file this user wrote, and only with its questions-only copy (else both are rewritten)
        snapshot = _Snapshot.model_validate_json(path.read_bytes())
    except (OSError, ValidationError, ValueError):
        return None
    return QuestionBank({q.id: q for q in snapshot.questions}, {r.question: r for r in snapshot.rubrics})


def _part(path: Path, part: str) -> Path:
    return path.with_name(path.name.removesuffix(".json") + f"{part}.json")


def _write(path: Path, bank: QuestionBank) -> None:
    snapshot = _Snapshot(questions=bank.all(), rubrics=[bank.rubric(q.id) for q in bank.all()])
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        for stale in path.parent.glob(f"{PREFIX}*.json"):
            stale.unlink(missing_ok=True)
        # the questions first: a reader that finds the whole snapshot finds its questions-only copy too
        _replace(_part(path, QUESTIONS), snapshot.model_dump_json(include={"questions"}).encode())
        _replace(path, snapshot.model_dump_json().encode())
    except OSError:
        return  # no cache here; the next start loads in full again


def _replace(path: Path, data: bytes) -> None:
    with tempfile.NamedTemporaryFile("wb", dir=path.parent, prefix=".bank-", delete=False) as tmp:
        try:
            tmp.write(data)
        except OSError:
            os.unlink(tmp.name)
            raise
    os.replace(tmp.name, path)  # readers see the old file or the whole new one, never half
