"""A saved story and its versions: the story bank's vocabulary, shared by the coach and storage.

Versions are kept rather than overwritten because seeing the first telling next to the latest
is the clearest proof to a candidate that rehearsal works, and because a revision can be worse.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

TAG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,31}$"  # lower-case, short: tags are filters, not descriptions
TITLE_CHARS = 200
MAX_TAGS = 8
Tag = Annotated[str, StringConstraints(pattern=TAG_PATTERN)]


def normalise_tags(themes: list[str]) -> list[str]:
    """Tags lower-cased, spaces as hyphens, duplicates dropped, in the order given."""
    return list(dict.fromkeys("-".join(t.lower().split()) for t in themes if t.strip()))


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StoryVersion(_Frozen):
    number: int = Field(ge=1, description="1 for the first telling, then one more per saved revision")
    text: str = Field(min_length=1)
    score: int | None = Field(ge=0, le=100, description="the analysis score when it was saved")
    created_at: AwareDatetime


class NewVersion(_Frozen):
    text: str = Field(min_length=1)
    score: int | None = Field(ge=0, le=100)
    created_at: AwareDatetime


class NewStory(_Frozen):
    title: str = Field(min_length=1, max_length=TITLE_CHARS)
    themes: list[Tag] = Field(min_length=1, max_length=MAX_TAGS)
    first: NewVersion


class StorySummary(_Frozen):
    """One line of the bank: the story and its latest version."""

    id: str
    title: str
    themes: list[Tag]
    created_at: AwareDatetime
    versions: int = Field(ge=1)
    latest: StoryVersion


class Story(_Frozen):
    """A story with every version, oldest first."""

    id: str
    user_id: str
    title: str
    themes: list[Tag]
    created_at: AwareDatetime
    versions: list[StoryVersion] = Field(min_length=1)

    @property
    def latest(self) -> StoryVersion:
        return self.versions[-1]
