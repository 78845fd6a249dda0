"""The ``mockloop`` command: parses arguments and hands over to the console adapter.

Exit codes (:class:`bot.adapters.console.exits.Exit`): 0 success, 2 usage error, 1 any other failure; errors
are one sentence on stderr.  The terminal commands are wired in :mod:`bot.console_root`.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Callable, Coroutine, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from bot import __version__
from bot.adapters.console.exits import Exit
from bot.errors import UsageError

if TYPE_CHECKING:
    from bot.config import Settings

T = TypeVar("T")

NO_TOKEN = (
    "mockloop run needs a Discord bot token in DISCORD_TOKEN. Create an application at "
    "https://discord.com/developers/applications, add a bot to it, copy its token into DISCORD_TOKEN "
    "(in the environment or a .env file) and invite the bot with the URL the README gives. "
    "To practise without Discord, run `mockloop practice` in this terminal: it needs no token or network."
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"mockloop: {message} (see `{self.prog} --help`).\n")
        raise SystemExit(Exit.USAGE)


def _minutes(text: str) -> int:
    from bot.engine.loop import MAX_MINUTES, MIN_MINUTES

    value = int(text) if text.isdigit() else -1
    if not MIN_MINUTES <= value <= MAX_MINUTES:
        raise argparse.ArgumentTypeError(f"must be a whole number of minutes from {MIN_MINUTES} to {MAX_MINUTES}")
    return value


def _questions(text: str) -> int:
    from bot.engine.loop import MAX_QUESTIONS

    value = int(text) if text.isdigit() else -1
    if not 1 <= value <= MAX_QUESTIONS:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to {MAX_QUESTIONS}")
    return value


def _days(text: str) -> int:
    value = int(text) if text.isdigit() else -1
    if not 1 <= value <= 366:
        raise argparse.ArgumentTypeError("must be a whole number of days from 1 to 366")
    return value


MAX_SEED = 2**31 - 1  # stored with the session in a 32-bit column (PostgreSQL integer)


def _seed(text: str) -> int:
    try:
        seed = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a whole number") from None
    if not 0 <= seed <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"must be a whole number from 0 to {MAX_SEED}")
    return seed


def build_parser() -> argparse.ArgumentParser:
    from bot.engine.models import Level, RoundKind, Track  # here: the first call imports pydantic (see main)

    parser = _Parser(prog="mockloop", description="Timed mock interviews for Python developer jobs.")
    parser.add_argument("--version", action="version", version=f"mockloop {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    rounds = [r.value for r in RoundKind] + ["loop"]
    levels = [lv.value for lv in Level]
    tracks = [t.value for t in Track]

    p = sub.add_parser("practice", help="a timed mock round in this terminal (no accounts or network)")
    p.add_argument("--round", choices=rounds, default="core", help="which round, or `loop` for all six in order")
    p.add_argument("--level", choices=levels, default="mid")
    p.add_argument("--track", choices=tracks, default="any", help="framework track for the framework round")
    p.add_argument("--minutes", type=_minutes, help="length of each round (default: the round's usual mock length)")
    p.add_argument("--questions", type=_questions, help="number of questions per round")
    p.add_argument("--seed", type=_seed, help="fix the choice and order of questions")
    p.add_argument("--weak", action="store_true",
                   help="drill your weak spots: questions whose key points you missed in your last attempts come first")
    p.add_argument("--resume", nargs="?", const="latest", metavar="SESSION",
                   help="continue your latest interrupted session (or the one named)")
    p.add_argument("--take-over", action="store_true",
                   help="with --resume: continue here a session still open in another process (that one stops)")

    sub.add_parser("run", help="the Discord bot (needs DISCORD_TOKEN)")

    s = sub.add_parser("score", help="score one answer against its question's rubric")
    s.add_argument("--question", required=True, metavar="ID")
    group = s.add_mutually_exclusive_group(required=True)
    group.add_argument("--answer", metavar="TEXT")
    group.add_argument("--answer-file", metavar="PATH", help="a file with the answer, or - for standard input")
    group.add_argument("--audio-file", metavar="PATH", help="a recording of the answer (Ogg/Opus, MP3, M4A, WAV, WebM; "
                                                            "needs a speech-to-text service)")
    s.add_argument("--scorer", choices=["offline", "llm", "auto"], default="offline")
    s.add_argument("--json", action="store_true")

    t = sub.add_parser("star", help="STAR analysis of a behavioral story (offline)")
    story = t.add_mutually_exclusive_group(required=True)
    story.add_argument("--coach", action="store_true", help="rehearse: one suggestion at a time, then revise")
    story.add_argument("--stories", action="store_true", help="list your story bank")
    story.add_argument("--answer", metavar="TEXT")
    story.add_argument("--answer-file", metavar="PATH", help="a file with the story, or - for standard input")
    story.add_argument("--audio-file", metavar="PATH", help="a recording of the story (needs a speech-to-text service)")
    story.add_argument("source", nargs="?", choices=["-"], metavar="-", help="read the story from standard input")
    t.add_argument("--json", action="store_true")
    t.add_argument("--scorer", choices=["offline", "llm", "auto"], default="offline",
                   help="who judges the parts: the offline analyser (default) or the configured LLM")
    t.add_argument("--theme", choices=["incident", "ownership", "mentoring", "conflict"], default="incident",
                   help="with --coach: what the story is about")
    t.add_argument("--topic", help="with --coach: a topic of your own instead of a theme")

    c = sub.add_parser("check-code", help="run a coding answer against its question's examples and hidden tests "
                                          "in the sandbox")
    c.add_argument("--question", required=True, metavar="ID")
    c.add_argument("--file", metavar="PATH", help="the code to check, or - for standard input")
    c.add_argument("source", nargs="?", choices=["-"], help="- reads the code from standard input")
    c.add_argument("--json", action="store_true")

    r = sub.add_parser("runner", help="serve the code sandbox on a Unix socket (a container of its own, no secrets)")
    r.add_argument("--socket", required=True, metavar="PATH")

    q = sub.add_parser("questions", help="list the question bank")
    q.add_argument("--round", choices=[r.value for r in RoundKind])
    q.add_argument("--level", choices=levels)
    q.add_argument("--track", choices=tracks)
    q.add_argument("--json", action="store_true")

    h = sub.add_parser("history", help="your past sessions with scores")
    h.add_argument("--json", action="store_true")
    h.add_argument("--limit", type=_questions, default=12, help=argparse.SUPPRESS)

    u = sub.add_parser("usage", help="LLM calls and tokens spent")
    u.add_argument("--days", type=_days, default=7, help="how many days back")
    u.add_argument("--json", action="store_true")

    d = sub.add_parser("db", help="database maintenance")
    dsub = d.add_subparsers(dest="db_command", required=True, parser_class=_Parser)
    dsub.add_parser("upgrade", help="apply migrations to DATABASE_URL")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    with _start_up_frozen():
        parser = build_parser()
    try:
        return _command(parser.parse_args(argv))
    finally:
        gc.unfreeze()  # back in the oldest generation: an in-process caller (the tests) is collected as before


@contextmanager
def _start_up_frozen() -> Iterator[None]:
    """No garbage collection while the modules every command needs are imported, and none of them examined later.

    Importing pydantic and the engine's models makes tens of thousands of objects, all alive until
    the process ends, and pydantic's compiled schemas are slow to examine: the collections run
    meanwhile cost about 10 ms of every start, for nothing.  So collection waits, then those
    objects are frozen (``gc.freeze``: left out of every later collection, as the bot does with
    its bank in ``bootstrap.load_bank``) until ``main`` returns; what the command itself makes is
    collected as usual.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
        gc.freeze()
    finally:
        if collecting:
            gc.enable()


