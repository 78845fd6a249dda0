"""The story bank in the database: stories, their theme tags and numbered versions.

Every query filters on the user as well as the story id, so an id copied from someone else's
screen finds nothing.  Versions are only ever appended (number = highest + 1 in the same
transaction), which keeps the first telling next to the latest for as long as the story exists.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import Connection, RowMapping

from bot.coaching.story import NewStory, NewVersion, Story, StorySummary, StoryVersion
from bot.storage import tables as t
from bot.storage.db import Database

S, Th, V = t.Story, t.StoryTheme, t.StoryVersion


def _version(row: RowMapping) -> StoryVersion:
    return StoryVersion(number=row["number"], text=row["text"], score=row["score"], created_at=row["created_at"])


def _themes(db: Connection, story_ids: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    if story_ids:
        query = select(Th.story_id, Th.theme).where(Th.story_id.in_(story_ids)).order_by(Th.story_id, Th.position)
        for story_id, theme in db.execute(query):
            found[story_id].append(theme)
    return found


def _owned(db: Connection, user_id: str, story_id: str) -> RowMapping | None:
    return db.execute(select(S.__table__).where(S.id == story_id, S.user_id == user_id)).mappings().first()


def _add_version(db: Connection, story_id: str, version: NewVersion) -> int:
    number = (db.scalar(select(func.max(V.number)).where(V.story_id == story_id)) or 0) + 1
    db.execute(insert(V).values(story_id=story_id, number=number, text=version.text, score=version.score,
                                created_at=version.created_at))
    return int(number)


def export_stories(db: Connection, user_id: str) -> list[dict[str, Any]]:
    """This user's stories with every version as plain JSON values, for a privacy export."""
    rows = db.execute(select(S.__table__).where(S.user_id == user_id).order_by(S.created_at, S.id)).mappings().all()
    ids = [r["id"] for r in rows]
    themes = _themes(db, ids)
    versions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    if ids:
        for v in db.execute(select(V.__table__).where(V.story_id.in_(ids)).order_by(V.story_id, V.number)).mappings():
            versions[v["story_id"]].append(_version(v).model_dump(mode="json"))
    return [{"id": r["id"], "title": r["title"], "themes": themes[r["id"]], "created_at": r["created_at"].isoformat(),
             "versions": versions[r["id"]]} for r in rows]


class SqlStories:
    """Implements ``bot.coaching.ports.StoryStore``."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def save(self, user_id: str, story: NewStory) -> str:
        story_id = uuid.uuid4().hex

        def work(db: Connection) -> str:
            db.execute(insert(S).values(id=story_id, user_id=user_id, title=story.title,
                                        created_at=story.first.created_at))
            db.execute(insert(Th), [{"story_id": story_id, "theme": theme, "position": i}
                                    for i, theme in enumerate(story.themes)])
            _add_version(db, story_id, story.first)
            return story_id

        return await self.database.run(work)

    async def add_version(self, user_id: str, story_id: str, version: NewVersion) -> int | None:
        def work(db: Connection) -> int | None:
            return None if _owned(db, user_id, story_id) is None else _add_version(db, story_id, version)

        return await self.database.run(work)

    async def list_stories(self, user_id: str, theme: str | None = None) -> list[StorySummary]:
        def work(db: Connection) -> list[StorySummary]:
            latest = (select(V.story_id, func.max(V.number).label("number"), func.count().label("versions"))
                      .group_by(V.story_id).subquery())
            query = (select(S.id, S.title, S.created_at, latest.c.versions, V.number, V.text, V.score,
                            V.created_at.label("version_at"))
                     .join(latest, latest.c.story_id == S.id)
                     .join(V, (V.story_id == S.id) & (V.number == latest.c.number))
                     .where(S.user_id == user_id))
            if theme is not None:
                query = query.where(S.id.in_(select(Th.story_id).where(Th.theme == theme)))
            rows = db.execute(query.order_by(V.created_at.desc(), S.created_at.desc(), S.id)).mappings().all()
            themes = _themes(db, [r["id"] for r in rows])
            return [StorySummary(id=r["id"], title=r["title"], themes=themes[r["id"]], created_at=r["created_at"],
                                 versions=r["versions"],
                                 latest=StoryVersion(number=r["number"], text=r["text"], score=r["score"],
                                                     created_at=r["version_at"]))
                    for r in rows]

        return await self.database.run(work)

    async def get(self, user_id: str, story_id: str) -> Story | None:
        def work(db: Connection) -> Story | None:
            row = _owned(db, user_id, story_id)
            if row is None:
                return None
            versions = db.execute(select(V.__table__).where(V.story_id == story_id).order_by(V.number)).mappings()
            return Story(id=row["id"], user_id=row["user_id"], title=row["title"], themes=_themes(db, [story_id])[story_id],
                         created_at=row["created_at"], versions=[_version(v) for v in versions])

        return await self.database.run(work)

    async def delete(self, user_id: str, story_id: str) -> bool:
        def work(db: Connection) -> bool:
            if _owned(db, user_id, story_id) is None:
                return False
            # The foreign keys cascade too; deleting children first keeps this right even where they are not enforced.
            db.execute(delete(V).where(V.story_id == story_id))
            db.execute(delete(Th).where(Th.story_id == story_id))
            db.execute(delete(S).where(S.id == story_id))
            return True

        return await self.database.run(work)
