"""N-gram language models with NumPy: MLE, Lidstone/Laplace, Witten-Bell, Kneser-Ney, modified KN.

    P(w_1 .. w_T) ~= prod_t P(w_t | w_{t-N+1} .. w_{t-1})

One call fits any of them: ``fit(sentences, order, model=...)``. The modules import NumPy and each
other only downwards (``base`` imports nothing of the package; nothing imports this ``__init__``):

    base      tokenize, padding, base-V n-gram keys, ``count_ngrams``, ``LanguageModel`` (scoring,
              top-k, perplexity, sampling)
    counted   the NLTK ``nltk.lm`` models over raw counts (``MLEModel``, ``LidstoneModel``,
              ``WittenBellModel``, ``KneserNeyModel``), matching NLTK to 1e-10
    kenlm     interpolated modified Kneser-Ney as KenLM's ``lmplz`` builds it, ARPA write and read
    keys      n-gram keys wider than 64 bits (orders up to 6 on vocabularies past 50,000 words)
    stream    the same estimator over a corpus read in chunks, memory bounded by the model
    backoff   a backoff model (an ARPA file's content) queried as the ``kenlm`` module scores it
    arpa      read any ARPA file into it (a NumPy reader for plain files, a line reader for the rest)
    arpa_write  write it as lmplz writes ARPA files, a block of lines at a time

Each module's docstring gives its equations and references.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from seqml.ngram.base import (
    BOS,
    EOS,
    UNK,
    LanguageModel,
    NgramCounts,
    _as_sentences,
    _check_order,
    count_ngrams,
    tokenize,
)
from seqml.ngram.counted import KneserNeyModel, LidstoneModel, MLEModel, WittenBellModel, fit_counted
from seqml.ngram.kenlm import (
    KENLM_UNK,
    ModifiedKneserNeyModel,
    OrderStatistics,
    arpa_text,
    fit_modified_kneser_ney,
    kenlm_discounts,
    read_arpa,
    to_arpa,
)

__all__ = [
    "BOS",
    "EOS",
    "KENLM_UNK",
    "MODELS",
    "UNK",
    "KneserNeyModel",
    "LanguageModel",
    "LidstoneModel",
    "MLEModel",
    "ModifiedKneserNeyModel",
    "NgramCounts",
    "OrderStatistics",
    "WittenBellModel",
    "arpa_text",
    "count_ngrams",
    "fit",
    "fit_modified_kneser_ney",
    "kenlm_discounts",
    "read_arpa",
    "to_arpa",
    "tokenize",
]

MODELS = ("mle", "lidstone", "laplace", "witten-bell", "kneser-ney", "modified-kneser-ney")

# The options each model takes; anything else is a typo worth an error, not a silent default.
_OPTIONS = {
    "mle": {"unk_cutoff"},
    "lidstone": {"unk_cutoff", "gamma"},
    "laplace": {"unk_cutoff"},
    "witten-bell": {"unk_cutoff"},
    "kneser-ney": {"unk_cutoff", "discount"},
    "modified-kneser-ney": {"unk_cutoff", "discount_fallback"},
}


def fit(
    sentences: str | Iterable[Sequence[str]],
    order: int,
    model: str = "kneser-ney",
    **options: object,
) -> LanguageModel:
    """Count a corpus and build one smoothed model of the given order.

    Options: ``unk_cutoff`` (all NLTK-style models, default 1), ``gamma`` (lidstone, default 0.1),
    ``discount`` (kneser-ney, default 0.1), ``discount_fallback`` (modified-kneser-ney, default
    (0.5, 1.0, 1.5); None makes unusable count-of-counts an error, as lmplz without the flag).

    The unknown word keeps each library's own spelling, given by the model's ``unk`` attribute:
    ``<UNK>`` for the NLTK-style models (``nltk.lm.Vocabulary``'s label, so vocabularies and
    scores compare with NLTK's word for word) and ``<unk>`` for modified-kneser-ney (the ARPA
    spelling KenLM and SRILM read and write, so ``to_arpa`` output loads in KenLM's query).
    Both map every word outside the vocabulary to that token.
    """
    order = _check_order(order)
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; choose one of {', '.join(MODELS)}")
    unexpected = sorted(set(options) - _OPTIONS[model])
    if unexpected:
        raise ValueError(f"model {model!r} takes no option {unexpected[0]!r}")
    if model == "modified-kneser-ney":
        sentences = _as_sentences(sentences)
        try:
            return fit_modified_kneser_ney(sentences, order, **options)  # type: ignore[arg-type]
        except ValueError as error:
            if "n-gram keys need" not in str(error):
                raise
        # Past 64-bit base-V keys: the streamed estimator (same numbers, packed keys of any width).
        from seqml.ngram.stream import fit_streamed

        fallback = {k: v for k, v in options.items() if k == "discount_fallback"}
        return fit_streamed(sentences, order, **fallback)  # type: ignore[arg-type]
    return fit_counted(sentences, order, model, **options)  # type: ignore[arg-type]
