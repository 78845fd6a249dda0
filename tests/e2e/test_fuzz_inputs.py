"""Random bytes and sizes into the command line and into a session's Discord thread (property-based).

Whatever arrives, the command ends with 0, 1 or 2 and never raises (a traceback), and an answer is
either saved whole, exactly as it was sent, or refused whole with one sentence: never half-way.
The commands run in this process (``bot.cli.main``) so that many inputs fit in a few seconds.
"""

from __future__ import annotations

import asyncio
import io
import json
import sqlite3
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bot.adapters.discord.features.rounds.answers import MAX_CODE_BYTES
from bot.bootstrap import load_bank
from bot.cli import main
from bot.engine.limits import MAX_ANSWER_CHARS, clean_text
from bot.engine.models import Level, RoundKind, Track
from bot.textin import lenient
from tests.e2e.test_discord import world
from tests.servers.discord.state import StoredMessage

SIZES = st.one_of(st.integers(0, 300), st.integers(MAX_ANSWER_CHARS - 50, MAX_ANSWER_CHARS + 50))
QUIET = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


def run_cli(monkeypatch: pytest.MonkeyPatch, stdin: bytes, *argv: str) -> int:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    try:
        return main(list(argv))
    except SystemExit as exc:  # argparse's usage errors
        return int(exc.code or 0)


@settings(max_examples=15, deadline=None, suppress_health_check=QUIET)
@given(data=st.one_of(st.binary(max_size=400), SIZES.flatmap(lambda n: st.binary(min_size=n, max_size=n))),
       command=st.sampled_from(["score", "star", "score-json", "star-json"]))
def test_one_shot_commands_end_with_0_1_or_2_whatever_the_bytes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], data: bytes,
        command: str) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'm.db'}")
    question = load_bank().eligible(RoundKind.CORE, Level.MID, Track.ANY)[0].id
    argv = {"score": ["score", "--question", question, "--answer-file", "-"], "star": ["star", "-"]}[command.split("-")[0]]
    code = run_cli(monkeypatch, data, *argv, *(["--json"] if command.endswith("json") else []))
    out, err = capsys.readouterr()
    assert code in (0, 1, 2) and "Traceback" not in err + out
    if code != 0:
        assert len(err.strip().splitlines()) == 1  # one sentence
    elif command.endswith("json"):
        json.loads(out)


@settings(max_examples=20, deadline=None, suppress_health_check=QUIET)
@given(payload=st.one_of(st.binary(max_size=300), SIZES.flatmap(lambda n: st.binary(min_size=n, max_size=n))))
def test_practice_saves_a_piped_answer_whole_or_refuses_it_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], payload: bytes) -> None:
    line = payload.replace(b"\n", b" ").replace(b"\r", b" ")
    text = clean_text(lenient(line)[0])
    assume(not text.startswith("/"))  # a command, not an answer
    database = tmp_path / "m.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{database}")
    code = run_cli(monkeypatch, line + b"\n/send\n/end\n", "practice", "--questions", "1", "--minutes", "5")
    out, err = capsys.readouterr()
    assert code == 0 and "Traceback" not in err + out, err
    with sqlite3.connect(database) as db:
        saved = [r[0] for r in db.execute("select text from answers where session_id = "
                                          "(select id from sessions order by created_at desc limit 1)")]
    expected = [text] if text and len(text) <= MAX_ANSWER_CHARS else []
    assert saved == expected


MESSAGE = st.tuples(
    st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=300)
    | st.integers(MAX_ANSWER_CHARS - 20, MAX_ANSWER_CHARS + 20).map(lambda n: "é" * n),
    st.one_of(st.none(), st.binary(max_size=200),
              st.integers(MAX_CODE_BYTES - 10, MAX_CODE_BYTES + 10).map(lambda n: b"\xff" * n)),
).filter(lambda m: not m[0].strip().startswith("/"))  # "/story <id>" is a command, not an answer


async def _handled(em: object, said: StoredMessage, thread: int) -> str:
    """'saved' (the ✅ under it), 'refused' (a reply to it), or 'ignored' (nothing within a few seconds)."""
    for _ in range(60):
        if said.reactions.get("✅"):
            return "saved"
        if any(m.message_reference and m.message_reference.get("message_id") == str(said.id)
               for m in em.bot_messages(thread)):  # type: ignore[attr-defined]
            return "refused"
        await asyncio.sleep(0.05)
    return "ignored"


@settings(max_examples=4, deadline=None, suppress_health_check=QUIET)
@given(messages=st.lists(MESSAGE, min_size=1, max_size=5))
def test_thread_messages_are_saved_whole_or_refused_whole(tmp_path: Path, messages: list[tuple[str, bytes | None]]) -> None:
    async def scenario() -> None:
        async with world(tmp_path / str(id(messages))) as w:
            em = w.emulator
            thread = await w.start_round("core", "mid", minutes=60)
            expected: list[str] = []
            for text, code in messages:
                files = [] if code is None else [("answer.py", code)]
                said = await em.say(w.alice, thread.id, text, attachments=files)
                outcome = await _handled(em, said, thread.id)
                full = text if code is None else f"{text}\n\n```python\n{code.decode('utf-8', 'replace')}\n```".strip()
                too_long = len(full) > MAX_ANSWER_CHARS or (code is not None and len(code) > MAX_CODE_BYTES)
                if outcome == "saved":
                    assert not too_long
                    expected.append(clean_text(full))
                elif not full.strip():
                    assert outcome == "ignored"
                else:
                    assert outcome == "refused" and too_long
            saved = [r[0] for r in w.rows("select text from answers order by round_pos, question_pos, seq")]
            assert saved == expected

    (tmp_path / str(id(messages))).mkdir()
    asyncio.run(scenario())
