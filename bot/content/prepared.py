"""One question made ready for the offline scorer, kept on disk so `mockloop score` starts at once.

Before it grades, the offline scorer compiles the question's rubric: it stems every indicator
phrase, red-flag phrase and misconception claim, and weighs the words of each criterion's
reference.  That is 10 to 40 ms of work on every start, the same each time, for a command that
grades one answer.  Here the result is written once, with the question and rubric it was made
from, as one small JSON file per question; a later start reads that file, validates the
question and rubric with their models, rebuilds the compiled forms from plain lists and hands
them to the scorer's own caches (``remember`` in :mod:`bot.scoring.matcher`,
:mod:`bot.scoring.reference` and :mod:`bot.scoring.claim_form`).
The same folder holds the catalogue's topics (:mod:`bot.content.topics`), under the same key.

Trust: the file's folder name is a key made of the content key (:func:`bot.content.cache.key`:
every content file's path, size and modification time) and a hash of the code that compiles
(every module of :mod:`bot.scoring`, the models, this module, the Python version and the
stemmer library's files), so an edited rubric or a new MockLoop means a new folder and the old
ones are removed.  The file repeats its key and question id, is read only if this user owns it,
and every field is checked for its type and against the rubric before use; anything that does
not fit is ignored and rebuilt.  JSON of strings, numbers and lists, never pickle: nothing in
the file can run, a file another user placed there is not read, and a damaged one at worst
makes the scorer compile again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError

from bot.content import cache
from bot.engine.models import Question, Rubric
from bot.scoring import claim_form, matcher, reference
from bot.scoring.claim_form import Claim, Wording
from bot.scoring.matcher import CompiledCriterion, CompiledIndicator, CompiledRedFlag, CompiledRubric, Phrase
from bot.scoring.reference import CriterionReference, Reference

PREFIX = "prepared-"
FORMAT = 2  # 2: a claim is stored with the wordings that set a case apart, each wording with ``joined``
_ID = re.compile(r"[a-z]+\.[a-z0-9][a-z0-9-]*")  # a question id, and so a safe file name
_BOT = Path(__file__).resolve().parents[1]


class _Unfit(Exception):
    """A stored value is not of the shape this code writes."""


def load(root: Path, question_id: str, directory: Path | None = None) -> tuple[Question, Rubric] | None:
    """The question and its rubric, compiled for the offline scorer; None when the bank has no such question.

    Read from the prepared file when one matches the content and code; else taken from the
    content cache (or a full load, which reports invalid content as :class:`ContentError`),
    compiled, and written for the next start.
    """
    folder = keyed_folder(root, directory) if _ID.fullmatch(question_id) else None
    if folder is not None:
        found = _read(folder, question_id)
        if found is not None:
            return found
    pair = cache.question_and_rubric(root, question_id, directory)
    if pair is None:
        bank = cache.load(root, directory)
        if question_id not in bank:
            return None
        pair = bank.get(question_id), bank.rubric(question_id)
    question, rubric = pair
    compiled = _compile(question, rubric)
    if folder is not None:
        _write(folder, question, rubric, compiled)
    return question, rubric


# --------------------------------------------------------------------------- the key


def keyed_folder(root: Path, directory: Path | None = None) -> Path | None:
    """The folder for files prepared from the content under ``root`` with this code; None if the key can't be read."""
    try:
        return (directory or cache.cache_dir()) / f"{PREFIX}{_key(root)}"
    except OSError:
        return None


def _key(root: Path) -> str:
    digest = hashlib.sha256(f"{FORMAT}\0{cache.key(root)}\0{sys.version}\n".encode())
    digest.update(_code_digest())
    return digest.hexdigest()[:24]


@lru_cache(maxsize=1)
def _code_digest() -> bytes:
    """The scoring code's and the stemmer's part of the key: the same for the whole process, so read once.

    ``mockloop score`` asks for the key twice (the question, then the catalogue's topics), and reading
    and hashing some forty source files is most of its cost."""
    digest = hashlib.sha256()
    for path in sorted([*(_BOT / "scoring").glob("*.py"), _BOT / "engine" / "models.py", Path(__file__).resolve()]):
        digest.update(f"{path.name}\0".encode() + hashlib.sha256(path.read_bytes()).digest())
    for path in _library_files():
        stat = path.stat()
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.digest()


