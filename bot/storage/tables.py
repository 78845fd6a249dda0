"""Database tables. Child rows use composite keys (session, round, question) the engine already knows."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Float, ForeignKey, ForeignKeyConstraint, Index, Integer, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC on both SQLite (which stores naive text) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    external_id: Mapped[str] = mapped_column(String(128), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Session(Base):
    __tablename__ = "sessions"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    mode: Mapped[str] = mapped_column(String(8))
    level: Mapped[str] = mapped_column(String(16))
    track: Mapped[str] = mapped_column(String(16))
    seed: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_active_at: Mapped[datetime] = mapped_column(UTCDateTime())
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    guild_id: Mapped[str | None] = mapped_column(String(32), nullable=True)

    __table_args__ = (Index("ix_sessions_user_created", "user_id", "created_at"),)


class Round(Base):
    __tablename__ = "rounds"
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    minutes: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    warnings_sent: Mapped[list[str]] = mapped_column(JSON, default=list)
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)


class AskedQuestion(Base):
    __tablename__ = "asked_questions"
    session_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    round_pos: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[str] = mapped_column(String(64), index=True)
    rubric_version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    hints: Mapped[list[str]] = mapped_column(JSON, default=list)
    followups: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    draft: Mapped[str | None] = mapped_column(Text, nullable=True)
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    signal: Mapped[str | None] = mapped_column(String(16), nullable=True)
    scorer: Mapped[str | None] = mapped_column(String(16), nullable=True)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)

    __table_args__ = (
        ForeignKeyConstraint(["session_id", "round_pos"], ["rounds.session_id", "rounds.position"], ondelete="CASCADE"),
    )


class Answer(Base):
    __tablename__ = "answers"
    session_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    round_pos: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_pos: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    prompt: Mapped[str | None] = mapped_column(Text, nullable=True)
    text: Mapped[str] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    late: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        ForeignKeyConstraint(
            ["session_id", "round_pos", "question_pos"],
            ["asked_questions.session_id", "asked_questions.round_pos", "asked_questions.position"],
            ondelete="CASCADE",
        ),
    )


class CriterionScore(Base):
    __tablename__ = "criterion_scores"
    session_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    round_pos: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_pos: Mapped[int] = mapped_column(Integer, primary_key=True)
    criterion_id: Mapped[str] = mapped_column(String(48), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(64))
    level: Mapped[int] = mapped_column(Integer)
    max_level: Mapped[int] = mapped_column(Integer)
    evidence: Mapped[str | None] = mapped_column(Text, nullable=True)

    __table_args__ = (
        ForeignKeyConstraint(
            ["session_id", "round_pos", "question_pos"],
            ["asked_questions.session_id", "asked_questions.round_pos", "asked_questions.position"],
            ondelete="CASCADE",
        ),
    )


class LlmUsage(Base):
    """Tokens spent per LLM call, for daily budgets and `mockloop usage`."""

    __tablename__ = "llm_usage"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    user_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    guild_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    session_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    purpose: Mapped[str] = mapped_column(String(16))
    model: Mapped[str] = mapped_column(String(128))
    prompt_tokens: Mapped[int] = mapped_column(Integer)
    completion_tokens: Mapped[int] = mapped_column(Integer)
    estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    audio_seconds: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")  # voice answers' budget

    __table_args__ = (Index("ix_llm_usage_user_at", "user_id", "at"), Index("ix_llm_usage_guild_at", "guild_id", "at"))


class GradeCache(Base):
    """LLM grades by (answer, rubric version, model, hints) hash, so the same answer never flickers."""

    __tablename__ = "grade_cache"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    user_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)  # whose words it quotes


class DiscordRoom(Base):
    """Where a session lives on Discord: its private thread and the messages the bot edits."""

    __tablename__ = "discord_rooms"
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    thread_id: Mapped[str] = mapped_column(String(32), unique=True)
    guild_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    discord_user_id: Mapped[str] = mapped_column(String(32), index=True)
    status_message_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    question_message_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class GuildSettings(Base):
    """Per-server settings an admin sets with /mockadmin."""

    __tablename__ = "guild_settings"
    guild_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    group_channel_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    tokens_per_member: Mapped[int | None] = mapped_column(Integer, nullable=True)
    code_execution: Mapped[bool | None] = mapped_column(Boolean, nullable=True)  # None: on (the default)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class UserSettings(Base):
    """What a user sets once and the bot remembers: their timezone."""

    __tablename__ = "user_settings"
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    timezone: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Schedule(Base):
    """A scheduled round: once, or weekly at a local wall-clock time (``rule``, see bot.scheduling.when)."""

    __tablename__ = "schedules"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    discord_user_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    guild_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    channel_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    round: Mapped[str] = mapped_column(String(16))
    level: Mapped[str] = mapped_column(String(16))
    track: Mapped[str] = mapped_column(String(16))
    timezone: Mapped[str] = mapped_column(String(64))
    rule: Mapped[str] = mapped_column(String(64))  # "once" or "weekly:<days>@HH:MM"
    next_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    remind_minutes: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(12))  # active, done, cancelled
    fired: Mapped[int] = mapped_column(Integer, default=0)
    missed: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    plan_id: Mapped[str | None] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), nullable=True, index=True)
    week: Mapped[int | None] = mapped_column(Integer, nullable=True)
    focus: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)  # question ids a drill asks first
    session_id: Mapped[str | None] = mapped_column(String(32), nullable=True)  # the round started from it


class Plan(Base):
    """A prep plan: its drills are schedules with this plan's id, one area per week."""

    __tablename__ = "plans"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    weeks: Mapped[int] = mapped_column(Integer)
    titles: Mapped[list[str]] = mapped_column(JSON)  # each week's area
    state: Mapped[str] = mapped_column(String(12))  # active, replaced, done
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Timer(Base):
    """Something due at a time: a reminder, a scheduled round, a session's next deadline.

    One dispatcher per process claims due rows atomically (``state`` pending -> claimed) and
    marks them done; ``guild_id`` decides which shard's process may claim it (NULL: DMs, shard 0).
    """

    __tablename__ = "timers"
    id: Mapped[str] = mapped_column(String(80), primary_key=True)  # "<kind>:<subject>", so re-adding replaces
    kind: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(String(12))  # pending, claimed, done
    guild_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    schedule_id: Mapped[str | None] = mapped_column(ForeignKey("schedules.id", ondelete="CASCADE"), nullable=True,
                                                    index=True)
    session_id: Mapped[str | None] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), nullable=True,
                                                   index=True)
    claimed_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    __table_args__ = (Index("ix_timers_state_due", "state", "due_at"),)


