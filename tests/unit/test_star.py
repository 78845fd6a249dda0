"""What a candidate relies on from the offline STAR analysis: the parts it finds, the numbers,
I versus we, habits versus events, and polite, specific answers to input that is not a story."""

from __future__ import annotations

import time
from statistics import median

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.scoring.star import analyse
from bot.scoring.star_quantity import has_change, quantities

CLEAR = (
    "Last spring I was the only backend engineer at a small ticketing startup. "
    "Two days before a big concert sale, our checkout started failing for about a fifth of buyers. "
    "My job was to make checkout reliable before the sale opened, because we expected ten times the usual traffic. "
    "I traced the failures to a payment webhook that timed out under load. "
    "I moved the webhook handling onto a queue with retries and I added an alert on the queue length. "
    "I also ran a load test at twice the expected traffic the night before. "
    "The sale went live on time, checkout errors fell from 20% to under 0.5%, and we sold out in an hour. "
    "I learned to load test the slow edges of a system, not just the main path."
)

WE_ONLY = (
    "At my last company we had a billing job that kept failing at the end of each month. "
    "We needed to fix it before the next invoicing run. "
    "We looked at the logs together and we found a race between two workers. "
    "We added a database lock and we rewrote the retry logic. "
    "In the end the job ran cleanly and finance stopped chasing us."
)

VAGUE = (
    "At my previous job our internal search page was painfully slow for the support team. "
    "My manager asked me to speed it up before the holiday rush. "
    "I profiled the endpoint and found it loaded every ticket into memory. "
    "I rewrote the query to paginate in the database and I added an index on the status column. "
    "After that the page was much faster and the support team was a lot happier."
)

HABIT = (
    "When a teammate and I disagree, I usually ask them to walk me through their reasoning first. "
    "I always try to bring data instead of opinions. "
    "Whenever we still cannot agree, I suggest a small experiment. "
    "Generally that settles it quickly."
)


def test_clear_story_finds_every_part_with_its_own_sentence() -> None:
    a = analyse(CLEAR)
    c = a.components
    assert a.status == "analysed" and a.score is not None
    assert all(getattr(c, p).present for p in ("situation", "task", "action", "result"))
    assert "ticketing startup" in (c.situation.excerpt or "")
    assert (c.task.excerpt or "").startswith("My job was to make checkout reliable")
    assert (c.action.excerpt or "").startswith("I ")
    assert "fell from 20% to under 0.5%" in (c.result.excerpt or "")
    assert a.first_person_ratio == 1.0
    assert a.specific_event is True
    assert a.lesson and a.lesson.startswith("I learned")


def test_time_split_adds_up_and_actions_are_the_bulk() -> None:
    split = analyse(CLEAR).time_split
    total = split.situation + split.task + split.action + split.result + split.other
    assert total == pytest.approx(1.0, abs=0.01)
    assert split.action == max(split.situation, split.task, split.action, split.result)


def test_we_only_story_is_flagged() -> None:
    a = analyse(WE_ONLY)
    assert a.first_person_ratio == 0.0
    assert a.components.action.present and a.components.action.score == 1
    assert "“we”" in a.feedback[0]


def test_quantified_result_lists_the_metrics() -> None:
    a = analyse(CLEAR)
    assert any("from 20% to under 0.5%" in m for m in a.metrics)
    assert a.components.result.score == 3
    assert not any("no number" in f for f in a.feedback)


def test_vague_result_is_named_and_coached() -> None:
    a = analyse(VAGUE)
    assert a.components.result.present
    assert a.metrics == []
    assert a.vague_results and "much faster" in a.vague_results[0]
    assert any("no number yet" in f and "much faster" in f for f in a.feedback)


def test_missing_result_comes_before_minor_advice() -> None:
    story = VAGUE.rsplit(" After that", 1)[0]
    a = analyse(story)
    assert not a.components.result.present
    assert "stops before the outcome" in a.feedback[0]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("p99 latency went from 200ms to 4s after the deploy", "from 200ms to 4s"),
        ("p99 200ms -> 4s", "200ms -> 4s"),
        ("we cut costs by 30% in a quarter", "by 30%"),
        ("restarts went from about eight a day to zero", "from about eight a day to zero"),
        ("memory stayed at 300 MB instead of 2 GB", "300 MB instead of 2 GB"),
        ("builds got three times faster", "three times faster"),
    ],
)
def test_before_after_and_relative_changes_are_detected(sentence: str, expected: str) -> None:
    assert has_change(sentence)
    assert any(expected in q for q in quantities(sentence))


