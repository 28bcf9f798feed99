"""Wall-clock time of every `glossary demo NAME` with default parameters, as a whole process.

What a learner waits for is the process, not the function: interpreter start-up, imports
(click, rich, numpy), the run and the drawing. Each command runs ``--runs`` times (median
reported, goal <= 300 ms), next to two floors that no demo can beat: an empty interpreter and
``import numpy``.

Run from the repository root with the dev venv:

    .venv/bin/python bench/bench_demos.py            # 15 runs each
    .venv/bin/python bench/bench_demos.py --runs 30
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_MS = 300.0
DEMO_NAMES = ("ngram", "rnn-unroll", "lstm-step", "clipping", "gradient-flow", "next-item")


def glossary_command() -> list[str]:
    """The installed console script if there is one beside this Python, else ``python cli.py``."""
    script = Path(sys.executable).parent / "glossary"
    if script.exists():
        return [str(script)]
    found = shutil.which("glossary")
    return [found] if found else [sys.executable, str(ROOT / "cli.py")]


def time_process(command: list[str], runs: int) -> tuple[float, float]:
    """Median and minimum wall time in ms of ``command``; output is discarded, failures raise."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    samples = []
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)  # warm the page cache
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), min(samples)


def main() -> None:
    """Time each demo and print one table: median, minimum and whether the goal is met."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs per command (median reported)")
    runs = parser.parse_args().runs
    glossary = glossary_command()
    rows: list[tuple[str, float, float, str]] = []
    floors = {
        "python -c pass (floor)": [sys.executable, "-c", "pass"],
        "python -c 'import numpy' (floor)": [sys.executable, "-c", "import numpy"],
        "glossary demos": [*glossary, "demos"],
    }
    for label, command in floors.items():
        median, fastest = time_process(command, runs)
        rows.append((label, median, fastest, ""))
    for name in DEMO_NAMES:
        median, fastest = time_process([*glossary, "demo", name], runs)
        rows.append((f"glossary demo {name}", median, fastest, "yes" if median <= GOAL_MS else "NO"))
    width = max(len(label) for label, *_ in rows)
    print(f"{runs} runs per command, {os.cpu_count()} CPUs, {Path(glossary[0]).name}")
    print(f"{'command':<{width}}  {'median ms':>9}  {'min ms':>7}  goal <= {GOAL_MS:.0f} ms")
    for label, median, fastest, met in rows:
        print(f"{label:<{width}}  {median:9.1f}  {fastest:7.1f}  {met}")


if __name__ == "__main__":
    main()
