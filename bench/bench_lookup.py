"""Time ``glossary show lstm`` as a whole process against the tldr client and the import floor.

Run in a venv that has both this project and tldr installed, so all three share one interpreter:

    python -m venv /tmp/bench-venv
    /tmp/bench-venv/bin/pip install '.[bench]'
    /tmp/bench-venv/bin/python bench/bench_lookup.py [--runs 30]

The floor is ``python -c "import click, rich.console, sqlite3"``: what any rich click tool over
SQLite pays before it does anything. tldr renders a small local page (``tldr --render FILE``), so
no network is involved. Runs are interleaved so that machine noise hits all three alike.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TLDR_PAGE = """# glossary

> Look up sequence-model terms in the terminal.

- Show the card of a term:

`glossary show {{lstm}}`

- Search the glossary:

`glossary search {{gradient}}`
"""


def time_command(command: list[str], env: dict[str, str]) -> float:
    """Wall time of one run, in milliseconds; a failing command stops the benchmark."""
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (time.perf_counter() - start) * 1000


def main() -> None:
    """Interleave the three commands, print medians and the two ratios against the goals."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "glossary.md"
        page.write_text(TLDR_PAGE, encoding="utf-8")
        env = {**os.environ, "GLOSSARY_DB": str(Path(tmp) / "bench.db"), "NO_COLOR": "1"}
        commands = {
            "glossary show lstm": [str(bin_dir / "glossary"), "show", "lstm"],
            "import floor": [sys.executable, "-c", "import click, rich.console, sqlite3"],
            "tldr --render page": [str(bin_dir / "tldr"), "--render", str(page)],
            "python -c pass": [sys.executable, "-c", "pass"],
        }
        for command in commands.values():  # warm caches; builds the store on first use
            time_command(command, env)
        samples: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                samples[name].append(time_command(command, env))
    median = {name: statistics.median(values) for name, values in samples.items()}
    ours = median["glossary show lstm"]
    print(f"whole-process wall time, median of {args.runs} interleaved runs ({sys.version.split()[0]})\n")
    print(f"| {'command':<22} | {'median ms':>9} | {'ours / this':>11} | goal       |")
    print(f"|{'-' * 24}|{'-' * 11}|{'-' * 13}|------------|")
    goals = {"import floor": "<= 1.2x", "tldr --render page": "<= 1.0x"}
    for name, value in median.items():
        ratio = "" if name == "glossary show lstm" else f"{ours / value:.2f}x"
        print(f"| {name:<22} | {value:>9.1f} | {ratio:>11} | {goals.get(name, ''):<10} |")


if __name__ == "__main__":
    main()