class GroupRound(Base):
    """A round an admin scheduled for a channel; members join, and each gets a thread when it starts."""

    __tablename__ = "group_rounds"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    guild_id: Mapped[str] = mapped_column(String(32), index=True)
    channel_id: Mapped[str] = mapped_column(String(32))
    message_id: Mapped[str | None] = mapped_column(String(32), nullable=True)  # the announcement with Join
    round: Mapped[str] = mapped_column(String(16))
    level: Mapped[str] = mapped_column(String(16))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(String(12))  # open, started, cancelled
    created_by: Mapped[str] = mapped_column(String(32))  # Discord user id of the admin
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class GroupMember(Base):
    __tablename__ = "group_members"
    group_id: Mapped[str] = mapped_column(ForeignKey("group_rounds.id", ondelete="CASCADE"), primary_key=True)
    discord_user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Story(Base):
    """A behavioral story in a user's bank; its text lives in versions, its tags in story_themes."""

    __tablename__ = "stories"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class StoryTheme(Base):
    """One tag of a story; a row per tag so the bank can be listed by theme in SQL."""

    __tablename__ = "story_themes"
    story_id: Mapped[str] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True)
    theme: Mapped[str] = mapped_column(String(32), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)  # the order the user gave, the loop's theme first


class StoryVersion(Base):
    """One telling of a story: numbered from 1, never rewritten, so progress stays visible."""

    __tablename__ = "story_versions"
    story_id: Mapped[str] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CoachRoom(Base):
    """A STAR rehearsal running in a Discord thread: the coach's state between messages."""

    __tablename__ = "coach_rooms"
    thread_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    discord_user_id: Mapped[str] = mapped_column(String(32))
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SessionOutbox(Base):
    """What a session's Discord thread must still show, written in the same transaction as the
    step that produced it and marked delivered once Discord has accepted it (so a crash in
    between is repaired by the next process instead of leaving an old question on screen)."""

    __tablename__ = "session_outbox"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    __table_args__ = (Index("ix_session_outbox_session", "session_id", "id"),)


