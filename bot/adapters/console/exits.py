"""The exit codes of every ``mockloop`` command, defined once.

Scripts rely on them (README, "Exit codes"): a user's mistake is told apart from a failure,
and an interrupted practice session from a finished one.
"""

from __future__ import annotations

from enum import IntEnum


class Exit(IntEnum):
    OK = 0
    FAILURE = 1  # anything but a usage error: no sandbox here, a service down, a broken database
    USAGE = 2  # the user's input was wrong: an unknown question id, a bad flag, an unreadable file
    INTERRUPTED = 130  # Ctrl-C: the shell's convention (128 + SIGINT); a practice session is saved, not ended
