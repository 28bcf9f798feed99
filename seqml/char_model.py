"""A character-level language model trained live: BPTT, truncated BPTT, gradient clipping.

Model, over a chunk of T characters read by B parallel streams (ids c_t of shape (B,)):

    x_t = onehot(c_t)                                       (B, V)
    h_t = tanh RNN or LSTM of x_t and the state at t-1      (B, H)   seqml.rnn, seqml.lstm
    z_t = h_t W_hy^T + b_y                                  (B, V)   logits
    L   = -(1 / (T B)) sum_{t,b} log softmax(z_t)[y_t]      mean cross-entropy, nats per character

with y_t = c_{t+1}, the next character. At initialisation the logits are near 0, the softmax is
near uniform, so the first loss is near ln V.

Backward, backpropagation through time (BPTT):

    dz_t    = (softmax(z_t) - onehot(y_t)) / (T B)
    dW_hy   = sum_t dz_t^T h_t       db_y = sum_t sum_b dz_t       dL/dh_t = dz_t W_hy
    and ``rnn_backward`` / ``lstm_backward`` carry dL/dh_t back through every step to the weights.

Truncated BPTT with window k: the chunk is cut into windows of k steps. The state still flows
forward through every window, so the model reads exactly what full BPTT reads and the loss is
the same; but the gradient stops at each window boundary: window j's backward starts with no
gradient from window j+1, and the gradient on its initial state is dropped (PyTorch:
``h = h.detach()`` between windows). A loss term at step t then teaches the weights about at most
the t mod k steps before it. Between chunks the state is carried forward and the gradient stopped
in both modes, as every practical character model does (Williams and Peng's BPTT(h; h')).

Training step: g = gradients; N = ||g||_2 over all arrays (global norm, recorded every step);
with clipping g <- g * min(1, m / (N + 1e-6)) (``seqml.clipping.clip_by_global_norm``); then SGD
theta <- theta - lr g (or Adam, ``seqml.optimizers``). A step is a blow-up when the loss, the
gradient norm or a weight is no longer finite; training stops there and says which and when.
Floating-point warnings are silenced inside a step (``np.errstate``) and replaced by that check.

References: Elman (1990); Werbos, "Backpropagation through time: what it does and how to do it"
(Proc. IEEE, 1990); Williams and Peng, "An efficient gradient-based algorithm for on-line training
of recurrent network trajectories" (Neural Computation, 1990) for truncation; Pascanu, Mikolov
and Bengio, "On the difficulty of training recurrent neural networks" (ICML 2013) for exploding
gradients and norm clipping; Karpathy, min-char-rnn (2015) for the character-level setting.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from seqml.clipping import clip_by_global_norm, global_norm
from seqml.lstm import LSTMParams, init_lstm, lstm_backward, lstm_forward
from seqml.numerics import log_softmax
from seqml.optimizers import AdamState, adam_step, init_adam, sgd_step
from seqml.rnn import RNNParams, init_rnn, rnn_backward, rnn_forward

__all__ = [
    "PARAM_NAMES",
    "BlowUp",
    "CharCorpus",
    "CharModel",
    "CharStep",
    "NonFiniteLossError",
    "Sample",
    "TrainingConfig",
    "TrainingRun",
    "batches",
    "encode_text",
    "init_char_model",
    "loss_and_gradients",
    "sample_text",
    "train",
]

KINDS = ("rnn", "lstm")
PARAM_NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_out", "bias_out")
State = tuple[np.ndarray, ...]  # (h,) for the RNN, (h, c) for the LSTM, each (B, H)


class NonFiniteLossError(ValueError):
    """The forward pass produced an inf or NaN loss: there is nothing meaningful to back-propagate."""


@dataclass(frozen=True)
class CharCorpus:
    """A text as character ids: vocabulary[i] is the character with id i (sorted, so stable)."""

    vocabulary: str
    ids: np.ndarray  # (N,) int64

    def decode(self, ids: Sequence[int]) -> str:
        """Ids back to text."""
        return "".join(self.vocabulary[int(i)] for i in ids)


def encode_text(text: str) -> CharCorpus:
    """The sorted set of characters as vocabulary, and the text as ids into it."""
    if len(text) < 2:
        raise ValueError(f"a corpus needs at least 2 characters, got {len(text)}")
    vocabulary = "".join(sorted(set(text)))
    position = {char: index for index, char in enumerate(vocabulary)}
    return CharCorpus(vocabulary, np.array([position[char] for char in text], dtype=np.int64))


@dataclass(frozen=True)
class CharModel:
    """The recurrent layer (PyTorch layout) and the output projection W_hy (V, H), b_y (V,)."""

    kind: str  # "rnn" or "lstm"
    recurrent: RNNParams | LSTMParams
    weight_out: np.ndarray  # W_hy, (V, H)
    bias_out: np.ndarray  # b_y, (V,)

    @property
    def vocabulary_size(self) -> int:
        """V: one-hot input width and number of logits."""
        return int(self.weight_out.shape[0])

    @property
    def hidden_size(self) -> int:
        """H: width of the hidden state."""
        return self.recurrent.hidden_size

    @property
    def dtype(self) -> np.dtype:
        """Compute dtype of every array."""
        return self.weight_out.dtype

    def arrays(self) -> tuple[np.ndarray, ...]:
        """Every trainable array, in PARAM_NAMES order (the order of CharStep.grads)."""
        r = self.recurrent
        return (r.weight_ih, r.weight_hh, r.bias_ih, r.bias_hh, self.weight_out, self.bias_out)

    def with_arrays(self, arrays: Sequence[np.ndarray]) -> CharModel:
        """The same model with new arrays; the recurrent params are rebuilt, so no cache goes stale."""
        if len(arrays) != len(PARAM_NAMES):
            raise ValueError(f"expected {len(PARAM_NAMES)} arrays, got {len(arrays)}")
        layer = RNNParams if self.kind == "rnn" else LSTMParams
        return CharModel(self.kind, layer(*arrays[:4]), arrays[4], arrays[5])

    def zero_state(self, batch: int) -> State:
        """The all-zero state for a batch: (h,) or (h, c)."""
        count = 1 if self.kind == "rnn" else 2
        return tuple(np.zeros((batch, self.hidden_size), dtype=self.dtype) for _ in range(count))


def init_char_model(
    kind: str,
    vocabulary_size: int,
    hidden_size: int,
    rng: np.random.Generator,
    dtype: np.typing.DTypeLike = np.float64,
) -> CharModel:
    """PyTorch-style uniform init for the layer, and U(-1/sqrt(H), 1/sqrt(H)) for W_hy, b_y."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    if vocabulary_size < 2:
        raise ValueError(f"vocabulary_size must be >= 2, got {vocabulary_size}")
    init = init_rnn if kind == "rnn" else init_lstm
    recurrent = init(vocabulary_size, hidden_size, rng, dtype=dtype)
    bound = 1.0 / math.sqrt(hidden_size)  # as nn.Linear(H, V) draws them
    weight_out = rng.uniform(-bound, bound, size=(vocabulary_size, hidden_size)).astype(dtype)
    bias_out = rng.uniform(-bound, bound, size=vocabulary_size).astype(dtype)
    return CharModel(kind, recurrent, weight_out, bias_out)


