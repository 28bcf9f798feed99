"""Import time of a learner's pack against its size: is it linear? (issue 11: 10,000 terms <= 2 s)

Each size is imported into a fresh copy of a built store, three times; the median is reported,
with the time per term. Run from the worktree (or with PYTHONPATH pointing at another checkout to
time that one): ``python bench/bench_import.py [--sizes 250 1000 ...]``.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from safety_support import pack_text

from glossary.store import Store


def time_import(template: Path, folder: Path, terms: int, repeats: int) -> float:
    pack = folder / f"pack-{terms}.toml"
    pack.write_text(pack_text(terms), encoding="utf-8")
    times = []
    for run in range(repeats):
        path = folder / f"store-{terms}-{run}.db"
        shutil.copyfile(template, path)
        store = Store.open(path)
        started = time.perf_counter()
        imported = store.import_pack(pack)
        times.append(time.perf_counter() - started)
        store.close()
        assert imported == terms
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[250, 1000, 2000, 5000, 10000])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        template = folder / "template.db"
        Store.open(template).close()
        print(f"{'terms':>7} {'seconds':>9} {'us/term':>9}")
        for terms in args.sizes:
            seconds = time_import(template, folder, terms, args.repeats)
            print(f"{terms:>7} {seconds:>9.3f} {seconds / terms * 1e6:>9.0f}", flush=True)


if __name__ == "__main__":
    main()
