"""``mockloop star --coach``: the STAR coaching loop in the terminal, saved to the story bank.

Tell the story over as many lines as you like and end it with a line ``/send``; the coach
answers with what it found and one thing to improve; send the revision the same way.
``/more`` asks for three more revisions, ``/done`` wraps up.  Every version is saved to your
story bank at the end (``mockloop star --stories`` lists it).
"""

from __future__ import annotations

import sys
from typing import Protocol

from rich.console import Console

from bot.adapters.console import render
from bot.adapters.console.exits import Exit
from bot.adapters.console.reader import LineSource, PlainLines, PromptLines
from bot.coaching.bank import StoryBank
from bot.coaching.coach import StarCoach
from bot.coaching.models import Phase, Theme, Turn
from bot.coaching.ports import StoryStore
from bot.engine.clock import SystemClock
from bot.scoring.star_models import StarAnalysis

HELP = "End each version with a line /send.  /more: three more revisions.  /done: wrap up and save."


def _show(console: Console, turn: Turn) -> None:
    if turn.comparison is not None:
        for line in turn.comparison.improved:
            console.print(f"[green]+ {render.escape(line)}[/green]")
        for line in turn.comparison.worse:
            console.print(f"[yellow]- {render.escape(line)}[/yellow]")
    console.print(render.escape(turn.message))


class StarAnalyser(Protocol):
    async def analyse(self, story: str, spoken_seconds: float | None = None) -> StarAnalysis: ...


async def coach(user_id: str, analyser: StarAnalyser | None, store: StoryStore, theme: Theme, topic: str | None) -> int:
    """Rehearse one story with the coach (the model's STAR ratings when ``analyser`` is given) and bank every version."""
    console = Console(highlight=False, soft_wrap=True)
    star = StarCoach(SystemClock())
    turn = star.start(theme, topic)
    console.print(render.escape(turn.message))
    console.print(f"[dim]{HELP}[/dim]")
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    lines: LineSource = PromptLines(lambda: " /send  /more  /done ") if interactive else PlainLines()
    typed: list[str] = []
    while turn.state.phase is not Phase.WRAPPED_UP:
        line = await lines.readline()
        command = None if line is None else line.strip().lower()
        if line is None or command == "/done":
            turn = star.finish(turn.state)
        elif command == "/more":
            turn = star.more(turn.state)
        elif command == "/send":
            story = "\n".join(typed)
            found = await analyser.analyse(story) if analyser is not None and story.strip() else None
            if found is not None and found.fallback_reason:
                console.print(f"[yellow]Analysed offline: {render.escape(found.fallback_reason)}.[/yellow]")
            turn = star.tell(turn.state, story, found)
            typed = []
        else:
            typed.append(line)
            continue
        _show(console, turn)
    if any(not a.saved for a in turn.state.attempts):
        saved = await StoryBank(store, star).save(user_id, turn.state)
        console.print(f"[dim]Saved to your story bank ({len(saved.attempts)} version"
                      f"{'s' if len(saved.attempts) != 1 else ''}); `mockloop star --stories` lists it.[/dim]")
    return Exit.OK


async def stories(user_id: str, store: StoryStore) -> int:
    """The story bank, newest first: id, title, themes, versions and the latest score."""
    console = Console(highlight=False, soft_wrap=True)
    found = await StoryBank(store, StarCoach(SystemClock())).stories(user_id)
    if not found:
        console.print("Your story bank is empty. Rehearse a story with `mockloop star --coach`.")
        return Exit.OK
    for story in found:
        console.print(render.escape(f"{story.id[:8]}  {story.title}  [{', '.join(story.themes)}]  "
                                    f"{story.versions} version(s), latest score {story.latest.score}"))
    return Exit.OK
