"""Every demo's view and JSON compared with golden text (80 columns, no colour, seed 0).

These pin what a learner sees, so moving code between modules cannot change it unnoticed. After an
intended change of a demo's output, regenerate with
``GLOSSARY_UPDATE_GOLDEN=1 python -m pytest tests/test_golden_demos.py`` and review the diff.
"""

from __future__ import annotations

import json
import math
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
    golden = path.read_text(encoding="utf-8")
    if name.endswith("_json"):
        assert_same_json(json.loads(result.output), json.loads(golden))
    else:
        assert result.output == golden


def assert_same_json(got: object, want: object, where: str = "$") -> None:
    """Equal JSON, with floats equal to 1e-12 relative: the last of 17 digits of a sum or a log
    may differ between NumPy releases and BLAS builds. Text goldens print rounded values, so
    they stay byte for byte."""
    if isinstance(want, float) and isinstance(got, (int, float)):
        assert math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-300), f"{where}: {got!r} != {want!r}"
    elif isinstance(want, dict):
        assert isinstance(got, dict) and list(got) == list(want), f"{where}: keys {list(got)} != {list(want)}"
        for key in want:
            assert_same_json(got[key], want[key], f"{where}.{key}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), f"{where}: {got!r} != {want!r}"
        for index, (mine, theirs) in enumerate(zip(got, want, strict=True)):
            assert_same_json(mine, theirs, f"{where}[{index}]")
    else:
        assert type(got) is type(want) and got == want, f"{where}: {got!r} != {want!r}"


def test_json_goldens_tolerate_only_the_last_digits_of_a_float() -> None:
    assert_same_json({"p": [0.034191571225763405]}, {"p": [0.034191571225763384]})
    with pytest.raises(AssertionError, match=r"\$\.p\[0\]"):
        assert_same_json({"p": [0.0341915712]}, {"p": [0.034191571225763384]})
    with pytest.raises(AssertionError):
        assert_same_json({"p": "0.5"}, {"p": 0.5})
