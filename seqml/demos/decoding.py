"""Decoding demo: greedy decoding against beam search on an n-gram model of our corpus.

Both decoders continue the typed start (empty: a whole sentence) until ``</s>``. The defaults
show the classic failure of greedy decoding: it starts with the likeliest first word, "the",
and wanders into a long, improbable sentence, while a beam of 3 finds "three blind mice".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from seqml.demos.base import Demo, Param, ParamError

if TYPE_CHECKING:
    import numpy as np

    from seqml.decoding import Hypothesis

NOTICE = (
    "Greedy takes the likeliest next word at every step and never looks back; the beam keeps "
    "several sentences alive and can end with a more probable one that starts with a less "
    "probable word."
)
MODELS = ("kneser-ney", "mle", "laplace", "witten-bell", "modified-kneser-ney")
FIRST_STEP_SHOWN = 5


@dataclass(frozen=True)
class DecodingResult:
    """Greedy's sentence and the beam's best ones, each with its total log2 probability."""

    text: str
    typed: tuple[str, ...]  # the start, tokenized
    context: tuple[str, ...]  # what the model sees first: <s> padding, then the typed words
    unknown: tuple[str, ...]  # typed words the corpus never had (the model reads them as <UNK>)
    model: str
    order: int
    width: int
    max_words: int
    length_alpha: float  # 0: plain total log2 P (no length normalisation)
    corpus_sentences: int
    corpus_tokens: int
    vocabulary_size: int
    first_step: tuple[tuple[str, float], ...]  # the likeliest first words and their log2 P
    greedy: Hypothesis
    beam: tuple[Hypothesis, ...]  # the beam's final hypotheses, best first (at most ``width``)
    greedy_in_beam: int  # rank of greedy's sentence among them (1-based); 0 when not there

    @property
    def gain(self) -> float:
        """log2 P(beam's best) - log2 P(greedy's): > 0 when the beam found a likelier sentence."""
        if not self.beam:
            return 0.0
        return self.beam[0].log_probability - self.greedy.log_probability

    @property
    def gain_factor(self) -> float:
        """How many times more probable the beam's best sentence is (2 ** gain)."""
        return math.inf if self.gain > 1000 else 2.0**self.gain


def run(params: dict[str, Any], rng: np.random.Generator) -> DecodingResult:
    """Fit the n-gram model, then decode greedily and with a beam from the same start."""
    from seqml import decoding, ngram
    from seqml.demos.corpus import corpus_text

    text = corpus_text(params, "decoding")
    sentences = ngram.tokenize(text)
    if not sentences:
        raise ParamError("the corpus has no words", "corpus")
    order = params["n"]
    longest = max(len(sentence) for sentence in sentences)
    if longest < order:
        raise ParamError(f"n must be at most {longest}, the length of the longest corpus sentence", "n")
    try:
        model = ngram.fit(sentences, order, model=params["model"])
    except ValueError as error:
        raise ParamError(f"model {params['model']} cannot be fitted here: {error}", "model") from None
    typed = tuple(token for sentence in ngram.tokenize(params["text"]) for token in sentence)
    known = {token for sentence in sentences for token in sentence}
    context = (ngram.BOS,) * (order - 1) + typed
    vocabulary, next_log_probs = decoding.language_model_scorer(model)
    banned = (ngram.BOS, ngram.UNK, "<unk>")  # never generate padding or "some unknown word"
    options = {"max_length": params["max_words"], "banned": banned, "length_alpha": params["length_alpha"]}
    greedy = decoding.greedy_decode(next_log_probs, vocabulary, context, **options)
    beam = decoding.beam_search(next_log_probs, vocabulary, context, params["width"], **options)
    shown = beam.hypotheses[: params["width"]]
    rank = next((i + 1 for i, h in enumerate(shown) if h.tokens == greedy.tokens), 0)
    first = next_log_probs(context)
    candidates = [i for i, token in enumerate(vocabulary) if token not in banned and first[i] > -math.inf]
    candidates.sort(key=lambda i: (-first[i], i))
    return DecodingResult(
        text=params["text"],
        typed=typed,
        context=context,
        unknown=tuple(dict.fromkeys(token for token in typed if token not in known)),
        model=params["model"],
        order=order,
        width=params["width"],
        max_words=params["max_words"],
        length_alpha=params["length_alpha"],
        corpus_sentences=len(sentences),
        corpus_tokens=sum(len(sentence) for sentence in sentences),
        vocabulary_size=len(vocabulary),
        first_step=tuple((vocabulary[i], float(first[i])) for i in candidates[:FIRST_STEP_SHOWN]),
        greedy=greedy,
        beam=shown,
        greedy_in_beam=rank,
    )


DEMO = Demo(
    name="decoding",
    title="Greedy decoding against beam search",
    summary="Greedy's sentence against a beam's best ones, with their total log2 P.",
    terms=("greedy-decoding", "beam-search", "language-model"),
    params=(
        Param("text", "str", "", help="the start to continue ('' : a whole new sentence)"),
        Param("width", "int", 3, 1, 20, help="beam width B: partial sentences kept per step"),
        Param("n", "int", 3, 2, 5, help="order N of the n-gram model"),
        Param("model", "choice", "kneser-ney", choices=MODELS, help="smoothing of the n-gram model"),
        Param("max_words", "int", 12, 1, 30, help="stop a sentence after this many tokens"),
        Param(
            "length_alpha",
            "float",
            0.0,
            0.0,
            2.0,
            help="rank by log2 P / length^alpha (0: off, the plain total)",
        ),
        Param(
            "corpus",
            "str",
            "",
            help="training text, one sentence per line; '-' reads stdin "
            "(default: the bundled nursery corpus)",
        ),
    ),
    notice=NOTICE,
    runner=run,
    code=(
        "seqml.decoding:greedy_decode",
        "seqml.decoding:beam_search",
        "seqml.decoding:language_model_scorer",
    ),
)
