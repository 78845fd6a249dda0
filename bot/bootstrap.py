"""Composition root: the one place that picks concrete classes and wires them together."""

from __future__ import annotations

from bot.config import Settings
from bot.content.bank import QuestionBank
from bot.content.paths import content_root
from bot.engine.clock import SystemClock
from bot.engine.ports import Clock, Notifier
from bot.engine.session import InterviewEngine
from bot.interviewer.offline import OfflineInterviewer
from bot.scoring.offline import OfflineScorer
from bot.storage.db import open_engine
from bot.storage.migrate import upgrade
from bot.storage.repository import SqlRepository


def load_bank() -> QuestionBank:
    return QuestionBank.load(content_root())


async def open_repository(settings: Settings) -> SqlRepository:
    """Open the configured database and apply pending migrations."""
    engine = open_engine(settings.database_url.get_secret_value())
    try:
        await upgrade(engine)
    except BaseException:
        await engine.dispose()
        raise
    return SqlRepository(engine)


def choose_scorer(settings: Settings, wanted: str) -> tuple[OfflineScorer, str | None]:
    """The scorer to use and, when an LLM was asked for but cannot be used, why not."""
    if wanted == "offline":
        return OfflineScorer(), None
    if settings.openai_api_key is None:
        reason = "no LLM is configured (OPENAI_API_KEY is not set)"
    else:
        reason = "the LLM judge is not available in this version of MockLoop"
    return OfflineScorer(), (reason if wanted == "llm" or settings.openai_api_key is not None else None)


def build_engine(
    bank: QuestionBank, repository: SqlRepository, notifier: Notifier, clock: Clock | None = None
) -> InterviewEngine:
    return InterviewEngine(
        bank=bank,
        scorer=OfflineScorer(),
        interviewer=OfflineInterviewer(),
        repository=repository,
        notifier=notifier,
        clock=clock or SystemClock(),
    )