def test_dates_versions_and_clock_times_are_not_metrics() -> None:
    assert quantities("in 2021 we upgraded Python 3.8 at 2am") == []
    assert not has_change("we moved from Python 3.8 on the old box to the new cluster")


def test_generalisation_is_detected_and_comes_first() -> None:
    a = analyse(HABIT)
    assert a.specific_event is False
    assert a.generalisations
    assert "usually do" in a.feedback[0]


def test_hypothetical_answer_is_a_generalisation() -> None:
    story = ("In that situation I would first talk to the engineer privately. Then I would look at the numbers "
             "with them and agree on a small test. I would only escalate if nothing else worked.")
    assert analyse(story).specific_event is False


def test_lesson_is_optional_but_coached() -> None:
    without = analyse(CLEAR.rsplit(" I learned", 1)[0])
    assert without.lesson is None
    assert any("what you learned" in f for f in without.feedback)


def test_spoken_length_uses_140_words_a_minute() -> None:
    a = analyse(CLEAR)
    assert a.length.words_per_minute == 140
    assert a.length.seconds == round(a.length.words * 60 / 140)
    long_enough = " ".join([CLEAR] * 2)
    assert analyse(long_enough).length.verdict == "on target"


def test_empty_story_is_not_scored() -> None:
    for text in ("", "   \n\t "):
        a = analyse(text)
        assert a.status == "empty" and a.score is None
        assert a.feedback[0].startswith("There is no story here yet")


def test_one_liner_is_analysed_but_not_scored() -> None:
    a = analyse("I fixed the flaky deploy script and deploys stopped failing.")
    assert a.status == "too_short" and a.score is None
    assert "too short to score fairly" in a.feedback[0]
    assert a.components.action.present  # what is there is still shown
    assert len(a.feedback) <= 3


def test_huge_paste_is_capped_and_says_so_quickly() -> None:
    paste = " ".join([CLEAR] * 90)  # over 10,000 words
    start = time.perf_counter()
    a = analyse(paste)
    elapsed = time.perf_counter() - start
    assert a.length.words > 10_000 and a.length.truncated
    assert a.length.analysed_words <= 820
    assert a.feedback[0].startswith(f"Your story is {a.length.words:,} words")
    assert "first 800 words only" in a.feedback[0]
    assert a.score is not None
    assert elapsed < 0.5


@pytest.mark.parametrize(
    "story",
    [
        "El año pasado en mi empresa tuvimos una caída del servicio de pagos. Yo era responsable de la base de datos "
        "y encontré el índice que faltaba. Después la latencia bajó mucho.",
        "Letztes Jahr hatten wir bei meiner Firma einen Ausfall. Ich habe die Logs geprüft und den Fehler gefunden.",
        "去年我们公司的支付服务出现了故障。我检查了日志，找到了缺失的索引。",
    ],
)
def test_other_languages_are_explained_not_scored(story: str) -> None:
    a = analyse(story)
    assert a.status == "not_english" and a.score is None
    assert "English only" in a.feedback[0]


@pytest.mark.parametrize(
    "story",
    [
        "Kubernetes, microservices, ownership, leadership, agile, CI/CD, scalability, impact",
        "- ownership\n- stakeholder management\n- Python\n- AWS\n- mentoring",
        "Leadership and ownership. Impact. Python and AWS.",
    ],
)
def test_buzzword_lists_are_explained_not_scored(story: str) -> None:
    a = analyse(story)
    assert a.status == "no_sentences" and a.score is None
    assert "list of terms" in a.feedback[0]
    assert "and," not in a.feedback[0]  # the quoted terms are the terms, not glue words


def test_feedback_is_polite_and_specific() -> None:
    for story in (CLEAR, WE_ONLY, VAGUE, HABIT):
        for sentence in analyse(story).feedback:
            assert sentence[0].isupper() and sentence.rstrip().endswith((".", "”", ")"))
            assert not any(rude in sentence.lower() for rude in ("bad", "wrong", "poor", "terrible"))


def test_analysis_is_deterministic() -> None:
    assert analyse(CLEAR) == analyse(CLEAR)


def test_one_story_takes_well_under_20_ms() -> None:
    analyse(CLEAR)  # pays for compiling the patterns once
    timings = []
    for _ in range(30):
        start = time.perf_counter()
        analyse(CLEAR)
        timings.append(time.perf_counter() - start)
    assert median(timings) < 0.020


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_any_text_gets_an_answer_and_never_a_crash(text: str) -> None:
    a = analyse(text)
    assert a.feedback
    assert a.score is None or 0 <= a.score <= 100
