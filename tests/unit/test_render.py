"""What the terminal shows of a candidate's text can never restyle the terminal or hide text."""

from __future__ import annotations

from bot.adapters.console.render import safe
from bot.engine.wording import clock


def test_control_and_bidi_characters_are_shown_as_escapes() -> None:
    shown = safe("red \x1b[31mtext\x1b[0m, bell \x07, RTL \u202eevil\u202c, tab\tand\nnewline")
    assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
    assert "\\u001b" in shown and "\\u202e" in shown
    assert "\t" in shown and "\n" in shown


def test_markup_in_candidate_text_is_not_interpreted() -> None:
    assert safe("[bold]hi[/bold]") == "\\[bold]hi\\[/bold]"


def test_clock_never_goes_negative() -> None:
    from datetime import timedelta

    assert clock(timedelta(seconds=-5)) == "0:00" and clock(timedelta(seconds=125)) == "2:05"