def _library_files() -> list[Path]:
    """The stemmer's files: a new version may stem a word differently."""
    found: list[Path] = []
    for name in ("snowballstemmer", "Stemmer"):  # Stemmer: the C speed-up snowballstemmer uses when installed
        module = sys.modules.get(name)
        origin = getattr(module, "__file__", None)
        if origin:
            found.extend(sorted(Path(origin).parent.glob("*.py")) if name == "snowballstemmer" else [Path(origin)])
    return found


# --------------------------------------------------------------------------- compiled forms


_Compiled = tuple[CompiledRubric, Reference, dict[str, Claim]]


def _compile(question: Question, rubric: Rubric) -> _Compiled:
    claims = {text: claim_form.compile_claim(text) for flag in rubric.red_flags for text in flag.claims}
    return matcher.compile_rubric(rubric), reference.reference(question, rubric), claims


def _install(question: Question, rubric: Rubric, compiled: _Compiled) -> None:
    rubric_form, ref, claims = compiled
    matcher.remember(rubric, rubric_form)
    reference.remember(question, rubric, ref)
    for text, claim in claims.items():
        claim_form.remember(text, claim)


def _encode(compiled: _Compiled) -> dict[str, object]:
    rubric_form, ref, claims = compiled

    def phrases(found: tuple[Phrase, ...]) -> list[object]:
        return [[list(p.stems), p.ordered, p.sequence, p.call, p.negators] for p in found]

    return {
        "criteria": [[phrases(i.phrases) for i in c.indicators] for c in rubric_form.criteria],
        "red_flags": [phrases(f.phrases) for f in rubric_form.red_flags],
        "by_initial": {k: list(v) for k, v in rubric_form.by_initial.items()},
        "vocabulary": sorted(rubric_form.vocabulary),
        "terms": sorted(rubric_form.terms),
        "reference": {cid: [c.weights, c.norm, sorted(c.technical)] for cid, c in ref.criteria.items()},
        "technical": sorted(ref.technical),
        "claims": {text: [[[_stored(w) for w in group] for group in claim.groups], [_stored(w) for w in claim.elsewhere]]
                   for text, claim in claims.items()},
    }


def _decode(question: Question, rubric: Rubric, stored: object) -> _Compiled:
    """The compiled forms from their stored lists, each field checked; raises on anything unfit."""
    data = _dict(stored)
    criteria = _list(data["criteria"], len(rubric.criteria))
    compiled_criteria = tuple(
        CompiledCriterion(c, tuple(CompiledIndicator(i.id, _phrases(found), tuple(i.code))
                                   for i, found in zip(c.indicators, _list(stored_c, len(c.indicators)), strict=True)))
        for c, stored_c in zip(rubric.criteria, criteria, strict=True))
    flags = tuple(CompiledRedFlag(f, _phrases(found))
                  for f, found in zip(rubric.red_flags, _list(data["red_flags"], len(rubric.red_flags)), strict=True))
    by_initial = {_str(k): _strs(v) for k, v in _dict(data["by_initial"]).items()}
    rubric_form = CompiledRubric(compiled_criteria, flags, by_initial, frozenset(_strs(data["vocabulary"])),
                                 frozenset(_strs(data["terms"])))
    stored_ref = _dict(data["reference"])
    if list(stored_ref) != [c.id for c in rubric.criteria]:
        raise _Unfit("the reference's criteria are not the rubric's")
    ref_criteria: dict[str, CriterionReference] = {}
    for cid, value in stored_ref.items():
        weights, norm, technical = _list(value, 3)
        ref_criteria[cid] = CriterionReference({_str(w): _float(x) for w, x in _dict(weights).items()}, _float(norm),
                                               frozenset(_strs(technical)))
    ref = Reference(ref_criteria, frozenset(_strs(data["technical"])))
    stored_claims = _dict(data["claims"])
    if set(stored_claims) != {text for flag in rubric.red_flags for text in flag.claims}:
        raise _Unfit("the claims are not the rubric's")
    claims: dict[str, Claim] = {}
    for text, value in stored_claims.items():
        groups, elsewhere = _list(value, 2)
        claims[text] = Claim(tuple(tuple(_wording(w) for w in _list(group)) for group in _list(groups)),
                             tuple(_wording(w) for w in _list(elsewhere)))
    return rubric_form, ref, claims


