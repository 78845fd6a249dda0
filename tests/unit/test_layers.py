"""Which part of ``bot`` may import which: the layer rule as a table, so the shape stays.

Read from the source with ``ast`` (the graph of ``test_import_cycles``): every import statement
counts, lazy and ``TYPE_CHECKING`` ones too.  The engine sits at the bottom and imports nothing of
ours; the pieces that judge and coach (scoring, interviewer, coaching, content, scheduling) build
on it; the outer services (storage, llm, sandbox) implement ports; the adapters turn people's
input into engine calls; only the composition roots wire concrete classes (``bootstrap``, ``cli``,
``discord_root``, ``console_root``).  Storage implements ports that the features define, so it may import their
``ports`` modules (and the records they name), never their behaviour.  Adding an arrow means
changing this table in the same change, where a reviewer sees it.
"""

from __future__ import annotations

from collections import defaultdict

from tests.unit.test_import_cycles import ROOT, modules, named

ROOTS = {"bot.cli", "bot.discord_root", "bot.console_root", "bot.bootstrap", "bot.__main__"}
# Beside the engine and the small shared modules (errors, textin, config, processes), which anything may use.
SHARED = {"bot.engine", "bot.errors", "bot.textin", "bot.config", "bot.processes"}
ALLOWED: dict[str, set[str]] = {
    "bot.engine": set(),
    "bot.errors": set(),
    "bot.processes": set(),
    "bot.textin": set(),
    "bot.config": set(),
    "bot.content": {"bot.scoring"},  # the code facts a rubric may name are checked when it loads
    "bot.scoring": {"bot.sandbox"},  # the sandbox's verdict is half of a coding answer's grade
    "bot.interviewer": set(),
    "bot.scheduling": set(),
    "bot.coaching": {"bot.scoring"},
    "bot.llm": {"bot.scoring", "bot.interviewer", "bot.audio"},  # offline fallbacks, the judge's cross-check, audio limits
    "bot.audio": {"bot.scoring.delivery"},  # a recording's type, length and limits
    "bot.sandbox": {"bot.content"},
    "bot.storage": {"bot.adapters.discord.ports", "bot.adapters.console.ports", "bot.scheduling.ports", "bot.coaching.story",
                    "bot.llm.usage"},
    "bot.adapters.discord": {"bot.coaching", "bot.sandbox", "bot.scheduling", "bot.scoring"},
    # The terminal's commands get what they need built by bot.console_root; a recording's limits come from bot.audio.
    "bot.adapters.console": {"bot.coaching", "bot.content", "bot.sandbox", "bot.scoring", "bot.audio"},
}


def _part(module: str) -> str:
    parts = module.split(".")
    if parts[:2] == ["bot", "adapters"] and len(parts) > 2:
        return ".".join(parts[:3])
    return ".".join(parts[:2]) if len(parts) > 1 else parts[0]


def _allowed(source: str, target: str) -> bool:
    if _part(target) in SHARED or _part(target) == source or target.startswith(("bot.__version__", "bot.__init__")):
        return True
    return any(target == rule or target.startswith(rule + ".") for rule in ALLOWED[source])


def test_every_import_follows_the_layer_table() -> None:
    wrong: dict[str, set[str]] = defaultdict(set)
    for module, path in modules(ROOT, "bot").items():
        source = _part(module)
        if source in ROOTS or source in ("bot", "bot.adapters"):  # the packages' own __init__ files
            continue
        assert source in ALLOWED, f"{source} is a new part of bot: give it a row in ALLOWED"
        for target in named(module, path):
            if target.startswith("bot.") and not _allowed(source, target):
                wrong[module].add(target)
    assert not wrong, dict(wrong)


def test_nothing_below_the_composition_roots_imports_bootstrap() -> None:
    importers = {_part(m) for m, path in modules(ROOT, "bot").items()
                 if any(t == "bot.bootstrap" or t.startswith("bot.bootstrap.") for t in named(m, path))}
    assert importers - ROOTS == set()


def test_the_discord_adapters_shared_modules_leave_the_features_to_themselves() -> None:
    """A feature's code is in ``features``; the shared modules name a feature only to set it up (the client)
    or to put a round's buttons under each question (the notifier)."""
    features = "bot.adapters.discord.features"
    allowed = {"bot.adapters.discord.bot": {features},
               "bot.adapters.discord.notifier": {f"{features}.rounds.buttons"}}
    wrong: dict[str, set[str]] = defaultdict(set)
    for module, path in modules(ROOT, "bot").items():
        if not module.startswith("bot.adapters.discord") or module.startswith(features):
            continue
        for target in named(module, path):
            if target.startswith(features) and not any(target == a or target.startswith(a + ".")
                                                       for a in allowed.get(module, set())):
                wrong[module].add(target)
    assert not wrong, dict(wrong)
