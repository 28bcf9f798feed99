"""The backprop demo: the contract, a correct narrated backward pass, and its view."""

from __future__ import annotations

import io
import json
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console

from glossary.render.demos.backprop import view
from seqml.demos import backprop
from seqml.demos.base import ParamError, code_sources, to_jsonable, validate_params

DEMO = backprop.DEMO
ROOT = Path(__file__).resolve().parent.parent


def run(seed: int = 0, **raw: object) -> backprop.BackpropResult:
    """Validate raw parameters as the command line would, then run."""
    return DEMO.run(validate_params(DEMO, raw), np.random.default_rng(seed))


def render(result: backprop.BackpropResult, width: int) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None)
    console.print(view(result))
    return console.file.getvalue()


def test_demo_record_names_bundled_terms_real_code_and_a_short_summary():
    text = "".join(path.read_text(encoding="utf-8") for path in (ROOT / "data" / "terms").glob("*.toml"))
    assert set(DEMO.terms) <= set(re.findall(r'^slug = "([^"]+)"', text, flags=re.MULTILINE))
    assert DEMO.name == "backprop" and len(DEMO.summary) <= 80
    assert [name for name, _ in code_sources(DEMO)][:2] == [
        "seqml.backprop.mlp_forward",
        "seqml.backprop.mlp_backward",
    ]
    assert backprop.NOTICE.endswith(".") and ". " not in backprop.NOTICE


def test_importing_the_demo_module_loads_no_numpy():
    code = "import sys, seqml.demos.backprop; print('numpy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.strip() == "False"


def test_defaults_narrate_the_two_layer_backward_pass_and_agree_with_finite_differences():
    result = run()
    assert result.sizes == (3, 4, 3) and result.activation == "tanh"
    names = [step.name for step in result.steps]
    assert names == ["dlogits", "dW2", "db2", "dh1", "dz1", "dW1", "db1", "dx"]
    shapes = {step.name: step.value.shape for step in result.steps}
    assert shapes["dW2"] == (3, 4) and shapes["dW1"] == (4, 3) and shapes["dx"] == (2, 3)
    forward = result.forward
    picked = forward.probabilities[np.arange(2), forward.target]
    assert forward.loss == pytest.approx(float(-np.log(picked).mean()), rel=1e-12)
    dlogits = result.steps[0].value
    expected = (forward.probabilities - np.eye(3)[forward.target]) / 2
    np.testing.assert_allclose(dlogits, expected, rtol=1e-14, atol=1e-16)
    assert result.max_relative_error < 1e-8
    assert [check.name for check in result.checks] == ["W1", "W2", "b1", "b2", "x"]


def test_deep_relu_network_with_a_batch_of_one_and_widest_layers_still_checks_out():
    result = run(layers=3, hidden=8, activation="relu", batch=1)
    assert result.sizes == (3, 8, 8, 8, 3)
    names = [step.name for step in result.steps]
    assert names[:5] == ["dlogits", "dW4", "db4", "dh3", "dz3"] and names[-1] == "dx"
    assert next(step for step in result.steps if step.name == "dz2").equation == "dz2 = dh2 * [z2 > 0]"
    assert result.max_relative_error < 1e-7


def test_out_of_range_parameters_are_refused():
    for raw in ({"hidden": 0}, {"layers": 4}, {"batch": 9}, {"activation": "sigmoid"}):
        with pytest.raises(ParamError):
            validate_params(DEMO, raw)


def test_result_turns_into_strict_json():
    data = to_jsonable(run())
    json.dumps(data, allow_nan=False)
    assert data["steps"][0]["name"] == "dlogits"
    assert math.isfinite(data["forward"]["loss"])


@pytest.mark.parametrize("width", [60, 80, 120])
@pytest.mark.parametrize("raw", [{}, {"layers": 3, "hidden": 8, "batch": 8, "activation": "relu"}])
def test_view_fits_the_width_without_trailing_spaces(width, raw):
    text = render(run(**raw), width)
    lines = text.splitlines()
    assert all(len(line) <= width and line == line.rstrip() for line in lines)
    assert "1. dlogits = (softmax(logits) - onehot(y)) / B" in text
    assert "dL/dw ~ (L(w + e) - L(w - e)) / 2e" in lines


def test_view_prints_every_gradient_value_in_column_blocks_when_narrow():
    result = run(layers=2, hidden=8, batch=8)
    narrow = render(result, 60)
    assert "columns 0..5" in narrow and "columns 6..7" in narrow
    dW2 = next(step for step in result.steps if step.name == "dW2").value
    corner = dW2[0, 7]
    shown = f"{corner:+.4f}" if abs(corner) >= 1e-3 else f"{corner:+.1e}"
    assert shown in narrow
