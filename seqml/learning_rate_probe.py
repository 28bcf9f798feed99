"""Which learning rate diverges? Train the same character model at several rates and see.

Every rate starts from the same weights and reads the same chunks, so the step size is the only
difference; a rate "blows up" as ``seqml.char_model.train`` defines it (a non-finite loss or
gradient, or a loss past the configured ceiling). This is the data behind the quiz question.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from seqml.char_model import CharCorpus, CharModel, TrainingConfig, train


@dataclass(frozen=True)
class RateOutcome:
    """How one learning rate fared: the step it blew up at (1-based), or None, and its last loss."""

    lr: float
    blow_up_step: int | None
    final_loss: float  # the last loss of an update that went through


def probe_learning_rates(
    model: CharModel,
    corpus: CharCorpus,
    rates: Sequence[float],
    config: TrainingConfig,
    rng: np.random.Generator,
) -> tuple[RateOutcome, ...]:
    """Train a copy of ``model`` at each rate (else as ``config`` says) and report which diverge.

    The answer to "which learning rate diverges?": every rate starts from the same weights and
    reads the same chunks, so the only difference is the step size.
    """
    outcomes = []
    for lr in rates:
        run = train(model, corpus, replace(config, lr=float(lr), sample_at=()), rng)
        kept = run.losses[:-1] if run.blow_up is not None else run.losses
        step = None if run.blow_up is None else run.blow_up.step + 1
        outcomes.append(RateOutcome(float(lr), step, float(kept[-1]) if len(kept) else math.nan))
    return tuple(outcomes)


if __name__ == "__main__":
    from pathlib import Path

    from seqml.char_model import encode_text, init_char_model

    text = (Path(__file__).resolve().parent.parent / "data" / "corpora" / "nursery.txt").read_text()
    corpus = encode_text(text)
    rng = np.random.default_rng(0)
    model = init_char_model("rnn", len(corpus.vocabulary), 32, rng)
    config = TrainingConfig(steps=40, max_loss=2 * math.log(len(corpus.vocabulary)))
    for outcome in probe_learning_rates(model, corpus, (0.3, 5.0), config, rng):
        print(outcome)
