"""Everything the bot says in Discord, as text and embeds that always fit Discord's limits.

Discord rejects a whole message when any part is one character too long, so every builder
here ends in :func:`fit_embed` or :func:`split_text`, and too-long text is cut with a visible
ellipsis rather than dropped.  Discord counts characters as code points, like Python's ``len``
(discord/discord-api-docs#1315).  The candidate's own words pass through :func:`candidate_text`
before they are echoed, so an answer can never ping anyone, restyle the scorecard or hide text.
Pure functions only: values in, strings and embeds out, no I/O.
"""

from __future__ import annotations

import copy
import math
import re
import textwrap
from collections.abc import Iterable
from datetime import timedelta

import discord

from bot.adapters.discord.split import CLOSE_FENCE, FENCE, MESSAGE_CHARS
from bot.engine.loop import ROUNDS
from bot.engine.models import CriterionScore, Question, Signal
from bot.engine.ports import QuestionBank
from bot.engine.results import verdict
from bot.engine.signals import signal_bands, signal_for
from bot.engine.state import AskedQuestion, RoundState, SessionState
from bot.engine.status import SessionStatus
from bot.engine.wording import Words, clock, graded_by

# Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER_TEXT = 2048
AUTHOR_NAME = 256
EMBEDS_TOTAL = 6000  # summed over every embed of one message
EMBEDS_PER_MESSAGE = 10

ELLIPSIS = "…"
BLANK = "\u200b"  # Discord rejects empty field names and values; a zero-width space stands in
EVIDENCE_CHARS = 300  # one quote per criterion: enough to recognise, short enough for five per card

QUESTION_COLOUR = discord.Colour(0x5865F2)
NEUTRAL_COLOUR = discord.Colour(0x80848E)
SIGNAL_COLOURS: dict[Signal, discord.Colour] = {
    Signal.STRONG_NO: discord.Colour(0xED4245),
    Signal.NO: discord.Colour(0xE67E22),
    Signal.LEAN_YES: discord.Colour(0xFEE75C),
    Signal.YES: discord.Colour(0x57F287),
    Signal.STRONG_YES: discord.Colour(0x1F8B4C),
}
ANSWER_HELP = "Answer by typing in this thread or pressing Answer; send code in a ``` block or as a .py file."

# C0/C1 controls (but tab and newline), bidi overrides and direction marks can hide or reorder
# text; they are shown as visible \uXXXX escapes instead of being obeyed.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# escape_mentions only knows real 17-20 digit snowflakes; any <@..>, <@&..>, <#..> is defused here.
_RAW_MENTION = re.compile(r"<(@[!&]?|#)(?=\d)")


# --------------------------------------------------------------------------- text


