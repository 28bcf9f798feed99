"""Make tests/fixtures/ngram_kenlm.json: KenLM's own query scores for ARPA files, ours and lmplz's.

Run once with the reference venv, which has the ``kenlm`` Python module (pip install kenlm builds it
from source), and optionally KenLM's ``lmplz`` binary (built from the same source with cmake):

    PYTHONPATH=. /work/refvenv/bin/python tests/reference/make_kenlm_fixtures.py [path/to/lmplz]

Models scored:
- ``toy0`` and ``toy1``: KenLM's test ARPA files (/work/shared/reference/kenlm, built by lmplz);
  the test rebuilds their text from the figures in tests/test_ngram_kenlm.py, so only the scores
  are stored here;
- ``ours``: the ARPA file our ``build_arpa`` writes for a small generated Zipf corpus (order 4);
- ``lmplz``: the ARPA file lmplz writes for the same corpus (order 3), when the binary is given.

For each model and query sentence: ``full_scores`` (log10 p per word and </s>) and ``score`` (the
float32 total). The corpus is regenerated from its seed by ``zipf_corpus`` in the test.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import kenlm
import numpy as np

from seqml.ngram.stream import build_arpa

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path("/work/shared/reference/kenlm")
OUT = ROOT / "tests" / "fixtures" / "ngram_kenlm.json"


def zipf_corpus(seed: int = 11, sentences: int = 120, types: int = 200) -> str:
    """Small seeded text, one sentence per line, Zipf-distributed words (also in the test)."""
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, types + 1) ** 1.1
    lines = []
    for _ in range(sentences):
        ids = rng.choice(types, size=int(rng.integers(1, 12)), p=weights / weights.sum())
        lines.append(" ".join(f"w{i}" for i in ids))
    return "\n".join(lines) + "\n"


QUERIES = [
    "",
    "a",
    "a a b a",
    "b b b b b b a c",
    "zebra a b unknownword b",
    "w0 w1 w2 w3",
    "w5 w0 w0 w1 w17 w2 w0",
    "w199 w198 nothing w0 w0",
    "w3 w3 w3 w3 w3 w3 w3 w3 w3 w3 w3 w3 w3 w3",
    "<s> w0 </s>",
]


def scores(path: Path) -> list[dict]:
    """KenLM's scores of every query on one ARPA file."""
    model = kenlm.Model(str(path))
    return [
        {
            "sentence": query,
            "full_scores": [float(p) for p, _, _ in model.full_scores(query)],
            "score": float(model.score(query)),
        }
        for query in QUERIES
    ]


def main() -> None:
    """Score every model with kenlm and write the fixture."""
    fixture: dict[str, object] = {"kenlm_version": getattr(kenlm, "__version__", "0.3.0"), "models": {}}
    models: dict[str, dict] = fixture["models"]  # type: ignore[assignment]
    for name in ("toy0", "toy1"):
        models[name] = {"order": 3, "queries": scores(SHARED / f"{name}.arpa")}
    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder) / "zipf.txt"
        corpus.write_text(zipf_corpus(), encoding="utf-8")
        ours = Path(folder) / "ours.arpa"
        build_arpa(corpus, ours, 4)
        models["ours"] = {"order": 4, "corpus_seed": 11, "queries": scores(ours)}
        if len(sys.argv) > 1:
            lmplz = Path(folder) / "lmplz.arpa"
            with corpus.open("rb") as stdin:
                subprocess.run(
                    [sys.argv[1], "-o", "3", "--discount_fallback", "-S", "100M", "--arpa", str(lmplz)],
                    stdin=stdin,
                    check=True,
                    capture_output=True,
                )
            models["lmplz"] = {
                "order": 3,
                "arpa": lmplz.read_text(encoding="utf-8"),
                "queries": scores(lmplz),
            }
    OUT.write_text(json.dumps(fixture, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
