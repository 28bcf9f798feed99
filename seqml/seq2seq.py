"""A tiny encoder-decoder (sequence-to-sequence) model, trained with or without teacher forcing.

Task: read n digits, write them reversed. Encoder and decoder are one recurrent layer each (LSTM
or tanh RNN, from ``seqml.lstm`` / ``seqml.rnn``), with separate weights:

    encoder:  (h_n, c_n) = LSTM(onehot(x_1), ..., onehot(x_n))          from a zero state
    decoder:  state_0 = (h_n, c_n)                                      the only bridge
              s_t = LSTM step of onehot(u_t) from state_{t-1},  z_t = s_t W_hy^T + b_y   (B, D)
              u_1 = GO;  u_t = y_{t-1}              with teacher forcing (the true previous digit)
                         u_t = argmax z_{t-1}       without it (the model's own previous guess)
    loss:     L = -(1 / (m B)) sum_{t,b} log softmax(z_t)[y_t]

Backward: the decoder is an ordinary sequence once its inputs u_t are fixed (an argmax has no
gradient, so fed-back guesses are constants), so ``lstm_backward`` runs over it from dL/ds_t =
dz_t W_hy; the gradient it leaves on the decoder's initial state, dL/dh_n and dL/dc_n, is the
upstream gradient of the encoder's last step, and ``lstm_backward`` runs over the encoder with
zeros everywhere else.

Exposure bias: a teacher-forced decoder only ever sees correct previous digits while training.
At inference it must read its own guesses; after its first mistake it is in states it never
trained on, and the errors compound. A decoder trained on its own guesses learns to recover.

References: Sutskever, Vinyals and Le, "Sequence to sequence learning with neural networks"
(NeurIPS 2014), which also reverses the source; Cho et al., "Learning phrase representations using
RNN encoder-decoder" (EMNLP 2014); Williams and Zipser (1989) for teacher forcing; Bengio et al.,
"Scheduled sampling for sequence prediction with recurrent neural networks" (NeurIPS 2015) and
Ranzato et al., "Sequence level training with recurrent neural networks" (ICLR 2016) for
exposure bias.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from seqml.clipping import clip_by_global_norm
from seqml.lstm import LSTMParams, init_lstm, lstm_backward, lstm_forward
from seqml.numerics import log_softmax
from seqml.optimizers import adam_step, init_adam
from seqml.rnn import RNNParams, init_rnn, rnn_backward, rnn_forward

__all__ = [
    "DIGITS",
    "GO",
    "Evaluation",
    "Seq2SeqModel",
    "Seq2SeqStep",
    "TrainedSeq2Seq",
    "decode",
    "evaluate",
    "init_seq2seq",
    "loss_and_gradients",
    "reversal_batch",
    "score",
    "train_seq2seq",
]

DIGITS = 10  # output symbols 0..9
GO = DIGITS  # the decoder's first input: an eleventh symbol, never an output
KINDS = ("lstm", "rnn")
State = tuple[np.ndarray, ...]  # (h,) or (h, c), each (B, H)


@dataclass(frozen=True)
class Seq2SeqModel:
    """Encoder and decoder layers (PyTorch layout) and the read-out W_hy (D, H), b_y (D,)."""

    kind: str
    encoder: LSTMParams | RNNParams  # input size D (digits)
    decoder: LSTMParams | RNNParams  # input size D + 1 (digits and GO)
    weight_out: np.ndarray
    bias_out: np.ndarray

    def arrays(self) -> tuple[np.ndarray, ...]:
        """Every trainable array: encoder's four, decoder's four, then W_hy and b_y."""
        e, d = self.encoder, self.decoder
        return (
            *(e.weight_ih, e.weight_hh, e.bias_ih, e.bias_hh),
            *(d.weight_ih, d.weight_hh, d.bias_ih, d.bias_hh),
            self.weight_out,
            self.bias_out,
        )

    def with_arrays(self, arrays: Sequence[np.ndarray]) -> Seq2SeqModel:
        """Same model, new arrays (the layers are rebuilt, so no cached copy goes stale)."""
        if len(arrays) != 10:
            raise ValueError(f"expected 10 arrays, got {len(arrays)}")
        layer = LSTMParams if self.kind == "lstm" else RNNParams
        return Seq2SeqModel(self.kind, layer(*arrays[:4]), layer(*arrays[4:8]), arrays[8], arrays[9])


def init_seq2seq(
    kind: str, hidden_size: int, rng: np.random.Generator, dtype: np.typing.DTypeLike = np.float64
) -> Seq2SeqModel:
    """PyTorch-style uniform initialisation of both layers and the read-out."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    init = init_lstm if kind == "lstm" else init_rnn
    encoder = init(DIGITS, hidden_size, rng, dtype=dtype)
    decoder = init(DIGITS + 1, hidden_size, rng, dtype=dtype)
    bound = 1.0 / math.sqrt(hidden_size)
    weight_out = rng.uniform(-bound, bound, size=(DIGITS, hidden_size)).astype(dtype)
    bias_out = rng.uniform(-bound, bound, size=DIGITS).astype(dtype)
    return Seq2SeqModel(kind, encoder, decoder, weight_out, bias_out)


