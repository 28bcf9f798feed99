"""Start-up stays light: a lookup never loads numpy, sqlite_utils or other heavy modules."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = (
    "numpy",
    "sqlite_utils",
    "fsrs",
    "tomllib",
    "tomli",
    "rich.markdown",
    "rich.syntax",
    "seqml",
    "difflib",
)

PROBE = """
import json, sys
sys.argv = ["glossary", "--db", {db!r}, *{args!r}]
import cli
try:
    cli.cli(prog_name="glossary")  # not main(): it leaves with os._exit before we can look
except SystemExit:
    pass
print(json.dumps([m for m in {heavy!r} if m in sys.modules]), file=sys.stderr)
"""


def modules_loaded_by(args: list[str], db: Path) -> list[str]:
    """Run a command in a fresh interpreter and report which heavy modules it imported."""
    code = PROBE.format(db=str(db), args=args, heavy=HEAVY)
    subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)  # store is current
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stderr.strip().splitlines()[-1])


def test_importing_cli_loads_no_heavy_module() -> None:
    code = f"import sys, cli; print([m for m in {HEAVY!r} + ('rich', 'glossary.store') if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "args",
    [
        ["show", "lstm"],
        ["search", "gradient"],
        ["list"],
        ["links", "rnn", "--depth", "2"],
        ["path", "rnn", "lstm"],
    ],
)
def test_read_commands_load_no_heavy_module_once_the_store_exists(db_path: Path, args: list[str]) -> None:
    assert modules_loaded_by(args, db_path) == []
