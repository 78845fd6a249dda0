"""``mockloop star``: the JSON contract of interfaces.md, the readable report, exit codes, input."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.adapters.console.star import read_story, star
from bot.errors import UsageError
from tests.unit.test_star import CLEAR, HABIT, WE_ONLY


def _run(text: str, as_json: bool) -> tuple[int, str]:
    out = io.StringIO()
    code = star(text, as_json=as_json, out=out)
    return code, out.getvalue()


def test_json_has_the_interface_shape() -> None:
    code, out = _run(CLEAR, as_json=True)
    assert code == 0
    data = json.loads(out)
    assert {"components", "metrics", "first_person_ratio", "score", "feedback"} <= data.keys()
    assert set(data["components"]) == {"situation", "task", "action", "result"}
    for part in data["components"].values():
        assert set(part) == {"present", "score", "excerpt"}
        assert isinstance(part["present"], bool) and 0 <= part["score"] <= 3
    assert isinstance(data["score"], int) and 0 <= data["score"] <= 100
    assert 0 <= data["first_person_ratio"] <= 1
    assert all(isinstance(m, str) for m in data["metrics"]) and data["metrics"]
    assert data["feedback"] and all(isinstance(f, str) for f in data["feedback"])
    assert set(data["time_split"]) == {"situation", "task", "action", "result", "other"}


def test_report_shows_parts_measures_and_feedback() -> None:
    code, out = _run(WE_ONLY, as_json=False)
    assert code == 0
    for heading in ("Situation", "Task", "Action", "Result", "Time split", "I / we", "Quantified", "Length",
                    "Event", "Lesson", "Feedback"):
        assert heading in out
    assert "0% of the actions told as “I”" in out
    assert "140 words a minute (target 90-120 s)" in out


def test_report_names_a_generalisation() -> None:
    _, out = _run(HABIT, as_json=False)
    assert "Event        a generalisation" in out


@pytest.mark.parametrize("text", ["", "I fixed it.", "agile, ownership, Kubernetes, impact, synergy"])
def test_unscorable_story_is_a_result_exit_0_with_its_status_and_null_score(text: str) -> None:
    code, out = _run(text, as_json=True)
    assert code == 0
    data = json.loads(out)
    assert data["score"] is None and data["status"] != "analysed" and data["feedback"]
    code, report = _run(text, as_json=False)
    assert code == 0 and "STAR analysis: not scored" in report and data["feedback"][0] in report.replace("\n     ", " ")


def test_story_is_read_from_a_file_or_stdin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "story.txt"
    path.write_text(CLEAR, encoding="utf-8")
    assert read_story(None, str(path)) == CLEAR
    assert read_story("typed", None) == "typed"
    monkeypatch.setattr("sys.stdin", io.StringIO("from stdin"))
    assert read_story(None, "-") == "from stdin"


def test_unreadable_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read the story file"):
        read_story(None, str(tmp_path / "missing.txt"))
    binary = tmp_path / "story.bin"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(UsageError, match="not UTF-8"):
        read_story(None, str(binary))
