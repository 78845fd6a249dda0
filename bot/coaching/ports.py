"""What the coaching package needs from the outside world: a story bank and the time.

Every StoryStore call is scoped by ``user_id`` so that an id typed into a Discord command can
never reach another user's story; a story that is not found and one that is not theirs look the same.
"""

from __future__ import annotations

from typing import Protocol

from bot.coaching.story import NewStory, NewVersion, Story, StorySummary
from bot.engine.ports import Clock

__all__ = ["Clock", "StoryStore"]


class StoryStore(Protocol):
    async def save(self, user_id: str, story: NewStory) -> str:
        """Store a new story with its first version; returns the new story's id."""
        ...

    async def add_version(self, user_id: str, story_id: str, version: NewVersion) -> int | None:
        """Append a version; returns its number, or ``None`` when this user has no such story."""
        ...

    async def list_stories(self, user_id: str, theme: str | None = None) -> list[StorySummary]:
        """This user's stories, optionally only those tagged ``theme``, most recently revised first."""
        ...

    async def get(self, user_id: str, story_id: str) -> Story | None:
        """One story with every version, oldest first."""
        ...

    async def delete(self, user_id: str, story_id: str) -> bool:
        """Delete a story and its versions; ``False`` when this user has no such story."""
        ...