def shorten(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters: cut near a word end, marked with an ellipsis,
    with a ``` block left open by the cut closed again so the rest still renders."""
    if len(text) <= limit:
        return text
    if limit < 8:
        return text[: max(0, limit - 1)] + ELLIPSIS if limit > 0 else ""
    head = _cut(text, limit - len(ELLIPSIS))
    if head.count(FENCE) % 2:
        head = _cut(text, limit - len(ELLIPSIS) - len(CLOSE_FENCE))
        if head.count(FENCE) % 2:
            return head + ELLIPSIS + CLOSE_FENCE
    return head + ELLIPSIS


def _cut(text: str, room: int) -> str:
    head = text[:room]
    space = max(head.rfind(" "), head.rfind("\n"))
    if space >= room * 3 // 4:  # a word boundary near the end reads better than half a word
        head = head[:space]
    head = head.rstrip()
    trailing = len(head) - len(head.rstrip("\\"))
    return head[:-1] if trailing % 2 else head  # a lone backslash would escape the ellipsis


def candidate_text(text: str, limit: int) -> str:
    """The candidate's words made safe to echo: no pings, no markdown, no hidden characters."""
    visible = _INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    # allowed_mentions=none already stops pings; escaping keeps the text from even looking like one
    quiet = _RAW_MENTION.sub(lambda m: f"<{m.group(1)}{BLANK}", discord.utils.escape_mentions(visible))
    return shorten(discord.utils.escape_markdown(quiet), limit)


def answer_echo(text: str) -> str:
    """A modal answer shown in the thread, so the thread reads as the whole interview.

    It goes inside one code block: nothing in it renders as markdown or as a mention, and a
    fence the candidate typed is broken up so it cannot end the block early.  Long answers are
    split into several messages by :func:`bot.adapters.discord.split.split_text`.
    """
    visible = _INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text.strip("\n"))
    body = visible.replace("`" * 3, f"`{BLANK}`{BLANK}`")
    return f"**Your answer** (sent with the Answer button):\n{FENCE}text\n{body}\n{FENCE}"


def code_report(text: str) -> str:
    """The sandbox's verdict on a code answer, in a code block that nothing inside can close."""
    return f"**Tests**\n{FENCE}text\n{text.strip().replace(FENCE, f'`{BLANK}`{BLANK}`')}\n{FENCE}"


def words_text(words: Words | None, bold: bool = True) -> str:
    """The engine's words for an event as one message: the lead in bold, a note in small print below."""
    if words is None:
        return ""
    text = f"**{words.lead}**{words.rest}" if bold and words.lead else words.text
    return f"{text}\n-# {words.note}" if words.note else text


def _flat(text: str) -> str:
    return " ".join(text.split())


def time_bar(remaining: timedelta, total: timedelta, width: int = 12) -> str:
    """A bar of ``width`` blocks, filled for the share of time left, then the time left."""
    share = min(1.0, max(0.0, remaining / total)) if total > timedelta(0) else 0.0
    filled = math.ceil(share * width)  # rounded up: any time left shows at least one block
    return f"{'▰' * filled}{'▱' * (width - filled)} {clock(remaining)}"


def status_text(round_kind: str, round_left: timedelta, round_total: timedelta,
                question_left: timedelta | None, note: str | None = None) -> str:
    """The one status line the bot keeps editing: round, time bar, time on this question, a note."""
    text = f"⏱ **{round_kind} round** {time_bar(round_left, round_total)} left"
    if question_left is not None:
        text += f" · this question {clock(question_left)}"
    if note:
        text += f" · {note}"
    return shorten(text, MESSAGE_CHARS)


def label(signal: str) -> str:
    return signal.replace("_", " ")


# --------------------------------------------------------------------------- embeds


def embed_size(embed: discord.Embed) -> int:
    """Characters of one embed as Discord counts them toward a message's 6000."""
    total = len(embed.title or "") + len(embed.description or "")
    total += sum(len(f.name or "") + len(f.value or "") for f in embed.fields)
    return total + len(embed.footer.text or "") + len(embed.author.name or "")


def embeds_size(embeds: Iterable[discord.Embed]) -> int:
    """Characters of all the embeds of one message: titles, descriptions, fields, footers, authors."""
    return sum(embed_size(e) for e in embeds)


def fit_embed(embed: discord.Embed) -> discord.Embed:
    """A copy of ``embed`` within every per-embed limit; whatever is cut is marked, never dropped silently."""
    fitted = discord.Embed.from_dict(copy.deepcopy(embed.to_dict()))  # Embed.copy() shares the field list
    fields = [(f.name, f.value, bool(f.inline)) for f in fitted.fields]
    if len(fields) > EMBED_FIELDS:
        hidden = len(fields) - EMBED_FIELDS + 1
        fields = [*fields[:EMBED_FIELDS - 1], (ELLIPSIS, f"{hidden} more not shown", False)]
    parts = [fitted.title, fitted.description, fitted.footer.text, fitted.author.name,
             *(name for name, _, _ in fields), *(value for _, value, _ in fields)]
    limits = [EMBED_TITLE, EMBED_DESCRIPTION, FOOTER_TEXT, AUTHOR_NAME, *[FIELD_NAME] * len(fields),
              *[FIELD_VALUE] * len(fields)]
    texts = [shorten(p, lim) if p else p for p, lim in zip(parts, limits, strict=True)]
    texts[4:] = [t if t and t.strip() else BLANK for t in texts[4:]]
    if sum(len(t or "") for t in texts) > EMBEDS_TOTAL:
        cap = _level(texts, EMBEDS_TOTAL)
        texts = [shorten(t, cap) if t else t for t in texts]
    fitted.title, fitted.description = texts[0], texts[1]
    if fitted.footer.text:
        fitted.set_footer(text=texts[2], icon_url=fitted.footer.icon_url)
    if fitted.author.name:
        fitted.set_author(name=texts[3] or BLANK, url=fitted.author.url, icon_url=fitted.author.icon_url)
    fitted.clear_fields()
    names, values = texts[4:4 + len(fields)], texts[4 + len(fields):]
    for (_, _, inline), name, value in zip(fields, names, values, strict=True):
        fitted.add_field(name=name or BLANK, value=value or BLANK, inline=inline)
    return fitted


def _level(texts: list[str | None], budget: int) -> int:
    """The largest length cap that brings the sum of all ``texts`` within ``budget`` (water-filling)."""
    lengths = [len(t or "") for t in texts]
    low, high = 1, max(lengths)
    while low < high:
        mid = (low + high + 1) // 2
        if sum(min(n, mid) for n in lengths) <= budget:
            low = mid
        else:
            high = mid - 1
    return low


def pack_embeds(embeds: list[discord.Embed]) -> list[list[discord.Embed]]:
    """Embeds grouped into messages of at most 10 embeds and 6000 characters, order kept."""
    messages: list[list[discord.Embed]] = []
    current: list[discord.Embed] = []
    for embed in (fit_embed(e) for e in embeds):
        if current and (len(current) >= EMBEDS_PER_MESSAGE or embeds_size(current) + embed_size(embed) > EMBEDS_TOTAL):
            messages.append(current)
            current = []
        current.append(embed)
    return [*messages, current] if current else messages


def _colour(score: int | None) -> discord.Colour:
    return NEUTRAL_COLOUR if score is None else SIGNAL_COLOURS[signal_for(score)]


def _code_block(code: str, limit: int) -> str:
    body = textwrap.dedent(code).strip("\n")
    overhead = len(f"{FENCE}py\n\n{FENCE}")
    if len(body) + overhead > limit:
        body = body[:limit - overhead - 2].rstrip() + "\n" + ELLIPSIS
    return f"{FENCE}py\n{body}\n{FENCE}"


def question_embed(words: Words | None, question: Question) -> discord.Embed:
    """The question as the interviewer asks it (the engine's words for it), with its time and, for code, what to write."""
    embed = discord.Embed(title=shorten(words.lead if words else question.title, EMBED_TITLE), colour=QUESTION_COLOUR)
    prompt = words.rest.strip("\n") if words else textwrap.dedent(question.prompt).strip()
    if question.coding is None:
        embed.description = shorten(prompt, EMBED_DESCRIPTION)
    else:
        signature = _code_block(question.coding.signature, EMBED_DESCRIPTION // 4)
        embed.description = shorten(prompt, EMBED_DESCRIPTION - len(signature) - 2) + "\n\n" + signature
        embed.add_field(name="Task", value=shorten(textwrap.dedent(question.coding.statement).strip(), FIELD_VALUE),
                        inline=False)
        if question.coding.starter.strip():
            embed.add_field(name="Starting code", value=_code_block(question.coding.starter, FIELD_VALUE), inline=False)
    time_left = f"⏱ {words.note}\n" if words and words.note else ""
    embed.set_footer(text=f"{time_left}{ANSWER_HELP}")
    return fit_embed(embed)


def _bullet_fields(embed: discord.Embed, name: str, items: Iterable[str]) -> None:
    """Bullets packed into as many fields as they need, so a long list spills rather than truncates."""
    value = ""
    for item in items:
        line = shorten(f"• {item}", FIELD_VALUE)
        if value and len(value) + 1 + len(line) > FIELD_VALUE:
            embed.add_field(name=name, value=value, inline=False)
            name, value = f"{name} (cont.)" if not name.endswith("(cont.)") else name, ""
        value = f"{value}\n{line}" if value else line
    if value:
        embed.add_field(name=name, value=value, inline=False)


def _question(bank: QuestionBank, question_id: str) -> Question | None:
    try:
        return bank.get(question_id)
    except KeyError:  # an old session may name a question since removed from the bank
        return None


def _what(state: SessionState) -> str:
    if state.mode == "round" and state.rounds:
        return f"{state.rounds[0].kind.value} round"
    return f"loop of {len(state.rounds)} rounds"


def _summary(state: SessionState, bank: QuestionBank) -> discord.Embed:
    if state.score is None:
        headline = "No answers were graded."
    else:
        headline = f"**Overall {state.score}/100 · {label(signal_for(state.score))}**"
    if state.status == SessionStatus.ENDED_EARLY:
        headline += " · ended early"
    elif not state.finished:
        headline += " · not finished yet"
    embed = discord.Embed(title="Scorecard", colour=_colour(state.score),
                          description=f"{headline}\n{_what(state)} · {state.level.value} level · track {state.track.value}")
    missing: list[str] = []
    for round_ in state.rounds:
        counted = [q for q in round_.questions if q.counted]
        score = "not scored" if round_.score is None else f"{round_.score}/100 · {label(signal_for(round_.score))}"
        missing += [f"{round_.kind.value}: {_title(bank, q)}" for q in round_.questions if not q.counted]
        embed.add_field(name=f"{round_.kind.value.capitalize()} round ({round_.minutes} min)",
                        value=f"{score}\n{len(counted)} of {len(round_.questions)} questions asked\n"
                              f"real interviews: {ROUNDS[round_.kind].real_length}")
    embed.add_field(name="Graded by", inline=False,
                    value=graded_by(q.result.scorer for r in state.rounds for q in r.questions if q.result is not None))
    reasons = dict.fromkeys(q.result.fallback_reason for r in state.rounds for q in r.questions
                            if q.result is not None and q.result.fallback_reason)
    _bullet_fields(embed, "Graded offline because", (candidate_text(_flat(r), 300) for r in reasons if r))
    _bullet_fields(embed, "Not reached", missing)
    bands = " · ".join(f"{label(s)} {low}-{high}" for s, low, high in signal_bands())
    embed.set_footer(text=f"Signals: {bands}. Graded against each question's rubric; each credit quotes your words.")
    return embed


def _title(bank: QuestionBank, asked: AskedQuestion) -> str:
    question = _question(bank, asked.question_id)
    return question.title if question is not None else asked.question_id


def _card(round_: RoundState, asked: AskedQuestion, bank: QuestionBank) -> discord.Embed:
    question = _question(bank, asked.question_id)
    result = asked.result
    title = f"{round_.kind.value.capitalize()} · Q{asked.position + 1}: {_title(bank, asked)}"
    embed = discord.Embed(title=shorten(title, EMBED_TITLE), colour=_colour(result.score if result else None))
    extras = [asked.status.value.replace("_", " ")]
    extras += ["late answer"] if any(a.late for a in asked.answers) else []
    extras += [f"{len(asked.hints)} hint{'s' if len(asked.hints) != 1 else ''}"] if asked.hints else []
    if result is None:
        embed.description = f"Not graded ({', '.join(extras)})."
    else:
        if result.scorer != "none":
            extras.append(f"scorer: {result.scorer}")
        embed.description = f"**{result.score}/100 · {verdict(result)}** ({', '.join(extras)})"
        if result.fallback_reason:
            embed.description += f"\n⚠ Graded offline: {candidate_text(_flat(result.fallback_reason), 500)}"
        if result.scorer != "none":
            _criteria(embed, result.criteria, asked, bank)
        _bullet_fields(embed, "Red flags", (candidate_text(_flat(f), 400) for f in result.red_flags))
        _bullet_fields(embed, "Notes", (candidate_text(_flat(n), 400) for n in result.notes))
    if question is not None:
        _bullet_fields(embed, "A strong answer covers", question.strong_answer)
    return embed


def _criteria(embed: discord.Embed, scores: Iterable[CriterionScore], asked: AskedQuestion, bank: QuestionBank) -> None:
    try:
        known = {c.id: (c.name, f"{c.weight:.0%}") for c in bank.rubric(asked.question_id).criteria}
    except KeyError:
        known = {}
    for crit in scores:
        name, weight = known.get(crit.id, (crit.id, "?"))
        mark = "🟢" if crit.score >= 2 else ("🟡" if crit.score == 1 else "🔴")
        value = (f"you said: “{candidate_text(_flat(crit.evidence), EVIDENCE_CHARS)}”" if crit.evidence
                 else "not shown in your answer")
        if crit.max < 3:
            value += f"\n(capped at {crit.max}: a hint gave this point away)"
        embed.add_field(name=f"{mark} {name} — {crit.score}/{crit.max} (weight {weight})", value=value, inline=False)


def scorecard_messages(state: SessionState, bank: QuestionBank) -> list[list[discord.Embed]]:
    """The end-of-session scorecard: a summary, then one card per question put to the candidate,
    as messages that each respect Discord's 10-embed and 6000-character limits."""
    embeds = [_summary(state, bank)]
    for round_ in state.rounds:
        embeds += [_card(round_, asked, bank) for asked in round_.questions if asked.counted]
    return pack_embeds(embeds)


def history_embed(sessions: list[SessionState]) -> discord.Embed:
    """The caller's recent sessions, newest first as given: when, what, level, score, status."""
    embed = discord.Embed(title="Your recent sessions", colour=_colour(sessions[0].score if sessions else None))
    lines: list[str] = []
    for session in sessions:
        score = "not scored" if session.score is None else f"**{session.score}/100** {label(signal_for(session.score))}"
        lines.append(f"`{session.id[:8]}` {discord.utils.format_dt(session.created_at, 'd')} · {_what(session)} · "
                     f"{session.level.value} · {score} · {session.status.value.replace('_', ' ')}")
    shown: list[str] = []
    for i, line in enumerate(lines):
        more = "" if i == len(lines) - 1 else f"\n{ELLIPSIS} and {len(lines) - i - 1} older"
        if len("\n".join([*shown, line])) + len(more) > EMBED_DESCRIPTION:
            more = f"{ELLIPSIS} and {len(lines) - i} older"
            shown.append(more)
            break
        shown.append(line)
    embed.description = "\n".join(shown) or "No sessions yet: start one with /mock start or /mock loop."
    embed.set_footer(text="/mock report with a session id shows its scorecard; /mock report alone charts your trend.")
    return fit_embed(embed)

