"""Demo ``train``: watch a character model learn, explode without clipping, survive with it.

The model is trained twice from the very same initial weights on the very same chunks, changing
one thing (``compare``): clipping off and on, or full and truncated BPTT. Every step's loss and
gradient norm are kept, so the curves can be drawn side by side. Importing this module does not
import NumPy; ``run`` does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from seqml.demos.base import Demo, Param, ParamError

if TYPE_CHECKING:
    import numpy as np

    from seqml.char_model import CharCorpus, CharModel, TrainingConfig

NOTICE = (
    "Without clipping one gradient spike throws the weights away and the loss shoots past "
    "twice the uniform guess; the same rate with the global norm clipped keeps learning."
)

CHUNK_LENGTH = 32  # characters per chunk (T)
BATCH = 16  # parallel streams through the corpus (B)
DIVERGENCE = 2.0  # a loss above DIVERGENCE * ln V (worse than guessing, twice over) is a blow-up
MAX_VOCABULARY = 256  # one-hot inputs: a bigger alphabet would make the demo slow, not clearer
PRIME = "the "  # what sampled text starts from (falls back to the corpus's first character)
SAMPLE_LENGTH = 40

Progress = Callable[[int, int, float], None]


@dataclass(frozen=True)
class TrainSample:
    """Text drawn from the model after ``step`` updates (same random numbers at every step)."""

    step: int
    text: str


@dataclass(frozen=True)
class TrainCurve:
    """One training run: its setting, full loss and gradient-norm curves, and how it ended."""

    label: str  # what distinguishes this run, e.g. "no clipping"
    clip: float  # max global norm, 0 = off
    window: int  # BPTT window; 0 = full BPTT over the chunk
    losses: np.ndarray  # (done,) mean cross-entropy per update, nats per character
    grad_norms: np.ndarray  # (done,) global 2-norm before clipping
    clipped: np.ndarray  # (done,) bool, True where clipping scaled the step down
    blow_up_step: int | None  # 1-based update at which the run broke, or None
    blow_up_quantity: str  # "loss", "gradient norm", "weights" or ""
    blow_up_value: float  # the offending value (nan when none)
    samples: tuple[TrainSample, ...]

    @property
    def final_loss(self) -> float:
        """The loss of the last update that went through (the one before a blow-up, if any)."""
        kept = self.losses[:-1] if self.blow_up_step is not None else self.losses
        return float(kept[-1]) if len(kept) else float("nan")


@dataclass(frozen=True)
class TrainResult:
    """Everything the view draws: the setting, the reference losses and each run's curves."""

    model: str
    hidden: int
    steps: int
    lr: float
    optimizer: str
    compare: str
    corpus_characters: int
    vocabulary_size: int
    uniform_loss: float  # ln V: the loss of guessing every character equally likely
    divergence_loss: float  # DIVERGENCE * ln V: a loss above it ends a run as a blow-up
    runs: tuple[TrainCurve, ...]


def _settings(params: dict[str, Any]) -> list[tuple[str, float, int]]:
    """(label, clip, window) for each run the ``compare`` choice asks for."""
    clip, window = params["clip"], params["window"] if params["bptt"] == "truncated" else 0
    compare = params["compare"]
    if compare == "clipping":
        if clip <= 0:
            raise ParamError("compare=clipping needs clip > 0 (the max norm of the clipped run)", "clip")
        return [("no clipping", 0.0, window), (f"clip at {clip:g}", clip, window)]
    if compare == "truncation":
        return [("full BPTT", clip, 0), (f"truncated k={params['window']}", clip, params["window"])]
    shown = f"clip at {clip:g}" if clip > 0 else "no clipping"
    bptt = f"truncated k={window}" if window else "full BPTT"
    return [(f"{bptt}, {shown}", clip, window)]


