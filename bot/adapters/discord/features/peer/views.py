"""The buttons and selects of a peer interview, persistent across restarts.

Every custom_id carries all a press needs (``pr:<action>:<pairing>`` and, while an interviewer
rates, the levels picked so far), so discord.py rebuilds each item from its id alone and a restarted
bot picks up a half-finished rating where it was.  Who may press what is the engine's call: each
callback hands the press to the :class:`PeerActions` the composition root attached to the client.
"""

from __future__ import annotations

import re
from typing import Any, Protocol, runtime_checkable

import discord

import bot.adapters.discord.features.peer.render as peer_render
from bot.engine.peer_grading import CriterionBrief, InterviewerBrief

PID = r"(?P<pid>[0-9a-f]{32})"
BUTTONS = {"confirm": ("I'm here", discord.ButtonStyle.success),
           "panel": ("Interviewer panel", discord.ButtonStyle.primary),
           "ask": ("Post the question", discord.ButtonStyle.primary),
           "close": ("Move on", discord.ButtonStyle.secondary),
           "rate": ("Rate", discord.ButtonStyle.primary),
           "review": ("Rate your interviewer", discord.ButtonStyle.secondary)}


@runtime_checkable
class PeerActions(Protocol):
    """What a press does; implemented by :class:`bot.adapters.discord.features.peer.desk.PeerDesk`."""

    async def press(self, interaction: discord.Interaction[Any], action: str, pairing_id: str) -> None: ...

    async def follow_up(self, interaction: discord.Interaction[Any], pairing_id: str, criterion: str) -> None: ...

    async def level(self, interaction: discord.Interaction[Any], pairing_id: str, position: int, digits: str) -> None: ...

    async def submit(self, interaction: discord.Interaction[Any], pairing_id: str, position: int, digits: str,
                     with_note: bool) -> None: ...

    async def rate(self, interaction: discord.Interaction[Any], pairing_id: str, position: int, digits: str,
                   note: str | None) -> None: ...

    async def review(self, interaction: discord.Interaction[Any], pairing_id: str, digits: str) -> None: ...


def actions_of(client: discord.Client) -> PeerActions:
    found = getattr(client, "peer_desk", None)
    if not isinstance(found, PeerActions):
        raise RuntimeError("peer interviews were not wired by the composition root")
    return found


def _picked(interaction: discord.Interaction[Any]) -> str:
    data: dict[str, Any] = dict(interaction.data or {})
    values = data.get("values") or [""]
    return str(values[0])


class PeerButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                 template=rf"pr:(?P<action>{'|'.join(BUTTONS)}):{PID}"):
    def __init__(self, action: str, pairing_id: str) -> None:
        label, style = BUTTONS[action]
        super().__init__(discord.ui.Button(label=label, style=style, custom_id=f"pr:{action}:{pairing_id}"))
        self.action, self.pairing_id = action, pairing_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str]) -> PeerButton:
        return cls(match["action"], match["pid"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await actions_of(interaction.client).press(interaction, self.action, self.pairing_id)


class FollowUpSelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=rf"pr:fu:{PID}"):
    def __init__(self, pairing_id: str, followups: tuple[tuple[str, str], ...] = ()) -> None:
        options = [discord.SelectOption(label=peer_render.render.shorten(text, 100), value=criterion)
                   for criterion, text in followups[:25]] or [discord.SelectOption(label="-", value="-")]
        super().__init__(discord.ui.Select(custom_id=f"pr:fu:{pairing_id}", placeholder="Post a follow-up…",
                                           options=options))
        self.pairing_id = pairing_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str]) -> FollowUpSelect:
        return cls(match["pid"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await actions_of(interaction.client).follow_up(interaction, self.pairing_id, _picked(interaction))


class LevelSelect(discord.ui.DynamicItem[discord.ui.Select[Any]],
                  template=rf"pr:lv:{PID}:(?P<pos>[01]):(?P<digits>[0-3]{{0,5}})"):
    """One criterion's level; its id holds the levels already picked for the criteria before it."""

    def __init__(self, pairing_id: str, position: int, digits: str, criterion: CriterionBrief | None = None) -> None:
        options = ([peer_render.level_option(n, text) for n, text in enumerate(criterion.levels)] if criterion
                   else [discord.SelectOption(label=str(n), value=str(n)) for n in range(4)])
        super().__init__(discord.ui.Select(custom_id=f"pr:lv:{pairing_id}:{position}:{digits}",
                                           placeholder="Level 0-3", options=options))
        self.pairing_id, self.position, self.digits = pairing_id, position, digits

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str]) -> LevelSelect:
        return cls(match["pid"], int(match["pos"]), match["digits"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await actions_of(interaction.client).level(interaction, self.pairing_id, self.position,
                                                   self.digits + _picked(interaction))


class SubmitButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                   template=rf"pr:(?P<kind>done|note):{PID}:(?P<pos>[01]):(?P<digits>[0-3]{{1,5}})"):
    def __init__(self, kind: str, pairing_id: str, position: int, digits: str) -> None:
        label = "Submit" if kind == "done" else "Submit with a note"
        super().__init__(discord.ui.Button(label=label, style=discord.ButtonStyle.success if kind == "done"
                                           else discord.ButtonStyle.secondary,
                                           custom_id=f"pr:{kind}:{pairing_id}:{position}:{digits}"))
        self.kind, self.pairing_id, self.position, self.digits = kind, pairing_id, position, digits

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str]) -> SubmitButton:
        return cls(match["kind"], match["pid"], int(match["pos"]), match["digits"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await actions_of(interaction.client).submit(interaction, self.pairing_id, self.position, self.digits,
                                                    self.kind == "note")


class ReviewSelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=rf"pr:iv:{PID}:(?P<digits>[0-3]{{0,2}})"):
    """One aspect of the interviewer's rating; the id holds the aspects rated before it."""

    def __init__(self, pairing_id: str, digits: str) -> None:
        options = [discord.SelectOption(label=f"{n} · {name}", value=str(n))
                   for n, name in enumerate(peer_render.INTERVIEWER_LEVELS)]
        super().__init__(discord.ui.Select(custom_id=f"pr:iv:{pairing_id}:{digits}", placeholder="0-3",
                                           options=options))
        self.pairing_id, self.digits = pairing_id, digits

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str]) -> ReviewSelect:
        return cls(match["pid"], match["digits"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await actions_of(interaction.client).review(interaction, self.pairing_id, self.digits + _picked(interaction))


class NoteModal(discord.ui.Modal, title="A note for your partner"):
    note: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Note (optional)", style=discord.TextStyle.paragraph, required=False, max_length=1000,
        placeholder="What to keep, what to work on.")

    def __init__(self, actions: PeerActions, pairing_id: str, position: int, digits: str) -> None:
        super().__init__(timeout=15 * 60)
        self.actions, self.pairing_id, self.position, self.digits = actions, pairing_id, position, digits

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        await self.actions.rate(interaction, self.pairing_id, self.position, self.digits, self.note.value or None)


def view_of(*items: discord.ui.Item[Any]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    return view


def button(action: str, pairing_id: str) -> discord.ui.View:
    return view_of(PeerButton(action, pairing_id))


def panel_view(pairing_id: str, brief: InterviewerBrief) -> discord.ui.View:
    return view_of(PeerButton("ask", pairing_id), PeerButton("close", pairing_id),
                   FollowUpSelect(pairing_id, brief.followups))


def level_view(pairing_id: str, position: int, digits: str, criterion: CriterionBrief) -> discord.ui.View:
    return view_of(LevelSelect(pairing_id, position, digits, criterion))


def submit_view(pairing_id: str, position: int, digits: str) -> discord.ui.View:
    return view_of(SubmitButton("done", pairing_id, position, digits), SubmitButton("note", pairing_id, position, digits))


def review_view(pairing_id: str, digits: str) -> discord.ui.View:
    return view_of(ReviewSelect(pairing_id, digits))


DYNAMIC_ITEMS = (PeerButton, FollowUpSelect, LevelSelect, SubmitButton, ReviewSelect)
