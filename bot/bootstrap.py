"""Composition root: the one place that picks concrete classes and wires them together."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.content import cache as bank_cache
from bot.content import topics
from bot.content.bank import QuestionBank
from bot.content.paths import content_root
from bot.engine.clock import SystemClock
from bot.engine.ports import Clock, CodeRunner, Debriefer, Interviewer, Notifier, Scorer
from bot.engine.session import InterviewEngine
from bot.engine.speech import Transcriber
from bot.interviewer.debrief import OfflineDebriefer
from bot.interviewer.offline import OfflineInterviewer
from bot.llm.breaker import CircuitBreaker
from bot.llm.client import LLMClient
from bot.llm.debrief import LLMDebriefer
from bot.llm.fallback import FallbackScorer
from bot.llm.formats import FormatMemory
from bot.llm.interviewer import LLMInterviewer
from bot.llm.judge import FORMATS, GradeStore, LLMJudge
from bot.llm.prompts import Prompts
from bot.llm.retry import RetryPolicy
from bot.llm.star import LLMStarAnalyser
from bot.llm.usage import AudioMeter, AudioUsageStore, UsageMeter, UsageStore
from bot.processes import settle_heap
from bot.sandbox.runner import SandboxRunner
from bot.sandbox.service import RemoteRunner
from bot.scoring.code import CodeAwareScorer
from bot.scoring.matcher import compile_rubric
from bot.scoring.offline import OfflineScorer
from bot.scoring.star_offline import OfflineStarAnalyser
from bot.scoring.story import StoryAwareScorer
from bot.storage.db import open_database
from bot.storage.grades import SqlGradeCache
from bot.storage.migrate import upgrade
from bot.storage.repository import SqlRepository

if TYPE_CHECKING:
    from bot.scoring.grading_process import GradingProcess


def load_bank(warm: bool = True) -> QuestionBank:
    """Load and validate all content (from the validated cache when the files are unchanged).

    ``warm`` also compiles every rubric for the offline scorer, for a long-lived process that grades
    many users' answers itself (the engine benchmark's 1,000 live sessions).  All of it lives as long as
    the process, so it is moved out of the garbage collector's view (:func:`bot.processes.settle_heap`),
    which kept that benchmark's p99 answer latency under 100 ms.  The Discord bot loads cold: it grades in
    a process of its own, which compiles each rubric when it first grades against it, and the bot settles
    its heap once its composition root has built everything.  A terminal command compiles the one or two
    rubrics it uses when it first grades, and starts at once.
    """
    bank = bank_cache.load(content_root())
    if not warm:
        return bank
    for question in bank.all():
        compile_rubric(bank.rubric(question.id))
    settle_heap()
    return bank


async def open_repository(settings: Settings) -> SqlRepository:
    """Open the configured database and apply pending migrations."""
    database = open_database(settings.database_url.get_secret_value())
    try:
        await upgrade(database)
    except BaseException:
        await database.close()
        raise
    return SqlRepository(database)


def build_llm(settings: Settings, clock: Clock | None = None, usage: UsageStore | None = None,
              member_budget: Callable[[str], Awaitable[int | None]] | None = None) -> LLMClient | None:
    """The OpenAI-compatible client, or None when no LLM is configured (offline mode).

    With a usage store, every call is counted and the daily budgets apply.
    """
    if settings.openai_api_key is None:
        return None
    clock = clock or SystemClock()
    meter = None if usage is None else UsageMeter(usage, clock, settings.daily_tokens_per_user,
                                                  settings.daily_tokens_per_guild, member_budget)
    return LLMClient(
        api_key=settings.openai_api_key.get_secret_value(), base_url=settings.openai_base_url, model=settings.model,
        breaker=CircuitBreaker(clock), retry=RetryPolicy(attempts=settings.llm_attempts, timeouts=settings.llm_retry_timeouts),
        timeout=settings.llm_timeout, connect_timeout=settings.llm_connect_timeout,
        reply_timeout=settings.llm_reply_timeout, meter=meter, fold_system=settings.llm_fold_system,
    )


def build_transcriber(settings: Settings, clock: Clock | None = None,
                      usage: AudioUsageStore | None = None) -> Transcriber | None:
    """Speech to text for voice answers, or None when no service is configured (voice is then declined).

    Imported here, not at the top: only a voice answer needs it (and ``mutagen`` behind it)."""
    if not settings.speech_configured:
        return None
    from bot.llm.transcriber import SpeechClient

    clock = clock or SystemClock()
    key = settings.stt_api_key or settings.openai_api_key
    meter = None if usage is None else AudioMeter(usage, clock, settings.daily_audio_seconds_per_user,
                                                  settings.daily_audio_seconds_per_guild)
    return SpeechClient(
        # A local whisper server needs no key, but the client insists on one.
        api_key=key.get_secret_value() if key is not None else "no-key",
        base_url=settings.stt_base_url or settings.openai_base_url, model=settings.stt_model,
        breaker=CircuitBreaker(clock), retry=RetryPolicy(attempts=settings.llm_attempts),
        timeout=settings.stt_timeout, connect_timeout=settings.llm_connect_timeout, meter=meter)


# One per process: every judge and STAR analyser built here learns from the others which format a server refuses.
SERVER_FORMATS = FormatMemory(FORMATS)


def offline_scorer(bank: QuestionBank, process: GradingProcess | None = None) -> OfflineScorer:
    """The offline scorer, able to tell an answer to another question of ``bank`` from a weak answer to its own.

    ``process``: where it grades (see :func:`grading_process`); None: on the grading thread."""
    return OfflineScorer(process.topics if process is not None else topics.of_bank(bank), process)


def grading_process(bank: QuestionBank) -> GradingProcess:
    """A process of its own to grade in, for a long-lived event loop that many members share.

    The caller starts it and closes it (:mod:`bot.scoring.grading_process`)."""
    from bot.scoring.grading_process import GradingProcess  # here: terminal commands never load asyncio for it

    return GradingProcess(topics.of_bank(bank))


def build_judge(client: LLMClient, grades: GradeStore | None = None, offline: OfflineScorer | None = None) -> FallbackScorer:
    """The LLM judge with the offline scorer as its safety net (and a lasting grade cache if given)."""
    offline = offline or OfflineScorer()
    return FallbackScorer(LLMJudge(client, prompts(), offline, grades, SERVER_FORMATS), offline)


def build_engine(
    bank: QuestionBank, repository: SqlRepository, notifier: Notifier, clock: Clock | None = None,
    llm: LLMClient | None = None, runner: CodeRunner | None = None,
    code_allowed: Callable[[], Awaitable[str | None]] | None = None, *, outbox: bool = False,
    offline: OfflineScorer | None = None,
) -> InterviewEngine:
    """The engine with the LLM judge and interviewer when ``llm`` is given, else fully offline;
    with a ``runner``, coding answers are also run against their tests (``code_allowed`` can
    refuse that, e.g. for a server whose admin switched execution off).  ``outbox``: events are
    stored with each step, for a notifier that delivers them from the database (Discord).  ``offline``:
    the offline scorer to grade with (or cross-check the model), when the caller shares one."""
    offline = offline or offline_scorer(bank)
    scorer: Scorer = offline if llm is None else build_judge(llm, SqlGradeCache(repository.database), offline)
    scorer = StoryAwareScorer(scorer, offline.place)
    if runner is not None:
        scorer = CodeAwareScorer(scorer, runner, code_allowed)
    interviewer: Interviewer = OfflineInterviewer() if llm is None else LLMInterviewer(llm, prompts())
    return InterviewEngine(
        bank=bank,
        scorer=scorer,
        interviewer=interviewer,
        repository=repository,
        notifier=notifier,
        clock=clock or SystemClock(),
        outbox=outbox,
    )


def build_debriefer(bank: QuestionBank, llm: LLMClient | None = None) -> Debriefer:
    """The closing debrief: in the interviewer's voice with a model, from the scores without."""
    return OfflineDebriefer(bank) if llm is None else LLMDebriefer(llm, prompts(), bank)


def build_runner(settings: Settings) -> SandboxRunner | RemoteRunner:
    """Where coding answers run: a runner service on a socket when configured, else bubblewrap here."""
    if settings.runner_socket:
        return RemoteRunner(Path(settings.runner_socket))
    return SandboxRunner(cgroup=sandbox_cgroup(settings))


def sandbox_cgroup(settings: Settings) -> Path | None:
    """The cgroup v2 directory the host delegates for the sandbox's runs, if any (see bot/sandbox/cgroup.py)."""
    return Path(settings.sandbox_cgroup) if settings.sandbox_cgroup else None


def prompts() -> Prompts:
    """The prompt files shipped with the content."""
    return Prompts(content_root() / "prompts")


def build_star_analyser(llm: LLMClient | None, offline: OfflineStarAnalyser | None = None) -> LLMStarAnalyser | None:
    """The model's STAR ratings when an LLM is configured; ``None`` means the offline analysis.

    ``offline``: the offline analysis the model's ratings start from, where the caller has it made."""
    return None if llm is None else LLMStarAnalyser(llm, prompts(), SERVER_FORMATS, offline)
