"""Between the coaching loop and the story bank: save a coached story, reopen a saved one.

Every usable telling in the loop becomes a version, not only the last: the bank is where a
candidate sees the story grow, and where they can go back to an earlier version that was better.
Saving twice is harmless: versions already in the bank are marked in the state and skipped.
"""

from __future__ import annotations

import re

from bot.coaching.coach import StarCoach
from bot.coaching.models import CoachState, Theme, Turn
from bot.coaching.ports import StoryStore
from bot.coaching.story import MAX_TAGS, TAG_PATTERN, TITLE_CHARS, NewStory, NewVersion, StorySummary, normalise_tags

TITLE_WORDS = 10


def default_title(state: CoachState) -> str:
    """The user's topic, else the opening words of the story's setting: enough to recognise it in a list."""
    if state.topic:
        return state.topic[:TITLE_CHARS]
    first = state.attempts[0] if state.attempts else None
    if first is None:
        return state.theme.value.capitalize()
    source = first.analysis.components.situation.excerpt or first.text
    words = source.split()
    title = " ".join(words[:TITLE_WORDS]).rstrip(".,;:") + ("…" if len(words) > TITLE_WORDS else "")
    return title[:TITLE_CHARS]


def tags_for(state: CoachState, extra: list[str]) -> list[str]:
    """The loop's theme first, then the user's own tags; a tag that cannot be one is a ValueError."""
    tags = normalise_tags([state.theme.value, *extra])
    bad = [t for t in tags if not re.fullmatch(TAG_PATTERN, t)]
    if bad:
        raise ValueError(f"“{bad[0]}” cannot be a tag: use up to 32 lower-case letters, digits or hyphens.")
    if len(tags) > MAX_TAGS:
        raise ValueError(f"A story takes at most {MAX_TAGS} tags.")
    return tags


class StoryBank:
    """Saves what the coach produced and hands saved stories back to it."""

    def __init__(self, store: StoryStore, coach: StarCoach) -> None:
        self.store = store
        self.coach = coach

    async def save(self, user_id: str, state: CoachState, title: str | None = None,
                   tags: list[str] | None = None) -> CoachState:
        """Store the loop's unsaved versions; returns the state with ``story_id`` set and them marked saved."""
        unsaved = [a for a in state.attempts if not a.saved]
        if not unsaved:
            return state
        versions = [NewVersion(text=a.text, score=a.analysis.score, created_at=a.at) for a in unsaved]
        story_id = state.story_id
        # A story deleted from the bank while being revised is saved again as a new one: the work is kept.
        appended = story_id is not None and await self.store.add_version(user_id, story_id, versions[0]) is not None
        if story_id is None or not appended:
            name = " ".join((title or "").split())[:TITLE_CHARS] or default_title(state)
            story_id = await self.store.save(user_id, NewStory(title=name, themes=tags_for(state, tags or []),
                                                               first=versions[0]))
        rest = versions[1:]
        for version in rest:
            await self.store.add_version(user_id, story_id, version)
        attempts = [a if a.saved else a.model_copy(update={"saved": True}) for a in state.attempts]
        return state.model_copy(update={"story_id": story_id, "attempts": attempts})

    async def stories(self, user_id: str, theme: Theme | str | None = None) -> list[StorySummary]:
        return await self.store.list_stories(user_id, None if theme is None else str(theme))

    async def reopen(self, user_id: str, story_id: str) -> Turn | None:
        """Start coaching a saved story from its latest version; ``None`` when this user has no such story."""
        story = await self.store.get(user_id, story_id)
        return None if story is None else self.coach.start_from(story)

    async def delete(self, user_id: str, story_id: str) -> bool:
        return await self.store.delete(user_id, story_id)
