"""/privacy: a user's own data — download all of it, or delete all of it after a confirmation."""

from __future__ import annotations

import contextlib
import io
import json
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters.discord.features.privacy.forgotten import Place, close_threads
from bot.adapters.discord.services import Services
from bot.adapters.discord.views import ConfirmView


class PrivacyCog(commands.GroupCog, group_name="privacy", group_description="Your data: export or delete it"):
    def __init__(self, services: Services) -> None:
        self.services = services
        super().__init__()

    @app_commands.command(name="export")
    async def export(self, interaction: discord.Interaction[Any]) -> None:
        """Download everything MockLoop stores about you, as a JSON file (only you see it)."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        user_id = await self.services.user_data.find(f"discord:{interaction.user.id}")
        if user_id is None:
            await interaction.followup.send("MockLoop stores nothing about you.", ephemeral=True)
            return
        data = await self.services.user_data.export(user_id)
        payload = json.dumps(data, indent=2, ensure_ascii=False).encode()
        await interaction.followup.send("Everything stored about you:", ephemeral=True,
                                        file=discord.File(io.BytesIO(payload), "mockloop-export.json"))

    @app_commands.command(name="forget")
    async def forget(self, interaction: discord.Interaction[Any]) -> None:
        """Delete all your sessions, answers, scores and usage records, after you confirm."""
        s = self.services
        view = ConfirmView(interaction.user.id, "Delete everything")
        await interaction.response.send_message("This deletes all your sessions, answers, stories, scores and usage "
                                                "records, ends a running session and closes your MockLoop threads. "
                                                "It cannot be undone.", view=view, ephemeral=True)
        await view.wait()
        if not view.result:
            if view.result is None:
                await interaction.edit_original_response(content="Nothing was deleted (no answer within a minute).",
                                                         view=None)
            return
        external = f"discord:{interaction.user.id}"
        user_id = await s.user_data.find(external)
        # Where the bot posted for this member, read before the rows that say so are deleted.
        rooms = await s.rooms.of_user(user_id) if user_id is not None else []
        rehearsals = await s.coach_rooms.threads_of(user_id) if user_id is not None else []
        running = await s.repo.resumable_session(user_id) if user_id is not None else None
        count = await s.user_data.forget_external(external)
        if count is None:
            await interaction.edit_original_response(content="MockLoop stored nothing about you.")
            return
        if running is not None:
            await s.timers.stop(running)
        for session_id in {r.session_id for r in rooms} | ({running} if running is not None else set()):
            s.engine.forget(session_id)  # its cached state would still answer the old buttons
        places = [Place(r.thread_id, frozenset(m for m in (r.question_message_id,) if m is not None)) for r in rooms]
        places += [Place(thread) for thread in rehearsals]
        done = f"Done: deleted {count} session(s) and everything else stored about you."
        # Said before the threads are closed: that takes a few requests per thread, and the data are gone already.
        await interaction.edit_original_response(content=done + (" Closing your threads…" if places else ""))
        if places:
            closed = await close_threads(interaction.client, places)
            with contextlib.suppress(discord.HTTPException):  # after 15 minutes the reply can no longer be edited
                await interaction.edit_original_response(content=f"{done} Closed {closed} of {len(places)} "
                                                                 f"thread{'s' if len(places) != 1 else ''}.")
