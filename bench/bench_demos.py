"""Wall-clock time of every `glossary demo NAME` with default parameters, as a whole process.

What a learner waits for is the process, not the function: interpreter start-up, imports
(click, rich, numpy), the run and the drawing. Each command runs ``--runs`` times (medians of
wall and CPU time reported; goal <= 300 ms, or <= 5 s for the two training demos, ``train``
and ``seq2seq``, which draw a progress bar), next to two floors that no demo can beat: an empty
interpreter and
``import numpy``. Every demo in the registry is timed, in the order ``glossary demos`` lists them;
the table printed is the README's (markdown).

Run from the repository root with the dev venv:

    .venv/bin/python bench/bench_demos.py            # 15 runs each
    .venv/bin/python bench/bench_demos.py --runs 30
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from seqml.demos import DEMOS  # noqa: E402  (the registry; importing it loads no NumPy)

GOAL_MS = 300.0
TRAINING_GOAL_MS = 5000.0
TRAINING_DEMOS = ("train", "seq2seq")


def glossary_command() -> list[str]:
    """The installed console script if there is one beside this Python, else ``python cli.py``."""
    script = Path(sys.executable).parent / "glossary"
    if script.exists():
        return [str(script)]
    found = shutil.which("glossary")
    return [found] if found else [sys.executable, str(ROOT / "cli.py")]


def time_process(command: list[str], runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system) in ms of ``command``; failures raise.

    CPU time is what the process itself spent: on a shared, busy machine the wall time also
    counts the time spent waiting for a core, while the CPU time of a one-thread process (the
    CLI keeps OpenBLAS on one thread) is close to the wall time it takes on an idle machine.
    """
    # Bytecode caches as an installed copy has them (pip compiles at install): a shell that sets
    # PYTHONDONTWRITEBYTECODE would otherwise make every run recompile the project's modules.
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env.update(NO_COLOR="1", COLUMNS="100")
    walls, cpus = [], []
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)  # warm the page cache
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        walls.append((time.perf_counter() - start) * 1000)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    """Time each demo and print one table: median, minimum and whether the goal is met."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs per command (median reported)")
    runs = parser.parse_args().runs
    glossary = glossary_command()
    rows: list[tuple[str, float, float, str]] = []
    floors = {
        "`python -c pass` (floor)": [sys.executable, "-c", "pass"],
        "`python -c 'import numpy'` (floor)": [sys.executable, "-c", "import numpy"],
        "`glossary demos`": [*glossary, "demos"],
    }
    for label, command in floors.items():
        wall, cpu = time_process(command, runs)
        rows.append((label, wall, cpu, ""))
    for name in DEMOS:
        goal = TRAINING_GOAL_MS if name in TRAINING_DEMOS else GOAL_MS
        wall, cpu = time_process([*glossary, "demo", name], runs)
        verdict = f"wall {'met' if wall <= goal else 'MISSED'}, CPU {'met' if cpu <= goal else 'MISSED'}"
        rows.append((f"`glossary demo {name}`", wall, cpu, f"<= {goal:,.0f}: {verdict}"))
    print(f"{runs} runs per command, {os.cpu_count()} CPUs, {Path(glossary[0]).name}")
    print()
    print("| command | wall ms | CPU ms | goal ms |")
    print("|---|---:|---:|---|")
    for label, wall, cpu, goal in rows:
        print(f"| {label} | {wall:.0f} | {cpu:.0f} | {goal} |")


if __name__ == "__main__":
    main()