def _one_hot(ids: np.ndarray, size: int, dtype: np.dtype) -> np.ndarray:
    """(T, B) ids to (T, B, V) one-hot vectors."""
    x = np.zeros((*ids.shape, size), dtype=dtype)
    np.put_along_axis(x, ids[..., None], 1, axis=-1)
    return x


def _check_ids(model: CharModel, inputs: np.ndarray, targets: np.ndarray) -> None:
    """Shapes (T, B) that agree, and ids inside the vocabulary, before any arithmetic."""
    if inputs.ndim != 2 or inputs.shape != targets.shape or inputs.size == 0:
        raise ValueError(
            f"inputs and targets must both have shape (T, B) with T, B >= 1, got {inputs.shape} "
            f"and {targets.shape}"
        )
    V = model.vocabulary_size
    for name, ids in (("inputs", inputs), ("targets", targets)):
        if not np.issubdtype(ids.dtype, np.integer) or ids.min() < 0 or ids.max() >= V:
            raise ValueError(f"{name} must be integer ids in [0, {V})")


def _check_state(model: CharModel, state: State, batch: int) -> State:
    """The state a chunk starts from: one (B, H) array for the RNN, two for the LSTM."""
    expected = model.zero_state(batch)
    if len(state) != len(expected) or any(s.shape != e.shape for s, e in zip(state, expected, strict=False)):
        shapes = [s.shape for s in state]
        raise ValueError(
            f"state must be {len(expected)} array(s) of shape {expected[0].shape} for a "
            f"{model.kind}, got {shapes}"
        )
    return tuple(np.asarray(s, dtype=model.dtype) for s in state)