def _phrases(stored: object) -> tuple[Phrase, ...]:
    out = []
    for value in _list(stored):
        stems, ordered, sequence, call, negators = _list(value, 5)
        out.append(Phrase(_strs(stems), _bool(ordered), _bool(sequence), _bool(call), _int(negators)))
    return tuple(out)


def _stored(wording: Wording) -> list[object]:
    return [list(wording.stems), wording.negators, wording.code, wording.joined]


def _wording(stored: object) -> Wording:
    stems, negators, code, joined = _list(stored, 4)
    return Wording(_strs(stems), _int(negators), _str(code), _bool(joined))


def _dict(value: object) -> dict[str, object]:
    if not isinstance(value, dict):
        raise _Unfit("not an object")
    return value


def _list(value: object, length: int | None = None) -> list[object]:
    if not isinstance(value, list) or (length is not None and len(value) != length):
        raise _Unfit("not a list of the right length")
    return value


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise _Unfit("not a string")
    return value


def _strs(value: object) -> tuple[str, ...]:
    return tuple(_str(v) for v in _list(value))


def _bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise _Unfit("not true or false")
    return value


def _int(value: object) -> int:
    if type(value) is not int:
        raise _Unfit("not a whole number")
    return value


def _float(value: object) -> float:
    if type(value) is not float:
        raise _Unfit("not a number")
    return value


# --------------------------------------------------------------------------- the file


def _read(folder: Path, question_id: str) -> tuple[Question, Rubric] | None:
    stored = read_json(folder, question_id)
    if stored is None:
        return None
    try:
        question = Question.model_validate(stored["question"])
        rubric = Rubric.model_validate(stored["rubric"])
    except (KeyError, ValidationError):
        return None
    if question.id != question_id or rubric.question != question_id:
        return None
    try:
        compiled = _decode(question, rubric, stored.get("compiled"))
    except (_Unfit, KeyError, TypeError, ValueError):
        return None
    _install(question, rubric, compiled)
    return question, rubric


def read_json(folder: Path, name: str) -> dict[str, object] | None:
    """The prepared file ``name`` in ``folder``: only one this user wrote, in this format, for this key."""
    path = folder / f"{name}.json"
    try:
        if path.stat().st_uid != os.getuid():
            return None  # only a file this user wrote
        stored = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(stored, dict) or stored.get("format") != FORMAT or stored.get("key") != folder.name:
        return None
    return stored


def _write(folder: Path, question: Question, rubric: Rubric, compiled: _Compiled) -> None:
    write_json(folder, question.id, {"question": question.model_dump(mode="json"),
                                     "rubric": rubric.model_dump(mode="json"), "compiled": _encode(compiled)})


def write_json(folder: Path, name: str, fields: dict[str, object]) -> None:
    """Write ``fields`` as the prepared file ``name``, whole or not at all, clearing other keys' folders."""
    body = {"format": FORMAT, "key": folder.name, **fields}
    try:
        folder.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not folder.is_dir():
            for stale in folder.parent.glob(f"{PREFIX}*"):
                if stale != folder:  # another start may be creating this very folder
                    shutil.rmtree(stale, ignore_errors=True)  # another content or code version's files
            folder.mkdir(mode=0o700, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=folder, prefix=".prepared-", delete=False) as tmp:
            try:
                tmp.write(json.dumps(body, ensure_ascii=False).encode())
            except OSError:
                os.unlink(tmp.name)
                raise
        os.replace(tmp.name, folder / f"{name}.json")  # readers see the old file or the whole new one
    except OSError:
        return  # no prepared file here; the next start compiles again
