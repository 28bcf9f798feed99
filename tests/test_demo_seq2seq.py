"""The seq2seq demo: the default run exposes exposure bias, edge parameters work, the view fits."""

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

from glossary.render.demos.seq2seq import view
from seqml.demos.base import ParamError, to_jsonable, validate_params
from seqml.demos.seq2seq import DEMO, NOTICE, Seq2SeqResult, run

ROOT = Path(__file__).resolve().parent.parent


def go(seed: int = 0, progress=None, **raw: object) -> Seq2SeqResult:
    """Validate raw parameters as the command line would, then run."""
    return run(validate_params(DEMO, raw), np.random.default_rng(seed), progress)


@pytest.fixture(scope="module")
def default() -> tuple[Seq2SeqResult, list[tuple[int, int, float]]]:
    calls: list[tuple[int, int, float]] = []
    result = go(progress=lambda done, total, loss: calls.append((done, total, loss)))
    return result, calls


def render(result: Seq2SeqResult, width: int) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None)
    console.print(view(result))
    return console.file.getvalue()


def test_teacher_forced_errors_compound_after_the_first_mistake_more_than_own_guesses(default):
    forced, own = default[0].runs
    assert forced.teacher_forcing and not own.teacher_forcing
    assert forced.after_mistake_accuracy < own.after_mistake_accuracy - 0.15
    # Fed the truth the teacher-forced decoder does better late in the sequence than when it
    # must read its own guesses: the gap is exposure bias.
    assert forced.forced_accuracy[-2:].mean() > forced.free_accuracy[-2:].mean() + 0.03


def test_both_decoders_start_at_a_uniform_guess_and_learn_the_task(default):
    result, _ = default
    for decoder in result.runs:
        assert decoder.losses[0] == pytest.approx(math.log(10), abs=0.15)
        assert decoder.losses[-20:].mean() < 0.3 * decoder.losses[0]
        assert decoder.free_accuracy[0] > 0.9  # the last source digit, read just before decoding


def test_examples_show_held_out_sequences_and_their_reversals(default):
    result, _ = default
    assert len(result.examples) == 4
    for example in result.examples:
        assert example.target == example.source[::-1]
        assert len(example.outputs) == 2 and all(len(o) == result.length for o in example.outputs)
    assert example.outputs[0] != example.target  # chosen where the teacher-forced decoder slips


def test_progress_runs_through_both_trainings(default):
    _, calls = default
    assert [call[0] for call in calls] == list(range(1, 601))
    assert {call[1] for call in calls} == {600}


def test_result_is_reproducible_and_json_ready(default):
    # Reproducibility does not depend on the length of the run: 40 steps twice from one seed,
    # instead of training the defaults a second time.
    first, again = go(steps=40), go(steps=40)
    for ours, theirs in zip(first.runs, again.runs, strict=True):
        np.testing.assert_array_equal(ours.losses, theirs.losses)
    assert first.examples == again.examples
    json.dumps(to_jsonable(default[0]), allow_nan=False)


@pytest.mark.parametrize(
    "raw", [{"cell": "rnn", "steps": 5, "length": 2}, {"steps": 1, "test": 10, "hidden": 4}]
)
def test_edge_parameters_run_and_render(raw):
    result = go(**raw)
    assert len(result.runs) == 2 and len(result.runs[0].losses) == raw["steps"]
    assert render(result, 60)


def test_out_of_range_parameters_are_refused():
    with pytest.raises(ParamError, match="length"):
        validate_params(DEMO, {"length": 9})
    with pytest.raises(ParamError, match="cell"):
        validate_params(DEMO, {"cell": "gru"})


def test_demo_record_follows_the_contract():
    assert DEMO.name == "seq2seq" and len(DEMO.summary) <= 80 and NOTICE.endswith(".")
    packs = "".join(path.read_text(encoding="utf-8") for path in (ROOT / "data" / "terms").glob("*.toml"))
    for term in DEMO.terms:
        assert f'slug = "{term}"' in packs


def test_importing_the_demo_module_does_not_import_numpy():
    code = "import sys, seqml.demos.seq2seq; print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("width", [60, 80, 120])
def test_view_fits_the_width_with_no_trailing_whitespace(default, width):
    result = default[0]
    text = render(result, width)
    for line in text.splitlines():
        assert line == line.rstrip()
        assert len(line) <= width
    assert "right after the first mistake" in text
    assert "input u_t = y_(t-1) (forced) or argmax z_(t-1) (own)" in text
    forced = result.runs[0]
    assert f"{100 * forced.after_mistake_accuracy:.0f}%" in text
    assert result.examples[0].source in text