@dataclass(frozen=True)
class CharStep:
    """One chunk's loss, its gradients (PARAM_NAMES order) and the state after its last step."""

    loss: float  # mean cross-entropy, nats per character
    grads: tuple[np.ndarray, ...]
    state: State  # carried into the next chunk; no gradient flows back through it


def _window_backward(
    model: CharModel, x: np.ndarray, targets: np.ndarray, state: State, scale: float
) -> tuple[float, list[np.ndarray], State]:
    """Forward one window from ``state``, then backward from its own loss terms only.

    Returns the window's summed loss, its gradients, and its final state.
    """
    T, B, _ = x.shape
    layer = model.recurrent
    if model.kind == "rnn":
        forward = rnn_forward(layer, x, state[0])
        final: State = (forward.h_last,)
    else:
        forward = lstm_forward(layer, x, state[0], state[1])
        final = (forward.h_last, forward.c_last)
    hidden = forward.hidden_states.reshape(T * B, -1)  # (T*B, H)
    logits = hidden @ model.weight_out.T + model.bias_out  # (T*B, V)
    log_probs = log_softmax(logits)
    rows = np.arange(T * B)
    flat_targets = targets.reshape(-1)
    loss_sum = -float(np.sum(log_probs[rows, flat_targets], dtype=np.float64))
    if not math.isfinite(loss_sum):
        raise NonFiniteLossError(f"loss is {loss_sum}: the logits overflowed")
    # dz = (softmax - onehot) / (T B): exp(log_softmax) is the softmax, without recomputing it.
    d_logits = np.exp(log_probs)
    d_logits[rows, flat_targets] -= 1
    d_logits *= scale
    d_hidden = (d_logits @ model.weight_out).reshape(T, B, -1)  # dL/dh_t, (T, B, H)
    if model.kind == "rnn":
        layer_grads = rnn_backward(layer, forward, d_hidden)
    else:
        layer_grads = lstm_backward(layer, forward, d_hidden)
    grads = [
        layer_grads.weight_ih,
        layer_grads.weight_hh,
        layer_grads.bias_ih,
        layer_grads.bias_hh,
        d_logits.T @ hidden,  # dW_hy, (V, H)
        d_logits.sum(axis=0),  # db_y
    ]
    return loss_sum, grads, final


def loss_and_gradients(
    model: CharModel,
    inputs: np.ndarray,
    targets: np.ndarray,
    state: State | None = None,
    window: int | None = None,
) -> CharStep:
    """Mean cross-entropy of a chunk and its gradients: full BPTT, or truncated every ``window`` steps.

    ``inputs`` and ``targets`` are (T, B) character ids; ``state`` is where the chunk starts
    (zeros by default). ``window=None`` (or >= T) back-propagates through the whole chunk.
    """
    inputs, targets = np.asarray(inputs), np.asarray(targets)
    _check_ids(model, inputs, targets)
    T, B = inputs.shape
    state = model.zero_state(B) if state is None else _check_state(model, state, B)
    if window is not None and window < 1:
        raise ValueError(f"window must be >= 1 (or None for full BPTT), got {window}")
    window = T if window is None else min(window, T)
    x = _one_hot(inputs, model.vocabulary_size, model.dtype)
    scale = 1.0 / (T * B)  # the mean over every character of the chunk
    total_loss = 0.0
    grads: list[np.ndarray] | None = None
    for start in range(0, T, window):
        stop = min(start + window, T)
        # The state enters each window as plain numbers: the gradient stops here.
        loss_sum, window_grads, state = _window_backward(
            model, x[start:stop], targets[start:stop], state, scale
        )
        total_loss += loss_sum
        if grads is None:
            grads = window_grads
        else:
            for total, grad in zip(grads, window_grads, strict=True):
                total += grad
    assert grads is not None  # T >= 1, so at least one window ran
    return CharStep(total_loss * scale, tuple(g.astype(model.dtype, copy=False) for g in grads), state)


