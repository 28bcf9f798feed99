"""Every demo's view and JSON compared with golden text (80 columns, no colour, seed 0).

These pin what a learner sees, so moving code between modules cannot change it unnoticed. After an
intended change of a demo's output, regenerate with
``GLOSSARY_UPDATE_GOLDEN=1 python -m pytest tests/test_golden_demos.py`` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden" / "demos"

# For each demo: its defaults, and one set that moves every parameter it reasonably can.
RUNS = {
    "ngram_defaults": ("demo", "ngram"),
    "ngram_bigram_short_list": ("demo", "ngram", "--n", "2", "--k", "3", "--text", "the"),
    "rnn_unroll_defaults": ("demo", "rnn-unroll"),
    "rnn_unroll_short_text": ("demo", "rnn-unroll", "--steps", "6", "--hidden", "2", "--text", "the cat sat"),
    "lstm_step_defaults": ("demo", "lstm-step"),
    "lstm_step_low_forget_bias": ("demo", "lstm-step", "--hidden", "6", "--forget-bias", "-2"),
    "clipping_defaults": ("demo", "clipping"),
    "clipping_value": ("demo", "clipping", "--method", "value", "--max-norm", "1"),
    "gradient_flow_defaults": ("demo", "gradient-flow"),
    "gradient_flow_exploding": (
        "demo",
        "gradient-flow",
        "--rho",
        "1.1",
        "--steps",
        "12",
        "--forget-bias",
        "1",
    ),
    "next_item_defaults": ("demo", "next-item"),
    "next_item_small": ("demo", "next-item", "--users", "200", "--items", "50", "--k", "3"),
}

VIEWS = {
    "demos": ("demos",),
    "demos_json": ("demos", "--json"),
    **RUNS,
    **{f"{name}_json": (*args, "--json") for name, args in RUNS.items()},
}


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_demo_output_matches_its_golden_text(run, name: str) -> None:
    result = run(*VIEWS[name])
    assert result.exit_code == 0, result.output
    assert result.exception is None
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("GLOSSARY_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(result.output, encoding="utf-8")
    assert result.output == path.read_text(encoding="utf-8")
