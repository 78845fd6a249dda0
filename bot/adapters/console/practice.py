"""``mockloop practice``: the terminal as a Notifier, plus the loop that reads the candidate's lines.

Owned tasks run while a session is open: the line reader (the main loop), the timer that
sleeps until the engine's next deadline and ticks it, a checkpoint every few seconds so a
killed process resumes with the clock where it stopped, and the lease heartbeat (the session
is held by one process at a time; see :mod:`bot.adapters.console.lease`).  When another
process takes the session over, this one stops at once and prints what it could not save.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any, assert_never

from rich.console import Console

from bot.adapters.console import render
from bot.adapters.console.lease import Heartbeat
from bot.adapters.console.reader import InputInterrupted, LineSource
from bot.adapters.console.voice import VoiceAnswers
from bot.adapters.console.waiting import Waiting
from bot.coaching.recall import story_id
from bot.engine import events as ev
from bot.engine import wording
from bot.engine.clock import SystemClock
from bot.engine.errors import EngineError, SessionTaken
from bot.engine.limits import clean_text
from bot.engine.models import Question
from bot.engine.session import InterviewEngine

log = logging.getLogger(__name__)
CHECKPOINT_SECONDS = 5.0
YES = {"y", "yes", "/skip"}


class ConsoleUI:
    """Renders engine events in the terminal and remembers what the runner needs to know."""

    def __init__(self, console: Console, clock: SystemClock) -> None:
        self.console = console
        self.clock = clock
        self.ended = asyncio.Event()
        self.current: tuple[int, int] | None = None
        self.question: Question | None = None  # the one asked last: a recorded answer's length target depends on it
        self.deadline: datetime | None = None
        self.round_deadline: datetime | None = None
        self.confirm_skip = False
        self.last_fallback: str | None = None  # said once while it stays the same; the scorecard keeps each
        self.before_output: Callable[[], None] = lambda: None  # e.g. takes a live "waiting" line off the screen

    def status(self) -> str:
        """The live toolbar text: time left on the question and in the round."""
        if self.deadline is None or self.round_deadline is None:
            return " /send submits  /hint  /skip  /end "
        now = self.clock.now()
        return (f" {wording.clock(self.deadline - now)} left on this question · {wording.clock(self.round_deadline - now)} "
                "in the round · /send submits · /hint /skip /time /end ")

    async def publish(self, session_id: str, event: ev.Event) -> None:
        """Frame the engine's words for ``event`` (bold, colours) and keep what the runner needs to know."""
        c = self.console
        self.before_output()
        said = wording.say(event, self.clock.now())
        match event:
            case ev.RoundStarted():
                c.rule(render.lead(said, "bold"))
            case ev.QuestionAsked():
                self.current = (event.round_pos, event.question_pos)
                self.question = event.question
                self.deadline, self.round_deadline = event.deadline_at, event.round_deadline_at
                render.question_header(c, said)
                if event.question.answer_format == "code" and event.question.coding is not None:
                    c.print(f"[dim]Write: {render.escape(event.question.coding.signature)}[/dim]")
            case ev.FollowUpAsked():
                c.print("\n" + render.lead(said, "bold cyan"))
            case ev.HintGiven():
                c.print(render.lead(said, "yellow") + render.aside(said))
            case ev.NoHintLeft() | ev.AnswerRecorded() | ev.Notice():
                c.print(render.styled(said, "dim"))
            case ev.SkipConfirmationNeeded():
                self.confirm_skip = True
                c.print(render.styled(said, "") + " Type y to skip, or keep typing your answer.")
            case ev.AnswerRejected():
                c.print(render.styled(said, "red"))
            case ev.TimeWarning():
                c.print("\n" + render.styled(said, "yellow"))
            case ev.QuestionClosed():
                self._closed(event, said)
            case ev.RoundEnded():
                c.print("\n" + render.styled(said, "bold"))
            case ev.ClockPaused():
                # The bot waited on the model with the clock stopped: the countdown continues from the moved deadlines.
                self.deadline, self.round_deadline = event.deadline_at or self.deadline, event.round_deadline_at
            case ev.SessionEnded():
                self.current = None
                self.ended.set()
            case ev.CodeChecked():
                passed = event.check.ran and event.check.passed == event.check.total
                c.print(render.styled(said, "green" if passed else "yellow"))
            case _:
                assert_never(event)

    def _closed(self, event: ev.QuestionClosed, said: wording.Words | None) -> None:
        """The offline-grading reason (once while it stays the same), then how the question closed."""
        reason = event.result.fallback_reason if event.result is not None else None
        if reason and reason != self.last_fallback:
            self.console.print(f"[yellow]{render.escape(wording.graded_offline(reason))}[/yellow]")
        if event.result is not None and event.result.scorer != "none":
            self.last_fallback = reason
        if said is not None:
            self.console.print(("\n" if event.reason == "timed_out" else "")
                               + render.styled(said, "yellow" if event.reason == "timed_out" else "dim"))


