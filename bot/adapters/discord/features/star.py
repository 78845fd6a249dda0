"""/star: rehearse a behavioral story in a private thread, and the story bank.

The coach (``bot.coaching``) is a state machine over a stored value, so each thread keeps its
state in the database between messages and a restart changes nothing.  The story comes as a
message in the thread (message-content intent) or through the **Tell** button's form; **More**
asks for three more revisions, **Done** wraps up and saves every version to the story bank.
"""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters.discord import render, voice
from bot.adapters.discord.features.privacy.forgotten import REHEARSAL_GONE, answer_gone
from bot.adapters.discord.services import Services, services_of
from bot.adapters.discord.split import split_text
from bot.adapters.discord.views import OwnedItem
from bot.coaching.bank import StoryBank
from bot.coaching.coach import StarCoach
from bot.coaching.models import CoachState, Phase, Theme, Turn
from bot.engine.context import Actor, current_actor
from bot.scoring.delivery import target_for

NONE = discord.AllowedMentions.none()
THEMES = [app_commands.Choice(name=t.value, value=t.value) for t in Theme if t is not Theme.OWN]
ACTIONS = {"tell": ("Tell", discord.ButtonStyle.primary), "more": ("More", discord.ButtonStyle.secondary),
           "done": ("Done", discord.ButtonStyle.success)}


def reply_text(turn: Turn) -> str:
    lines = [f"+ {line}" for line in turn.comparison.improved] if turn.comparison else []
    lines += [f"- {line}" for line in turn.comparison.worse] if turn.comparison else []
    # The coach's own words; the story itself is never echoed back.
    body = "\n".join(lines).replace("```", "`\u200b``")
    return turn.message if not lines else f"```diff\n{body}\n```\n{turn.message}"


