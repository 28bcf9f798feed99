"""bidirectional: a bidirectional RNN reads the learner's sentence both ways.

    f_t = tanh(W_ih x_t + b_ih + W_hh f_(t-1) + b_hh)      left to right, t = 1..T
    b_t = tanh(V_ih x_t + c_ih + V_hh b_(t+1) + c_hh)      right to left, t = T..1
    output_t = [f_t ; b_t]

Each word of ``text`` gets a row of a seeded random embedding table (the same word, the same
vector); a fresh bidirectional RNN (``seqml.bidirectional``) runs over the sentence. Then the
last word is swapped for ``swap`` and the RNN runs again: the change ||delta f_t|| is exactly 0
before the last position (a left-to-right state has not read the last word yet), while
||delta b_t|| is non-zero everywhere, the first word included: output_1 depends on word T.

Importing this module loads no NumPy: ``run`` imports it, so listing the demos stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from seqml.demos.base import Demo, Param, ParamError

if TYPE_CHECKING:
    import numpy as np

EMBEDDING_SIZE = 4  # each word's random vector
MAX_WORDS = 12  # a table row per word: more would not fit a screen
NOTICE = (
    "Swapping only the last word leaves every left-to-right state before it untouched, "
    "yet changes the right-to-left state at the very first word."
)


@dataclass(frozen=True)
class BidirectionalResult:
    """Both directions' states per word, and how much each changes when the last word is swapped."""

    words: tuple[str, ...]
    swap: str  # the word put in place of the last one
    forward_states: np.ndarray  # f_t, (T, H): words 1..t
    backward_states: np.ndarray  # b_t, (T, H): words t..T
    outputs: np.ndarray  # [f_t ; b_t], (T, 2H)
    forward_change: np.ndarray  # ||f_t(swapped) - f_t||, (T,)
    backward_change: np.ndarray  # ||b_t(swapped) - b_t||, (T,)


def run(params: dict[str, Any], rng: np.random.Generator) -> BidirectionalResult:
    """Embed the words, run both directions, swap the last word and run again."""
    import numpy as np

    from seqml.bidirectional import bidirectional_forward, init_bidirectional

    words = tuple(params["text"].split())
    if not words:
        raise ParamError("text must contain at least one word", "text")
    if len(words) > MAX_WORDS:
        raise ParamError(f"text must have at most {MAX_WORDS} words, got {len(words)}", "text")
    swap = params["swap"].strip()
    if not swap or len(swap.split()) != 1:
        raise ParamError(f"swap must be one word, got {params['swap']!r}", "swap")
    if swap == words[-1]:
        raise ParamError(f"swap must differ from the last word {words[-1]!r}", "swap")
    vocabulary = tuple(dict.fromkeys((*words, swap)))
    embedding = rng.standard_normal((len(vocabulary), EMBEDDING_SIZE))  # one row per distinct word
    index = {word: row for row, word in enumerate(vocabulary)}
    x = embedding[[index[word] for word in words]][:, None, :]  # (T, B=1, E)
    rnn = init_bidirectional(EMBEDDING_SIZE, params["hidden"], rng)
    before = bidirectional_forward(rnn, x)
    swapped = x.copy()
    swapped[-1, 0] = embedding[index[swap]]
    after = bidirectional_forward(rnn, swapped)
    return BidirectionalResult(
        words=words,
        swap=swap,
        forward_states=before.forward_states[:, 0],
        backward_states=before.backward_states[:, 0],
        outputs=before.outputs[:, 0],
        forward_change=np.linalg.norm(after.forward_states - before.forward_states, axis=2)[:, 0],
        backward_change=np.linalg.norm(after.backward_states - before.backward_states, axis=2)[:, 0],
    )


DEMO = Demo(
    name="bidirectional",
    title="A bidirectional RNN reads the sentence both ways",
    summary="Both directions' states per word; the last word already reaches the first.",
    terms=("bidirectional-recurrent-neural-network", "hidden-state", "timestep"),
    params=(
        Param("text", "str", "the cat sat on the mat", help=f"the sentence, at most {MAX_WORDS} words"),
        Param("hidden", "int", 3, 1, 6, help="size of each direction's hidden state"),
        Param("swap", "str", "rug", help="the word put in place of the last one"),
    ),
    notice=NOTICE,
    runner=run,
    code=(
        "seqml.bidirectional:bidirectional_forward",
        "seqml.demos.bidirectional:run",
    ),
)
