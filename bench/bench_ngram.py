"""Benchmark seqml.ngram against NLTK's nltk.lm in one run: fitting on 1M tokens, scoring trigrams.

Needs NLTK and NumPy, so run it in a reference venv, never the project's dev venv:

    python3 -m venv /work/refvenv-ngram
    /work/refvenv-ngram/bin/pip install nltk numpy
    cd /work/main && /work/refvenv-ngram/bin/python bench/bench_ngram.py

Text: real English already on the machine, no network: the license texts in
/usr/share/common-licenses and every /usr/share/doc/*/copyright file, read in sorted path order,
split with ``seqml.ngram.tokenize`` and cut (or repeated) to exactly 1,000,000 tokens.

Measured, side by side on the same sentences:
1. counting 1..3-grams and fitting a trigram Kneser-Ney model (NLTK: padded_everygram_pipeline +
   KneserNeyInterpolated.fit; ours: fit(..., "kneser-ney"), which also precomputes every
   continuation-count table that NLTK leaves to scoring time); best of 3 for ours, one NLTK run;
2. scoring trigrams drawn from the text (seeded) under that model, two ways, because NLTK has
   no batch call: call for call (NLTK's ``score(word, context)`` against our ``score``, one
   Python call per trigram, both in a loop), and batch for batch (NLTK's loop, its only way to
   score many, against one call of our vectorised ``score_many``). NLTK's ``score`` is slow
   (tens of ms a call: it recounts continuations at every call), so it scores the first
   ``NLTK_CALLS`` of the 1,000 trigrams and its per-call time is scaled to 1,000; ours scores all
   1,000 both ways. The script checks that both give the same numbers on the shared trigrams.

Output: the README's table (markdown), then the checks.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from seqml.ngram import fit, tokenize

TOKENS = 1_000_000
QUERIES = 1_000
NLTK_CALLS = 200


def english_sentences(limit: int = TOKENS) -> tuple[list[list[str]], str]:
    """Sentences of real English from license and copyright files, exactly ``limit`` tokens."""
    paths = sorted(Path("/usr/share/common-licenses").glob("*"))
    paths += sorted(Path("/usr/share/doc").glob("*/copyright"))
    sentences: list[list[str]] = []
    files = 0
    for path in paths:
        if path.is_symlink() or not path.is_file():
            continue
        sentences += tokenize(path.read_text(encoding="utf-8", errors="replace"))
        files += 1
    source = f"{files} files from /usr/share/common-licenses and /usr/share/doc/*/copyright"
    unique_tokens = sum(len(s) for s in sentences)
    if unique_tokens == 0:
        raise SystemExit("no English text found on this machine")
    result: list[list[str]] = []
    total = 0
    while total < limit:
        for sentence in sentences:
            take = sentence[: limit - total]
            result.append(take)
            total += len(take)
            if total >= limit:
                break
    return result, f"{source}: {unique_tokens:,} tokens, used {total:,}"


def best_of(repeats: int, function) -> tuple[float, object]:
    """Fastest wall time of several runs, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    """Run both benchmarks and print one table."""
    import nltk
    from nltk.lm import KneserNeyInterpolated
    from nltk.lm.preprocessing import padded_everygram_pipeline

    sentences, source = english_sentences()
    print(f"text: {source}; {len(sentences):,} sentences")

    ours_fit, model = best_of(3, lambda: fit(sentences, 3, model="kneser-ney"))
    mkn_fit, modified = best_of(3, lambda: fit(sentences, 3, model="modified-kneser-ney"))

    start = time.perf_counter()
    train, vocab = padded_everygram_pipeline(3, sentences)
    reference = KneserNeyInterpolated(3)
    reference.fit(train, vocab)
    nltk_fit = time.perf_counter() - start

    # 1,000 trigrams from the text, with their real contexts (padding included).
    rng = np.random.default_rng(0)
    padded = [["<s>", "<s>", *s, "</s>"] for s in sentences if s]
    trigrams = []
    for index in rng.choice(len(padded), size=QUERIES):
        sentence = padded[index]
        end = int(rng.integers(2, len(sentence)))
        trigrams.append(tuple(sentence[end - 2 : end + 1]))

    ours_batch, ours_values = best_of(5, lambda: model.score_many(trigrams))
    ours_calls, _ = best_of(3, lambda: [model.score(t[2], t[:2]) for t in trigrams])
    mkn_score, _ = best_of(5, lambda: modified.score_many(trigrams))
    start = time.perf_counter()
    nltk_values = [reference.score(t[2], t[:2]) for t in trigrams[:NLTK_CALLS]]
    nltk_calls = (time.perf_counter() - start) * QUERIES / NLTK_CALLS  # scaled to 1,000 calls
    difference = float(np.max(np.abs(np.asarray(nltk_values) - ours_values[:NLTK_CALLS])))

    rows = [
        ("count 1..3-grams + fit a trigram Kneser-Ney model", nltk_fit, ours_fit, ">= 25x"),
        (
            f"score 1,000 trigrams, call for call (`score` in a loop; NLTK: {NLTK_CALLS} calls, scaled)",
            nltk_calls,
            ours_calls,
            "",
        ),
        (
            f"score 1,000 trigrams, batch: NLTK's loop ({NLTK_CALLS} calls, scaled) vs one `score_many`",
            nltk_calls,
            ours_batch,
            ">= 1000x",
        ),
    ]
    print(f"nltk {nltk.__version__}, numpy {np.__version__}, python {sys.version.split()[0]}")
    print()
    print("| task | NLTK s | ours s | speed-up | goal |")
    print("|---|---|---|---|---|")
    for task, theirs, ours, goal in rows:
        ratio = theirs / ours
        print(f"| {task} | {theirs:.2f} | {ours:.4f} | {ratio:,.{1 if ratio < 100 else 0}f}x | {goal} |")
    print()
    print(
        f"our modified Kneser-Ney (lmplz-style) on the same text: fit {mkn_fit:.4f} s, "
        f"1,000 trigrams scored in {mkn_score * 1000:.2f} ms"
    )
    print(f"max |NLTK - ours| over the {NLTK_CALLS} shared trigram scores: {difference:.2e}")
    print(f"vocabulary: {len(model.vocabulary):,} (NLTK {len(reference.vocab):,})")


if __name__ == "__main__":
    main()
