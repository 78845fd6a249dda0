#!/usr/bin/env python3
"""One-command set-up for MockLoop: needs only Python 3.11+.

    python3 dev.py practice [mockloop practice options]   # set up, then a mock round in the terminal
    python3 dev.py test                                   # set up, then lint, type-check and the tests

Creates ``.venv`` when missing and (re)installs the project whenever pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".mockloop-installed"


def _python() -> str:
    return str(BIN / ("python.exe" if os.name == "nt" else "python"))


def ensure_env() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script may be started by an older python3
        sys.exit("MockLoop needs Python 3.11 or newer; this is " + sys.version.split()[0] + ".")
    if not (BIN / "python").exists() and not (BIN / "python.exe").exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    print("Installing MockLoop and its dependencies into .venv ...", flush=True)
    quiet = ["--quiet", "--disable-pip-version-check"]
    subprocess.run([_python(), "-m", "pip", "install", *quiet, "--upgrade", "pip"], check=True)
    subprocess.run([_python(), "-m", "pip", "install", *quiet, "-e", f"{ROOT}[dev]"], check=True)
    STAMP.write_text(wanted)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("practice", "test", "setup"):
        print(__doc__)
        return 2
    ensure_env()
    os.chdir(ROOT)
    command, rest = argv[0], argv[1:]
    if command == "setup":
        return 0
    if command == "practice":
        return subprocess.call([str(BIN / "mockloop"), "practice", *rest])
    for step in (["ruff", "check", "."], ["mypy"], ["pytest", *rest]):
        print(f"$ {' '.join(step)}", flush=True)
        code = subprocess.call([_python(), "-m", *step])
        if code != 0:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
