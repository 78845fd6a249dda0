"""The opening question for each behavioral theme, and for a topic the user brings.

Each prompt asks for one real occasion and names the four STAR parts, because the commonest
weak answer describes a habit ("I always ...") and the second commonest never reaches the outcome.
"""

from __future__ import annotations

from bot.coaching.models import Theme

TOPIC_CHARS = 200  # a topic is a subject line, not the story itself

_ASK = {
    Theme.INCIDENT: "Tell me about a production problem you fixed: a bad deploy, a slow query, a leak, a stuck service.",
    Theme.OWNERSHIP: "Tell me about something you carried from start to finish that went beyond what your role asked of you.",
    Theme.MENTORING: "Tell me about a time you helped a colleague grow, or lifted how your team works.",
    Theme.CONFLICT: "Tell me about a time you disagreed with someone over a technical decision, and how it was settled.",
}
_HOW = ("Pick one real occasion and tell it in about 90-120 seconds: the situation, what you had to do, "
        "the steps you took yourself, and how it turned out.")


def clean_topic(topic: str | None) -> str | None:
    """The user's topic on one line and cut to a sensible size; ``None`` when there is nothing in it."""
    if topic is None:
        return None
    text = " ".join(topic.split())
    if not text:
        return None
    return text if len(text) <= TOPIC_CHARS else text[: TOPIC_CHARS - 1].rstrip() + "…"


def prompt_for(theme: Theme, topic: str | None = None) -> str:
    """The question that opens the loop; a user's topic wins over the theme's stock question."""
    if topic:
        return f"Tell me about {topic.rstrip('.?!')}. {_HOW}"
    if theme is Theme.OWN:
        return f"Tell me about a moment at work you are proud of, or one you learned from. {_HOW}"
    return f"{_ASK[theme]} {_HOW}"