def _command(args: argparse.Namespace) -> int:
    try:
        return _dispatch(args)
    except UsageError as exc:
        _fail(str(exc))
        return Exit.USAGE
    except Exception as exc:
        if not isinstance(exc, _known_errors()):
            raise
        _fail(str(exc))
        return Exit.FAILURE
    except KeyboardInterrupt:
        return Exit.INTERRUPTED


# The errors that carry a sentence for the user, by the module that defines each.  A command imports
# only what it needs (so `--help` and `questions` start at once), and an error can only have been
# raised by a module that was imported, so the ones not loaded are skipped.
_ONE_SENTENCE = (("bot.config", "ConfigError"), ("bot.storage.db", "StorageError"),
                 ("bot.content.bank", "ContentError"), ("bot.engine.errors", "EngineError"))


def _known_errors() -> tuple[type[Exception], ...]:
    return tuple(getattr(sys.modules[module], name) for module, name in _ONE_SENTENCE if module in sys.modules)


def _fail(message: str) -> None:
    sys.stderr.write(f"mockloop: {message}\n")


def _terminal_logging() -> None:
    """In the terminal the UI says what happened in its own words (e.g. "Graded offline: ..." once); the
    log lines behind it are for servers, so only errors (a bug) reach the screen here."""
    import logging  # here, like each command's imports: `--help`, `questions` and an offline score log nothing

    logging.basicConfig(level=logging.ERROR, format="mockloop: %(message)s")


