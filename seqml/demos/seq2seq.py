"""Demo ``seq2seq``: an encoder-decoder learns to reverse digits, with and without teacher forcing.

Both decoders start from the same initial weights and see the same training batches; one is fed
the true previous digit while training (teacher forcing), the other its own previous guess. Both
are then decoded greedily, free-running, on held-out sequences. Importing this module does not
import NumPy; ``run`` does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from seqml.demos.base import Demo, Param

if TYPE_CHECKING:
    import numpy as np

NOTICE = (
    "After its first mistake the teacher-forced decoder is lost (it never saw its own errors "
    "while training) and the errors compound; the decoder trained on its own guesses recovers."
)

BATCH = 32
CLIP = 1.0  # global-norm clipping keeps Adam's early steps sane; not the lesson here
EXAMPLES = 4

Progress = Callable[[int, int, float], None]


@dataclass(frozen=True)
class DecoderRun:
    """One way of training the decoder, and how it did on the held-out sequences."""

    label: str  # "teacher forcing" or "own guesses"
    teacher_forcing: bool
    losses: np.ndarray  # (steps,) training loss, nats per digit
    free_accuracy: np.ndarray  # (length,) per position, greedy and free-running
    forced_accuracy: np.ndarray  # (length,) per position, fed the true previous digits
    sequence_accuracy: float  # whole sequence right, free-running
    after_mistake_accuracy: float  # share of positions right after the sequence's first mistake
    first_mistakes: np.ndarray  # (length,) sequences whose first mistake is at each position


@dataclass(frozen=True)
class ReversalExample:
    """One held-out sequence, its reversal, and each decoder's free-running output."""

    source: str
    target: str
    outputs: tuple[str, ...]  # one per run, in the order of Seq2SeqResult.runs


@dataclass(frozen=True)
class Seq2SeqResult:
    """The setting, both runs and a few examples."""

    cell: str
    hidden: int
    length: int
    steps: int
    batch: int  # sequences per training step
    lr: float
    test_size: int
    runs: tuple[DecoderRun, ...]
    examples: tuple[ReversalExample, ...]


def _digits(column: np.ndarray) -> str:
    """A (length,) digit array as a string."""
    return "".join(str(int(d)) for d in column)


def run(params: dict[str, Any], rng: np.random.Generator, progress: Progress | None = None) -> Seq2SeqResult:
    """Train the decoder both ways from one start and evaluate both free-running on held-out data."""
    import numpy as np

    from seqml.seq2seq import evaluate, init_seq2seq, reversal_batch, train_seq2seq

    length, steps, test_size = params["length"], params["steps"], params["test"]
    test_sources, test_targets = reversal_batch(rng, test_size, length)
    held_out = frozenset(row.tobytes() for row in test_sources.T.copy())
    start = init_seq2seq(params["cell"], params["hidden"], rng, np.float32)
    data_seed = int(rng.integers(2**32))  # both runs see exactly the same training batches
    runs, outputs = [], []
    for index, (label, forcing) in enumerate((("teacher forcing", True), ("own guesses", False))):

        def report(step: int, loss: float, done: int = index * steps) -> None:
            if progress is not None:
                progress(done + step, 2 * steps, loss)

        trained = train_seq2seq(
            start,
            forcing,
            steps,
            length,
            np.random.default_rng(data_seed),
            batch=BATCH,
            lr=params["lr"],
            clip=CLIP,
            exclude=held_out,
            progress=report,
        )
        scores = evaluate(trained.model, test_sources, test_targets)
        outputs.append(scores.predictions)
        runs.append(
            DecoderRun(
                label=label,
                teacher_forcing=forcing,
                losses=trained.losses,
                free_accuracy=scores.free_accuracy,
                forced_accuracy=scores.forced_accuracy,
                sequence_accuracy=scores.sequence_accuracy,
                after_mistake_accuracy=scores.after_mistake_accuracy,
                first_mistakes=scores.first_mistakes,
            )
        )
    # Examples where the teacher-forced decoder goes wrong before its last digit (where compounding
    # can show), then any others, in test-set order.
    wrong = outputs[0] != test_targets  # (length, N)
    early = wrong[:-1].any(axis=0)
    order = [int(i) for i in np.flatnonzero(early)] + [int(i) for i in np.flatnonzero(~early)]
    examples = tuple(
        ReversalExample(
            source=_digits(test_sources[:, i]),
            target=_digits(test_targets[:, i]),
            outputs=tuple(_digits(output[:, i]) for output in outputs),
        )
        for i in order[:EXAMPLES]
    )
    return Seq2SeqResult(
        cell=params["cell"],
        hidden=params["hidden"],
        length=length,
        steps=steps,
        batch=BATCH,
        lr=params["lr"],
        test_size=test_size,
        runs=tuple(runs),
        examples=examples,
    )


DEMO = Demo(
    name="seq2seq",
    title="Sequence to sequence: teacher forcing and exposure bias",
    summary="An encoder-decoder reverses digits; teacher forcing vs feeding its own guesses.",
    terms=("sequence-to-sequence", "encoder-decoder", "teacher-forcing"),
    params=(
        Param("cell", "choice", "lstm", choices=("lstm", "rnn"), help="encoder and decoder layer"),
        Param("hidden", "int", 48, 4, 128, help="size of the state the encoder hands over"),
        Param("length", "int", 6, 2, 8, help="digits per sequence"),
        Param("steps", "int", 300, 1, 3000, help="Adam updates per decoder"),
        Param("lr", "float", 0.01, 1e-4, 1.0, help="Adam learning rate"),
        Param("test", "int", 300, 10, 2000, help="held-out sequences decoded greedily"),
    ),
    notice=NOTICE,
    runner=run,
    trains=True,
    code=(
        "seqml.seq2seq:loss_and_gradients",
        "seqml.seq2seq:decode",
        "seqml.seq2seq:evaluate",
    ),
)


if __name__ == "__main__":
    import numpy as np

    from seqml.demos.base import validate_params

    result = run(validate_params(DEMO, {}), np.random.default_rng(0))
    for decoder in result.runs:
        print(decoder.label, decoder.free_accuracy.round(2), round(decoder.after_mistake_accuracy, 2))
