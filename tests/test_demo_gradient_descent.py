"""The gradient-descent demo: the contract, crawl / converge / diverge at the defaults, and its view."""

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

from glossary.render.demos.gradient_descent import sparkline, view
from seqml.demos import gradient_descent
from seqml.demos.base import ParamError, code_sources, to_jsonable, validate_params

DEMO = gradient_descent.DEMO
ROOT = Path(__file__).resolve().parent.parent


def run(seed: int = 0, **raw: object) -> gradient_descent.GradientDescentResult:
    """Validate raw parameters as the command line would, then run."""
    return DEMO.run(validate_params(DEMO, raw), np.random.default_rng(seed))


def render(result: gradient_descent.GradientDescentResult, width: int) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None)
    console.print(view(result))
    return console.file.getvalue()


def test_demo_record_names_bundled_terms_real_code_and_a_short_summary():
    text = "".join(path.read_text(encoding="utf-8") for path in (ROOT / "data" / "terms").glob("*.toml"))
    assert set(DEMO.terms) <= set(re.findall(r'^slug = "([^"]+)"', text, flags=re.MULTILINE))
    assert DEMO.name == "gradient-descent" and len(DEMO.summary) <= 80
    assert code_sources(DEMO)[0][0] == "seqml.gradient_descent.descend"
    assert gradient_descent.NOTICE.endswith(".") and ". " not in gradient_descent.NOTICE


def test_importing_the_demo_module_loads_no_numpy():
    code = "import sys, seqml.demos.gradient_descent; print('numpy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize("seed", range(5))
def test_default_rates_crawl_converge_and_diverge_under_full_batch_descent(seed):
    result = run(seed)
    assert result.automatic and result.critical_lr == pytest.approx(2 / result.lambda_max, rel=1e-12)
    full = [r for r in result.runs if r.method == "gradient descent"]
    assert [r.multiple for r in full] == pytest.approx([0.05, 0.5, 1.1])
    assert [r.run.verdict for r in full] == ["crawls", "converges", "diverges"]
    assert [r.regime for r in full] == ["converges", "converges", "diverges"]
    diverged = full[2].run
    assert diverged.diverged_at is not None and len(diverged.losses) == diverged.diverged_at + 1


def test_default_sgd_follows_the_same_pattern_at_the_default_seed():
    sgd = [r for r in run().runs if r.method == "SGD"]
    assert [r.run.batch for r in sgd] == [16, 16, 16]
    assert [r.run.verdict for r in sgd] == ["crawls", "converges", "diverges"]
    full_curves = {r.run.lr for r in run().runs}
    assert len(full_curves) == 3 and all(len(r.run.losses) == 101 for r in sgd[:2])


def test_an_explicit_learning_rate_runs_only_that_rate_and_reports_its_multiple():
    result = run(lr=0.1, steps=20, batch=200)
    assert not result.automatic and len(result.runs) == 2
    assert all(r.run.lr == 0.1 for r in result.runs)
    assert result.runs[0].multiple == pytest.approx(0.1 / result.critical_lr)
    np.testing.assert_array_equal(result.runs[0].run.losses, result.runs[1].run.losses)  # batch = N


def test_the_largest_learning_rate_is_stopped_within_a_few_steps_without_a_warning():
    full, sgd = run(lr=100, steps=2000, batch=1).runs
    for rate_run in (full, sgd):  # 100 is about 100x the critical rate: a few steps suffice
        assert rate_run.run.verdict == "diverges"
        assert rate_run.run.diverged_at is not None and rate_run.run.diverged_at < 20


def test_out_of_range_parameters_are_refused():
    for raw in ({"lr": -1}, {"steps": 0}, {"batch": 201}, {"lr": "fast"}):
        with pytest.raises(ParamError):
            validate_params(DEMO, raw)


def test_result_turns_into_strict_json_with_every_loss_kept():
    data = to_jsonable(run(steps=150))
    json.dumps(data, allow_nan=False)
    assert len(data["runs"][0]["run"]["losses"]) == 151


def test_sparkline_spans_the_run_and_stops_where_a_curve_stopped():
    assert sparkline([1.0, 10.0, 100.0], 2, 3, 0, 2) == "▁▅█"  # bottom, middle, top of two decades
    assert sparkline([100.0, 10.0], 10, 11, 0, 2) == "█▅"  # the run stopped after step 1 of 10
    assert sparkline([float("inf"), 1e9], 1, 2, 0, 2) == "██"  # off the top stays at the top
    assert sparkline([1.0], 5, 0, 0, 1) == ""


@pytest.mark.parametrize("width", [60, 80, 120])
@pytest.mark.parametrize("raw", [{}, {"lr": 0.9, "steps": 2000, "batch": 1}])
def test_view_fits_the_width_without_trailing_spaces(width, raw):
    text = render(run(**raw), width)
    lines = text.splitlines()
    assert all(len(line) <= width and line == line.rstrip() for line in lines)
    assert "critical lr = 2 / lambda_max(Hessian of L)" in lines
    assert "theta <- theta - lr * grad L(theta)" in lines


def test_view_names_each_verdict_and_the_chosen_multiples():
    result = run()
    text = render(result, 100)
    assert "rates chosen as 0.05x, 0.5x, 1.1x of it" in text
    for verdict in ("crawls", "converges", "diverges"):
        assert verdict in text
    stopped = next(r.run for r in result.runs if r.run.diverged_at is not None)
    assert re.search(rf"diverges\s+\S+\s+{stopped.diverged_at}\s", text)
