"""Everything the bot sends fits Discord's limits exactly, and the candidate's words are echoed inert."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import discord
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.discord import render
from bot.adapters.discord.render import (
    EMBEDS_PER_MESSAGE,
    EMBEDS_TOTAL,
    candidate_text,
    clock,
    embed_size,
    embeds_size,
    fit_embed,
    history_embed,
    question_embed,
    scorecard_messages,
    status_text,
    time_bar,
)
from bot.adapters.discord.split import split_text
from bot.content.bank import QuestionBank
from bot.content.paths import content_root
from bot.engine.clock import FakeClock
from bot.engine.events import QuestionAsked
from bot.engine.models import CriterionScore, Level, RoundKind
from bot.engine.session import InterviewEngine, SessionRequest
from bot.engine.state import SessionState
from bot.engine.status import SessionStatus
from bot.engine.wording import say
from bot.interviewer.offline import OfflineInterviewer
from bot.scoring.offline import OfflineScorer
from tests.fakes import MemoryRepository, RecordingNotifier

BANK = QuestionBank.load(content_root())
# Markdown and pings a candidate might type, on purpose or not.
NOISE = "Also **bold claim**, __underlined__, ~~struck~~, ||spoiler||, @everyone @here <@123> <@&5> and `code`.\n"


async def run_session(count: int, *, end_after: int | None = None, seed: int = 5) -> SessionState:
    """A real core round answered with each question's model answer, wrapped in pings and markdown."""
    engine = InterviewEngine(BANK, OfflineScorer(), OfflineInterviewer(), MemoryRepository(), RecordingNotifier(),
                             FakeClock())
    sid = (await engine.start(SessionRequest(user_id="u1", rounds=(RoundKind.CORE,), level=Level.MID, minutes=60,
                                             questions=count, seed=seed))).id
    for answered in range(count):
        state = await engine.state(sid)
        round_ = state.current_round()
        current = round_.current() if round_ else None
        if current is None:
            break
        if end_after is not None and answered == end_after:
            await engine.end(sid)
            break
        points = BANK.get(current.question_id).strong_answer
        text = " ".join(f"@everyone <@123> {p}" for p in points) + "\n\n" + NOISE * 40
        await engine.answer(sid, text)
        after = await engine.state(sid)
        now = after.current_round()
        still = now.current() if now is not None else None
        if still is not None and still.question_id == current.question_id:
            await engine.skip(sid)  # a follow-up came: move on with the grade it has
    return await engine.state(sid)


@pytest.fixture(scope="module")
def finished() -> SessionState:
    return asyncio.run(run_session(4))


@pytest.fixture(scope="module")
def long_session() -> SessionState:
    return asyncio.run(run_session(12, seed=11))


def assert_embed_fits(embed: discord.Embed) -> None:
    assert len(embed.title or "") <= render.EMBED_TITLE
    assert len(embed.description or "") <= render.EMBED_DESCRIPTION
    assert len(embed.fields) <= render.EMBED_FIELDS
    for field in embed.fields:
        assert field.name and field.name.strip() and len(field.name) <= render.FIELD_NAME
        assert field.value and field.value.strip() and len(field.value) <= render.FIELD_VALUE
    assert len(embed.footer.text or "") <= render.FOOTER_TEXT
    assert len(embed.author.name or "") <= render.AUTHOR_NAME
    assert embed_size(embed) <= EMBEDS_TOTAL


def assert_messages_fit(messages: list[list[discord.Embed]]) -> None:
    assert messages and all(messages)
    for embeds in messages:
        assert len(embeds) <= EMBEDS_PER_MESSAGE
        for embed in embeds:
            assert_embed_fits(embed)
        assert embeds_size(embeds) == sum(len(e) for e in embeds)  # discord.py counts the same way
        assert embeds_size(embeds) <= EMBEDS_TOTAL


def everything(messages: list[list[discord.Embed]]) -> str:
    parts: list[str] = []
    for embed in (e for m in messages for e in m):
        parts += [embed.title or "", embed.description or "", embed.footer.text or ""]
        parts += [f"{f.name}\n{f.value}" for f in embed.fields]
    return "\n".join(parts)


# --------------------------------------------------------------------------- split_text


def words_of(length: int) -> str:
    text = " ".join(f"word{i}" for i in range(length))
    return text[:length].rstrip() + "x" * (length - len(text[:length].rstrip()))


def test_text_of_exactly_the_limit_is_one_message() -> None:
    text = words_of(2000)
    assert len(text) == 2000 and split_text(text) == [text]


def test_one_character_over_splits_at_a_space() -> None:
    text = words_of(2001)
    chunks = split_text(text)
    assert len(chunks) == 2 and all(0 < len(c) <= 2000 for c in chunks)
    assert " ".join(chunks) == text


def test_a_5000_character_word_is_cut_hard_and_kept_whole() -> None:
    word = "a" * 5000
    chunks = split_text(word)
    assert [len(c) for c in chunks] == [2000, 2000, 1000] and "".join(chunks) == word


