"""The attention demo: its contract, its lesson (rows sum to 1, causal means no look-ahead), its view."""

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

from glossary.render.demos.attention import view, weight_text, wrap_chunks
from seqml.demos.attention import DEFAULT_TEXT, DEMO, MAX_WORDS, NOTICE, AttentionResult
from seqml.demos.base import ParamError, code_sources, to_jsonable, validate_params

ROOT = Path(__file__).resolve().parent.parent


def run(seed: int = 0, **raw: object) -> AttentionResult:
    """Validate raw parameters (as the command line gives them) and run the demo."""
    return DEMO.run(validate_params(DEMO, raw), np.random.default_rng(seed))


def render(result: AttentionResult, width: int) -> str:
    """The view as plain text at a given console width."""
    out = io.StringIO()
    Console(width=width, file=out, color_system=None).print(view(result))
    return out.getvalue()


# --------------------------------------------------------------------------- contract


def test_demo_names_existing_terms_and_importable_code():
    slugs = set()
    for pack in (ROOT / "data" / "terms").glob("*.toml"):
        slugs |= set(re.findall(r'^slug = "([^"]+)"', pack.read_text("utf-8"), re.MULTILINE))
    assert DEMO.name == "attention"
    assert set(DEMO.terms) <= slugs and {"attention", "transformer"} <= set(DEMO.terms)
    assert len(DEMO.summary) <= 80 and NOTICE.endswith(".")
    assert [name for name, _ in code_sources(DEMO)] == [ref.replace(":", ".") for ref in DEMO.code]


def test_importing_the_demo_module_loads_no_numpy():
    code = "import sys, seqml.demos.attention; print('numpy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_result_is_json_ready_with_every_heads_full_matrix():
    result = run(heads=3)
    data = json.loads(json.dumps(to_jsonable(result)))
    assert np.array(data["weights"]).shape == (3, 11, 11)
    assert np.array(data["average_weights"]).shape == (11, 11)


# --------------------------------------------------------------------------- the lesson


def test_defaults_give_one_row_per_word_each_summing_to_one():
    result = run()
    count = len(DEFAULT_TEXT.split())
    assert result.words == tuple(DEFAULT_TEXT.split()) and result.weights.shape == (2, count, count)
    np.testing.assert_allclose(result.weights.sum(axis=-1), 1.0, rtol=1e-12)
    np.testing.assert_array_equal(result.shown, result.weights[0])
    assert not result.causal and (result.weights > 0).all()  # without a mask every key gets some weight


def test_causal_mask_leaves_no_weight_on_a_later_word_in_any_head():
    result = run(causal="yes", heads=4)
    later = ~np.tri(len(result.words), dtype=bool)
    assert np.all(result.weights[:, later] == 0) and np.all(result.average_weights[later] == 0)
    np.testing.assert_allclose(result.weights.sum(axis=-1), 1.0, rtol=1e-12)
    assert np.all(result.weights[:, 0, 0] == 1.0)  # the first word can only look at itself


def test_the_same_word_at_two_places_attends_differently_because_of_its_position():
    result = run()
    first, second = (i for i, word in enumerate(result.words) if word == "the")
    assert not np.allclose(result.weights[:, first], result.weights[:, second])


def test_head_zero_draws_the_average_over_heads():
    result = run(heads=3, head=0)
    np.testing.assert_allclose(result.shown, result.weights.mean(axis=0), rtol=1e-12)
    assert result.strongest == tuple(int(k) for k in result.shown.argmax(axis=1))


@pytest.mark.parametrize("heads", [1, 8])
def test_every_head_count_at_the_ends_of_the_range_runs(heads):
    result = run(heads=heads, head=heads)
    assert result.embed_dim == 16 * heads and result.weights.shape[0] == heads
    np.testing.assert_array_equal(result.shown, result.weights[heads - 1])


def test_same_seed_same_weights_other_seed_other_weights():
    np.testing.assert_array_equal(run(seed=3).weights, run(seed=3).weights)
    assert not np.allclose(run(seed=3).weights, run(seed=4).weights)


