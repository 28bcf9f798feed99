"""The ngram demo: next-word prediction after a typed context under five smoothing models.

    P(w | w_{t-n+1} .. w_{t-1}) under MLE, Laplace, Witten-Bell, Kneser-Ney (NLTK) and modified
    Kneser-Ney (KenLM), top-k side by side, and the perplexity of the typed text as a sentence:
    PP(s) = 2 ** (-(1/M) sum_i log2 P(w_i | context_i))

The models are ``seqml.ngram``'s; this module only trains them on the corpus and collects what the
view shows. NumPy is imported inside ``run``, so listing the demos stays cheap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from seqml.demos.base import Demo, Param, ParamError

if TYPE_CHECKING:
    import numpy as np

NGRAM_MODELS = ("mle", "laplace", "witten-bell", "kneser-ney", "modified-kneser-ney")
NOTICE = (
    "The smoothed models move probability from the words seen after this context to "
    "words never seen there, which MLE gives 0 (and so an infinite perplexity)."
)


@dataclass(frozen=True)
class NgramPrediction:
    """One smoothing model's view of the context: its top words and the text's perplexity."""

    model: str
    top: tuple[tuple[str, float], ...]
    perplexity: float  # NaN when the model could not be fitted or nothing was typed
    note: str = ""  # why ``top`` is empty, when it is


@dataclass(frozen=True)
class NgramResult:
    """Top-k next words per model for one context, trained on one corpus."""

    order: int
    text: str
    context: tuple[str, ...]
    corpus_sentences: int
    corpus_tokens: int
    vocabulary_size: int
    predictions: tuple[NgramPrediction, ...]
    source: str = ""  # the ARPA file's name when the model was loaded rather than trained


def run(params: dict[str, Any], rng: np.random.Generator) -> NgramResult:
    """Fit every smoothing model on the corpus and rank next words after the typed context."""
    from seqml import ngram

    if params.get("arpa"):
        return _run_arpa(params)
    from seqml.demos.corpus import corpus_text

    text = corpus_text(params, "ngram")
    order = params["n"]
    sentences = ngram.tokenize(text)
    if not sentences:
        raise ParamError("the corpus has no words", "corpus")
    typed = [token for sentence in ngram.tokenize(params["text"]) for token in sentence]
    # The last N-1 typed words; a shorter text is the start of a sentence, so <s> pads it.
    padded = [ngram.BOS] * (order - 1) + typed
    context = tuple(padded[len(padded) - (order - 1) :]) if order > 1 else ()
    predictions = []
    vocabulary_size = 0
    problems = []
    for model_name in NGRAM_MODELS:
        try:
            model = ngram.fit(sentences, order, model=model_name)
        except ValueError as error:  # e.g. Kneser-Ney needs bigrams to build its unigrams
            problems.append(str(error))
            predictions.append(NgramPrediction(model_name, (), math.nan, str(error)))
            continue
        vocabulary_size = vocabulary_size or len(model.vocabulary)  # MLE's, the plain count
        # Zero-probability words are no prediction (MLE after an unseen context): leave them out.
        top = tuple((word, p) for word, p in model.top_k(context, params["k"]) if p > 0)
        perplexity = float(model.perplexity([typed])) if typed else math.nan
        note = "" if top else "context never seen: every next word has probability 0"
        predictions.append(NgramPrediction(model_name, top, perplexity, note))
    if len(problems) == len(NGRAM_MODELS):
        raise ParamError(problems[0])
    return NgramResult(
        order=order,
        text=params["text"],
        context=context,
        corpus_sentences=len(sentences),
        corpus_tokens=sum(len(sentence) for sentence in sentences),
        vocabulary_size=vocabulary_size,
        predictions=tuple(predictions),
    )


def _run_arpa(params: dict[str, Any]) -> NgramResult:
    """Top next words and perplexity from an ARPA model (ours or lmplz's), scored as KenLM does."""
    from pathlib import Path

    from seqml.ngram.arpa import load_arpa

    try:
        model = load_arpa(params["arpa"])
    except ValueError as error:
        raise ParamError(str(error), "arpa") from None
    typed = params["text"].split()  # an ARPA model's words are split at spaces, as lmplz splits them
    padded = [model.bos] * (model.order - 1) + typed
    context = tuple(padded[len(padded) - (model.order - 1) :]) if model.order > 1 else ()
    top = tuple(model.top_k(context, params["k"]))
    perplexity = float(model.perplexity([typed])) if typed else math.nan
    name = f"arpa: {Path(params['arpa']).name}"
    return NgramResult(
        order=model.order,
        text=params["text"],
        context=context,
        corpus_sentences=0,
        corpus_tokens=0,
        vocabulary_size=len(model.vocabulary),
        predictions=(NgramPrediction(name, top, perplexity),),
        source=Path(params["arpa"]).name,
    )


DEMO = Demo(
    name="ngram",
    title="N-gram next-word prediction",
    summary="Top next words after a context under five smoothing models, side by side.",
    terms=("n-gram", "bigram", "trigram", "language-model", "perplexity", "smoothing"),
    params=(
        Param("n", "int", 3, 1, 5, help="order N: the context is the last N-1 words"),
        Param("text", "str", "three blind", help="the words typed so far"),
        Param("k", "int", 5, 1, 20, help="how many next words to show"),
        Param(
            "corpus",
            "str",
            "",
            help="training text, one sentence per line; '-' reads stdin "
            "(default: the bundled nursery corpus)",
        ),
        Param(
            "arpa",
            "str",
            "",
            help="an ARPA model file (glossary lm build, or KenLM's lmplz) to query instead of training",
        ),
    ),
    notice=NOTICE,
    runner=run,
    code=("seqml.ngram:fit", "seqml.ngram:count_ngrams", "seqml.demos.ngram:run"),
)


if __name__ == "__main__":
    import numpy as np

    corpus = "three blind mice ran.\nthree blind men walked.\nthe bell tolls."
    params = {**DEMO.defaults(), "corpus_text": corpus}
    for prediction in run(params, np.random.default_rng(0)).predictions:
        print(prediction.model, prediction.top[:2], round(prediction.perplexity, 3))
