"""Views that several features share: a persistent button only its owner may press, and a yes/no question.

``OwnedItem`` is mixed into the persistent buttons of rounds, scheduled rounds, voice transcripts and
STAR rehearsals; ``ConfirmView`` asks before ``/privacy forget`` deletes and before a new prep plan
replaces the old one.
"""

from __future__ import annotations

from typing import Any, ClassVar

import discord


class OwnedItem:
    """Mixed into a persistent button that only its owner (``user_id``) may press; anyone else is
    told so privately, and nothing happens."""

    user_id: int
    refusal: ClassVar[str] = "Only the candidate can use these buttons."

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        if interaction.user.id == self.user_id:
            return True
        await interaction.response.send_message(self.refusal, ephemeral=True)
        return False


class ConfirmView(discord.ui.View):
    """A yes/no question only its asker can answer; ``result`` is True, False, or None (timed out)."""

    def __init__(self, user_id: int, confirm_label: str, timeout: float = 60) -> None:
        super().__init__(timeout=timeout)
        self.user_id = user_id
        self.result: bool | None = None
        self.confirm.label = confirm_label

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        return interaction.user.id == self.user_id

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction[Any], button: discord.ui.Button[Any]) -> None:
        self.result = True
        await interaction.response.edit_message(content="Working on it…", view=None)
        self.stop()

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction[Any], button: discord.ui.Button[Any]) -> None:
        self.result = False
        await interaction.response.edit_message(content="Cancelled; nothing was deleted.", view=None)
        self.stop()
