"""Answering a behavioral question with a story from the bank: ``/story <id>`` in a round.

A story rehearsed with the coach is the candidate's best telling; typing its id in a
behavioral round sends its latest version as the answer, graded like any other.
"""

from __future__ import annotations

from bot.coaching.ports import StoryStore

COMMAND = "/story"


def story_id(text: str) -> str | None:
    """The id prefix in ``/story <id>``, or None when the text is not that command."""
    words = text.strip().split()
    if len(words) == 2 and words[0].lower() == COMMAND:
        return words[1].lower()
    return None


async def recall(store: StoryStore, user_id: str, prefix: str) -> tuple[str, str] | None:
    """(title, latest text) of the user's one story whose id starts with ``prefix``."""
    found = [s for s in await store.list_stories(user_id, None) if s.id.startswith(prefix)]
    if len(found) != 1:
        return None
    return found[0].title, found[0].latest.text
