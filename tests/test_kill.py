"""SIGKILL at k points of an import and of a quiz answer: the store is always whole, before or after.

As SQLite's own crash tests do, each run is killed at a different moment, then the store is
checked with integrity_check and the FTS5 integrity-check, and its content must be a state a
finished transaction left: all of a pack or none of it, every review with its card.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from safety_support import assert_sound, count, pack_text

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-c", "import cli; cli.main()"]
POINTS = 8


def kill_after(args: list[str], delay: float, stdin: str | None = None) -> int:
    """Run the CLI and SIGKILL it after ``delay`` seconds (if it is still running)."""
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1"}
    process = subprocess.Popen(
        [*CLI, *args], cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    if stdin is not None:
        assert process.stdin is not None
        process.stdin.write(stdin)
        process.stdin.flush()
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    if process.stdin is not None:
        process.stdin.close()
    return process.returncode


def timed(args: list[str], stdin: str | None = None) -> float:
    started = time.monotonic()
    done = subprocess.run([*CLI, *args], cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return time.monotonic() - started


@pytest.mark.slow
def test_sigkill_at_k_points_of_an_import_leaves_all_of_the_pack_or_none(
    db_path: Path, tmp_path: Path
) -> None:
    pack = tmp_path / "big.toml"
    pack.write_text(pack_text(1500, "big"), encoding="utf-8")
    base = count(db_path, "SELECT count(*) FROM terms")
    whole = timed(["--db", str(db_path), "import", str(pack)])
    assert count(db_path, "SELECT count(*) FROM terms") == base + 1500
    for point in range(POINTS):
        pack.write_text(pack_text(1500 - 100 * (point % 2), "big"), encoding="utf-8")
        kill_after(["--db", str(db_path), "import", str(pack)], whole * (point + 0.5) / POINTS)
        assert_sound(db_path)
        assert count(db_path, "SELECT count(*) FROM terms") - base in (1400, 1500)
        assert count(db_path, "SELECT count(*) FROM terms_fts") == count(
            db_path, "SELECT count(*) FROM terms"
        )


@pytest.mark.slow
def test_sigkill_at_k_points_of_answering_never_tears_an_answer(db_path: Path) -> None:
    answers = "1\n" * 20
    whole = timed(["--db", str(db_path), "quiz", "--n", "20", "--seed", "5"], answers)
    reviews = count(db_path, "SELECT count(*) FROM reviews")
    assert reviews == 20
    for point in range(POINTS):
        args = ["--db", str(db_path), "quiz", "--n", "20", "--seed", str(point)]
        kill_after(args, whole * (point + 0.5) / POINTS, answers)
        assert_sound(db_path)
        now = count(db_path, "SELECT count(*) FROM reviews")
        assert now >= reviews  # nothing committed is ever lost
        reviews = now
        # An answer and its card's state are one transaction: no review without its card.
        assert (
            count(db_path, "SELECT count(*) FROM reviews WHERE card_id NOT IN (SELECT card_id FROM cards)")
            == 0
        )
        assert (
            count(db_path, "SELECT count(*) FROM cards WHERE card_id NOT IN (SELECT card_id FROM reviews)")
            == 0
        )