def _one_hot(ids: np.ndarray, size: int, dtype: np.dtype) -> np.ndarray:
    """(T, B) ids to (T, B, size) one-hot vectors."""
    x = np.zeros((*ids.shape, size), dtype=dtype)
    np.put_along_axis(x, ids[..., None], 1, axis=-1)
    return x


def _run(layer: LSTMParams | RNNParams, x: np.ndarray, state: State | None) -> tuple[object, State]:
    """One layer over x (T, B, I) from ``state`` (zeros if None): its forward record and last state."""
    if isinstance(layer, LSTMParams):
        forward = lstm_forward(layer, x, *(state or (None, None)))
        return forward, (forward.h_last, forward.c_last)
    forward = rnn_forward(layer, x, None if state is None else state[0])
    return forward, (forward.h_last,)


def _check(sources: np.ndarray, targets: np.ndarray | None) -> None:
    """Digit ids (n, B) and (m, B) with the same batch, checked before any arithmetic."""
    arrays = [("sources", sources)] + ([] if targets is None else [("targets", targets)])
    for name, ids in arrays:
        if ids.ndim != 2 or ids.size == 0:
            raise ValueError(f"{name} must have shape (length, B) with both >= 1, got {ids.shape}")
        if not np.issubdtype(ids.dtype, np.integer) or ids.min() < 0 or ids.max() >= DIGITS:
            raise ValueError(f"{name} must be integer digits in [0, {DIGITS})")
    if targets is not None and targets.shape[1] != sources.shape[1]:
        raise ValueError(f"sources and targets need the same batch, got {sources.shape} and {targets.shape}")


def _logits(model: Seq2SeqModel, hidden: np.ndarray) -> np.ndarray:
    """z = s W_hy^T + b_y for hidden states of any leading shape."""
    return hidden @ model.weight_out.T + model.bias_out


def _greedy(model: Seq2SeqModel, state: State, length: int, targets: np.ndarray | None = None) -> np.ndarray:
    """Decode ``length`` steps from an encoder state: argmax each step, fed back unless targets are given."""
    dtype = model.weight_out.dtype
    B = state[0].shape[0]
    current = np.full(B, GO)
    predictions = np.empty((length, B), dtype=np.int64)
    for t in range(length):
        _, state = _run(model.decoder, _one_hot(current[None], DIGITS + 1, dtype), state)
        predictions[t] = np.argmax(_logits(model, state[0]), axis=1)
        current = predictions[t] if targets is None else targets[t]
    return predictions


def decode(
    model: Seq2SeqModel, sources: np.ndarray, length: int, targets: np.ndarray | None = None
) -> np.ndarray:
    """Greedy predictions (length, B): free-running, or fed the true prefix when targets are given."""
    sources = np.asarray(sources)
    _check(sources, targets)
    _, state = _run(model.encoder, _one_hot(sources, DIGITS, model.weight_out.dtype), None)
    return _greedy(model, state, length, targets)


