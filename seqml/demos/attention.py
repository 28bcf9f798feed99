"""The attention demo: self-attention weights of an untrained Transformer layer over the learner's words.

Each word gets a vector from a seeded random table (the same word, the same vector), plus the
sinusoidal positional encoding of its place; one ``nn.MultiheadAttention``-style layer with
freshly initialised weights then lets every word (a query, one row) weigh every word (a key, one
column):

    x_t = embedding[word_t] + PE[t]
    weights_h = softmax(Q_h K_h^T / sqrt(d_k) [+ causal mask])     one (T, T) matrix per head h

The model width is 16 per head (E = 16 * heads, d_k = 16), so every head count from 1 to 8 divides
it. Word vectors are drawn N(0, 2^2) rather than N(0, 1): at unit scale an untrained layer spreads
its attention almost evenly and the picture shows nothing; at 2 the rows have visible favourites.
NumPy and ``seqml.attention`` are imported inside ``run``, so importing this module stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from seqml.demos.base import Demo, Param, ParamError

if TYPE_CHECKING:
    import numpy as np

MAX_WORDS = 12  # a 12 x 12 grid of numbers still fits 60 columns
HEAD_DIM = 16
EMBEDDING_STD = 2.0
DEFAULT_TEXT = "the animal did not cross the street because it was tired"

NOTICE = (
    "Each row (one query word) sums to 1; with --causal yes every cell right of the diagonal is 0, "
    "so no word attends to a later one."
)


@dataclass(frozen=True)
class AttentionResult:
    """Every head's full weight matrix, and which one the view draws."""

    words: tuple[str, ...]  # the words shown, at most MAX_WORDS
    total_words: int  # how many the text had (more than len(words) when truncated)
    causal: bool
    heads: int
    head: int  # 1-based head drawn; 0 = the average over heads
    embed_dim: int
    head_dim: int
    weights: np.ndarray  # (heads, T, T) per head, rows = queries, columns = keys
    average_weights: np.ndarray  # (T, T) mean over heads, as average_attn_weights=True gives
    shown: np.ndarray  # (T, T) the matrix drawn: weights[head - 1], or average_weights for head 0
    strongest: tuple[int, ...]  # per query row of ``shown``, the key with the largest weight

    @property
    def truncated(self) -> bool:
        """True when the text was cut to MAX_WORDS words."""
        return self.total_words > len(self.words)


def run(params: dict[str, Any], rng: np.random.Generator) -> AttentionResult:
    """Embed the words, add positions, run one self-attention layer and keep every head's weights."""
    import numpy as np

    from seqml.attention import init_multihead_attention, multihead_attention_forward
    from seqml.positional import sinusoidal_positional_encoding as positions

    typed = params["text"].split()
    if not typed:
        raise ParamError("text must contain at least one word", "text")
    heads, head = params["heads"], params["head"]
    if head > heads:
        raise ParamError(f"head must be from 0 (the average) to heads={heads}, got {head}", "head")
    words = tuple(typed[:MAX_WORDS])
    E = HEAD_DIM * heads
    keys = [word.lower() for word in words]  # "The" and "the" share a vector; only PE tells them apart
    vocabulary = {word: index for index, word in enumerate(dict.fromkeys(keys))}
    table = rng.normal(0.0, EMBEDDING_STD, size=(len(vocabulary), E))
    x = table[[vocabulary[word] for word in keys]] + positions(len(words), E)  # (T, E)
    layer = init_multihead_attention(E, heads, rng)
    forward = multihead_attention_forward(layer, x[None], causal=params["causal"] == "yes")
    weights = forward.weights[0]  # (H, T, T)
    average = forward.average_weights[0]
    shown = average if head == 0 else weights[head - 1]
    return AttentionResult(
        words=words,
        total_words=len(typed),
        causal=params["causal"] == "yes",
        heads=heads,
        head=head,
        embed_dim=E,
        head_dim=HEAD_DIM,
        weights=weights,
        average_weights=average,
        shown=shown,
        strongest=tuple(int(k) for k in np.argmax(shown, axis=1)),
    )


DEMO = Demo(
    name="attention",
    title="Self-attention weights: who looks at whom",
    summary="softmax(Q K^T / sqrt(d_k)) over your words, as a heatmap; causal mask on/off",
    terms=("attention", "transformer"),
    params=(
        Param("text", "str", DEFAULT_TEXT, help=f"the words to attend over (the first {MAX_WORDS} are used)"),
        Param("causal", "choice", "no", choices=("no", "yes"), help="yes: mask every later word"),
        Param("heads", "int", 2, minimum=1, maximum=8, help="attention heads (model width 16 per head)"),
        Param("head", "int", 1, minimum=0, maximum=8, help="which head to draw, 1..heads; 0 = their average"),
    ),
    notice=NOTICE,
    runner=run,
    code=(
        "seqml.attention:scaled_dot_product_attention",
        "seqml.attention:multihead_attention_forward",
        "seqml.positional:sinusoidal_positional_encoding",
        "seqml.demos.attention:run",
    ),
)