class PracticeRunner:
    """Feeds typed lines to the engine until the session ends, is interrupted, or input runs out."""

    def __init__(self, engine: InterviewEngine, ui: ConsoleUI, lines: LineSource, session_id: str,
                 draft: str | None = None,
                 stories: Callable[[str], Awaitable[tuple[str, str] | None]] | None = None,
                 heartbeat: Heartbeat | None = None, waiting: Waiting | None = None,
                 voice: VoiceAnswers | None = None) -> None:
        self.engine = engine
        self.voice = voice or VoiceAnswers(ui.console, None)  # without a service, /audio says how to set one up
        self.waiting = waiting  # given when a model is configured: its replies can take a while
        self.stories = stories  # finds a saved story by id prefix, for /story
        self.ui = ui
        self.lines = lines
        self.session_id = session_id
        # A resumed session starts from the text the candidate had typed before stopping.
        self.buffer: list[str] = draft.split("\n") if draft else []
        self.buffer_ref: tuple[int, int] | None = ui.current if draft else None
        self._tasks: set[asyncio.Task[None]] = set()
        self.heartbeat = heartbeat
        self.taken = heartbeat.taken if heartbeat is not None else asyncio.Event()
        self.taken_reason = ""
        self.kept_draft: str | None = None  # the typed text the last checkpoint saved as the draft

    def _own(self, coro: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background task %s failed", task.get_name(), exc_info=task.exception())

    async def run(self) -> bool:
        """Run to the end; True if the session finished, False if it was interrupted.

        Raises :class:`SessionTaken` (after printing what was not saved) if another process took it over."""
        self._own(self._guarded(self._timer()), "practice-timer")
        self._own(self._guarded(self._checkpoints()), "practice-checkpoint")
        if self.heartbeat is not None:
            self._own(self.heartbeat.run(), "practice-lease")
        try:
            while not self.ui.ended.is_set() and not self.taken.is_set():
                line = await self._next_line()
                if line is None:
                    break
                async with self._waiting():
                    await self._handle(line)
            if self.taken.is_set():
                raise SessionTaken(self.heartbeat.reason if self.heartbeat else self.taken_reason)
            if not self.ui.ended.is_set():
                # Input ran out (a piped script ended): grade what was typed and close the session.
                async with self._waiting():
                    await self._submit()
                await self.engine.end(self.session_id)
            return True
        except SessionTaken:
            self._hand_over()
            raise
        except (asyncio.CancelledError, KeyboardInterrupt, InputInterrupted):
            await self._interrupt()
            return False
        finally:
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)

    @asynccontextmanager
    async def _waiting(self) -> AsyncIterator[None]:
        if self.waiting is None:
            yield
        else:
            async with self.waiting():
                yield

    async def _next_line(self) -> str | None:
        """The next line, unless the session ends first (a round timing out while we wait)."""
        reading = asyncio.ensure_future(self.lines.readline())
        ending = asyncio.ensure_future(self.ui.ended.wait())
        taken = asyncio.ensure_future(self.taken.wait())
        try:
            done, _ = await asyncio.wait({reading, ending, taken}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            ending.cancel()
            taken.cancel()
        if reading in done:
            return reading.result()
        reading.cancel()
        return None

    async def _handle(self, line: str) -> None:
        command = line.strip()
        if self.ui.confirm_skip:
            self.ui.confirm_skip = False
            if command.lower() in YES:
                await self.engine.skip(self.session_id)
                return
            if not command:
                return
        try:
            if command == "/send":
                await self._submit(require_text=True)
            elif command == "/hint":
                await self.engine.hint(self.session_id)
            elif command == "/skip":
                self._clear()
                await self.engine.skip(self.session_id)
            elif command == "/end":
                await self._submit()
                await self.engine.end(self.session_id)
            elif command == "/time":
                self.ui.console.print(f"[dim]{self.ui.status().strip()}[/dim]")
            elif command == "/audio" or command.startswith("/audio "):
                await self._recorded(command.removeprefix("/audio").strip())
            elif command == "/help":
                self.ui.console.print(render.SUBMIT_HELP)
            elif story_id(command) is not None and self.stories is not None:
                found = await self.stories(story_id(command) or "")
                if found is None:
                    self.ui.console.print("No saved story of yours starts with that id; `mockloop star --stories` "
                                          "lists them.")
                else:
                    self.ui.console.print(f"[dim]Answering with your saved story “{render.escape(found[0])}”.[/dim]")
                    self._clear()
                    await self.engine.answer(self.session_id, found[1])
            else:
                if not self.buffer:
                    self.buffer_ref = self.ui.current
                self.buffer.append(line)
        except SessionTaken:
            raise
        except EngineError as exc:
            self.ui.console.print(f"[red]{render.escape(str(exc))}[/red]")

    async def _recorded(self, path: str) -> None:
        """A recording as the answer: its transcript is added to anything typed so far and submitted."""
        text = await self.voice.answer(path, self.ui.question)
        if text is None:
            return  # said why; the round and the typed lines are as they were
        if not self.buffer:
            self.buffer_ref = self.ui.current
        self.buffer.append(text)
        await self._submit(require_text=True)

    async def _submit(self, require_text: bool = False) -> None:
        text = "\n".join(self.buffer)
        ref = self.buffer_ref
        self._clear()
        if not text.strip() and not require_text:
            return
        try:
            await self.engine.answer(self.session_id, text, question=ref)
        except SessionTaken:
            self.buffer, self.buffer_ref = text.split("\n"), ref  # not saved here: handed back below
            raise

    async def _guarded(self, work: Coroutine[Any, Any, None]) -> None:
        """A background step that finds the session taken over stops the runner instead of failing."""
        try:
            await work
        except SessionTaken as exc:
            self.taken_reason = str(exc)
            if self.heartbeat is not None:
                self.heartbeat.lost(str(exc))
            self.taken.set()

    def _hand_over(self) -> None:
        text = "\n".join(self.buffer).strip()
        if text and clean_text(text) == self.kept_draft:
            self.ui.console.print("\n[bold]Your unsent answer moved with the session[/bold] (saved as its draft before "
                                  "the take-over): the other terminal shows it.")
        elif text:
            self.ui.console.print("\n[bold]Not saved here[/bold] (the session moved to another process); your "
                                  "unsent answer, to paste there:")
            self.ui.console.print(text, markup=False, highlight=False)

    def _clear(self) -> None:
        self.buffer.clear()
        self.buffer_ref = None

    async def _timer(self) -> None:
        """Sleep until the engine's next deadline, tick it, and keep text typed for a closed question."""
        while not self.ui.ended.is_set():
            wake = await self.engine.next_wakeup(self.session_id)
            if wake is None:
                await asyncio.sleep(1)
                continue
            await self.engine.clock.sleep_until(wake)
            await self.engine.tick(self.session_id)
            if self.buffer and self.buffer_ref is not None and self.buffer_ref != self.ui.current:
                await self._submit()

    async def _checkpoints(self) -> None:
        """Every few seconds: the clock's position, and what is typed so far (a kill -9 loses at most that much)."""
        while not self.ui.ended.is_set():
            await asyncio.sleep(CHECKPOINT_SECONDS)
            ref, typed = self.buffer_ref or self.ui.current, "\n".join(self.buffer) or None
            await self.engine.checkpoint(self.session_id, typed, ref)
            if typed and ref == self.ui.current:
                self.kept_draft = clean_text(typed)  # saved: a take-over hands it on

    async def _interrupt(self) -> None:
        draft = "\n".join(self.buffer) or None
        try:
            await self.engine.interrupt(self.session_id, draft)
        except SessionTaken:
            self._hand_over()
            raise
        self.ui.console.print("\n[bold]Session saved.[/bold] Continue it with `mockloop practice --resume`; "
                              "the clock is paused until then.")