@dataclass(frozen=True)
class Seq2SeqStep:
    """Loss, gradients (``Seq2SeqModel.arrays`` order) and the greedy guesses made while decoding."""

    loss: float
    grads: tuple[np.ndarray, ...]
    predictions: np.ndarray  # (m, B) argmax at each step, given the inputs the decoder was fed


def loss_and_gradients(
    model: Seq2SeqModel, sources: np.ndarray, targets: np.ndarray, teacher_forcing: bool
) -> Seq2SeqStep:
    """Mean cross-entropy of the reversed digits and its exact gradients, fed truth or own guesses."""
    sources, targets = np.asarray(sources), np.asarray(targets)
    _check(sources, targets)
    dtype = model.weight_out.dtype
    m, B = targets.shape
    encoder_forward, state = _run(model.encoder, _one_hot(sources, DIGITS, dtype), None)
    # Teacher forcing feeds the true previous digits; otherwise the decoder's own guesses, which
    # are constants for the gradient (an argmax has none).
    previous = targets[:-1] if teacher_forcing else _greedy(model, state, m - 1)
    inputs = np.concatenate([np.full((1, B), GO), previous])
    decoder_forward, _ = _run(model.decoder, _one_hot(inputs, DIGITS + 1, dtype), state)
    hidden = decoder_forward.hidden_states.reshape(m * B, -1)  # type: ignore[attr-defined]
    log_probs = log_softmax(_logits(model, hidden))
    rows, flat = np.arange(m * B), targets.reshape(-1)
    loss = -float(np.sum(log_probs[rows, flat], dtype=np.float64)) / (m * B)
    if not math.isfinite(loss):
        raise ValueError(f"loss is {loss}: the weights hold inf or NaN, or the logits overflowed")
    d_logits = np.exp(log_probs)
    d_logits[rows, flat] -= 1
    d_logits /= m * B
    d_hidden = (d_logits @ model.weight_out).reshape(m, B, -1)
    if model.kind == "lstm":
        decoder_grads = lstm_backward(model.decoder, decoder_forward, d_hidden)  # type: ignore[arg-type]
        # The decoder's initial state is the encoder's final state: hand its gradient back.
        upstream = np.zeros_like(encoder_forward.hidden_states)  # type: ignore[attr-defined]
        upstream[-1] = decoder_grads.dh0
        encoder_grads = lstm_backward(model.encoder, encoder_forward, upstream, decoder_grads.dc0)  # type: ignore[arg-type]
    else:
        decoder_grads = rnn_backward(model.decoder, decoder_forward, d_hidden)  # type: ignore[arg-type]
        upstream = np.zeros_like(encoder_forward.hidden_states)  # type: ignore[attr-defined]
        upstream[-1] = decoder_grads.dh0
        encoder_grads = rnn_backward(model.encoder, encoder_forward, upstream)  # type: ignore[arg-type]
    grads = tuple(
        np.asarray(g, dtype=dtype)
        for g in (
            *(getattr(encoder_grads, n) for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")),
            *(getattr(decoder_grads, n) for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")),
            d_logits.T @ hidden,
            d_logits.sum(axis=0),
        )
    )
    predictions = np.argmax(log_probs, axis=1).reshape(m, B)
    return Seq2SeqStep(loss, grads, predictions)


def reversal_batch(
    rng: np.random.Generator, batch: int, length: int, exclude: frozenset[bytes] = frozenset()
) -> tuple[np.ndarray, np.ndarray]:
    """Random digit strings (length, B) and their reversals; rows found in ``exclude`` are redrawn."""
    if batch < 1 or length < 1:
        raise ValueError(f"batch and length must be >= 1, got {batch} and {length}")
    rows = rng.integers(0, DIGITS, size=(batch, length))
    for index in range(batch):
        while rows[index].tobytes() in exclude:
            rows[index] = rng.integers(0, DIGITS, size=length)
    sources = rows.T.copy()
    return sources, sources[::-1].copy()


@dataclass(frozen=True)
class TrainedSeq2Seq:
    """The loss curve of one training run and the trained model."""

    teacher_forcing: bool
    losses: np.ndarray  # (steps,)
    model: Seq2SeqModel = field(repr=False)


def train_seq2seq(
    model: Seq2SeqModel,
    teacher_forcing: bool,
    steps: int,
    length: int,
    rng: np.random.Generator,
    batch: int = 32,
    lr: float = 0.01,
    clip: float = 1.0,
    exclude: frozenset[bytes] = frozenset(),
    progress: Callable[[int, float], None] | None = None,
) -> TrainedSeq2Seq:
    """Adam on fresh random batches (never one of ``exclude``), clipped at a global norm of ``clip``."""
    if steps < 1 or not lr > 0 or not clip > 0:
        raise ValueError(f"need steps >= 1, lr > 0 and clip > 0, got {steps}, {lr}, {clip}")
    adam = init_adam(model.arrays())
    losses = np.empty(steps)
    for step in range(steps):
        sources, targets = reversal_batch(rng, batch, length, exclude)
        result = loss_and_gradients(model, sources, targets, teacher_forcing)
        grads = clip_by_global_norm(result.grads, clip).grads
        arrays, adam = adam_step(model.arrays(), grads, adam, lr)
        model = model.with_arrays(arrays)
        losses[step] = result.loss
        if progress is not None:
            progress(step + 1, result.loss)
    return TrainedSeq2Seq(teacher_forcing, losses, model)


@dataclass(frozen=True)
class Evaluation:
    """Greedy decoding of held-out sequences, free-running and fed the true prefix."""

    predictions: np.ndarray  # (m, N) free-running greedy output
    free_accuracy: np.ndarray  # (m,) per position, free-running
    forced_accuracy: np.ndarray  # (m,) per position, fed the true previous digits
    sequence_accuracy: float  # whole sequence right, free-running
    after_mistake_accuracy: float  # free-running positions after the first mistake: share right
    first_mistakes: np.ndarray  # (m,) how many sequences first go wrong at each position


def evaluate(model: Seq2SeqModel, sources: np.ndarray, targets: np.ndarray) -> Evaluation:
    """Decode held-out sources both ways and measure where and how errors happen."""
    m = targets.shape[0]
    return score(decode(model, sources, m), decode(model, sources, m, targets=targets), targets)


def score(free: np.ndarray, forced: np.ndarray, targets: np.ndarray) -> Evaluation:
    """Accuracy per position both ways, and how often a position after the first mistake is right."""
    if not free.shape == forced.shape == targets.shape or targets.ndim != 2:
        raise ValueError(f"need three (m, N) arrays, got {free.shape}, {forced.shape}, {targets.shape}")
    m = targets.shape[0]
    right = free == targets  # (m, N)
    wrong_so_far = np.cumsum(~right, axis=0) > 0  # a mistake at or before t
    after = np.zeros_like(right)
    after[1:] = wrong_so_far[:-1]  # positions strictly after the sequence's first mistake
    any_wrong = (~right).any(axis=0)
    first = np.argmax(~right, axis=0)  # first wrong position, meaningful where any_wrong
    return Evaluation(
        predictions=free,
        free_accuracy=right.mean(axis=1),
        forced_accuracy=(forced == targets).mean(axis=1),
        sequence_accuracy=float(right.all(axis=0).mean()),
        after_mistake_accuracy=float(right[after].mean()) if after.any() else math.nan,
        first_mistakes=np.bincount(first[any_wrong], minlength=m),
    )


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    test_sources, test_targets = reversal_batch(rng, 200, 5)
    held_out = frozenset(test_sources.T.copy()[i].tobytes() for i in range(200))
    for forcing in (True, False):
        start = init_seq2seq("lstm", 48, np.random.default_rng(1), np.float32)
        run = train_seq2seq(start, forcing, 400, 5, rng, exclude=held_out)
        result = evaluate(run.model, test_sources, test_targets)
        print("teacher forcing" if forcing else "own guesses", "loss", run.losses[-1].round(3))
        print("  free-running accuracy per position", result.free_accuracy.round(2))
        print("  fed the truth                     ", result.forced_accuracy.round(2))
        print("  right after a first mistake", round(result.after_mistake_accuracy, 3))
