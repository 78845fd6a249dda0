"""`mockloop questions`: the question bank as a table or JSON.

Kept apart from the other console commands, which open the database and may reach a model:
listing the bank needs only the content, so this command imports nothing else and starts at once.
"""

from __future__ import annotations

import json

from rich.console import Console
from rich.table import Table

from bot.adapters.console.exits import Exit
from bot.content import cache
from bot.content.paths import content_root
from bot.engine.models import Level, RoundKind, Track


def questions(round_: str | None, level: str | None, track: str | None, as_json: bool) -> int:
    """List the question bank, optionally filtered."""
    bank = cache.load(content_root())
    found = bank.filter(RoundKind(round_) if round_ else None, Level(level) if level else None, Track(track) if track else None)
    if as_json:
        print(json.dumps([
            {"id": q.id, "round": q.round.value, "title": q.title, "levels": [lv.value for lv in q.levels],
             "tracks": [t.value for t in q.tracks], "format": q.answer_format}
            for q in found
        ]))
        return Exit.OK
    table = Table("id", "round", "title", "levels", "tracks")
    for q in found:
        table.add_row(q.id, q.round.value, q.title, ", ".join(lv.value for lv in q.levels), ", ".join(t.value for t in q.tracks))
    Console(highlight=False, soft_wrap=True).print(table)
    return Exit.OK
