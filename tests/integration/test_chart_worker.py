"""Charts come from a separate worker process; when it dies or stalls, the scorecard goes out without one."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime, timedelta

from bot.adapters.discord.chart_worker import ChartRenderer
from bot.adapters.discord.charts import PNG_SIGNATURE

POINTS = [(datetime(2026, 1, 5, tzinfo=UTC) + timedelta(days=i), 40 + 5 * i, "core") for i in range(5)]


async def test_a_dead_worker_costs_one_chart_and_the_next_one_is_drawn() -> None:
    renderer = ChartRenderer()
    try:
        first = await renderer.trend(POINTS)
        assert first is not None and first.startswith(PNG_SIGNATURE)
        renderer._executor().submit(os._exit, 1)  # the worker process dies (as if killed by the OOM killer)
        assert await renderer.trend(POINTS) is None
        again = await renderer.trend(POINTS)
        assert again is not None and again.startswith(PNG_SIGNATURE)
        assert await renderer.trend([]) is None
    finally:
        renderer.close()


async def test_a_chart_later_than_the_limit_is_left_out() -> None:
    renderer = ChartRenderer(timeout=0.001)  # less than starting a process takes
    try:
        assert await renderer.trend(POINTS) is None
    finally:
        renderer.close()


async def test_when_charts_pile_up_the_next_scorecard_does_not_wait_for_one() -> None:
    renderer = ChartRenderer(max_waiting=1)
    try:
        first = asyncio.create_task(renderer.trend(POINTS))
        await asyncio.sleep(0)  # the first chart is now waiting for the worker
        assert await renderer.trend(POINTS) is None
        drawn = await first
        assert drawn is not None and drawn.startswith(PNG_SIGNATURE)
    finally:
        renderer.close()