def test_paragraphs_stay_whole() -> None:
    paragraphs = [f"Paragraph {i}. " + "Some sentence about Python here. " * (3 + i % 9) for i in range(80)]
    text = "\n\n".join(p.strip() for p in paragraphs)
    chunks = split_text(text)
    assert len(chunks) > 3 and all(len(c) <= 2000 for c in chunks)
    assert "\n\n".join(chunks) == text  # every cut fell on a paragraph break


def test_empty_and_blank_text_sends_nothing() -> None:
    assert split_text("") == [] and split_text(" \n\n \n") == []
    assert all(c.strip() for c in split_text("x\n\n\n\n" * 800))


def fence_lines(chunk: str) -> list[str]:
    return [line for line in chunk.split("\n") if line.lstrip().startswith("```")]


def test_code_block_across_chunks_is_closed_and_reopened() -> None:
    code = "\n".join(f"    total_{i} = compute(values[{i}], retries={i % 4})  # step {i}" for i in range(150))
    text = "Here is my fix.\n\n```python\n" + code + "\n```\n\nThat is all, thanks for reading."
    chunks = split_text(text)
    assert len(chunks) >= 4
    for i, chunk in enumerate(chunks):
        assert 0 < len(chunk) <= 2000
        assert len(fence_lines(chunk)) % 2 == 0  # balanced: renders on its own
        if 0 < i < len(chunks) - 1:
            assert chunk.startswith("```python\n") and chunk.endswith("\n```")
    content = [line for c in chunks for line in c.split("\n") if line.strip() and line not in fence_lines(c)]
    original = [line for line in text.split("\n") if line.strip() and not line.startswith("```")]
    assert content == original


def test_a_small_limit_is_honoured_and_a_tiny_one_refused() -> None:
    assert all(len(c) <= 40 for c in split_text("```py\n" + "x = 1\n" * 50 + "```", 40))
    with pytest.raises(ValueError):
        split_text("anything", 10)


TOKENS = st.sampled_from(["alpha", "beta.", "gamma!", "x_y", "(delta)", "\n", "\n\n", "  ", "\n```py\n", "\n```\n"])


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.lists(TOKENS, max_size=400).map(" ".join), st.integers(min_value=32, max_value=300))
def test_any_text_splits_within_the_limit_and_keeps_its_words(text: str, limit: int) -> None:
    chunks = split_text(text, limit)
    assert all(c.strip() and len(c) <= limit for c in chunks)
    assert [w for c in chunks for w in c.split() if "```" not in w] == [w for w in text.split() if "```" not in w]
    if len(fence_lines(text)) % 2 == 0:
        assert all(len(fence_lines(c)) % 2 == 0 for c in chunks)


# --------------------------------------------------------------------------- small text helpers


def test_candidate_text_defuses_pings_markdown_and_hidden_characters() -> None:
    shown = candidate_text("@everyone @here <@123> <@&5> <@!42> **x** __y__ # title\nRTL \u202eevil\u202c end", 500)
    assert "@everyone" not in shown and "@here" not in shown
    assert "<@123>" not in shown and "<@&5>" not in shown and "<@!42>" not in shown
    assert "**x**" not in shown and r"\*\*x\*\*" in shown and r"\_\_y\_\_" in shown
    assert "\u202e" not in shown and "\\u202e" in shown
    assert candidate_text("tab\tand\nnewline", 50) == "tab\tand\nnewline"


def test_candidate_text_is_cut_with_an_ellipsis_within_the_limit() -> None:
    shown = candidate_text("**bold** " * 100, 50)
    assert len(shown) <= 50 and shown.endswith("…") and not shown.endswith("\\…")


def test_clock_and_time_bar() -> None:
    assert clock(-5) == "0:00" and clock(125) == "2:05" and clock(timedelta(minutes=45)) == "45:00"
    assert time_bar(timedelta(minutes=10), timedelta(minutes=20)) == "▰▰▰▰▰▰▱▱▱▱▱▱ 10:00"
    assert time_bar(timedelta(seconds=1), timedelta(minutes=20)).startswith("▰▱")  # any time left shows
    assert time_bar(timedelta(seconds=-3), timedelta(0), width=4) == "▱▱▱▱ 0:00"


def test_status_text_names_the_round_time_left_and_the_note() -> None:
    text = status_text("core", timedelta(minutes=2), timedelta(minutes=30), timedelta(seconds=70), "Two minutes left")
    assert "core round" in text and "2:00" in text and "1:10" in text and "Two minutes left" in text
    assert len(status_text("core", timedelta(0), timedelta(1), None, "x" * 5000)) <= render.MESSAGE_CHARS


# --------------------------------------------------------------------------- embeds


def test_embed_size_counts_what_discord_counts() -> None:
    embed = discord.Embed(title="ab", description="cde", url="https://example.com/not-counted", colour=1)
    embed.add_field(name="f", value="gh").set_footer(text="ij", icon_url="https://example.com/i.png")
    embed.set_author(name="k").set_image(url="attachment://scores.png")
    assert embed_size(embed) == 11 == len(embed)
    assert embed_size(discord.Embed(title="🐍é")) == 2  # code points, not bytes or UTF-16 units
    assert embeds_size([embed, embed]) == 22


