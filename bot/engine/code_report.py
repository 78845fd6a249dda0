"""A code check put into plain words, once, for every place that shows one.

``mockloop check-code``, the terminal's practice round and the Discord thread all print the
same report; each only frames it (a colour, a code block).  Every candidate-controlled string
in a :class:`CodeCheck` is already neutralised by the sandbox's host side before it gets here.
"""

from __future__ import annotations

from bot.engine.models import CodeCheck

HIDDEN_SHOWN = 10  # failing hidden cases named by label; the rest are summarised as "..."


def code_report(result: CodeCheck) -> str:
    """The readable report of a run, ending in a newline; empty when nothing ran (the reason is elsewhere)."""
    if not result.ran:
        return ""
    lines = [f"{result.question}: {result.passed} of {result.total} passed "
             f"(examples {result.examples_passed}/{result.examples_total}, "
             f"hidden {result.hidden_passed}/{result.hidden_total}) in the {result.sandbox} sandbox."]
    if result.error:
        lines.append(result.error)
    failure = result.first_failure
    if failure is not None:
        title = f" ({failure.label})" if failure.label else ""
        lines += [f"First failing example{title}:", f"  call:     {failure.example}",
                  f"  expected: {failure.expected}", f"  got:      {failure.got}"]
    elif result.hidden_passed < result.hidden_total and result.error is None:
        lines.append("Every example passes, but some hidden cases fail; their inputs are not shown. "
                     "Think about edge cases the statement mentions.")
    failing = [case.label for case in result.hidden if not case.passed]
    if failing and result.examples_passed == result.examples_total:  # labels only: never a hidden input
        more = "; ..." if len(failing) > HIDDEN_SHOWN else ""
        lines.append("Hidden cases that fail: " + "; ".join(failing[:HIDDEN_SHOWN]) + more + ".")
    if result.traceback:
        lines += ["Traceback (most recent call last, your code only):", _indent(result.traceback)]
    if result.output:
        lines += ["Your code printed:", _indent(result.output)]
    lines.append(f"Time {result.time_ms:,} ms, peak memory {result.max_rss_kb:,} KB.")
    return "\n".join(lines) + "\n"


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())