def _sample_steps(steps: int) -> tuple[int, ...]:
    """A few points to sample text at: early, midway and at the end."""
    return tuple(sorted({max(1, steps // 10), max(1, steps // 2), steps}))


def _corpus(params: dict[str, Any]) -> CharCorpus:
    """The training text as character ids, refused early when the demo could not use it."""
    from seqml.char_model import encode_text
    from seqml.demos.corpus import corpus_text

    text = corpus_text(params, "train")
    if len(set(text)) > MAX_VOCABULARY:
        raise ParamError(f"the corpus uses {len(set(text))} distinct characters; at most {MAX_VOCABULARY}")
    needed = BATCH * CHUNK_LENGTH + 1
    if len(text) < needed:
        raise ParamError(f"the corpus has {len(text)} characters; the demo needs at least {needed}", "corpus")
    return encode_text(text)


def _one_run(
    start: CharModel,
    corpus: CharCorpus,
    config: TrainingConfig,
    label: str,
    sample_seed: int,
    progress: Callable[[int, float], None] | None,
) -> TrainCurve:
    """Train one copy of the start model and keep what the view needs."""
    import math

    import numpy as np

    from seqml.char_model import train

    run = train(start, corpus, config, np.random.default_rng(sample_seed), progress)
    blow_up = run.blow_up
    return TrainCurve(
        label=label,
        clip=config.clip,
        window=config.window or 0,
        losses=run.losses,
        grad_norms=run.grad_norms,
        clipped=run.clipped,
        blow_up_step=None if blow_up is None else blow_up.step + 1,
        blow_up_quantity="" if blow_up is None else blow_up.quantity,
        blow_up_value=math.nan if blow_up is None else blow_up.value,
        samples=tuple(TrainSample(sample.step, sample.text) for sample in run.samples),
    )


def run(params: dict[str, Any], rng: np.random.Generator, progress: Progress | None = None) -> TrainResult:
    """Train the model once per setting of ``compare``, from one initial state, and keep the curves."""
    import math

    import numpy as np

    from seqml.char_model import TrainingConfig, init_char_model

    corpus = _corpus(params)
    settings = _settings(params)
    vocabulary_size = len(corpus.vocabulary)
    uniform = math.log(vocabulary_size)
    start = init_char_model(params["model"], vocabulary_size, params["hidden"], rng, np.float32)
    sample_seed = int(rng.integers(2**32))  # every run samples with the same random numbers
    prime = PRIME if all(char in corpus.vocabulary for char in PRIME) else corpus.decode(corpus.ids[:1])
    steps = params["steps"]
    total = steps * len(settings)
    runs = []
    for index, (label, clip, window) in enumerate(settings):
        config = TrainingConfig(
            steps=steps,
            lr=params["lr"],
            clip=clip,
            window=window or None,
            length=CHUNK_LENGTH,
            batch=BATCH,
            optimizer=params["optimizer"],
            sample_at=_sample_steps(steps),
            sample_length=SAMPLE_LENGTH,
            prime=prime,
            max_loss=DIVERGENCE * uniform,
        )
        done_before = index * steps

        def report(step: int, loss: float, done_before: int = done_before) -> None:
            if progress is not None:
                progress(done_before + step, total, loss)

        curve = _one_run(start, corpus, config, label, sample_seed, report)
        if progress is not None and curve.blow_up_step is not None:
            progress(done_before + steps, total, float(curve.losses[-1]))  # a stopped run is done
        runs.append(curve)
    return TrainResult(
        model=params["model"],
        hidden=params["hidden"],
        steps=steps,
        lr=params["lr"],
        optimizer=params["optimizer"],
        compare=params["compare"],
        corpus_characters=len(corpus.ids),
        vocabulary_size=vocabulary_size,
        uniform_loss=uniform,
        divergence_loss=DIVERGENCE * uniform,
        runs=tuple(runs),
    )


DEMO = Demo(
    name="train",
    title="Training a character model: BPTT, exploding gradients and clipping",
    summary="Train a char RNN twice: without clipping it blows up, with clipping it learns.",
    terms=(
        "backpropagation-through-time",
        "truncated-backpropagation-through-time",
        "gradient-clipping",
        "exploding-gradient-problem",
    ),
    params=(
        Param("model", "choice", "rnn", choices=("rnn", "lstm"), help="tanh RNN or LSTM layer"),
        Param("hidden", "int", 64, 4, 256, help="size of the hidden state"),
        Param("steps", "int", 400, 1, 2000, help="updates per run"),
        Param("lr", "float", 3.0, 1e-4, 100.0, help="learning rate (3 is high enough to blow up)"),
        Param("clip", "float", 0.5, 0.0, 1000.0, help="max global gradient norm; 0 turns clipping off"),
        Param("bptt", "choice", "full", choices=("full", "truncated"), help="full or truncated BPTT"),
        Param("window", "int", 8, 1, CHUNK_LENGTH, help="truncated BPTT: gradients stop every k steps"),
        Param(
            "compare",
            "choice",
            "clipping",
            choices=("clipping", "truncation", "none"),
            help="what the two runs differ in: clip off/on, full/truncated BPTT, or one run only",
        ),
        Param("optimizer", "choice", "sgd", choices=("sgd", "adam"), help="plain SGD or Adam"),
        Param(
            "corpus",
            "str",
            "",
            help="training text file (default: the bundled nursery corpus)",
        ),
    ),
    notice=NOTICE,
    runner=run,
    trains=True,
    code=(
        "seqml.char_model:loss_and_gradients",
        "seqml.char_model:train",
        "seqml.clipping:clip_by_global_norm",
    ),
)


if __name__ == "__main__":
    from pathlib import Path

    import numpy as np

    from seqml.demos.base import validate_params

    nursery = Path(__file__).resolve().parents[2] / "data" / "corpora" / "nursery.txt"
    values = validate_params(DEMO, {}) | {"corpus_text": nursery.read_text(encoding="utf-8")}
    result = run(values, np.random.default_rng(0))
    for curve in result.runs:
        print(curve.label, "blow-up at", curve.blow_up_step, "final loss", round(curve.final_loss, 3))
