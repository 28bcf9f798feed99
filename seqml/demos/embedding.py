"""Embedding demo: a sentence becomes tokens, ids (rare words -> <unk>), one-hot rows and vectors.

The vocabulary and the embedding table come from the corpus (bundled nursery rhymes unless the
learner gives one); the vectors are PPMI + truncated SVD over co-occurrence counts, so a word's
nearest neighbours by cosine mean something, or a seeded random table to show that they then do
not. The typed sentence and its reversal are compared as bags of words and as bigrams.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from seqml.demos.base import Demo, Param, ParamError

if TYPE_CHECKING:
    import numpy as np

    from seqml.embedding import BagComparison

NOTICE = (
    "The one-hot row times the table picks out exactly the embedding row (difference 0), rare and "
    "unseen words all share the <unk> row, and a sentence and its reversal share a bag of words "
    "but not their bigrams."
)
TABLES = ("co-occurrence", "random")
NEIGHBOURS = 5


@dataclass(frozen=True)
class OutOfVocabulary:
    """A typed token that became <unk>, and its count in the corpus (0: never seen)."""

    token: str
    corpus_count: int


@dataclass(frozen=True)
class EmbeddingResult:
    """Everything the view draws: tokens, ids, one-hot rows, vectors, neighbours, bag vs bigrams."""

    text: str
    tokens: tuple[str, ...]  # the typed sentence, tokenized (lowercase words)
    mapped: tuple[str, ...]  # the same, with out-of-vocabulary tokens replaced by <unk>
    ids: np.ndarray  # (T,)
    out_of_vocabulary: tuple[OutOfVocabulary, ...]
    min_count: int
    max_size: int  # 0: no limit
    vocabulary_size: int  # V, with <unk>
    corpus_types: int  # distinct words in the corpus before the cut-off
    corpus_tokens: int
    one_hot: np.ndarray  # (T, V)
    table: str  # "co-occurrence" or "random"
    table_description: str
    window: int
    dim: int
    vectors: np.ndarray  # (T, D) = E[ids]
    lookup_difference: float  # max |onehot @ E - E[ids]|: 0 exactly
    word: str
    word_id: int  # 0 when the word is out of vocabulary
    neighbours: tuple[tuple[str, float], ...]
    neighbour_note: str  # why there are none, when there are none
    comparison: BagComparison  # the sentence against its reversal


def run(params: dict[str, Any], rng: np.random.Generator) -> EmbeddingResult:
    """Build the vocabulary and table from the corpus, then follow the sentence through them."""
    import numpy as np

    from seqml import embedding, ngram
    from seqml.demos.corpus import corpus_text

    text = corpus_text(params, "embedding")
    sentences = ngram.tokenize(text)
    if not sentences:
        raise ParamError("the corpus has no words", "corpus")
    tokens = tuple(token for sentence in ngram.tokenize(params["text"]) for token in sentence)
    if not tokens:
        raise ParamError("text must contain at least one word", "text")
    words = [token for sentence in ngram.tokenize(params["word"]) for token in sentence]
    if len(words) != 1:
        raise ParamError(f"word must be a single word, got {params['word']!r}", "word")
    max_size = params["max_size"] or None
    vocabulary = embedding.build_vocabulary(sentences, params["min_count"], max_size)
    V, dim = len(vocabulary), params["dim"]
    if params["table"] == "random":
        E = rng.normal(0.0, 1.0, size=(V, dim))
        description = f"seeded random N(0, 1) table, {V} x {dim}: its neighbours mean nothing"
    else:
        encoded = [vocabulary.encode(sentence) for sentence in sentences]
        E = embedding.cooccurrence_embeddings(encoded, V, dim, params["window"])
        description = (
            f"PPMI of co-occurrence counts (window {params['window']}) reduced by truncated SVD "
            f"to {V} x {dim}: words in the same company point the same way"
        )
    ids = vocabulary.encode(tokens)
    looked_up = embedding.embedding_lookup(E, ids)
    through_matmul = embedding.one_hot_lookup(E, ids)
    word = words[0]
    word_id = vocabulary.index(word)
    neighbours: tuple[tuple[str, float], ...] = ()
    note = ""
    if word not in vocabulary:
        seen = vocabulary.counts.get(word, 0)
        note = f"{word!r} is out of vocabulary (corpus count {seen}): it has only the shared <unk> row"
    else:
        found = embedding.nearest_neighbours(E, word_id, NEIGHBOURS)
        neighbours = tuple((vocabulary.tokens[n.index], n.cosine) for n in found)
        if not found:
            note = f"{word!r} has a zero vector (no co-occurrences kept): no direction, no neighbours"
    unknown = tuple(
        OutOfVocabulary(token, vocabulary.counts.get(token, 0))
        for token in dict.fromkeys(tokens)
        if token not in vocabulary
    )
    return EmbeddingResult(
        text=params["text"],
        tokens=tokens,
        mapped=vocabulary.map_tokens(tokens),
        ids=ids,
        out_of_vocabulary=unknown,
        min_count=params["min_count"],
        max_size=params["max_size"],
        vocabulary_size=V,
        corpus_types=len(vocabulary.counts),
        corpus_tokens=sum(len(sentence) for sentence in sentences),
        one_hot=embedding.one_hot(ids, V),
        table=params["table"],
        table_description=description,
        window=params["window"],
        dim=dim,
        vectors=looked_up,
        lookup_difference=float(np.max(np.abs(through_matmul - looked_up))),
        word=word,
        word_id=word_id,
        neighbours=neighbours,
        neighbour_note=note,
        comparison=embedding.compare_bag_and_bigrams(tokens, tokens[::-1]),
    )


DEMO = Demo(
    name="embedding",
    title="From words to vectors: vocabulary, one-hot, embedding lookup, bag of words",
    summary="Tokens to ids (<unk> below a cut-off), one-hot rows, embedding rows, neighbours.",
    terms=(
        "embedding",
        "one-hot-encoding",
        "bag-of-words",
        "tokenization",
        "vocabulary",
        "out-of-vocabulary-token",
        "token",
    ),
    params=(
        Param("text", "str", "the hungry cat ate cheese in the park", help="the sentence to encode"),
        Param("min_count", "int", 2, 1, 50, help="corpus count a word needs to keep its own id"),
        Param("max_size", "int", 0, 0, 100000, help="keep at most this many words (0: no limit)"),
        Param("word", "str", "lunch", help="the word whose nearest neighbours are shown"),
        Param("dim", "int", 8, 1, 64, help="embedding size D"),
        Param("window", "int", 3, 1, 10, help="co-occurrence window: words this close count"),
        Param(
            "table",
            "choice",
            "co-occurrence",
            choices=TABLES,
            help="PPMI + SVD of corpus counts, or a seeded random table (meaningless neighbours)",
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
        "seqml.embedding:build_vocabulary",
        "seqml.embedding:one_hot",
        "seqml.embedding:embedding_lookup",
        "seqml.embedding:cooccurrence_embeddings",
        "seqml.embedding:nearest_neighbours",
        "seqml.embedding:compare_bag_and_bigrams",
    ),
)
