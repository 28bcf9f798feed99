"""The train demo: the default run shows the lesson, edge parameters work, the view draws it safely."""

from __future__ import annotations

import io
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console

from glossary.render.demos.train import view
from seqml.demos.base import ParamError, to_jsonable, validate_params
from seqml.demos.train import DEMO, NOTICE, TrainResult, run

ROOT = Path(__file__).resolve().parent.parent
NURSERY = (ROOT / "data" / "corpora" / "nursery.txt").read_text(encoding="utf-8")


def go(seed: int = 0, corpus_text: str = NURSERY, progress=None, **raw: object) -> TrainResult:
    """Validate raw parameters as the command line would, add the corpus text, run."""
    params = validate_params(DEMO, raw) | {"corpus_text": corpus_text}
    return run(params, np.random.default_rng(seed), progress)


@pytest.fixture(scope="module")
def default() -> tuple[TrainResult, list[tuple[int, int, float]]]:
    calls: list[tuple[int, int, float]] = []
    result = go(progress=lambda done, total, loss: calls.append((done, total, loss)))
    return result, calls


def render(result: TrainResult, width: int) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None)
    console.print(view(result))
    return console.file.getvalue()


# --------------------------------------------------------------------------- the lesson


def test_default_run_blows_up_without_clipping_and_learns_with_it(default):
    result, _ = default
    wild, tame = result.runs
    assert (wild.label, wild.clip, tame.clip) == ("no clipping", 0.0, 0.5)
    assert wild.blow_up_step is not None and wild.blow_up_step < 50
    assert wild.losses[-1] > result.divergence_loss
    assert tame.blow_up_step is None and len(tame.losses) == result.steps
    assert tame.final_loss < 0.6 * tame.losses[0]
    assert tame.clipped.any() and not wild.clipped.any()


def test_first_loss_is_about_ln_v_and_both_runs_start_from_the_same_weights(default):
    result, _ = default
    assert result.uniform_loss == pytest.approx(math.log(result.vocabulary_size))
    first = {float(curve.losses[0]) for curve in result.runs}
    assert len(first) == 1 and first.pop() == pytest.approx(result.uniform_loss, abs=0.1)


def test_samples_are_taken_early_midway_and_at_the_end_of_a_surviving_run(default):
    result, _ = default
    tame = result.runs[1]
    assert [sample.step for sample in tame.samples] == [40, 200, 400]
    assert all(sample.text.startswith("the ") for sample in tame.samples)
    assert result.runs[0].samples == ()  # stopped before its first sample point


def test_progress_counts_every_step_of_both_runs_and_finishes_at_the_total(default):
    _, calls = default
    done = [call[0] for call in calls]
    assert done == sorted(done) and done[-1] == 2 * 400
    assert {call[1] for call in calls} == {800}
    assert all(math.isfinite(call[2]) or call[0] == 400 for call in calls)


def test_the_result_is_reproducible_and_json_ready(default):
    # Reproducibility does not depend on the length of the run: 60 steps (past the unclipped
    # run's blow-up) twice from one seed, instead of training the defaults a second time.
    result, again = go(steps=60), go(steps=60)
    assert result.runs[0].blow_up_step is not None  # the non-finite path is compared too
    for ours, theirs in zip(result.runs, again.runs, strict=True):
        np.testing.assert_array_equal(ours.losses, theirs.losses)
        assert ours.samples == theirs.samples
    text = json.dumps(to_jsonable(default[0]), allow_nan=False)
    assert '"blow_up_step": ' in text and '"losses": [' in text


# --------------------------------------------------------------------------- other settings


def test_truncating_bptt_to_two_steps_learns_less_than_full_bptt_from_one_start():
    result = go(compare="truncation", lr=1.0, window=2)  # the truncated-BPTT term's demo_params
    full, truncated = result.runs
    assert (full.window, truncated.window) == (0, 2)
    # The same forward pass (float32, cut into windows): truncation changes the gradient only.
    assert full.losses[0] == pytest.approx(truncated.losses[0], rel=1e-6)
    assert full.grad_norms[0] != truncated.grad_norms[0]
    assert truncated.losses[-40:].mean() > full.losses[-40:].mean() + 0.05


def test_a_single_run_with_adam_and_one_step():
    result = go(compare="none", optimizer="adam", steps=1, lr=0.01, clip=0)
    assert len(result.runs) == 1 and len(result.runs[0].losses) == 1
    assert result.runs[0].label == "full BPTT, no clipping"


def test_the_window_is_capped_at_the_chunk_length_and_rejects_zero():
    with pytest.raises(ParamError, match="window"):
        validate_params(DEMO, {"window": 0})
    with pytest.raises(ParamError, match="window"):
        validate_params(DEMO, {"window": 33})


def test_comparing_clipping_needs_a_positive_max_norm():
    with pytest.raises(ParamError, match="clip > 0"):
        go(clip=0)


@pytest.mark.parametrize(
    ("text", "message"),
    [("short text", "at least"), ("".join(chr(0x4E00 + i) for i in range(600)), "distinct")],
)
def test_unusable_corpora_are_refused_with_a_reason(text, message):
    with pytest.raises(ParamError, match=message):
        go(corpus_text=text, steps=1)


def test_the_runner_needs_the_corpus_text():
    with pytest.raises(ParamError, match="corpus"):
        run(validate_params(DEMO, {}), np.random.default_rng(0))


def test_demo_record_follows_the_contract():
    assert DEMO.name == "train" and len(DEMO.summary) <= 80 and NOTICE.endswith(".")
    packs = "".join(path.read_text(encoding="utf-8") for path in (ROOT / "data" / "terms").glob("*.toml"))
    for term in DEMO.terms:
        assert f'slug = "{term}"' in packs
    assert validate_params(DEMO, {}) == DEMO.defaults()


def test_importing_the_demo_module_does_not_import_numpy():
    code = "import sys, seqml.demos.train; print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


# --------------------------------------------------------------------------- the view


@pytest.mark.parametrize("width", [60, 80, 120])
def test_view_fits_the_width_with_no_trailing_whitespace(default, width):
    text = render(default[0], width)
    for line in text.splitlines():
        assert line == line.rstrip()
        assert len(line) <= width
    assert "BLEW UP at step" in text
    assert "clipping: g <- g * min(1, c / ||g||_2)" in text  # the key equation on one line
    assert f"{default[0].runs[1].final_loss:.4g}" in text


def test_view_makes_hostile_corpus_text_inert():
    hostile = ("the [bold]red[/] \x1b[31mink\x07 and \u202eevil\n" * 30) + NURSERY[:400]
    result = go(corpus_text=hostile, steps=20, compare="none", lr=1.0)
    text = render(result, 80)
    assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
