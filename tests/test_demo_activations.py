"""The activations demo: the contract, the saturation and temperature lessons, and its view."""

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

from glossary.render.demos.activations import view
from seqml.activations import entropy, softmax_with_temperature
from seqml.demos import activations
from seqml.demos.base import ParamError, code_sources, to_jsonable, validate_params

DEMO = activations.DEMO
ROOT = Path(__file__).resolve().parent.parent


def run(seed: int = 0, **raw: object) -> activations.ActivationsResult:
    """Validate raw parameters as the command line would, then run."""
    return DEMO.run(validate_params(DEMO, raw), np.random.default_rng(seed))


def render(result: activations.ActivationsResult, width: int) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None)
    console.print(view(result))
    return console.file.getvalue()


def bundled_slugs() -> set[str]:
    text = "".join(path.read_text(encoding="utf-8") for path in (ROOT / "data" / "terms").glob("*.toml"))
    return set(re.findall(r'^slug = "([^"]+)"', text, flags=re.MULTILINE))


def test_demo_record_names_bundled_terms_real_code_and_a_short_summary():
    assert DEMO.name == "activations" and len(DEMO.summary) <= 80
    assert set(DEMO.terms) <= bundled_slugs()
    assert next(name for name, _ in code_sources(DEMO)) == "seqml.activations.sigmoid_derivative"
    assert activations.NOTICE.count(". ") == 0 and activations.NOTICE.endswith(".")


def test_importing_the_demo_module_loads_no_numpy():
    code = "import sys, seqml.demos.activations; print('numpy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.strip() == "False"


def test_defaults_show_sigmoid_flat_only_at_six_tanh_from_three_and_relu_dead_below_zero():
    result = run()
    curves = {curve.name: curve for curve in result.curves}
    x = result.x
    assert x.tolist() == list(np.arange(-6.0, 7.0))
    assert x[curves["sigmoid"].flat].tolist() == [-6.0, 6.0]
    assert x[curves["tanh"].flat].tolist() == [-6.0, -5.0, -4.0, -3.0, 3.0, 4.0, 5.0, 6.0]
    assert x[curves["relu"].flat].tolist() == [-6.0, -5.0, -4.0, -3.0, -2.0, -1.0, 0.0]
    assert curves["relu"].slopes[x > 0].tolist() == [1.0] * 6
    assert curves["sigmoid"].saturation == pytest.approx(5.99, abs=0.005)
    assert curves["tanh"].saturation == pytest.approx(2.99, abs=0.005)
    assert math.isinf(curves["relu"].saturation)


def test_defaults_show_temperature_trading_the_top_probability_for_entropy():
    result = run(temperature=4.0)
    assert [row.temperature for row in result.temperatures] == [0.5, 1.0, 2.0, 4.0]
    entropies = [row.entropy for row in result.temperatures]
    tops = [row.top_probability for row in result.temperatures]
    assert entropies == sorted(entropies) and tops == sorted(tops, reverse=True)
    assert entropies[-1] < math.log(len(result.logits))
    one = result.temperatures[1]
    np.testing.assert_allclose(one.probabilities, softmax_with_temperature(result.logits, 1.0), rtol=1e-15)
    assert one.entropy == pytest.approx(float(entropy(one.probabilities)))


def test_parameters_at_their_edges_run_and_bad_ones_are_refused():
    narrow = run(function="relu", low=-50, high=50, points=3, temperature=0.05, logits="1000, -1000")
    assert [curve.name for curve in narrow.curves] == ["relu"] and narrow.x.tolist() == [-50.0, 0.0, 50.0]
    assert narrow.temperatures[0].probabilities.tolist() == [1.0, 0.0]
    with pytest.raises(ParamError, match="low must be below high"):
        run(low=2, high=2)
    with pytest.raises(ParamError, match="2 to 8 numbers"):
        run(logits="1")
    with pytest.raises(ParamError, match="numbers separated"):
        run(logits="1 two")
    with pytest.raises(ParamError, match="finite"):
        run(logits="1 inf")
    with pytest.raises(ParamError):
        run(temperature=0)


def test_result_turns_into_strict_json():
    data = to_jsonable(run())
    text = json.dumps(data, allow_nan=False)
    assert '"saturation": "inf"' in text and len(data["curves"][0]["slopes"]) == 13


@pytest.mark.parametrize("width", [60, 80, 120])
def test_view_fits_the_width_without_trailing_spaces_and_keeps_the_numbers(width):
    result = run(temperature=0.25, logits="3 1 0.5 0 -1 -2 -3 -4")
    text = render(result, width)
    lines = text.splitlines()
    assert all(len(line) <= width and line == line.rstrip() for line in lines)
    assert "|x|>5.99" in text and "|x|>2.99" in text
    assert "2.5e-05*" in text  # tanh'(6), flat, starred
    assert "T=0.25" in text and "p_j = exp(z_j / T) / sum_k exp(z_k / T)" in lines


def test_view_drops_value_columns_before_any_digit_when_narrow():
    result = run(low=-50, high=50, points=41)  # x like -47.5 and relu values like 50.0000
    wide, narrow = render(result, 120), render(result, 60)
    assert "sigmoid'" in wide and "50.0000" in wide
    assert "relu'(x)" in narrow and "50.0000" not in narrow  # values gone, slopes kept
    assert "-47.5     2.3e-21*  2.2e-41*        0*" in narrow.splitlines()
