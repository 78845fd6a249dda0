"""The round, level and track pickers that several slash commands offer (rounds, schedules, group rounds).

One list each, so ``/mock start``, ``/mock schedule`` and ``/mockadmin group`` always offer the same
names, with each round's usual length beside it.
"""

from __future__ import annotations

from discord import app_commands

from bot.engine.loop import ROUNDS
from bot.engine.models import Level, RoundKind, Track

ROUND_CHOICES = [app_commands.Choice(name=f"{k.value} ({ROUNDS[k].default_minutes} min)", value=k.value) for k in RoundKind]
LEVEL_CHOICES = [app_commands.Choice(name=lv.value, value=lv.value) for lv in Level]
TRACK_CHOICES = [app_commands.Choice(name=t.value, value=t.value) for t in Track]
