"""Write tests/fixtures/ngram_nltk.json: NLTK ``nltk.lm`` scores the n-gram tests compare against.

Not needed by the test suite; run it in a venv that has NLTK (never the project's dev venv):

    python3 -m venv /work/refvenv-ngram && /work/refvenv-ngram/bin/pip install nltk
    /work/refvenv-ngram/bin/python tests/reference/make_ngram_fixtures.py

Every model is trained with NLTK's own ``padded_everygram_pipeline``. The fixture keeps the
training sentences, so the tests train on exactly the same tokens. Perplexities are NLTK's
``lm.perplexity`` over the n-grams our ``LanguageModel.perplexity`` scores: each test sentence
padded with N-1 ``<s>`` and one ``</s>`` (no ``</s>`` at N = 1, where training pads nothing, as
``pad_both_ends(sentence, n=1)``), one N-gram ending at every word and at the ``</s>``.
Non-finite numbers are stored as the strings "inf" and "-inf" so the file stays strict JSON.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import nltk
from nltk.lm import MLE, KneserNeyInterpolated, Laplace, Lidstone, WittenBellInterpolated
from nltk.lm.preprocessing import padded_everygram_pipeline

ROOT = Path(__file__).resolve().parents[2]
NURSERY = ROOT / "data" / "corpora" / "nursery.txt"
OUTPUT = ROOT / "tests" / "fixtures" / "ngram_nltk.json"

# NLTK's documented example corpus (nltk.lm module docstring).
DOC_CORPUS = [["a", "b", "c"], ["a", "c", "d", "c", "e", "f"]]


def number(value: float) -> float | str:
    """Floats as they are, infinities as strings (strict JSON has no Infinity)."""
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


def build(kind: str, order: int, sentences: list[list[str]], unk_cutoff: int):
    """Train one NLTK model the documented way."""
    makers = {
        "mle": lambda: MLE(order, vocabulary=vocabulary()),
        "lidstone": lambda: Lidstone(0.1, order, vocabulary=vocabulary()),
        "laplace": lambda: Laplace(order, vocabulary=vocabulary()),
        "witten-bell": lambda: WittenBellInterpolated(order, vocabulary=vocabulary()),
        "kneser-ney": lambda: KneserNeyInterpolated(order, vocabulary=vocabulary()),
        "kneser-ney-0.75": lambda: KneserNeyInterpolated(order, discount=0.75, vocabulary=vocabulary()),
    }

    def vocabulary():
        return nltk.lm.Vocabulary(unk_cutoff=unk_cutoff)

    lm = makers[kind]()
    train, vocab = padded_everygram_pipeline(order, sentences)
    lm.fit(train, vocab)
    return lm


def evaluation_ngrams(order: int, sentences: list[list[str]]) -> list[tuple[str, ...]]:
    """The n-grams our perplexity scores: N-1 <s> in front, one </s> at the end (none at N = 1)."""
    grams = []
    for sentence in sentences:
        padded = ["<s>"] * (order - 1) + sentence + ["</s>"] * min(order - 1, 1)
        for end in range(order - 1, len(padded)):
            grams.append(tuple(padded[end - order + 1 : end + 1]))
    return grams


def case(
    name: str,
    sentences: list[list[str]],
    order: int,
    kinds: list[str],
    contexts: list[tuple[str, ...]],
    extra_words: list[str],
    tests: list[list[str]],
    unk_cutoff: int = 1,
    distribution_contexts: list[tuple[str, ...]] = (),
    query_words: list[str] | None = None,
) -> dict:
    """Scores of every model for every (context, word) asked, plus perplexities and full rows."""
    models = {}
    for kind in kinds:
        lm = build(kind, order, sentences, unk_cutoff)
        vocabulary = sorted(lm.vocab)
        words = vocabulary if query_words is None else query_words
        words = words + [w for w in extra_words if w not in words]
        queries = []
        for context in contexts:
            for word in words:
                score = lm.score(word, list(context) if context else None)
                logscore = lm.logscore(word, list(context) if context else None)
                queries.append([list(context), word, number(score), number(logscore)])
        distributions = []
        for context in distribution_contexts:
            row = [lm.score(word, list(context) if context else None) for word in vocabulary]
            distributions.append({"context": list(context), "probabilities": row})
        perplexities = []
        for test in tests:
            perplexities.append(
                {"sentence": test, "perplexity": number(lm.perplexity(evaluation_ngrams(order, [test])))}
            )
        models[kind] = {
            "vocabulary": vocabulary,
            "vocabulary_size": len(lm.vocab),
            "queries": queries,
            "distributions": distributions,
            "perplexities": perplexities,
            "corpus_perplexity": number(lm.perplexity(evaluation_ngrams(order, tests))),
        }
    return {
        "name": name,
        "order": order,
        "unk_cutoff": unk_cutoff,
        "sentences": sentences,
        "models": models,
    }


def documented_example() -> dict:
    """The numbers printed in NLTK's own nltk.lm docstring (MLE bigram on DOC_CORPUS)."""
    train, vocab = padded_everygram_pipeline(2, DOC_CORPUS)
    lm = MLE(2)
    lm.fit(train, vocab)
    test = [("a", "b"), ("c", "d")]
    return {
        "vocabulary_size": len(lm.vocab),
        "count_a": lm.counts["a"],
        "count_a_b": lm.counts[["a"]]["b"],
        "score_a": lm.score("a"),
        "score_b_given_a": lm.score("b", ["a"]),
        "logscore_a": lm.logscore("a"),
        "test_ngrams": [list(g) for g in test],
        "entropy": lm.entropy(test),
        "perplexity": lm.perplexity(test),
    }


