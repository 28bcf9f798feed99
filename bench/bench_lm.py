"""Benchmark glossary lm build against KenLM's lmplz, and ARPA load/queries against kenlm.Model.

    PYTHONPATH=. /work/refvenv/bin/python bench/bench_lm.py CORPUS [--lmplz PATH] [--order 3] \
        [--before DIR]

CORPUS: one sentence per line. The README table used two 10M-token corpora: ``en10m`` (the license
and copyright texts of /usr/share, tokenized and repeated to 10,000,000 tokens, as bench_ngram.py
does; a small model) and ``zipf10m`` (generated Zipf text, 100,000 types, s = 1.1; a big model).
Each build runs in its own process under /usr/bin/time -v (wall time, peak RSS); then the ARPA file
lmplz wrote (ours if no lmplz) is loaded by ``kenlm.Model`` and by ``seqml.ngram.arpa.load_arpa``
and 10,000 seeded n-grams drawn from the corpus are scored one call at a time and as one batch.
``--before DIR`` also builds and loads with an older copy of the code (DIR holds its ``seqml``, e.g.
``git archive COMMIT seqml | tar -x -C DIR``), each in its own process, and says whether both
builds wrote the same bytes.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from seqml.ngram.arpa import load_arpa

QUERIES = 10_000


def timed(command: list[str], stdin: Path | None = None, path: str | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of a command, from /usr/bin/time -v (PYTHONPATH=path if given)."""
    handle = stdin.open("rb") if stdin else None
    env = {**os.environ, "PYTHONPATH": path} if path else None
    result = subprocess.run(  # python -c puts its working folder first on sys.path: run from path
        ["/usr/bin/time", "-v", *command], stdin=handle, capture_output=True, text=True, env=env, cwd=path
    )
    if result.returncode:
        raise SystemExit(result.stderr[-2000:])
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", result.stderr).group(1)
    seconds = sum(float(x) * 60**i for i, x in enumerate(reversed(wall.split(":"))))
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1)) / 1024
    return seconds, peak


def median_time(function, repeats: int = 3) -> float:
    """Median wall time of several calls."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def main() -> None:
    """Run the builds and the queries, print two tables."""
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--lmplz")
    parser.add_argument("--order", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("/tmp"))
    parser.add_argument("--before", help="a folder holding an older seqml, built and loaded too")
    args = parser.parse_args()
    args.corpus, args.out = args.corpus.resolve(), args.out.resolve()
    ours_arpa, lmplz_arpa = args.out / "bench_ours.arpa", args.out / "bench_lmplz.arpa"
    build = (
        "from seqml.ngram.stream import build_arpa; import sys; "
        "build_arpa(sys.argv[1], sys.argv[2], int(sys.argv[3]))"
    )
    rows = [
        (
            "glossary lm build",
            *timed([sys.executable, "-c", build, str(args.corpus), str(ours_arpa), str(args.order)]),
        )
    ]
    if args.before:
        before_arpa = args.out / "bench_before.arpa"
        command = [sys.executable, "-c", build, str(args.corpus), str(before_arpa), str(args.order)]
        rows.append(("  the same, before", *timed(command, path=args.before)))
    if args.lmplz:
        command = [args.lmplz, "-o", str(args.order), "-S", "1G", "--arpa", str(lmplz_arpa)]
        rows.append(("lmplz -S 1G", *timed(command, args.corpus)))
    print(f"build, order {args.order}, {args.corpus.name}")
    print(f"{'':32} {'wall s':>8} {'peak MB':>8}")
    for name, seconds, peak in rows:
        print(f"{name:32} {seconds:8.2f} {peak:8.0f}")
    if args.lmplz:
        for name, seconds, peak in rows[:-1]:
            label = f"{name.strip()} / lmplz"
            print(f"{label:32} {seconds / rows[-1][1]:8.2f} {peak / rows[-1][2]:8.2f}")
    if args.before:
        print("the two builds wrote the same bytes:", filecmp.cmp(ours_arpa, before_arpa, shallow=False))

    import kenlm

    arpa = lmplz_arpa if args.lmplz else ours_arpa
    load_kenlm = median_time(lambda: kenlm.Model(str(arpa)), 1)
    load_ours = median_time(lambda: load_arpa(arpa), 1)
    load = "from seqml.ngram.arpa import load_arpa; import sys; load_arpa(sys.argv[1])"
    load_after = timed([sys.executable, "-c", load, str(arpa)])
    load_before = timed([sys.executable, "-c", load, str(arpa)], path=args.before) if args.before else None
    load_kenlm_process = timed([sys.executable, "-c", f"import kenlm; kenlm.Model({str(arpa)!r})"])
    reference, model = kenlm.Model(str(arpa)), load_arpa(arpa)
    words = args.corpus.read_text(encoding="utf-8").split()[:2_000_000]
    rng = np.random.default_rng(0)
    starts = rng.integers(0, len(words) - args.order, size=QUERIES)
    grams = [words[s : s + args.order] for s in starts.tolist()]
    states = []
    for gram in grams:  # kenlm scores a word from a state holding its context
        state, scratch = kenlm.State(), kenlm.State()
        reference.NullContextWrite(state)
        for word in gram[:-1]:
            reference.BaseScore(state, word, scratch)
            state, scratch = scratch, state
        states.append(state)
    out = kenlm.State()
    kenlm_single = median_time(
        lambda: [reference.BaseScore(s, g[-1], out) for s, g in zip(states, grams, strict=True)]
    )
    model.log10score(grams[0][-1], grams[0][:-1])  # builds the dict caches
    ours_single = median_time(lambda: [model.log10score(g[-1], g[:-1]) for g in grams])
    rows_ids = np.array([[model._index.get(w, model._unknown) for w in g] for g in grams])
    ours_batch = median_time(lambda: model.log10_many(rows_ids))
    ours_scores = np.array([model.log10score(g[-1], g[:-1]) for g in grams])
    kenlm_scores = np.array([reference.BaseScore(s, g[-1], out) for s, g in zip(states, grams, strict=True)])
    print(f"\nqueries on {arpa.name} ({model.counts}), {QUERIES:,} {args.order}-grams from the corpus")
    print(f"{'':28} {'kenlm':>10} {'ours':>10} {'ratio':>7}")
    print(f"{'ARPA load, s':28} {load_kenlm:10.3f} {load_ours:10.3f} {load_ours / load_kenlm:7.2f}")
    print(f"\nARPA load in its own process (with start-up)  {'wall s':>8} {'peak MB':>8}")
    print(f"{'kenlm.Model':46} {load_kenlm_process[0]:8.2f} {load_kenlm_process[1]:8.0f}")
    print(f"{'load_arpa':46} {load_after[0]:8.2f} {load_after[1]:8.0f}")
    if load_before:
        print(f"{'load_arpa, before':46} {load_before[0]:8.2f} {load_before[1]:8.0f}")
    k_us, o_us = kenlm_single / QUERIES * 1e6, ours_single / QUERIES * 1e6
    print(f"{'one call per n-gram, us':28} {k_us:10.2f} {o_us:10.2f} {o_us / k_us:7.2f}")
    b_us = ours_batch / QUERIES * 1e6
    print(f"{'one batch, us per n-gram':28} {k_us:10.2f} {b_us:10.2f} {b_us / k_us:7.2f}")
    print(f"largest |ours - kenlm| over the queries: {np.max(np.abs(ours_scores - kenlm_scores)):.2e}")


if __name__ == "__main__":
    main()