def test_long_texts_are_cut_to_twelve_words_and_say_so():
    text = " ".join(f"w{i}" for i in range(20))
    result = run(text=text)
    assert result.words == tuple(text.split()[:MAX_WORDS]) and result.total_words == 20
    assert result.truncated
    assert "showing the first 12 of 20 words" in render(result, 80)


def test_a_single_word_attends_only_to_itself():
    result = run(text="hello")
    np.testing.assert_array_equal(result.weights, np.ones((2, 1, 1)))


# --------------------------------------------------------------------------- bad parameters


def test_blank_text_is_refused_by_name():
    with pytest.raises(ParamError, match="at least one word") as caught:
        run(text="   ")
    assert caught.value.param == "text"


def test_a_head_beyond_the_head_count_is_refused():
    with pytest.raises(ParamError, match="heads=2") as caught:
        run(heads=2, head=3)
    assert caught.value.param == "head"


@pytest.mark.parametrize(("name", "value"), [("heads", "0"), ("heads", "9"), ("causal", "maybe")])
def test_out_of_range_parameters_are_refused_before_running(name, value):
    with pytest.raises(ParamError):
        validate_params(DEMO, {name: value})


# --------------------------------------------------------------------------- view


@pytest.mark.parametrize("width", [60, 80, 120])
@pytest.mark.parametrize("raw", [{}, {"causal": "yes", "heads": 8, "head": 0}, {"text": "w " * 12}])
def test_view_fits_the_width_keeps_every_weight_and_leaves_no_trailing_space(width, raw):
    result = run(**raw)
    text = render(result, width)
    lines = text.splitlines()
    assert all(line == line.rstrip() and len(line) <= width for line in lines)
    rows = [line for line in lines if line.lstrip().split(" ")[0].isdigit()][1:]  # skip the header
    assert len(rows) == len(result.words)
    for query, line in enumerate(rows):
        for key in range(len(result.words)):
            if result.causal and key > query:
                continue
            assert weight_text(float(result.shown[query, key])) in line


def test_view_marks_every_masked_cell_and_states_the_mask():
    result = run(causal="yes")
    text = render(result, 80)
    count = len(result.words)
    grid = text.splitlines()[2 : 2 + count]
    assert [line.count(" -") for line in grid] == list(range(count - 1, -1, -1))
    assert "causal mask on" in text and "score -inf" in text


def test_view_names_the_favourite_key_when_there_is_room():
    result = run()
    text = render(result, 120)
    it = result.words.index("it")
    assert f"→ {result.words[result.strongest[it]]}" in text.splitlines()[2 + it]


def test_view_numbers_the_rows_and_lists_the_words_below_when_too_narrow_for_labels():
    result = run(text=" ".join(["longword"] * 12))
    text = render(result, 52)
    assert "1 longword  2 longword" in text
    assert all(line == line.rstrip() for line in text.splitlines())


def test_view_makes_markup_and_control_characters_from_the_text_inert():
    result = run(text="[b]x[/b] \x1b[31m [link=js:x]y")
    text = render(result, 120)
    assert "\x1b" not in text and "\\x1b[31" in text  # ESC shown as the four characters \x1b
    assert "[b]x[/b]" in text and "[link=js:" in text  # printed, not obeyed


def test_weight_text_keeps_three_cells_and_never_hides_a_tiny_weight_as_a_dash():
    assert [weight_text(v) for v in (0.42, 0.004, 0.0999, 0.995, 1.0)] == [".42", ".00", ".10", "1.0", "1.0"]


def test_wrapped_captions_never_split_a_chunk_or_end_in_a_space():
    lines = wrap_chunks(["weights = softmax(Q K^T / sqrt(d_k)),", "d_k = 16,", "E = 32"], 45)
    assert [line.plain for line in lines] == ["weights = softmax(Q K^T / sqrt(d_k)),", "d_k = 16, E = 32"]