def _server_logging() -> None:
    import logging

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _freeze_at_exit() -> None:
    """Spare a one-shot command the garbage collections the interpreter runs on its way out.

    At exit Python collects over every object still alive: for `check-code` that is pydantic's schemas
    and all else its imports made, about 30 ms after the answer is printed.  Frozen objects are not
    examined (the bot freezes its bank the same way, see ``bootstrap.load_bank``); they are released
    with the process as before.  Only cyclic garbage left at exit goes unfinalized, which Python never
    promised, and the command's pipes and processes are closed and awaited before it returns.  At
    exit rather than now, so an in-process caller (the tests) keeps collecting until it ends; and
    registered once, however often ``main`` runs in one process.
    """
    import atexit

    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)


def _run(factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    import asyncio  # here, not at the top: `--help` and `questions` never start a loop

    return asyncio.run(factory())


def _dispatch(args: argparse.Namespace) -> int:
    # Each command imports what it needs and no more, so `--help`, `questions`, `score` and `check-code` start at once.
    if args.command == "questions":
        from bot.adapters.console import catalogue

        return catalogue.questions(args.round, args.level, args.track, args.json)
    if args.command == "check-code":
        from bot import console_root
        from bot.adapters.console.check_code import read_source

        if (args.file is None) == (args.source is None):
            raise UsageError("give the code with --file PATH, or - (or --file -) for standard input.")
        source = read_source(args.file or "-")
        _freeze_at_exit()
        return _run(lambda: console_root.check_code(args.question, source, args.json))
    if args.command == "score" and args.scorer == "offline" and args.audio_file is None:
        from bot import console_root

        # A typed answer graded offline reads no setting, awaits nothing and logs nothing: reading the
        # settings (pydantic-settings, the Settings model), starting an event loop and setting up
        # logging were a fifth of its start.
        return console_root.score_offline(args.question, args.answer, args.answer_file, args.json)
    from bot import console_root
    from bot.config import load_settings

    if args.command == "run":
        settings = load_settings()
        if settings.discord_token is None:
            _fail(NO_TOKEN)
            return Exit.FAILURE

        from bot import discord_root

        _server_logging()
        return _run(lambda: discord_root.run(settings))
    if args.command in ("practice", "score", "star"):
        _terminal_logging()
    if args.command == "score":
        return _run(lambda: console_root.score(load_settings(), args.question, args.answer, args.answer_file, args.scorer,
                                               args.json, args.audio_file))
    if args.command == "practice":
        from bot.engine.loop import LOOP_ORDER
        from bot.engine.models import Level, RoundKind, Track

        kinds = LOOP_ORDER if args.round == "loop" else (RoundKind(args.round),)
        return _run(lambda: console_root.practice(
            load_settings(), kinds, Level(args.level), Track(args.track), args.minutes, args.questions, args.seed, args.resume,
            args.weak, args.take_over))
    if args.command == "star":
        return _star(args, load_settings)
    if args.command == "runner":
        _server_logging()
        return _run(lambda: console_root.runner_service(load_settings(), Path(args.socket)))
    if args.command == "history":
        return _run(lambda: console_root.history(load_settings(), args.json, args.limit))
    if args.command == "usage":
        return _run(lambda: console_root.usage(load_settings(), args.days, args.json))
    if args.command == "db":
        return _run(lambda: console_root.db_upgrade(load_settings()))
    raise UsageError(f"unknown command {args.command!r}")


def _star(args: argparse.Namespace, load_settings: Callable[[], Settings]) -> int:
    """`mockloop star`: the rehearsal loop, the story bank, a told story, or a written one."""
    from bot import console_root

    if args.coach:
        from bot.coaching.models import Theme

        return _run(lambda: console_root.star_coach(load_settings(), Theme(args.theme), args.topic))
    if args.stories:
        return _run(lambda: console_root.star_stories(load_settings()))
    if args.audio_file:
        return _run(lambda: console_root.spoken_star(load_settings(), args.audio_file, args.scorer, args.json))
    from bot.adapters.console.star import read_story, star

    text = read_story(args.answer, "-" if args.source else args.answer_file)
    settings = load_settings()
    found = _run(lambda: console_root.star_analysis(settings, text, args.scorer))
    if found.fallback_reason and not args.json:
        print(f"mockloop: analysed offline: {found.fallback_reason}.", file=sys.stderr)
    return star(text, as_json=args.json, out=sys.stdout, analysis=found)