def main() -> None:
    """Generate every case and write the fixture."""
    all_kinds = ["mle", "lidstone", "laplace", "witten-bell", "kneser-ney", "kneser-ney-0.75"]
    cases = [
        case(
            "nltk-doc-bigram",
            DOC_CORPUS,
            2,
            all_kinds,
            contexts=[(), ("a",), ("c",), ("f",), ("<s>",), ("aliens",)],
            extra_words=["aliens"],
            tests=[["a", "b", "c"], ["a", "c", "e"], ["f", "a"], ["a", "aliens"]],
            distribution_contexts=[(), ("a",), ("c",), ("e",), ("aliens",)],
        ),
        case(
            "nltk-doc-trigram",
            DOC_CORPUS,
            3,
            all_kinds,
            contexts=[("a", "c"), ("c", "d"), ("<s>", "<s>"), ("<s>", "a"), ("b", "a"), ("c",)],
            extra_words=["zzz"],
            tests=[["a", "c", "d", "c"], ["a", "b", "c"], ["c", "a"]],
            distribution_contexts=[("a", "c"), ("d", "c"), ("c", "c"), ("c",)],
        ),
        case(
            "nltk-doc-unigram",
            DOC_CORPUS,
            1,
            ["mle", "lidstone", "laplace", "witten-bell"],
            contexts=[()],
            extra_words=["aliens"],
            tests=[["a", "b", "c"], ["aliens"]],
            distribution_contexts=[()],
        ),
        # Every sentence shorter than N: padding alone makes the N-grams, as NLTK trains them.
        case(
            "short-sentences-trigram",
            [["a", "b"], ["b", "a"]],
            3,
            all_kinds,
            contexts=[("<s>", "<s>"), ("<s>", "a"), ("a", "b"), ("b", "</s>"), ("a",)],
            extra_words=["zzz"],
            tests=[["a", "b"], ["b", "a", "b"], ["a"]],
            distribution_contexts=[("<s>", "<s>"), ("<s>", "b"), ("b", "a")],
        ),
        case(
            "short-sentences-4gram",
            [["a"], ["b", "a"], ["c"]],
            4,
            all_kinds,
            contexts=[("<s>", "<s>", "<s>"), ("<s>", "<s>", "b"), ("<s>", "b", "a"), ("a",)],
            extra_words=[],
            tests=[["a"], ["b", "a"], ["c", "b"]],
            distribution_contexts=[("<s>", "<s>", "<s>"), ("<s>", "b", "a")],
        ),
    ]
    if NURSERY.exists():
        text = NURSERY.read_text(encoding="utf-8")
        nursery = [line.split() for line in text.splitlines() if line.split()]
        three = [
            ("three", "blind"),
            ("the", "bell"),
            ("walk", "in"),
            ("ate", "too"),
            ("blind", "three"),
            ("zebra", "blind"),
            ("blind",),
        ]
        words_of_interest = ["mice", "men", "tolls", "the", "park", "much", "</s>", "zebra"]
        nursery_case = case(
            "nursery-trigram",
            nursery,
            3,
            all_kinds,
            contexts=[],
            extra_words=[],
            tests=[
                ["three", "blind", "mice"],
                ["the", "bell", "tolls", "at", "noon"],
                ["the", "zebra", "ate", "lentils"],
                ["mice", "blind", "three"],
            ],
            distribution_contexts=[("three", "blind")],
        )
        for kind, entry in nursery_case["models"].items():
            lm = build(kind, 3, nursery, 1)
            entry["queries"] = [
                [list(c), w, number(lm.score(w, list(c))), number(lm.logscore(w, list(c)))]
                for c in three
                for w in words_of_interest
            ]
        nursery_case["corpus_sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
        cases.append(nursery_case)
        cases.append(
            case(
                "nursery-bigram-cutoff-2",
                nursery,
                2,
                all_kinds,
                contexts=[("three",), ("the",), ("zebra",), ("lentils",)],
                extra_words=["zebra", "lentils"],
                tests=[["three", "blind", "mice"], ["the", "zebra", "ate", "lentils"]],
                unk_cutoff=2,
                distribution_contexts=[("zebra",)],
                query_words=["mice", "blind", "the", "park", "</s>", "<UNK>"],
            )
        )
    fixture = {
        "generator": "tests/reference/make_ngram_fixtures.py",
        "nltk_version": nltk.__version__,
        "documented": documented_example(),
        "cases": cases,
    }
    OUTPUT.write_text(json.dumps(fixture, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size} bytes, {len(cases)} cases)")


if __name__ == "__main__":
    main()
