"""Buttons under each question (Answer, Hint, Skip, End) that keep working after a restart.

Each button's custom_id carries the session and the candidate (``ml:<action>:<session>:<user>``),
so discord.py can rebuild it from the id alone (a ``DynamicItem``) and refuse anyone else's
press without a database read.  Every press is acknowledged first (Discord allows 3 seconds),
then handed to the engine.  A press on a session deleted by ``/privacy forget`` is answered
politely and loses its buttons (see ``features.privacy.forgotten``).
"""

from __future__ import annotations

import logging
import re
from typing import Any

import discord

from bot.adapters.discord import render
from bot.adapters.discord.features.privacy.forgotten import answer_gone
from bot.adapters.discord.services import services_of
from bot.adapters.discord.views import OwnedItem
from bot.adapters.discord.waiting import typing_while
from bot.engine.errors import EngineError, SessionNotFound
from bot.engine.events import Notice
from bot.engine.limits import MAX_ANSWER_CHARS

log = logging.getLogger(__name__)
ACTIONS = {"answer": ("Answer", discord.ButtonStyle.primary), "hint": ("Hint", discord.ButtonStyle.secondary),
           "skip": ("Skip", discord.ButtonStyle.secondary), "end": ("End", discord.ButtonStyle.danger)}
MODAL_MAX = 4000  # Discord's limit for one text input


class SessionButton(OwnedItem, discord.ui.DynamicItem[discord.ui.Button[Any]],
                    template=r"ml:(?P<action>answer|hint|skip|end):(?P<session>[0-9a-f]{32}):(?P<user>[0-9]{1,20})"):
    def __init__(self, action: str, session_id: str, user_id: int) -> None:
        label, style = ACTIONS[action]
        super().__init__(discord.ui.Button(label=label, style=style, custom_id=f"ml:{action}:{session_id}:{user_id}"))
        self.action, self.session_id, self.user_id = action, session_id, user_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str]) -> SessionButton:
        return cls(match["action"], match["session"], int(match["user"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        services = services_of(interaction.client)
        if self.action == "answer":
            try:
                state = await services.engine.state(self.session_id)
            except SessionNotFound:
                await deleted(interaction, self.session_id)
                return
            round_ = state.current_round()
            current = round_.current() if round_ is not None else None
            if state.finished or round_ is None or current is None:
                await interaction.response.send_message("This session has ended.", ephemeral=True)
                return
            await interaction.response.send_modal(AnswerModal(self.session_id, (round_.position, current.position)))
            return
        await interaction.response.defer()
        try:
            if self.action == "hint":
                async with typing_while(interaction.channel, services.model):
                    await services.engine.hint(self.session_id)
            elif self.action == "skip":
                await services.engine.skip(self.session_id)
            else:
                await services.engine.end(self.session_id)
        except SessionNotFound:  # deleted by /privacy forget: its id means nothing to the member
            await deleted(interaction, self.session_id)
        except EngineError as exc:
            await interaction.followup.send(str(exc), ephemeral=True)


async def deleted(interaction: discord.Interaction[Any], session_id: str) -> None:
    """Answer a control of a deleted session; the forget may have run in another process (another
    shard), so this one's cached copy of the session is dropped too."""
    services_of(interaction.client).engine.forget(session_id)
    await answer_gone(interaction)


class AnswerModal(discord.ui.Modal, title="Your answer"):
    """Works without the message-content intent; remembers which question it was opened for."""

    text: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Answer", style=discord.TextStyle.paragraph, max_length=min(MODAL_MAX, MAX_ANSWER_CHARS),
        placeholder="Explain it as you would out loud. Code: use a ``` block.")

    def __init__(self, session_id: str, question: tuple[int, int]) -> None:
        super().__init__(timeout=30 * 60)
        self.session_id = session_id
        self.question = question

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        services = services_of(interaction.client)
        try:  # opened before a forget, sent after it: nothing to save the answer to
            await services.engine.state(self.session_id)
        except SessionNotFound:
            await deleted(interaction, self.session_id)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            # Through the session's outbox, so the answer shows in the thread before the reply to it.
            await services.notifier.post(self.session_id, Notice(render.answer_echo(self.text.value)))
            async with typing_while(interaction.channel, services.model):
                await services.engine.answer(self.session_id, self.text.value, question=self.question)
        except SessionNotFound:
            await deleted(interaction, self.session_id)
            return
        except EngineError as exc:
            await interaction.followup.send(str(exc), ephemeral=True)
            return
        await interaction.followup.send("Saved.", ephemeral=True)


def question_view(session_id: str, user_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for action in ACTIONS:
        view.add_item(SessionButton(action, session_id, user_id))
    return view