def batches(corpus: CharCorpus, batch: int, length: int) -> tuple[np.ndarray, np.ndarray]:
    """Cut the text into B contiguous streams and those into chunks of ``length`` characters.

    Returns inputs and targets of shape (chunks, length, B): chunk n of stream b continues
    chunk n-1 of stream b, which is what lets the state carry over from one chunk to the next.
    """
    if batch < 1 or length < 1:
        raise ValueError(f"batch and length must be >= 1, got {batch} and {length}")
    stream = (len(corpus.ids) - 1) // batch  # each stream needs one extra id for its last target
    chunks = stream // length
    if chunks < 1:
        raise ValueError(
            f"the corpus ({len(corpus.ids)} characters) is too short for {batch} streams of "
            f"{length}-character chunks"
        )
    used = chunks * length
    starts = np.arange(batch) * stream
    index = starts[None, :] + np.arange(used)[:, None]  # (used, B)
    inputs = corpus.ids[index].reshape(chunks, length, batch)
    targets = corpus.ids[index + 1].reshape(chunks, length, batch)
    return inputs, targets


def sample_text(
    model: CharModel,
    corpus: CharCorpus,
    prime: str,
    length: int,
    rng: np.random.Generator,
    temperature: float = 1.0,
) -> str:
    """Feed ``prime``, then draw ``length`` characters one at a time from softmax(z / temperature)."""
    if not prime or any(char not in corpus.vocabulary for char in prime):
        raise ValueError("prime must be non-empty and use only characters of the corpus")
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    position = {char: index for index, char in enumerate(corpus.vocabulary)}
    state = model.zero_state(1)
    ids = [position[char] for char in prime]
    drawn: list[int] = []
    with np.errstate(all="ignore"):  # a half-trained model may saturate; the cumsum copes
        for step in range(len(prime) + length - 1):
            current = ids[step] if step < len(prime) else drawn[-1]
            x = _one_hot(np.array([[current]]), model.vocabulary_size, model.dtype)
            if model.kind == "rnn":
                state = (rnn_forward(model.recurrent, x, state[0]).h_last,)
            else:
                forward = lstm_forward(model.recurrent, x, state[0], state[1])
                state = (forward.h_last, forward.c_last)
            if step < len(prime) - 1:
                continue
            logits = (state[0] @ model.weight_out.T + model.bias_out)[0].astype(np.float64)
            weights = np.exp(log_softmax(logits / temperature))
            cumulative = np.cumsum(weights)
            choice = int(np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right"))
            drawn.append(min(choice, model.vocabulary_size - 1))
    return prime + corpus.decode(drawn)


@dataclass(frozen=True)
class TrainingConfig:
    """How to train: steps, optimiser and rate, clipping (0 = off), BPTT window, chunking."""

    steps: int = 200
    lr: float = 1.0
    clip: float = 0.0  # max global norm; 0 turns clipping off
    window: int | None = None  # None: full BPTT over each chunk; k: truncated every k steps
    length: int = 32  # characters per chunk (T)
    batch: int = 16  # parallel streams (B)
    optimizer: str = "sgd"  # "sgd" or "adam"
    sample_at: tuple[int, ...] = ()  # steps after which to sample text
    sample_length: int = 40
    prime: str = "t"
    max_loss: float = math.inf  # a loss above this counts as a blow-up (divergence)


@dataclass(frozen=True)
class BlowUp:
    """Where training broke: the step, what stopped being finite, and its value."""

    step: int  # 0-based index of the update that failed
    quantity: str  # "loss", "gradient norm" or "weights"
    value: float


@dataclass(frozen=True)
class Sample:
    """Text drawn from the model after ``step`` updates."""

    step: int
    text: str


@dataclass(frozen=True)
class TrainingRun:
    """Full curves of one run; entry i belongs to update i (before it was applied)."""

    config: TrainingConfig
    losses: np.ndarray  # (done,), the last one non-finite after a blow-up
    grad_norms: np.ndarray  # global 2-norm before clipping, (done,)
    clipped: np.ndarray  # bool, (done,): True where clipping scaled the gradient down
    blow_up: BlowUp | None
    samples: tuple[Sample, ...]
    model: CharModel = field(repr=False)  # the weights at the end (the last finite ones)


def _update(
    model: CharModel, grads: tuple[np.ndarray, ...], config: TrainingConfig, adam: AdamState | None
) -> tuple[CharModel, AdamState | None]:
    """Apply one optimiser step to every array."""
    if adam is not None:
        arrays, adam = adam_step(model.arrays(), grads, adam, config.lr)
        return model.with_arrays(arrays), adam
    return model.with_arrays(sgd_step(model.arrays(), grads, config.lr)), None


def train(
    model: CharModel,
    corpus: CharCorpus,
    config: TrainingConfig,
    rng: np.random.Generator,
    progress: Callable[[int, float], None] | None = None,
) -> TrainingRun:
    """Train for ``config.steps`` updates, recording loss, gradient norm and clipping every step.

    ``rng`` is used only to sample text, so two runs from the same model and the same generator
    state see the same data and draw comparable samples. ``progress(step, loss)`` is called after
    each update. A non-finite loss, gradient norm or weight ends the run with a ``BlowUp``.
    """
    if config.optimizer not in ("sgd", "adam"):
        raise ValueError(f"optimizer must be sgd or adam, got {config.optimizer!r}")
    if config.steps < 1 or not config.lr > 0 or config.clip < 0:
        raise ValueError(f"need steps >= 1, lr > 0 and clip >= 0, got {config}")
    inputs, targets = batches(corpus, config.batch, config.length)
    sample_seed = int(rng.integers(2**32))  # every sample point draws the same random numbers
    adam = init_adam(model.arrays()) if config.optimizer == "adam" else None
    state = model.zero_state(config.batch)
    losses: list[float] = []
    norms: list[float] = []
    clipped: list[bool] = []
    samples: list[Sample] = []
    blow_up: BlowUp | None = None
    for step in range(config.steps):
        chunk = step % len(inputs)
        if chunk == 0:
            state = model.zero_state(config.batch)  # back at the start of every stream
        # Overflow shows up as inf or NaN, checked below; numpy's warnings would only repeat it.
        with np.errstate(all="ignore"):
            try:
                result = loss_and_gradients(model, inputs[chunk], targets[chunk], state, config.window)
            except NonFiniteLossError:
                losses.append(math.nan)
                norms.append(math.nan)
                clipped.append(False)
                blow_up = BlowUp(step, "loss", math.nan)
                break
            norm = global_norm(result.grads)
            losses.append(result.loss)
            norms.append(norm)
            if not math.isfinite(norm) or result.loss > config.max_loss:
                clipped.append(False)
                if math.isfinite(norm):
                    blow_up = BlowUp(step, "loss", result.loss)
                else:
                    blow_up = BlowUp(step, "gradient norm", norm)
                break
            grads, was_clipped = result.grads, False
            if config.clip > 0:
                clip = clip_by_global_norm(grads, config.clip)
                grads, was_clipped = tuple(clip.grads), clip.clipped
            clipped.append(was_clipped)
            new_model, adam = _update(model, grads, config, adam)
            if not all(np.isfinite(array).all() for array in new_model.arrays()):
                blow_up = BlowUp(step, "weights", math.inf)
                break
        model, state = new_model, result.state
        if progress is not None:
            progress(step + 1, result.loss)
        if step + 1 in config.sample_at:
            text = sample_text(
                model, corpus, config.prime, config.sample_length, np.random.default_rng(sample_seed)
            )
            samples.append(Sample(step + 1, text))
    return TrainingRun(
        config=config,
        losses=np.array(losses),
        grad_norms=np.array(norms),
        clipped=np.array(clipped, dtype=bool),
        blow_up=blow_up,
        samples=tuple(samples),
        model=model,
    )


if __name__ == "__main__":
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "data" / "corpora" / "nursery.txt").read_text()
    corpus = encode_text(text)
    rng = np.random.default_rng(0)
    start = init_char_model("rnn", len(corpus.vocabulary), 64, rng)
    for clip in (0.0, 1.0):
        run = train(start, corpus, TrainingConfig(steps=150, lr=3.0, clip=clip, sample_at=(150,)), rng)
        print(
            f"clip={clip}: first loss {run.losses[0]:.3f} (ln V = {math.log(len(corpus.vocabulary)):.3f}),",
            f"last {run.losses[-1]:.3f}, blow-up {run.blow_up}",
        )
        for sample in run.samples:
            print(f"  after {sample.step}: {sample.text!r}")
