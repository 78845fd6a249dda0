"""The C stemmer (PyStemmer) must stem exactly as the pure-Python Snowball stemmer.

snowballstemmer hands stemming to PyStemmer when it is installed, which makes start-up much
faster; a grade must not depend on which of the two a machine has, so every word of the
rubrics, questions and the scorer's own word lists gets the same stem from both.
"""

from __future__ import annotations

import re
from pathlib import Path

import snowballstemmer
from snowballstemmer.english_stemmer import EnglishStemmer

ROOT = Path(__file__).resolve().parents[2]
_WORD = re.compile(r"[^\W_]+")


def _vocabulary() -> set[str]:
    words: set[str] = set()
    for pattern in ("rubrics/**/*.toml", "data/questions/**/*.toml", "bot/scoring/*.py"):
        for path in ROOT.glob(pattern):
            words |= {w.casefold() for w in _WORD.findall(path.read_text(encoding="utf-8"))}
    return words


def test_the_stemmer_in_use_agrees_with_the_reference_implementation() -> None:
    in_use = snowballstemmer.stemmer("english")
    reference = EnglishStemmer()
    words = sorted(_vocabulary())
    assert len(words) > 3000  # the content really was read
    differing = [w for w in words if in_use.stemWord(w) != reference.stemWord(w)]
    assert differing == []


def test_the_fast_stemmer_is_installed() -> None:
    # Start-up time (issue 16) relies on it: the pure-Python one costs about 200 ms per start.
    assert type(snowballstemmer.stemmer("english")).__module__ == "Stemmer"
