"""The catalogue's topics for the offline scorer, kept beside the prepared questions.

Telling an answer to another question from a weak answer to its own needs every question's words
(:mod:`bot.scoring.topicality`), and building them means weighing all 54 rubrics' references:
about a tenth of a second, on every start of a command that grades one answer.  So the built
index is written once, as JSON, in the prepared folder (:mod:`bot.content.prepared`), whose key
already changes with the content and with the scoring code; a later start reads it back.  The
same rules of trust apply: only a file this user wrote, every field checked for its type, and
anything unfit is ignored and built again.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bot.content import cache, prepared
from bot.scoring import topicality
from bot.scoring.topicality import Topics

if TYPE_CHECKING:
    from bot.content.bank import QuestionBank

NAME = "topics"  # not a question id (those hold a dot), so it never takes a question's file
VERSION = 2  # the layout below; a file of another layout is built again


def load(root: Path, directory: Path | None = None) -> Topics:
    """The topics of the content under ``root``: read when prepared with this code, else built and written."""
    folder = prepared.keyed_folder(root, directory)
    stored = prepared.read_json(folder, NAME) if folder is not None else None
    found = _decode(stored) if stored is not None else None
    if found is not None:
        return found
    built = of_bank(cache.load(root, directory))
    if folder is not None:
        postings = {stem: [list(pair) for pair in pairs] for stem, pairs in built.postings.items()}
        prepared.write_json(folder, NAME, {"version": VERSION, "titles": built.titles, "postings": postings,
                                           "personal": sorted(built.personal)})
    return built


def of_bank(bank: QuestionBank) -> Topics:
    """The topics of every question in ``bank``, built now."""
    return topicality.build((question, bank.rubric(question.id)) for question in bank.all())


def _decode(stored: dict[str, object]) -> Topics | None:
    """The index from its stored form, or None when any field is not what :func:`load` writes."""
    titles, postings, personal = stored.get("titles"), stored.get("postings"), stored.get("personal")
    if stored.get("version") != VERSION or not isinstance(titles, dict) or not isinstance(postings, dict):
        return None
    if not isinstance(personal, list) or not all(isinstance(qid, str) and qid in titles for qid in personal):
        return None
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in titles.items()):
        return None
    index: dict[str, tuple[tuple[str, float], ...]] = {}
    for stem, found in postings.items():
        if not isinstance(stem, str) or not isinstance(found, list):
            return None
        pairs: list[tuple[str, float]] = []
        for pair in found:
            if not (isinstance(pair, list) and len(pair) == 2 and pair[0] in titles and type(pair[1]) is float):
                return None
            pairs.append((pair[0], pair[1]))
        index[stem] = tuple(pairs)
    return Topics(index, titles, frozenset(personal))
