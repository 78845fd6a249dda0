"""An answer that is general talk throughout earns little, however many of the topic's words it uses.

Each test states a rule about the whole answer (:class:`bot.scoring.vagueness.Talk`), on answers written for it.
"""

from __future__ import annotations

from bot.content.bank import QuestionBank
from bot.content.paths import content_root
from bot.engine.models import ScoreResult
from bot.scoring.offline import GENERAL_CAP, OfflineScorer
from bot.scoring.text import sentences, stem
from bot.scoring.vagueness import GENERAL_SHARE, GENERAL_WORDS, general_talk, talk

BANK = QuestionBank.load(content_root())
SCORER = OfflineScorer()

# Every sentence names a real idea of the GIL question and none decides anything about it.
TALK = (
    "Concurrency in Python is a really important topic, and the GIL is a key part of the picture here. "
    "Whether threads help depends on the kind of work, in particular whether it is CPU-bound or I/O-bound, "
    "which is always an important distinction. The thumbnail case and the partner case are different kinds of "
    "workload, so it makes sense that the results were different. For the thumbnail job I would consider the "
    "various options and choose the approach that best fits the situation, keeping the trade-offs in mind. "
    "Overall the right choice depends on the context, and it is essential to measure before deciding."
)
# The same ideas, decided: what each job does, and what follows.
DECIDED = (
    "In CPython only one thread runs Python bytecode at a time, because each must hold the GIL. "
    "The thumbnail loop is pure Python and CPU-bound, so 8 threads just take turns on one core. "
    "The partner calls spend their time waiting on sockets, and a thread waiting on I/O releases the GIL, "
    "so the 20 waits overlap. For thumbnails I would use a ProcessPoolExecutor, one worker per core, "
    "or move the pixel work into Pillow, whose C code releases the GIL."
)


def _grade(qid: str, text: str) -> ScoreResult:
    return SCORER.grade(BANK.get(qid), BANK.rubric(qid), text)


def test_general_talk_is_capped_and_told_why() -> None:
    result = _grade("core.gil", TALK)
    assert result.score <= GENERAL_CAP
    assert any(note.startswith("general talk:") for note in result.notes)
    assert not result.red_flags  # it states nothing wrong: nothing is flagged
    assert result.unsure is None  # the scorer is sure what this is


def test_the_same_ideas_decided_are_not_talk() -> None:
    result = _grade("core.gil", DECIDED)
    assert not any(note.startswith("general talk:") for note in result.notes)
    assert result.score > _grade("core.gil", TALK).score + 40


def test_a_few_framing_words_in_a_concrete_answer_change_nothing() -> None:
    framed = "It is really important to see why. " + DECIDED + " Overall, the key is to measure first."
    assert not any(note.startswith("general talk:") for note in _grade("core.gil", framed).notes)


def test_concrete_details_in_most_sentences_keep_an_answer_out_of_talk() -> None:
    # As framing-heavy as TALK, but with a number or a name in every sentence: checkable, so it is read as claims.
    numbered = ". ".join(f"{sentence} ({n} ms in `bench_{n}`)" for n, sentence in
                         enumerate(TALK.rstrip(".").split(". "), start=1)) + "."
    assert talk(sentences(numbered), numbered, frozenset()).share >= GENERAL_SHARE
    assert not talk(sentences(numbered), numbered, frozenset()).general
    # The scorer's own check settles it from the concrete sentences alone, and agrees on the talk itself.
    assert general_talk(sentences(numbered), numbered, frozenset()) is None
    assert general_talk(sentences(TALK), TALK, frozenset()) == talk(sentences(TALK), TALK, frozenset())


def test_a_short_answer_is_judged_sentence_by_sentence_not_as_talk() -> None:
    short = "It depends on the situation and the trade-offs; the key is the right approach."
    measured = talk(sentences(short), short, frozenset())
    assert measured.content < GENERAL_WORDS
    assert not measured.general


def test_the_rubrics_own_words_are_not_framing_words() -> None:
    # "growth", "team" and "values" frame a technical answer, but are what a motivation answer is about.
    text = ("I want a team where growth is real and the values are lived, and your team's values and the growth "
            "path for engineers are exactly what I want next, because growth and team values matter to me.")
    own = frozenset(stem(word) for word in ("growth", "team", "values"))
    assert talk(sentences(text), text, own).share < talk(sentences(text), text, frozenset()).share
    assert all(word not in talk(sentences(text), text, own).framing for word in ("growth", "team", "values"))