class CoachButton(OwnedItem, discord.ui.DynamicItem[discord.ui.Button[Any]],
                  template=r"ml:coach:(?P<action>tell|more|done):(?P<thread>[0-9]{1,20}):(?P<user>[0-9]{1,20})"):
    refusal = "Only the person rehearsing can use these buttons."

    def __init__(self, action: str, thread_id: int, user_id: int) -> None:
        label, style = ACTIONS[action]
        super().__init__(discord.ui.Button(label=label, style=style, custom_id=f"ml:coach:{action}:{thread_id}:{user_id}"))
        self.action, self.thread_id, self.user_id = action, thread_id, user_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str]) -> CoachButton:
        return cls(match["action"], int(match["thread"]), int(match["user"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        s = services_of(interaction.client)
        if await s.coach_rooms.get(self.thread_id) is None:  # deleted by /privacy forget
            await answer_gone(interaction, REHEARSAL_GONE)
            return
        if self.action == "tell":
            await interaction.response.send_modal(TellModal(self.thread_id))
            return
        await interaction.response.defer()
        await advance(s, interaction.client, self.thread_id, self.action, None)


class TellModal(discord.ui.Modal, title="Your story"):
    text: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Story", style=discord.TextStyle.paragraph, max_length=4000,
        placeholder="One real occasion: the situation, your task, what you did, how it turned out.")

    def __init__(self, thread_id: int) -> None:
        super().__init__(timeout=30 * 60)
        self.thread_id = thread_id

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        s = services_of(interaction.client)
        if await s.coach_rooms.get(self.thread_id) is None:  # the form was open while the member forgot everything
            await answer_gone(interaction, REHEARSAL_GONE)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        await advance(s, interaction.client, self.thread_id, "tell", self.text.value)
        await interaction.followup.send("Got it.", ephemeral=True)


def coach_view(thread_id: int, user_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for action in ACTIONS:
        view.add_item(CoachButton(action, thread_id, user_id))
    return view


async def _story_target() -> tuple[int, int]:
    return target_for("behavioral", "story")


async def advance(s: Services, client: discord.Client, thread_id: int, action: str, text: str | None,
                  spoken: float | None = None) -> None:
    """Apply one step of the loop to the thread's stored state, post the reply, store the new state.

    ``spoken`` is the recording's length when the story was told aloud: the length is then measured."""
    found = await s.coach_rooms.get(thread_id)
    thread = client.get_channel(thread_id) or await client.fetch_channel(thread_id)
    if found is None or not isinstance(thread, discord.Thread):
        return
    user_id, discord_user_id, stored = found
    coach = StarCoach(s.clock)
    state = CoachState.model_validate(stored)
    analysis = None
    if action == "tell" and text:  # made off the event loop, as a grade is: the coach takes it as it is
        token = current_actor.set(Actor(user_id, None, str(thread.guild.id)))  # the LLM budget is theirs
        try:
            analysis = await s.star_analyser.analyse(text, spoken)
        finally:
            current_actor.reset(token)
    turn = {"tell": lambda: coach.tell(state, text or "", analysis), "more": lambda: coach.more(state),
            "done": lambda: coach.finish(state)}[action]()
    state = turn.state
    if turn.state.phase is Phase.WRAPPED_UP and any(not a.saved for a in state.attempts):
        state = await StoryBank(s.stories, coach).save(user_id, state)
        note = f"\n-# Saved to your story bank ({len(state.attempts)} version{'s' if len(state.attempts) != 1 else ''})."
    else:
        note = ""
    await s.coach_rooms.put(thread_id, user_id, discord_user_id, state.model_dump(mode="json"))
    chunks = split_text(reply_text(turn) + note)
    for i, chunk in enumerate(chunks):
        if i == len(chunks) - 1 and state.phase is not Phase.WRAPPED_UP:  # the buttons go under the last part
            await thread.send(chunk, allowed_mentions=NONE, view=coach_view(thread_id, discord_user_id))
        else:
            await thread.send(chunk, allowed_mentions=NONE)


class StarCog(commands.GroupCog, group_name="star", group_description="Rehearse behavioral (STAR) stories"):
    def __init__(self, services: Services, client: discord.Client) -> None:
        self.services = services
        self.client = client
        # Threads known not to be rehearsals (round threads, mostly): their messages cost no query.
        # A thread's kind never changes, and a rehearsal's thread is created before anyone writes in it.
        self._other_threads: set[int] = set()
        super().__init__()

    @app_commands.command(name="practice")
    @app_commands.describe(theme="what the story is about (default incident)", topic="or a topic of your own")
    @app_commands.choices(theme=THEMES)
    async def practice(self, interaction: discord.Interaction[Any], theme: app_commands.Choice[str] | None = None,
                       topic: app_commands.Range[str, 1, 200] | None = None) -> None:
        """Tell a story, get one suggestion at a time, revise, and see what improved."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        channel = interaction.channel
        if interaction.guild is None or not isinstance(channel, discord.TextChannel):
            await interaction.followup.send("Start a rehearsal from a text channel of a server: it runs in a private "
                                            "thread there.", ephemeral=True)
            return
        s = self.services
        user_id = await s.user_id(interaction.user)
        turn = StarCoach(s.clock).start(Theme(theme.value) if theme else Theme.INCIDENT, topic)
        thread = await channel.create_thread(name=f"star · {interaction.user.display_name}"[:100],
                                             type=discord.ChannelType.private_thread, invitable=False,
                                             auto_archive_duration=1440)
        await thread.add_user(interaction.user)
        await s.coach_rooms.put(thread.id, user_id, interaction.user.id, turn.state.model_dump(mode="json"))
        await thread.send(f"{turn.message}\n-# Type your story here, or press **Tell**. **More**: three more "
                          "revisions. **Done**: wrap up and save to your story bank.", allowed_mentions=NONE,
                          view=coach_view(thread.id, interaction.user.id))
        await interaction.followup.send(f"Your rehearsal is in {thread.mention}.", ephemeral=True)

    @app_commands.command(name="stories")
    async def stories(self, interaction: discord.Interaction[Any]) -> None:
        """Your story bank: each story's versions and latest score (only you see this)."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        s = self.services
        found = await StoryBank(s.stories, StarCoach(s.clock)).stories(await s.user_id(interaction.user))
        if not found:
            await interaction.followup.send("Your story bank is empty; `/star practice` rehearses one.", ephemeral=True)
            return
        lines = [f"`{x.id[:8]}` **{render.candidate_text(x.title, 100)}** ({', '.join(x.themes)}): {x.versions} "
                 f"version{'s' if x.versions != 1 else ''}, latest score {x.latest.score}" for x in found]
        await interaction.followup.send("\n".join(lines)[:2000], ephemeral=True)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or not isinstance(message.channel, discord.Thread):
            return
        if message.channel.id in self._other_threads:
            return
        found = await self.services.coach_rooms.get(message.channel.id)
        if found is None:
            if len(self._other_threads) > 10_000:
                self._other_threads.clear()
            self._other_threads.add(message.channel.id)
            return
        if found[1] != message.author.id:
            return
        text, spoken = message.content, None
        recording = next((a for a in message.attachments if voice.is_audio(a)), None)
        if recording is not None:
            actor = Actor(found[0], None, str(message.guild.id) if message.guild else None)
            transcript = await voice.heard(self.services, message, recording, actor, _story_target)
            if transcript is not None:
                text, spoken = f"{text}\n\n{transcript.text}".strip(), transcript.seconds
        if not text.strip():
            return
        await advance(self.services, self.client, message.channel.id, "tell", text, spoken)


async def setup(client: commands.AutoShardedBot) -> None:
    await client.add_cog(StarCog(services_of(client), client))
    client.add_dynamic_items(CoachButton)
