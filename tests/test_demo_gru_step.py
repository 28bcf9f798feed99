"""The gru-step demo: its contract, its lesson (a high update bias copies the state), its view."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console

from glossary.render.demos.gru_step import view
from glossary.render.trim import trimming
from seqml.demos import gru_step
from seqml.demos.base import ParamError, code_sources, to_jsonable, validate_params
from seqml.gru import gru_cell, init_gru

ROOT = Path(__file__).resolve().parent.parent
DEMO = gru_step.DEMO


def run(seed: int = 0, **raw: object) -> gru_step.GRUStepResult:
    """Validate raw parameters as the command line would, then run with a seeded generator."""
    return DEMO.run(validate_params(DEMO, raw), np.random.default_rng(seed))


def render(renderable, width: int) -> str:
    console = trimming(Console(width=width, file=io.StringIO(), color_system=None))
    console.print(renderable)
    return console.file.getvalue()


def bundled_slugs() -> set[str]:
    text = "".join(path.read_text(encoding="utf-8") for path in (ROOT / "data" / "terms").glob("*.toml"))
    return set(re.findall(r'^slug = "([^"]+)"', text, flags=re.MULTILINE))


def test_demo_declares_name_terms_code_notice_and_a_short_summary():
    assert DEMO.name == "gru-step"
    assert len(DEMO.summary) <= 80 and DEMO.title
    assert set(DEMO.terms) <= bundled_slugs()
    assert {name for name, _ in code_sources(DEMO)} == {"seqml.gru.gru_cell", "seqml.gru.init_gru"}
    assert gru_step.NOTICE.endswith(".") and gru_step.NOTICE.count(". ") == 0
    assert validate_params(DEMO, {}) == {"hidden": 4, "update_bias": 2.0}


def test_importing_the_demo_module_loads_no_numpy():
    code = "import sys, seqml.demos.gru_step; print('numpy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.strip() == "False"


def test_default_run_is_one_gru_cell_step_split_into_copied_and_written_parts():
    result = run(seed=3)
    rng = np.random.default_rng(3)
    params = init_gru(gru_step.INPUT_SIZE, 4, rng, update_bias=2.0)
    x = rng.normal(size=(1, gru_step.INPUT_SIZE))
    h_prev = rng.uniform(-0.9, 0.9, size=(1, 4))
    h, cache = gru_cell(params, x, h_prev)
    np.testing.assert_array_equal(result.h, h[0])
    np.testing.assert_array_equal(result.update_gate, cache.update_gate[0])
    np.testing.assert_allclose(result.copied + result.written, result.h, rtol=1e-14)
    np.testing.assert_allclose(result.copied, result.update_gate * result.h_prev, rtol=1e-14)
    assert result.mean_update == pytest.approx(float(result.update_gate.mean()))


@pytest.mark.parametrize("seed", range(5))
def test_lesson_at_the_defaults_the_new_state_is_mostly_the_copied_old_state(seed):
    result = run(seed=seed)
    assert result.mean_update > 0.75
    # h' sits nearer h than n on every unit where they differ: z > 1/2 does the copying.
    assert np.all(np.abs(result.h - result.h_prev) < np.abs(result.h - result.candidate))


def test_a_low_update_bias_writes_the_candidate_instead():
    result = run(update_bias="-5")
    assert result.mean_update < 0.05
    np.testing.assert_allclose(result.h, result.candidate, atol=0.1)


EDGES = [{"hidden": "1"}, {"hidden": "8"}, {"update_bias": "5"}, {"update_bias": "-5"}]
OUT_OF_RANGE = [{"hidden": "0"}, {"hidden": "9"}, {"update_bias": "6"}, {"update_bias": "nan"}]


@pytest.mark.parametrize("raw", EDGES)
def test_edge_parameters_run_and_give_json_ready_results(raw):
    result = run(**raw)
    hidden = int(raw.get("hidden", 4))
    assert result.h.shape == result.reset_gate.shape == (hidden,)
    assert np.all((result.update_gate > 0) & (result.update_gate < 1))
    json.dumps(to_jsonable(result))


@pytest.mark.parametrize("raw", OUT_OF_RANGE)
def test_parameters_out_of_range_are_refused(raw):
    with pytest.raises(ParamError):
        validate_params(DEMO, raw)


@pytest.mark.parametrize("width", [60, 80, 120])
@pytest.mark.parametrize("raw", [{}, {"hidden": "8", "update_bias": "-5"}, {"hidden": "1"}])
def test_view_fits_the_width_without_trailing_spaces_and_keeps_every_digit(width, raw):
    result = run(**raw)
    output = render(view(result), width)
    lines = output.splitlines()
    assert all(len(line) <= width for line in lines)
    assert all(line == line.rstrip() for line in lines)
    for values in (result.h_prev, result.candidate, result.copied, result.written, result.h):
        for value in values:
            assert f"{value:+.3f}" in output
    for value in (*result.reset_gate, *result.update_gate):
        assert f"{value:.2f}" in output
    assert "h' = (1 - z) * n + z * h" in lines  # the key equation on a line of its own
    assert f"z averages {result.mean_update:.2f}" in output


def test_view_draws_gauges_only_when_there_is_room():
    result = run()
    assert "█" not in render(view(result), 60)
    assert "█" in render(view(result), 100)
