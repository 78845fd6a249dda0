"""What peer interviews say on Discord: the thread's messages, the interviewer's private panel, the
rating steps and the scorecards.  Pure functions, values in, text and embeds out.

Members are shown as ``<@id>`` mentions, which Discord renders as names; the bot sends every message
with mentions switched off, so naming someone never pings them.  Anything a member typed (answers,
notes) passes through :func:`render.candidate_text` first.
"""

from __future__ import annotations

from datetime import datetime

import discord

from bot.adapters.discord import render
from bot.engine.models import Question
from bot.engine.peer_grading import Comparison, InterviewerBrief
from bot.engine.peer_state import InterviewerRating, PeerSession, PeerTurn

OPTION_DESCRIPTION = 100  # Discord's limit for a select option's description
INTERVIEWER_ASPECTS = (("clarity", "Clarity", "Was the question put clearly, with the context you needed?"),
                       ("followups", "Follow-ups", "Did the follow-ups probe what your answer missed?"),
                       ("time_keeping", "Time keeping", "Did they keep to the clock and move on at the right time?"))
INTERVIEWER_LEVELS = ("poor", "fair", "good", "excellent")


def who(member: str) -> str:
    """A member id (``discord:<n>``) as a mention Discord renders as their name."""
    return f"<@{member.removeprefix('discord:')}>"


def when(at: datetime, style: str = "R") -> str:
    return f"<t:{int(at.timestamp())}:{style}>"


def welcome(session: PeerSession) -> str:
    first, second = session.members
    return (f"**Peer mock interview: {session.round.value}** ({session.level.value}"
            f"{'' if session.track.value == 'any' else ', ' + session.track.value}) for {who(first)} and {who(second)}.\n"
            f"Press **I'm here** within a minute ({when(session.confirm_by)}); whoever does not is dropped from the "
            f"pair. {who(first)} interviews first, then you swap, each with a different question.")


def ready(turn: PeerTurn) -> str:
    return (f"Turn {turn.position + 1} of 2: {who(turn.interviewer)} interviews, {who(turn.candidate)} answers. "
            f"{who(turn.interviewer)}: press **Interviewer panel** for your question, what a strong answer covers and "
            "the follow-ups (only you will see it).")


def panel_embed(brief: InterviewerBrief, minutes: int) -> discord.Embed:
    """The interviewer's private material; never sent to the thread."""
    embed = discord.Embed(title=render.shorten(f"Your question to ask: {brief.title}", render.EMBED_TITLE),
                          description=render.shorten(brief.prompt, render.EMBED_DESCRIPTION),
                          colour=render.QUESTION_COLOUR)
    embed.add_field(name="A strong answer covers", value=render.shorten(
        "\n".join(f"• {point}" for point in brief.strong_answer), render.FIELD_VALUE), inline=False)
    for criterion in brief.criteria[:5]:
        levels = "\n".join(f"**{n}**: {text}" for n, text in enumerate(criterion.levels))
        embed.add_field(name=render.shorten(f"Rubric: {criterion.name}", render.FIELD_NAME),
                        value=render.shorten(levels, render.FIELD_VALUE), inline=False)
    embed.add_field(name="Follow-ups you can post", value=render.shorten(
        "\n".join(f"• {text}" for _, text in brief.followups), render.FIELD_VALUE), inline=False)
    embed.set_footer(text=f"{minutes} minutes from when you post it. Only you can see this panel.")
    return render.fit_embed(embed)


def question_embed(turn: PeerTurn, question: Question) -> discord.Embed:
    embed = discord.Embed(title=render.shorten(f"Question {turn.position + 1} of 2 · {question.title}",
                                               render.EMBED_TITLE),
                          description=render.shorten(question.prompt, render.EMBED_DESCRIPTION),
                          colour=render.QUESTION_COLOUR)
    if turn.deadline_at is not None:
        embed.add_field(name="Time", value=f"{turn.minutes} min, ends {when(turn.deadline_at)}", inline=False)
    embed.set_footer(text="Candidate: answer by typing in this thread; send code in a ``` block.")
    return render.fit_embed(embed)


def follow_up(text: str) -> str:
    return f"**Follow-up:** {text}"


def closed(turn: PeerTurn, why: str) -> str:
    reason = "Time is up." if why == "time is up" else "The interviewer moved on."
    return f"{reason} {who(turn.interviewer)}: press **Rate** to grade the answer, criterion by criterion."


def rating_step(name: str, index: int, total: int) -> str:
    return f"Criterion {index + 1} of {total}: **{name}**. Pick the level the answer reached."


def level_option(level: int, description: str) -> discord.SelectOption:
    return discord.SelectOption(label=str(level), value=str(level),
                                description=render.shorten(description, OPTION_DESCRIPTION))


def rated_so_far(names: list[str], digits: str) -> str:
    picks = ", ".join(f"{name}: {digit}" for name, digit in zip(names, digits, strict=False))
    return f"Your levels: {picks}. Submit them, with a note if you like."


def scorecard(turn: PeerTurn, question: Question, comparison: Comparison) -> discord.Embed:
    """The two grades of one answer side by side, with where they disagree."""
    embed = discord.Embed(title=render.shorten(f"Scorecard, turn {turn.position + 1}: {question.title}",
                                               render.EMBED_TITLE),
                          description=(f"{who(turn.candidate)} answered, {who(turn.interviewer)} rated.\n"
                                       f"Interviewer: **{comparison.human_score}**/100 · offline scorer: "
                                       f"**{comparison.offline_score}**/100"),
                          colour=render.QUESTION_COLOUR)
    lines = [f"{'⚠ ' if c.disagree else ''}{c.name}: interviewer {c.human}/3 · offline {c.offline}/3"
             for c in comparison.criteria]
    embed.add_field(name="Criterion by criterion", value=render.shorten("\n".join(lines), render.FIELD_VALUE),
                    inline=False)
    if comparison.disagreements:
        embed.add_field(name="Where they disagree", value=render.shorten(
            ", ".join(c.name for c in comparison.disagreements)
            + ": two or more levels apart. Worth a second look at what the answer said.", render.FIELD_VALUE),
            inline=False)
    if comparison.note:
        embed.add_field(name="Interviewer's note", value=render.candidate_text(comparison.note, render.FIELD_VALUE),
                        inline=False)
    return render.fit_embed(embed)


def swapped(turn: PeerTurn) -> str:
    return f"Roles swap. {ready(turn)}"


def finished(session: PeerSession) -> str:
    return ("Both turns are done and saved to your history (`/mock history`). Each of you: press **Rate your "
            "interviewer** to say how your partner did as an interviewer.")


def interviewer_step(index: int) -> str:
    _, name, question = INTERVIEWER_ASPECTS[index]
    return f"Rate your interviewer, {index + 1} of {len(INTERVIEWER_ASPECTS)}: **{name}**. {question}"


def reviewed(rating: InterviewerRating) -> str:
    """What the interviewer hears of their partner's rating of them."""
    parts = ", ".join(f"{name.lower()} {getattr(rating, key)}/3" for key, name, _ in INTERVIEWER_ASPECTS)
    return f"Your peer interview partner rated you as an interviewer: {parts}."


def left(member: str) -> str:
    return f"{who(member)} left, so this peer interview has ended. Turns already rated are in your history."


def dropped(gone: tuple[str, ...], back: tuple[str, ...]) -> str:
    text = f"{' and '.join(who(m) for m in gone)} did not confirm within a minute, so this pairing is dropped."
    if back:
        text += f" {' and '.join(who(m) for m in back)} is back at the front of the queue."
    return text