def test_fit_embed_enforces_every_limit_and_marks_what_it_cut() -> None:
    embed = discord.Embed(title="t" * 500, description="d " * 5000)
    for i in range(40):
        embed.add_field(name=f"name {i} " * 40, value="v " * 900)
    embed.set_footer(text="f" * 3000).set_author(name="a" * 400)
    fitted = fit_embed(embed)
    assert_embed_fits(fitted)
    assert len(fitted.fields) == 25 and fitted.fields[-1].value == "16 more not shown"
    assert fitted.title and fitted.title.endswith("…") and len(embed.fields) == 40  # the original is untouched


@pytest.mark.parametrize("question", BANK.all(), ids=lambda q: q.id)
def test_every_question_embed_fits(question) -> None:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    asked = QuestionAsked(0, 2, 3, 12, question, now + timedelta(minutes=5), now + timedelta(minutes=44, seconds=30))
    embed = question_embed(say(asked, now), question)
    assert_embed_fits(embed)
    assert embed.title == f"Question 3 of 12: {question.title}"
    assert embed.footer.text and "5:00" in embed.footer.text and "44:30" in embed.footer.text
    if question.coding is not None:
        assert f"```py\n{question.coding.signature}\n```" in (embed.description or "")


def test_scorecard_of_a_long_answered_session_fits_and_quotes_safely(finished: SessionState) -> None:
    messages = scorecard_messages(finished, BANK)
    assert_messages_fit(messages)
    text = everything(messages)
    graded = [q for r in finished.rounds for q in r.questions if q.result and q.result.scorer == "offline"]
    evidence = [c.evidence for q in graded if q.result for c in q.result.criteria if c.evidence]
    assert graded and evidence and all(len(q.answers[0].text) > 4000 for q in graded)
    for quote in evidence:
        assert candidate_text(" ".join(quote.split()), render.EVIDENCE_CHARS) in text
    assert "@everyone" not in text and "<@123>" not in text
    assert "A strong answer covers" in text and "Graded by" in text and "the offline scorer" in text
    assert f"Overall {finished.score}/100" in text


def test_a_twelve_question_session_spills_into_several_messages(long_session: SessionState) -> None:
    messages = scorecard_messages(long_session, BANK)
    assert_messages_fit(messages)
    assert len(messages) >= 2
    titles = [e.title or "" for m in messages for e in m]
    assert titles[0] == "Scorecard" and [t.split(":")[0] for t in titles[1:]] == [f"Core · Q{i}" for i in range(1, 13)]


def test_ended_early_lists_what_was_not_reached() -> None:
    state = asyncio.run(run_session(5, end_after=2))
    assert state.status == SessionStatus.ENDED_EARLY
    text = everything(scorecard_messages(state, BANK))
    assert "ended early" in text and "Not reached" in text
    unasked = [q for q in state.rounds[0].questions if not q.counted]
    assert unasked and all(BANK.get(q.question_id).title in text for q in unasked)


def test_an_oversized_scorecard_is_trimmed_visibly_never_past_a_limit(finished: SessionState) -> None:
    state = finished.model_copy(deep=True)
    for asked in state.rounds[0].questions:
        assert asked.result is not None
        asked.result.notes = ["note **x** @everyone " * 300] * 30
        asked.result.red_flags = ["flag " * 500] * 10
        asked.result.fallback_reason = "timeout " * 1000
        asked.result.criteria = [CriterionScore(id=f"unknown-{i}", score=1, evidence="said <@&5> " * 800) for i in range(30)]
    messages = scorecard_messages(state, BANK)
    assert_messages_fit(messages)
    text = everything(messages)
    assert "…" in text and "@everyone" not in text and "<@&5>" not in text
    assert len([e for m in messages for e in m]) == 1 + len(state.rounds[0].questions)  # no card dropped


def test_history_lists_sessions_and_fits(finished: SessionState) -> None:
    assert "No sessions yet" in (history_embed([]).description or "")
    sessions = []
    for i in range(200):
        copy = finished.model_copy(deep=True)
        copy.id = f"{i:08d}-session"
        copy.created_at = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=i)
        sessions.append(copy)
    embed = history_embed(sessions)
    assert_embed_fits(embed)
    description = embed.description or ""
    assert description.startswith("`00000000`") and "core round" in description and f"**{finished.score}/100**" in description
    assert description.splitlines()[-1].startswith("… and ") and description.splitlines()[-1].endswith(" older")


def test_an_echoed_answer_stays_inside_its_code_block_and_renders_nothing() -> None:
    typed = "@everyone look\n```\n**bold** <@123>\n```\nafter the fence\u202e"
    echo = render.answer_echo(typed)
    body = echo.split("\n", 1)[1]
    assert body.startswith("```text\n") and body.endswith("\n```")
    assert body.count("```") == 2  # the candidate's own fences cannot close the block early
    assert "\u202e" not in echo and "\\u202e" in echo
    chunks = split_text(render.answer_echo("word " * 900))
    assert len(chunks) > 1 and all(len(c) <= 2000 and c.count("```") % 2 == 0 for c in chunks)
