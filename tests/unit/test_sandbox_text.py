"""Whatever a submission prints is shown as inert text of bounded size."""

from __future__ import annotations

from bot.sandbox.text import for_display, neutralise, trim_head, trim_tail


def test_terminal_escapes_and_bidi_controls_become_visible_escapes() -> None:
    shown = neutralise("\x1b[2J\x1b[31mred\x07 \u202eevil\u202c \x9b1m \u2028 ok\tand\nnewline")
    for raw in ("\x1b", "\x07", "\u202e", "\u202c", "\x9b", "\u2028"):
        assert raw not in shown
    assert "\\u001b[2J" in shown and "\\u202e" in shown
    assert "\t" in shown and "\n" in shown and "ok" in shown


def test_combining_mark_floods_are_cut_but_accents_survive() -> None:
    assert neutralise("cafe\u0301") == "cafe\u0301"
    assert len(neutralise("a" + "\u0301" * 10_000)) == 3


def test_trimming_keeps_the_start_of_output_and_the_end_of_a_traceback() -> None:
    text = "\n".join(f"line {i}" for i in range(1000))
    head, tail = trim_head(text, max_lines=5), trim_tail(text, max_lines=5)
    assert head.startswith("line 0\n") and "more characters not shown" in head and "line 999" not in head
    assert tail.endswith("line 999") and "earlier characters not shown" in tail and "line 0\n" not in tail


def test_display_size_is_bounded_even_when_every_character_needs_an_escape() -> None:
    shown = for_display("\x1b" * 100_000, max_chars=500)
    assert len(shown) < 600 and "\x1b" not in shown


def test_short_text_is_left_alone() -> None:
    assert for_display("hello\nworld") == "hello\nworld"
