"""Time lookups as whole processes against the tldr client and the import floor, and at scale.

Run in a venv that has both this project and tldr installed, so all share one interpreter:

    python -m venv /tmp/bench-venv
    /tmp/bench-venv/bin/pip install '.[bench]'
    /tmp/bench-venv/bin/python bench/bench_lookup.py [--runs 30] [--scale]

The floor is ``python -c "import click, rich.console, sqlite3"``: what any rich click tool over
SQLite pays before it does anything. tldr renders a small local page (``tldr --render FILE``), so
no network is involved. Rows: ``glossary show lstm``, ``glossary lstm`` (a word that is no
command), a plural (``glossary show LSTMs``) and a miss with one clear candidate (``glossary show
perplex``). Runs are interleaved so that machine noise hits every command alike.

``--scale`` also builds a store with 10,000 generated terms (inserted directly, as the pack
loader caps a file at 2 MB) and times every lookup command on it (``list``'s first screen and the
whole list piped, ``show`` found, plural, one candidate and typo, ``search``, ``links``, ``compare``
and ``path``) against the same commands on the bundled store, interleaved.
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
    """Wall time of one run, in milliseconds; a crash stops the benchmark (exit 1, a miss, is fine)."""
    start = time.perf_counter()
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}")
    return (time.perf_counter() - start) * 1000


GENERATED_SYLLABLES = ["ka", "to", "ri", "men", "sol", "vex", "dra", "li", "pon", "ter", "gra", "di",
                       "ent", "lo", "nu", "qua", "zor", "bel", "tin", "ma"]  # fmt: skip
GENERATED_HEADS = ["network", "model", "gradient", "layer", "attention", "encoder", "kernel", "loss"]


def build_big_store(path: Path, count: int = 10_000) -> None:
    """The bundled store plus ``count`` generated terms in one topic, each linked to two earlier ones."""
    import random

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from glossary.model import Link, Term
    from glossary.packs import Pack
    from glossary.schema import insert_packs, write_transaction
    from glossary.store import Store

    rng = random.Random(1)
    words = sorted(
        {"".join(rng.choice(GENERATED_SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(3000)}
    )
    bundled = ["long-short-term-memory", "n-gram", "gradient-clipping", "softmax", "recurrent-neural-network"]
    names: set[str] = set()
    terms, links = [], []
    while len(terms) < count:
        index = len(terms)
        name = (
            " ".join(rng.choice(words) for _ in range(rng.randint(1, 2))) + " " + rng.choice(GENERATED_HEADS)
        )
        if name in names:
            continue
        names.add(name)
        slug = f"gen-{index}"
        terms.append(
            Term(
                slug,
                name,
                f"Generated term {index} about {name}",
                f"A {name}.",
                "bench",
                "generated",
                demo_params={},
            )
        )
        targets = {f"gen-{rng.randrange(index)}" for _ in range(2)} if index > 2 else {rng.choice(bundled)}
        if rng.random() < 0.05:
            targets.add(rng.choice(bundled))
        links += [Link(slug, "see-also", target) for target in sorted(targets)]
    store = Store.open(path)
    with write_transaction(store.conn):
        insert_packs(
            store.conn,
            [Pack("generated", "Generated", "Bench terms.", "", tuple(terms), tuple(links))],
            "user",
        )
    store.close()


def run_interleaved(
    commands: dict[str, list[str]], envs: dict[str, dict[str, str]], runs: int
) -> dict[str, float]:
    """Median wall time of each command over ``runs`` interleaved rounds, after one warm-up each.

    A name starting with "first screen" is timed to its first 50 lines of output instead.
    """

    def timed(name: str) -> float:
        clock = time_first_lines if name.startswith("first screen") else time_command
        return clock(commands[name], envs[name])

    for name in commands:
        timed(name)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name in commands:
            samples[name].append(timed(name))
    return {name: statistics.median(values) for name, values in samples.items()}


def lookup_table(runs: int, tmp: Path, reference: str | None = None) -> None:
    """Each lookup row against the floor and tldr, all interleaved in one run."""
    bin_dir = Path(sys.executable).parent
    page = tmp / "glossary.md"
    page.write_text(TLDR_PAGE, encoding="utf-8")
    env = {**os.environ, "GLOSSARY_DB": str(tmp / "bench.db"), "NO_COLOR": "1"}
    glossary = str(bin_dir / "glossary")
    ours = {
        "glossary show lstm": [glossary, "show", "lstm"],
        "glossary lstm": [glossary, "lstm"],
        "glossary show LSTMs": [glossary, "show", "LSTMs"],
        "glossary show perplex": [glossary, "show", "perplex"],
    }
    commands = {
        **ours,
        "import floor": [sys.executable, "-c", "import click, rich.console, sqlite3"],
        "tldr --render page": [str(bin_dir / "tldr"), "--render", str(page)],
        "python -c pass": [sys.executable, "-c", "pass"],
    }
    envs = dict.fromkeys(commands, env)
    if reference:  # the same lookup from another checkout (e.g. main), in the same -c form
        here = str(Path(__file__).resolve().parent.parent)
        commands["show lstm, this checkout (-c)"] = [*from_checkout(here), "show", "lstm"]
        commands["show lstm, reference (-c)"] = [*from_checkout(reference), "show", "lstm"]
        envs["show lstm, this checkout (-c)"] = env
        envs["show lstm, reference (-c)"] = {**env, "GLOSSARY_DB": str(tmp / "reference.db")}
    median = run_interleaved(commands, envs, runs)
    floor, tldr = median["import floor"], median["tldr --render page"]
    print(f"whole-process wall time, median of {runs} interleaved runs ({sys.version.split()[0]})\n")
    print("| command | median ms | / floor (goal <= 1.2x) | / tldr (goal <= 1.0x) |")
    print("|---|---|---|---|")
    for name, value in median.items():
        ratios = f"{value / floor:.2f}x | {value / tldr:.2f}x" if name in ours else " | "
        print(f"| `{name}` | {value:.1f} | {ratios} |")


def scale_table(runs: int, tmp: Path) -> None:
    """Every lookup command on 10,000 terms against the same on the bundled store."""
    big = tmp / "big.db"
    start = time.perf_counter()
    build_big_store(big)
    seconds = time.perf_counter() - start
    print(f"\nbuilt a store of 10,000 generated terms + the bundled ones in {seconds:.1f} s\n")
    glossary = str(Path(sys.executable).parent / "glossary")
    rows = {
        "first screen of list (50 lines, streamed)": ["list"],
        "list (piped, whole)": ["list"],
        "show lstm": ["show", "lstm"],
        "show LSTMs (plural)": ["show", "LSTMs"],
        "show perplex (one clear candidate)": ["show", "perplex"],
        "show lstn (typo: suggestions)": ["show", "lstn"],
        "search gradient": ["search", "gradient"],
        "links rnn --depth 2": ["links", "rnn", "--depth", "2"],
        "first screen of links rnn --depth 2 (50 lines, streamed)": ["links", "rnn", "--depth", "2"],
        "compare bigram trigram": ["compare", "bigram", "trigram"],
        "path forget-gate exploding": ["path", "forget gate", "exploding gradients"],
    }
    commands, envs = {}, {}
    for label, args in rows.items():
        for size, db in (("bundled", tmp / "bench.db"), ("10k", big)):
            commands[f"{label} @ {size}"] = [glossary, *args]
            envs[f"{label} @ {size}"] = {**os.environ, "GLOSSARY_DB": str(db), "NO_COLOR": "1"}
    median = run_interleaved(commands, envs, runs)
    print("| command | bundled ms | 10k terms ms | ratio (goal <= 1.2x) | lines printed, bundled / 10k |")
    print("|---|---|---|---|---|")
    for label in rows:
        small, large = median[f"{label} @ bundled"], median[f"{label} @ 10k"]
        lines = [
            count_lines(commands[f"{label} @ {size}"], envs[f"{label} @ {size}"])
            for size in ("bundled", "10k")
        ]
        if label.startswith("first screen"):
            lines = [min(count, 50) for count in lines]
        shown = f"{lines[0]} / {lines[1]}"
        print(f"| `{label}` | {small:.1f} | {large:.1f} | {large / small:.2f}x | {shown} |")


def count_lines(command: list[str], env: dict[str, str]) -> int:
    """How many lines a command prints, piped: a bigger answer may take longer."""
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    return len((done.stdout + done.stderr).splitlines())


def time_first_lines(command: list[str], env: dict[str, str], lines: int = 50) -> float:
    """Milliseconds until ``lines`` lines of output have arrived (a screenful of a streamed list)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    for _ in range(lines):
        if not process.stdout.readline():
            break
    elapsed = (time.perf_counter() - start) * 1000
    process.kill()
    process.wait()
    return elapsed


def from_checkout(folder: str) -> list[str]:
    """Run the ``cli`` of a checkout folder with this interpreter (same -c form for both sides)."""
    return [sys.executable, "-c", f"import sys; sys.path.insert(0, {folder!r}); from cli import main; main()"]


def main() -> None:
    """The lookup table, and with --scale the 10,000-term table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--scale", action="store_true", help="also time a 10,000-term store")
    parser.add_argument("--reference", help="another checkout's cli.py directory, timed alongside")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        lookup_table(args.runs, Path(tmp), args.reference)
        if args.scale:
            scale_table(args.runs, Path(tmp))


if __name__ == "__main__":
    main()