class SessionLease(Base):
    """Which process holds a session (one at a time), and when it last said it was alive."""

    __tablename__ = "session_leases"
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    owner: Mapped[str] = mapped_column(String(32))
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    since: Mapped[datetime] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PeerQueueEntry(Base):
    """A member waiting for a peer interview partner; the row leaves the queue in the transaction
    that pairs it, so one member can never be in two pairings made from the queue."""

    __tablename__ = "peer_queue"
    member: Mapped[str] = mapped_column(String(128), primary_key=True)  # the member's external id
    guild_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    round: Mapped[str] = mapped_column(String(16))
    level: Mapped[str] = mapped_column(String(16))
    track: Mapped[str] = mapped_column(String(16))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())
    not_before: Mapped[datetime] = mapped_column(UTCDateTime())
    front: Mapped[bool] = mapped_column(Boolean, default=False)  # requeued after a partner's no-show
    channel_id: Mapped[str | None] = mapped_column(String(32), nullable=True)  # where they asked from

    __table_args__ = (Index("ix_peer_queue_ready", "not_before"),)


class PeerPairing(Base):
    """Two members paired for a peer interview, and where the session stands."""

    __tablename__ = "peer_pairings"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    guild_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    first_member: Mapped[str] = mapped_column(String(128), index=True)
    second_member: Mapped[str] = mapped_column(String(128), index=True)
    round: Mapped[str] = mapped_column(String(16))
    level: Mapped[str] = mapped_column(String(16))
    track: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(12), index=True)
    confirmed: Mapped[list[str]] = mapped_column(JSON, default=list)
    confirm_by: Mapped[datetime] = mapped_column(UTCDateTime())
    left_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    channel_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    thread_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    paired_by: Mapped[str] = mapped_column(String(32))  # the process whose claim made the pair
    version: Mapped[int] = mapped_column(Integer)  # bumped on every save: two writers cannot both win
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class PeerRound(Base):
    """One direction of a peer interview: who asked, who answered, what was said."""

    __tablename__ = "peer_rounds"
    pairing_id: Mapped[str] = mapped_column(ForeignKey("peer_pairings.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    interviewer: Mapped[str] = mapped_column(String(128))
    candidate: Mapped[str] = mapped_column(String(128))
    question_id: Mapped[str] = mapped_column(String(64))
    minutes: Mapped[int] = mapped_column(Integer)
    phase: Mapped[str] = mapped_column(String(12))
    asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    followups: Mapped[list[str]] = mapped_column(JSON, default=list)
    answers: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    offline: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)  # the offline scorer's grade
    human_score: Mapped[int | None] = mapped_column(Integer, nullable=True)


class PeerRating(Base):
    """A rating one member gave: of an answer (per criterion) or of their interviewer."""

    __tablename__ = "peer_ratings"
    pairing_id: Mapped[str] = mapped_column(ForeignKey("peer_pairings.id", ondelete="CASCADE"), primary_key=True)
    rater: Mapped[str] = mapped_column(String(128), primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), primary_key=True)  # "answer" or "interviewer"
    position: Mapped[int] = mapped_column(Integer)  # the turn rated
    levels: Mapped[dict[str, int]] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    rated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PeerBlock(Base):
    """A member who must never be paired with another again (either way round)."""

    __tablename__ = "peer_blocks"
    blocker: Mapped[str] = mapped_column(String(128), primary_key=True)
    blocked: Mapped[str] = mapped_column(String(128), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
