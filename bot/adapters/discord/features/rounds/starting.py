"""Opening a round in a private thread, shared by ``/mock start``, a scheduled round's Start button
and a group's start.

It is the rounds feature's one public step: the schedule and groups features import this module
and nothing else of rounds, so no arrow points back from rounds to them.
"""

from __future__ import annotations

import discord

from bot.adapters.discord.ports import Room
from bot.adapters.discord.services import Services
from bot.engine.errors import EngineError
from bot.engine.models import Level, RoundKind, Track
from bot.engine.planning import SessionRequest


async def open_round(s: Services, channel: discord.TextChannel, member: discord.abc.User, user_id: str,
                     kinds: tuple[RoundKind, ...], level: Level, track: Track, minutes: int | None,
                     focus: frozenset[str] = frozenset(), weak: bool = False) -> tuple[str, str]:
    """Open a private thread in ``channel`` for ``member`` and start the session there; returns
    the sentence saying where it is, and the session's id."""
    what = "loop" if len(kinds) > 1 else kinds[0].value
    thread = await channel.create_thread(name=f"mock {what} · {member.display_name}"[:100],
                                         type=discord.ChannelType.private_thread, invitable=False,
                                         auto_archive_duration=1440)
    await thread.add_user(member)
    try:
        state = await s.engine.start(SessionRequest(user_id=user_id, rounds=kinds, level=level, track=track,
                                                    minutes=minutes, guild_id=str(channel.guild.id), focus=focus,
                                                    weak=weak))
    except EngineError:
        await thread.delete()
        raise
    room = Room(state.id, thread.id, channel.guild.id, member.id)
    await s.rooms.add(room)
    s.notifier.register(room)
    await s.timers.watch(state.id, channel.guild.id)
    return f"Your {what} round is in {thread.mention}.", state.id
