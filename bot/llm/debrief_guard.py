"""The model's debrief checked as it streams, sentence by sentence, before anything is shown.

A small local model, or a chat template that folds the system message into the user's turn,
can answer the debrief prompt with the prompt itself, with template tokens or text in a script
the prompt never used, or with an overall score of its own.  Follow-ups and hints are checked
before they are shown (``bot.llm.interviewer.usable``); the debrief streams, so it is checked
per sentence instead: text is held until its sentence ends, the sentence is checked, and only
then shown.  The first bad sentence stops the stream and the offline debrief takes over (what
was shown had passed the same checks, so it stays).  An unfinished last sentence is dropped, so
the debrief always ends on a whole sentence.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from bot.engine.signals import signal_for

SHINGLE_WORDS = 8  # eight words in a row from the prompt are a quotation of it, not a coincidence
_SENTENCE_END = re.compile(r"[.!?]+[\"')\]]*(?=\s)")
_FINAL_END = re.compile(r"[.!?]+[\"')\]]*\s*$")
_WORD = re.compile(r"[^\W_]+")
_TEMPLATE = re.compile(r"<\|[^|>]{0,40}\|>|</?(?:start_of_turn|end_of_turn|s|eos|bos)>|\[/?INST\]|<<SYS>>", re.I)
# Phrases that only instructions (ours or a model's own) contain; a debrief addresses the candidate.
_INSTRUCTION_WORDS = ("rubric", "criterion", "criteria", "system prompt", "system message", "my instructions",
                      "as an ai", "language model", "<<<", ">>>", "110 words", "results at the")
_OUT_OF_100 = re.compile(r"\b(\d{1,3})\s*(?:/\s*100|out of (?:a )?100|%|percent|points? out of 100)", re.I)
# "2/3" or "2 of 3" states a level, unless it counts something else ("2 of 3 questions")
_COUNTED = r"(?!\s*(?:questions?|answers?|rounds?|hints?|times|tries|attempts|stories|follow-ups?)\b)"
_LEVEL = re.compile(rf"\b([0-3])\s*(?:/\s*([1-3])\b|(?:out of|of)\s*([1-3])\b{_COUNTED})", re.I)
_SIGNALS = {"strong yes": "strong_yes", "lean yes": "lean_yes", "strong no": "strong_no"}


class Rejected(Exception):
    """The debrief cannot be shown; the message says why, in words for the user."""


def _sentences(text: str) -> list[str]:
    """``text`` in sentences that join back to exactly ``text`` (the space after one starts the next)."""
    out, start = [], 0
    for end in _SENTENCE_END.finditer(text):
        out.append(text[start:end.end()])
        start = end.end()
    return out + ([text[start:]] if start < len(text) else [])


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def _shingles(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


def _scripts(text: str) -> set[str]:
    """The writing systems of the letters in ``text`` (LATIN, CYRILLIC, CJK...)."""
    return {unicodedata.name(ch, "UNKNOWN").split(" ")[0] for ch in text if ch.isalpha()}


class DebriefGuard:
    """Feed it the stream's pieces; it hands back the text that may be shown.  After each piece,
    ``raise_problem`` raises ``Rejected`` if what came cannot be shown: the good sentences before a
    bad one are handed back first, the bad one never is."""

    def __init__(self, instructions: str, overall: int | None, levels: Iterable[tuple[str, int, int]],
                 rubric_texts: Iterable[str] = ()) -> None:
        self._echo = _shingles(_words(instructions))
        self._scripts = _scripts(instructions) | {"LATIN"}
        self._overall = overall
        self._levels = [(name.casefold(), level, top) for name, level, top in levels]
        self._rubric = [t.casefold() for t in rubric_texts if len(t) > 20]
        self._pending = ""
        self._problem: Rejected | None = None
        self.shown = ""

    def feed(self, piece: str) -> str:
        """Add a piece of the stream; returns the whole sentences now safe to show (maybe "")."""
        if self._problem is not None:
            return ""
        self._pending += piece
        ends = list(_SENTENCE_END.finditer(self._pending))
        cut = ends[-1].end() if ends else 0
        ready, self._pending = self._pending[:cut], self._pending[cut:]
        shown = self._release(ready)
        if self._problem is None:
            self._problem = self._junk(self._pending)  # garbage is stopped at once, not at the end of its sentence
        return shown

    def raise_problem(self) -> None:
        if self._problem is not None:
            raise self._problem

    def finish(self) -> str:
        """The stream ended: the last sentence if it is whole (an unfinished one is dropped)."""
        self.raise_problem()
        tail, self._pending = self._pending, ""
        ready = self._release(tail) if _FINAL_END.search(tail) else ""
        self.raise_problem()
        if not self.shown.strip():
            raise Rejected("its debrief broke off before the end of its first sentence")
        return ready

    def _release(self, text: str) -> str:
        good = ""
        for sentence in _sentences(text):
            self._problem = self._junk(sentence) or self._check(sentence)
            if self._problem is not None:
                break
            good += sentence
        self.shown += good
        return good

    def _junk(self, text: str) -> Rejected | None:
        if "\ufffd" in text or _TEMPLATE.search(text) or any(unicodedata.category(ch) == "Cc" and ch not in "\n\t\r"
                                                             for ch in text):
            return Rejected("its debrief contained garbled text")
        if _scripts(text) - self._scripts:
            return Rejected("its debrief mixed in text in another script")
        return None

    def _check(self, sentence: str) -> Rejected | None:
        lowered = sentence.casefold()
        if _shingles(_words(sentence)) & self._echo or any(w in lowered for w in _INSTRUCTION_WORDS):
            return Rejected("its debrief repeated the instructions it was given")
        if any(text in lowered for text in self._rubric):
            return Rejected("its debrief quoted the rubric")
        stated = {int(n) for n in _OUT_OF_100.findall(sentence)}
        if stated and stated != ({self._overall} if self._overall is not None else set()):
            return Rejected("its debrief stated a score that is not the scorecard's")
        named = [(level, top) for name, level, top in self._levels if name in lowered]
        allowed = set(named or [(level, top) for _, level, top in self._levels])
        if any((int(a), int(b or c)) not in allowed for a, b, c in _LEVEL.findall(sentence)):
            return Rejected("its debrief stated a score that is not the scorecard's")
        signal = signal_for(self._overall).value if self._overall is not None else None
        if any(phrase in lowered and value != signal for phrase, value in _SIGNALS.items()):
            return Rejected("its debrief gave a verdict that is not the scorecard's")
        return None
