"""The terminal's "waiting for the model" line: counts up in place on a terminal, two plain lines
in a pipe, nothing at all for a quick reply."""

from __future__ import annotations

import asyncio
import io

from rich.console import Console

from bot.adapters.console.waiting import Waiting


async def test_a_terminal_sees_a_live_count_then_one_summary_line() -> None:
    out = io.StringIO()
    waiting = Waiting(Console(file=out, force_terminal=True, width=100), grace=0.05)
    async with waiting():
        await asyncio.sleep(1.2)
    text = out.getvalue()
    assert "\r\x1b[2K" in text and "waiting for the model… 0 s (your clock is paused)" in text
    assert "waiting for the model… 1 s" in text  # rewritten in place each second
    assert text.endswith("The model took 1 s; your clock was paused meanwhile.\x1b[0m\n")
    assert text.count("\n") == 1


async def test_a_pipe_gets_two_plain_lines_and_a_quick_reply_gets_none() -> None:
    out = io.StringIO()
    waiting = Waiting(Console(file=out, force_terminal=False, width=100), grace=0.05)
    async with waiting():
        await asyncio.sleep(0.2)
    assert out.getvalue().splitlines() == ["Waiting for the model… (your clock is paused)",
                                           "The model took 0 s; your clock was paused meanwhile."]
    quiet = io.StringIO()
    async with Waiting(Console(file=quiet, force_terminal=False), grace=0.5)():
        await asyncio.sleep(0.01)
    assert quiet.getvalue() == ""


async def test_a_streamed_debrief_shows_the_line_until_its_first_words() -> None:
    out = io.StringIO()
    waiting = Waiting(Console(file=out, force_terminal=False, width=100), grace=0.05)

    async def slow_words():
        await asyncio.sleep(0.2)
        yield "You explained it well."
        yield " Next, measure it."

    assert [w async for w in waiting.first(slow_words())] == ["You explained it well.", " Next, measure it."]
    assert out.getvalue().splitlines() == ["Waiting for the model…", "The model took 0 s."]


async def test_output_during_the_wait_takes_the_live_line_off_first() -> None:
    out = io.StringIO()
    waiting = Waiting(Console(file=out, force_terminal=True, width=100), grace=0.05)
    async with waiting():
        await asyncio.sleep(0.2)
        waiting.interrupt()
        out.write("Follow-up: what would you measure?\n")
        await asyncio.sleep(1.1)  # no redraw after other output
    text = out.getvalue()
    assert "(your clock is paused)\x1b[0m\r\x1b[2KFollow-up:" in text
    assert text.count("waiting for the model…") == 1
    assert text.endswith("Follow-up: what would you measure?\n\r\x1b[2K\x1b[2mThe model took 1 s; your clock was paused "
                         "meanwhile.\x1b[0m\n")
