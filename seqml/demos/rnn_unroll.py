"""The rnn-unroll demo: one RNN cell run once per word, and the hidden state after each.

    h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh),   x_t one-hot for word t,  h_0 = 0

The text sets the number of timesteps T: one per word. ``steps`` only caps it (at most 12, what a
terminal shows side by side); the words beyond the cap are counted in ``unread``, never cycled.

The model is ``seqml.rnn``'s; this module turns words into one-hot inputs and keeps every hidden
state for the view. NumPy is imported inside ``run``, so listing the demos stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from seqml.demos.base import Demo, Param, ParamError

if TYPE_CHECKING:
    import numpy as np

NOTICE = (
    "The same weights run at every step, so only h_(t-1) makes the columns differ: "
    "each h_t carries the words read before it (try a text that repeats a word)."
)


@dataclass(frozen=True)
class RNNUnrollResult:
    """The hidden state after each word: the picture of one RNN run once per timestep."""

    words: tuple[str, ...]
    vocabulary: tuple[str, ...]  # one-hot input positions
    h0: np.ndarray  # (H,)
    hidden_states: np.ndarray  # (T, H), row t is h_t after reading words[t]
    unread: int = 0  # words of the text beyond --steps, left out


def run(params: dict[str, Any], rng: np.random.Generator) -> RNNUnrollResult:
    """Feed one-hot words through a freshly initialised RNN and keep every hidden state."""
    import numpy as np

    from seqml.rnn import init_rnn, rnn_forward

    typed = params["text"].split()
    if not typed:
        raise ParamError("text must contain at least one word", "text")
    # One timestep per word of the text; --steps only caps a long text (the view has room for 12).
    words = tuple(typed[: params["steps"]])
    steps = len(words)
    vocabulary = tuple(dict.fromkeys(words))
    position = {word: index for index, word in enumerate(vocabulary)}
    x = np.zeros((steps, 1, len(vocabulary)))  # (T, B=1, I) one-hot
    x[np.arange(steps), 0, [position[word] for word in words]] = 1.0
    rnn = init_rnn(len(vocabulary), params["hidden"], rng)
    forward = rnn_forward(rnn, x)
    unread = len(typed) - steps
    return RNNUnrollResult(words, vocabulary, forward.h0[0], forward.hidden_states[:, 0, :], unread)


DEMO = Demo(
    name="rnn-unroll",
    title="An RNN unrolled over timesteps",
    summary="One RNN run once per word; the hidden state carries the sequence so far.",
    terms=("recurrent-neural-network", "timestep", "hidden-state"),
    params=(
        Param("steps", "int", 12, 1, 12, help="the most timesteps: one per word, a longer text is cut"),
        Param("hidden", "int", 3, 1, 8, help="size of the hidden state"),
        Param("text", "str", "three blind mice ran", help="input words, one per step"),
    ),
    notice=NOTICE,
    runner=run,
    code=("seqml.rnn:rnn_forward", "seqml.demos.rnn_unroll:run"),
)


if __name__ == "__main__":
    import numpy as np

    result = run(DEMO.defaults(), np.random.default_rng(0))
    for word, state in zip(result.words, result.hidden_states, strict=True):
        print(f"{word:>6}: h = {state.round(3)}")
