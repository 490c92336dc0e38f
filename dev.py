#!/usr/bin/env python3.11
"""Set up the project and run it: the README's two commands, and CI's.

    python3.11 dev.py demo     # set up, then screen the bundled sample and print the top 10
    python3.11 dev.py test     # set up, then lint, type-check and run the whole test suite

Set-up creates ``.venv`` (Python 3.11) and installs exactly the versions in ``requirements.lock``
plus this project (editable). It re-installs only when the lock file or pyproject.toml changed.
Uses only the standard library, so it runs on a machine that has nothing but Python 3.11.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
STAMP = VENV / ".vessel-risk-installed"


def _digest() -> str:
    h = hashlib.sha256()
    for name in ("requirements.lock", "pyproject.toml"):
        h.update((ROOT / name).read_bytes())
    return h.hexdigest()


def setup() -> None:
    if sys.version_info[:2] != (3, 11):
        sys.exit(f"vessel-risk needs Python 3.11 (this is {sys.version.split()[0]}): run it with python3.11")
    if not PYTHON.exists():
        print("creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    if STAMP.exists() and STAMP.read_text() == _digest():
        return
    print("installing locked dependencies (first time: about two minutes) ...", flush=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "-r", str(ROOT / "requirements.lock")], check=True, cwd=ROOT)
    subprocess.run([*pip, "--no-deps", "-e", str(ROOT)], check=True, cwd=ROOT)
    STAMP.write_text(_digest())


def typing_tree() -> Path:
    """The package as installed, for mypy: ``.workspace/typing/vessel_risk`` links each folder
    that pyproject.toml maps to a subpackage (an editable install maps them with an import hook,
    which mypy cannot follow). Rebuilt before every type check, so new files are always seen."""
    mapping = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-dir"]
    tree = ROOT / ".workspace" / "typing"
    shutil.rmtree(tree, ignore_errors=True)
    package = tree / "vessel_risk"
    package.mkdir(parents=True)
    for name, folder in mapping.items():
        if name == "vessel_risk":
            for source in (ROOT / folder).glob("*.py"):
                (package / source.name).symlink_to(source)
        else:
            (package / name.split(".", 1)[1]).symlink_to(ROOT / folder, target_is_directory=True)
    return tree


def run(*args: str) -> int:
    return subprocess.run([str(BIN / args[0]), *args[1:]], cwd=ROOT).returncode


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "help"
    if command not in {"demo", "test", "setup"}:
        print(__doc__)
        return 0 if command == "help" else 2
    setup()
    if command == "demo":
        return run("vessel-risk", "run", *argv[1:])
    if command == "test":
        typing_tree()
        for step in (["ruff", "check", "."], ["mypy"]):
            code = run(*step)
            if code:
                return code
        return run("pytest", *argv[1:])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
