"""The story bank on SQLite and PostgreSQL: stories keep every version, stay private to their
owner, leave with a privacy export and disappear with the user."""

from __future__ import annotations

import json
from datetime import timedelta

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from bot.coaching.bank import StoryBank
from bot.coaching.coach import StarCoach
from bot.coaching.models import Phase, Theme
from bot.coaching.story import NewStory, NewVersion
from bot.engine.clock import FakeClock
from bot.storage import tables as t
from bot.storage.privacy import SqlUserData
from bot.storage.repository import SqlRepository
from bot.storage.stories import SqlStories
from tests.unit.test_star import CLEAR, VAGUE

CLOCK_START = FakeClock().now()


def _new(title: str, themes: list[str], text: str, score: int | None, minutes: int = 0) -> NewStory:
    return NewStory(title=title, themes=themes,
                    first=NewVersion(text=text, score=score, created_at=CLOCK_START + timedelta(minutes=minutes)))


async def _counts(repo: SqlRepository) -> dict[str, int]:
    def work(db: Connection) -> dict[str, int]:
        return {table.__tablename__: int(db.scalar(select(func.count()).select_from(table)) or 0)
                for table in (t.Story, t.StoryTheme, t.StoryVersion)}

    return await repo.database.run(work)


async def test_migrations_still_match_the_declared_tables(repo: SqlRepository) -> None:
    def diff(db: Connection) -> list[object]:
        return list(compare_metadata(MigrationContext.configure(db), t.Base.metadata))

    assert await repo.database.run(diff) == []


async def test_save_version_list_get_and_delete(repo: SqlRepository) -> None:
    store = SqlStories(repo.database)
    ada = await repo.ensure_user("discord:1", "Ada")
    bo = await repo.ensure_user("discord:2", "Bo")
    slow = await store.save(ada, _new("Slow search page", ["incident", "performance"], VAGUE, 63))
    mentor = await store.save(ada, _new("Pairing with a new hire", ["mentoring"], CLEAR, 90, minutes=1))
    await store.save(bo, _new("Bo's outage", ["incident"], CLEAR, 98))

    later = CLOCK_START + timedelta(minutes=5)
    assert await store.add_version(ada, slow, NewVersion(text=VAGUE + " Load time fell from 12 s to 1.5 s.",
                                                         score=80, created_at=later)) == 2
    assert await store.add_version(bo, slow, NewVersion(text="not mine", score=None, created_at=later)) is None

    listed = await store.list_stories(ada)
    assert [s.id for s in listed] == [slow, mentor]  # most recently revised first
    assert (listed[0].versions, listed[0].latest.number, listed[0].latest.score) == (2, 2, 80)
    assert listed[0].themes == ["incident", "performance"] and listed[0].latest.created_at == later
    assert [s.id for s in await store.list_stories(ada, "mentoring")] == [mentor]
    assert await store.list_stories(ada, "conflict") == []

    story = await store.get(ada, slow)
    assert story is not None and [v.number for v in story.versions] == [1, 2]
    assert story.versions[0].text == VAGUE and story.latest.score == 80
    assert await store.get(bo, slow) is None  # another user's id finds nothing

    assert await store.delete(bo, slow) is False
    assert await store.delete(ada, slow) is True
    assert await store.get(ada, slow) is None
    assert [s.id for s in await store.list_stories(ada)] == [mentor]
    assert await _counts(repo) == {"stories": 2, "story_themes": 2, "story_versions": 2}


async def test_export_contains_stories_and_forget_leaves_no_story_rows(repo: SqlRepository) -> None:
    store = SqlStories(repo.database)
    ada = await repo.ensure_user("discord:1", "Ada")
    bo = await repo.ensure_user("discord:2", "Bo")
    first = await store.save(ada, _new("Checkout before the big sale", ["incident"], CLEAR, 98))
    await store.add_version(ada, first, NewVersion(text=CLEAR + " I still check the queue alert every week.", score=97,
                                                   created_at=CLOCK_START + timedelta(hours=1)))
    await store.save(bo, _new("Bo's story", ["conflict"], VAGUE, 63))

    data = SqlUserData(repo.database)
    exported = await data.export(ada)
    text = json.dumps(exported)  # the download is plain JSON
    assert [s["title"] for s in exported["stories"]] == ["Checkout before the big sale"]
    assert [v["number"] for v in exported["stories"][0]["versions"]] == [1, 2]
    assert exported["stories"][0]["themes"] == ["incident"] and "ticketing startup" in text and "Bo's story" not in text

    await data.forget(ada)
    assert await data.export(ada) == {}
    assert await _counts(repo) == {"stories": 1, "story_themes": 1, "story_versions": 1}  # only Bo's is left
    assert [s.title for s in await store.list_stories(bo)] == ["Bo's story"]


async def test_a_coached_story_is_saved_with_every_version_and_reopened(repo: SqlRepository) -> None:
    clock = FakeClock()
    coach = StarCoach(clock)
    bank = StoryBank(SqlStories(repo.database), coach)
    ada = await repo.ensure_user("discord:1", "Ada")

    turn = coach.start(Theme.INCIDENT)
    turn = coach.tell(turn.state, VAGUE)
    clock.advance(60)
    turn = coach.tell(turn.state, VAGUE + " The page went from 12 seconds to under 2 seconds.")
    state = await bank.save(ada, turn.state, tags=["Search Speed"])
    assert state.story_id and all(a.saved for a in state.attempts)
    assert await bank.save(ada, state) == state  # nothing new: nothing written

    [summary] = await bank.stories(ada, Theme.INCIDENT)
    assert summary.themes == ["incident", "search-speed"] and summary.versions == 2
    assert summary.title.startswith("At my previous job")

    reopened = await bank.reopen(ada, state.story_id)
    assert reopened is not None and reopened.state.phase is Phase.REVISING and reopened.state.story_id == state.story_id
    clock.advance(60)
    revised = coach.tell(reopened.state, CLEAR)
    saved = await bank.save(ada, revised.state)
    assert saved.story_id == state.story_id
    story = await SqlStories(repo.database).get(ada, state.story_id)
    assert story is not None and len(story.versions) == 3 and story.latest.text == CLEAR
    assert await bank.reopen("nobody", state.story_id) is None
