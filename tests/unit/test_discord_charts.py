"""Charts come back as small PNGs, quickly, and only when there is something to draw."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import cast

import pytest

from bot.adapters.discord import charts
from bot.content.bank import QuestionBank
from bot.content.paths import content_root
from bot.engine.clock import FakeClock
from bot.engine.models import Level, RoundKind
from bot.engine.session import InterviewEngine, SessionRequest
from bot.engine.state import SessionState
from bot.interviewer.offline import OfflineInterviewer
from bot.scoring.offline import OfflineScorer
from tests.fakes import MemoryRepository, RecordingNotifier

BANK = QuestionBank.load(content_root())
SANITY_SECONDS = 3.0  # a loose bound only; the real timings are printed (pytest -s)


async def session(count: int, *, answer: bool) -> SessionState:
    """A real core round: each question answered with its model answer, or the session ended at once."""
    engine = InterviewEngine(BANK, OfflineScorer(), OfflineInterviewer(), MemoryRepository(), RecordingNotifier(),
                             FakeClock())
    sid = (await engine.start(SessionRequest(user_id="u1", rounds=(RoundKind.CORE,), level=Level.MID, minutes=60,
                                             questions=count, seed=2))).id
    if not answer:
        await engine.end(sid)
        return await engine.state(sid)
    for _ in range(count):
        round_ = (await engine.state(sid)).current_round()
        current = round_.current() if round_ else None
        if current is None:
            break
        await engine.answer(sid, " ".join(BANK.get(current.question_id).strong_answer[:2]))
        now = (await engine.state(sid)).current_round()
        still = now.current() if now is not None else None
        if still is not None and still.question_id == current.question_id:
            await engine.skip(sid)
    return await engine.state(sid)


def timed(name: str, draw) -> bytes | None:
    started = time.perf_counter()
    png = draw()
    elapsed = time.perf_counter() - started
    print(f"{name}: {elapsed * 1000:.0f} ms, {len(png or b'')} bytes")
    assert elapsed < SANITY_SECONDS
    return png


@pytest.mark.parametrize("count", [3, 12])
def test_criterion_chart_is_a_png(count: int) -> None:
    state = asyncio.run(session(count, answer=True))
    png = timed(f"criterion chart, {count} questions", lambda: charts.criterion_chart(state, BANK))
    assert png is not None and png.startswith(charts.PNG_SIGNATURE)
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")  # the IHDR chunk
    assert width == 800 and 450 <= height <= charts.MAX_HEIGHT_INCHES * charts.DPI


def test_nothing_graded_means_no_criterion_chart() -> None:
    assert charts.criterion_chart(asyncio.run(session(3, answer=False)), BANK) is None


def test_trend_chart_draws_each_round_kind_over_the_bands() -> None:
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    points = [(start + timedelta(days=2 * i), (37 * i) % 101, ("core", "loop", "coding")[i % 3]) for i in range(20)]
    png = timed("trend chart, 20 points", lambda: charts.trend_chart(points))
    assert png is not None and png.startswith(charts.PNG_SIGNATURE)
    assert int.from_bytes(png[16:20], "big") == 800 and int.from_bytes(png[20:24], "big") == 450


def test_trend_chart_of_one_point_and_of_none() -> None:
    one = charts.trend_chart([(datetime(2026, 1, 5, tzinfo=UTC), 72, "core $5$ round")])  # "$" is no math mode
    assert one is not None and one.startswith(charts.PNG_SIGNATURE)
    assert charts.trend_chart([]) is None


def test_importing_the_adapter_modules_does_not_load_matplotlib() -> None:
    code = "import sys, bot.adapters.discord.charts, bot.adapters.discord.render; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_topic_chart_shows_each_topic_with_its_earlier_grades() -> None:
    png = charts.topic_chart([("Is vs ==", [40, 55, 72]), ("The GIL", [30]), ("Slots $money$", [90, 88])])
    assert png is not None and png.startswith(charts.PNG_SIGNATURE)
    assert charts.topic_chart([]) is None


def test_sessions_on_one_day_are_side_by_side_and_a_zero_shows() -> None:
    """Two rounds taken an hour apart are two steps on the chart, not a vertical line; a 0 is drawn above the frame."""
    day = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    points = [(day, 0, "core"), (day + timedelta(hours=1), 64, "core"), (day + timedelta(days=30), 80, "core")]
    _, axes = charts.trend_axes(points)
    xs = [float(x) for x in cast("list[float]", axes.get_lines()[0].get_xdata())]
    assert xs == [0, 1, 2]  # one step per session, in the order taken
    bottom, top = axes.get_ylim()
    assert bottom < 0 and top > 100
    labels = [axes.xaxis.get_major_formatter()(x, None) for x in xs]
    assert labels == ["Mar 2", "Mar 2", "Apr 1"]
