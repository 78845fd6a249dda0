"""A recording in a round's thread: measured against the open question, with a Full transcript button.

The thread shows a few lines of a long transcript; the button shows the candidate, privately, the
whole answer as saved, so it keeps working after a restart.  Transcribing itself is shared with
rehearsals and peer interviews (:mod:`bot.adapters.discord.voice`).
"""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.adapters.discord import render
from bot.adapters.discord.features.privacy.forgotten import answer_gone
from bot.adapters.discord.ports import Room
from bot.adapters.discord.services import Services, services_of
from bot.adapters.discord.split import split_text
from bot.adapters.discord.views import OwnedItem
from bot.adapters.discord.voice import NONE, heard
from bot.engine.context import Actor
from bot.engine.errors import SessionNotFound
from bot.scoring.delivery import target_for


async def in_round(services: Services, message: discord.Message, room: Room,
                   attachment: discord.Attachment) -> str | None:
    """A recording in a round's thread: its transcript, measured against the open question's target;
    a shortened transcript gets a button that shows the whole answer."""
    state = await services.engine.state(room.session_id)
    round_ = state.current_round()
    current = round_.current() if round_ else None
    question = services.bank.get(current.question_id) if current is not None else None
    target = target_for(question.round.value, question.answer_format) if question else target_for("core")
    view = None
    if round_ is not None and current is not None:
        view = discord.ui.View(timeout=None)
        view.add_item(TranscriptButton(room.session_id, round_.position, current.position, message.author.id))

    async def fixed() -> tuple[int, int]:
        return target

    actor = Actor(await services.user_id(message.author), room.session_id,
                  str(room.guild_id) if room.guild_id is not None else None)
    transcript = await heard(services, message, attachment, actor, fixed, view)
    return transcript.text if transcript is not None else None


class TranscriptButton(OwnedItem, discord.ui.DynamicItem[discord.ui.Button[Any]],
                       template=r"ml:transcript:(?P<session>[0-9a-f]{32}):(?P<round>[0-9]{1,2}):(?P<question>[0-9]{1,3}):"
                                r"(?P<user>[0-9]{1,20})"):
    """Shows the candidate, privately, the whole of their answer to that question (the thread shows a few
    lines of a long transcript).  Persistent: it reads the saved answer, so it works after a restart."""

    def __init__(self, session_id: str, round_pos: int, question_pos: int, user_id: int) -> None:
        super().__init__(discord.ui.Button(label="Full transcript", style=discord.ButtonStyle.secondary,
                                           custom_id=f"ml:transcript:{session_id}:{round_pos}:{question_pos}:{user_id}"))
        self.session_id, self.round_pos, self.question_pos, self.user_id = session_id, round_pos, question_pos, user_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str]) -> TranscriptButton:
        return cls(match["session"], int(match["round"]), int(match["question"]), int(match["user"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            state = await services_of(interaction.client).engine.state(self.session_id)
        except SessionNotFound:
            await answer_gone(interaction)
            return
        try:
            answers = state.rounds[self.round_pos].questions[self.question_pos].answers
        except IndexError:
            answers = []
        text = "\n\n".join(a.text for a in answers if a.kind == "main")
        if not text:
            await interaction.response.send_message("That answer is not saved yet; try again in a moment.", ephemeral=True)
            return
        chunks = split_text(f"**Your answer, in full**\n{render.candidate_text(text, 12_000)}")
        await interaction.response.send_message(chunks[0], ephemeral=True, allowed_mentions=NONE)
        for chunk in chunks[1:]:
            await interaction.followup.send(chunk, ephemeral=True, allowed_mentions=NONE)
