"""The bidirectional demo: its contract, its lesson (the last word reaches the first), its view."""

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

from glossary.render.demos.bidirectional import view
from glossary.render.trim import trimming
from seqml.bidirectional import bidirectional_forward, init_bidirectional
from seqml.demos import bidirectional
from seqml.demos.base import ParamError, code_sources, to_jsonable, validate_params

ROOT = Path(__file__).resolve().parent.parent
DEMO = bidirectional.DEMO


def run(seed: int = 0, **raw: object) -> bidirectional.BidirectionalResult:
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
    assert DEMO.name == "bidirectional"
    assert len(DEMO.summary) <= 80 and DEMO.title
    assert set(DEMO.terms) <= bundled_slugs()
    names = {name for name, _ in code_sources(DEMO)}
    assert names == {"seqml.bidirectional.bidirectional_forward", "seqml.demos.bidirectional.run"}
    assert bidirectional.NOTICE.endswith(".") and bidirectional.NOTICE.count(". ") == 0
    assert validate_params(DEMO, {}) == {"text": "the cat sat on the mat", "hidden": 3, "swap": "rug"}


def test_importing_the_demo_module_loads_no_numpy():
    code = "import sys, seqml.demos.bidirectional; print('numpy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.strip() == "False"


def test_states_are_the_bidirectional_rnn_over_the_embedded_words():
    result = run(seed=5)
    rng = np.random.default_rng(5)
    # The demo's own recipe: one embedding row per distinct word (swap last), then the RNN.
    vocabulary = ("the", "cat", "sat", "on", "mat", "rug")
    embedding = rng.standard_normal((len(vocabulary), bidirectional.EMBEDDING_SIZE))
    rows = [vocabulary.index(word) for word in result.words]
    rnn = init_bidirectional(bidirectional.EMBEDDING_SIZE, 3, rng)
    forward = bidirectional_forward(rnn, embedding[rows][:, None, :])
    np.testing.assert_array_equal(result.forward_states, forward.forward_states[:, 0])
    np.testing.assert_array_equal(result.backward_states, forward.backward_states[:, 0])
    np.testing.assert_array_equal(result.outputs[:, :3], result.forward_states)
    np.testing.assert_array_equal(result.outputs[:, 3:], result.backward_states)
    # The same word gets the same input: "the" at t=1 and t=5 start from the same vector.
    assert result.words[0] == result.words[4] == "the"


@pytest.mark.parametrize("seed", range(5))
def test_lesson_at_the_defaults_the_last_word_moves_every_backward_state_and_one_forward_state(seed):
    result = run(seed=seed)
    assert np.all(result.forward_change[:-1] == 0) and result.forward_change[-1] > 0
    assert np.all(result.backward_change > 0)  # b_1 included: the first word sees the last


def test_a_single_word_changes_both_directions_at_its_only_position():
    result = run(text="mat")
    assert result.forward_change.shape == (1,)
    assert result.forward_change[0] > 0 and result.backward_change[0] > 0
    assert "both directions read the same single word" in render(view(result), 80)


@pytest.mark.parametrize(
    "raw, message",
    [
        ({"text": "   "}, "at least one word"),
        ({"text": " ".join(["w"] * 13)}, "at most 12 words"),
        ({"swap": "mat"}, "must differ from the last word"),
        ({"swap": "two words"}, "one word"),
        ({"swap": ""}, "one word"),
    ],
)
def test_unusable_texts_and_swaps_are_refused_with_one_clear_line(raw, message):
    with pytest.raises(ParamError, match=message):
        run(**raw)


@pytest.mark.parametrize("raw", [{"hidden": "1"}, {"hidden": "6"}, {"text": " ".join(["w"] * 12)}])
def test_edge_parameters_run_and_give_json_ready_results(raw):
    result = run(**raw)
    hidden = int(raw.get("hidden", 3))
    assert result.outputs.shape == (len(result.words), 2 * hidden)
    json.dumps(to_jsonable(result))


@pytest.mark.parametrize("width", [60, 80, 120])
@pytest.mark.parametrize(
    "raw",
    [
        {},
        {"hidden": "6"},
        {"hidden": "1", "text": "one"},
        {"text": "a much-too-long-word-for-a-column is here"},
    ],
)
def test_view_fits_the_width_without_trailing_spaces_and_keeps_every_digit(width, raw):
    result = run(**raw)
    output = render(view(result), width)
    lines = output.splitlines()
    assert all(len(line) <= width for line in lines)
    assert all(line == line.rstrip() for line in lines)
    for value in result.outputs.ravel():
        assert f"{value:+.3f}" in output
    assert "output_t = [f_t ; b_t]" in lines  # the key equation on a line of its own
    assert "f_t = tanh(W_ih x_t + b_ih + W_hh f_(t-1) + b_hh)" in lines


def test_view_prints_exact_zeros_for_the_forward_states_before_the_last_word():
    result = run()
    rows = [line for line in render(view(result), 80).splitlines() if re.match(r"^\d+\s+the\s", line)]
    assert len(rows) == 4  # "the" at t=1 and t=5, once per table
    change_rows = rows[2:]
    assert all(re.search(r"\s0\s", row) for row in change_rows)


def test_view_shows_user_words_as_plain_text_never_as_markup_or_control_codes():
    result = run(text="[bold]cat[/] \x1b[31mred", swap="[link=x]y")
    output = render(view(result), 80)
    assert "[bold]cat[/]" in output and "\x1b" not in output and "[link=x]y" in output
