from __future__ import annotations

import io
import math
from dataclasses import replace

import numpy as np
import pytest
from rich.console import Console

import glossary.demos
from glossary.demos import DemoFailure, run_term_demo
from glossary.render.charts import (
    LogBarChart,
    bar,
    decades,
    gauge,
    log_fraction,
    sample_rows,
    scientific,
    signed,
)
from glossary.render.demos import code_view, demo_list, demo_view
from glossary.render.demos.clipping import view as clipping_view
from glossary.render.demos.gradient_flow import view as gradient_flow_view
from glossary.render.demos.lstm_step import view as lstm_step_view
from glossary.render.demos.next_item import view as next_item_view
from glossary.render.demos.ngram import view as ngram_view
from glossary.render.demos.rnn_unroll import view as rnn_unroll_view
from seqml.demos import DEMOS
from seqml.demos.clipping import ClippingResult
from seqml.demos.gradient_flow import GradientCurve, GradientFlowResult
from seqml.demos.lstm_step import LSTMStepResult
from seqml.demos.ngram import NgramPrediction, NgramResult
from seqml.demos.rnn_unroll import RNNUnrollResult
from seqml.next_item import NextItemResult, Prediction


@pytest.fixture(autouse=True)
def _training_demos_run_once(training_runs_once) -> None:
    """The training demos train once per parameter set and seed in the session (see conftest)."""


def run_demo(name: str, raw: dict, seed: int):
    """``glossary.demos.run_demo`` as patched for this test (training demos run once a session)."""
    return glossary.demos.run_demo(name, raw, seed)


def render(renderable, width: int = 100) -> str:
    """Render as the tests of the house do: fixed width, no colour, into a string."""
    console = Console(width=width, file=io.StringIO(), color_system=None)
    console.print(renderable)
    return console.file.getvalue()


# --------------------------------------------------------------------------- charts


def test_bar_fills_whole_and_eighth_cells_and_pads_to_width() -> None:
    assert bar(0.0, 4) == "    "
    assert bar(1.0, 4) == "████"
    assert bar(0.5, 4) == "██  "
    assert bar(1 / 32, 4) == "▏   "  # one eighth of one cell
    assert bar(7.0, 3) == "███" and bar(-1.0, 3) == "   "
    assert bar(math.inf, 2) == "██" and bar(math.nan, 2) == "  "


def test_gauge_and_signed_print_the_number_beside_the_bar() -> None:
    assert gauge(0.5, 4).plain == "██   0.50"
    assert signed(-0.25).plain == "-0.250" and signed(0.25).plain == "+0.250"


def test_scientific_keeps_infinite_and_zero_readable() -> None:
    assert [scientific(v) for v in (0.00123, 0.0, math.inf, math.nan)] == ["1.2e-03", "0", "inf", "nan"]


def test_decades_bracket_the_positive_values_and_log_fraction_places_them() -> None:
    assert decades([1e-3, 0.5, 20.0, 0.0, math.inf]) == (-3, 2)
    assert decades([1.0]) == (0, 1) and decades([]) == (0, 1)
    assert log_fraction(1e-3, -3, 2) == 0.0
    assert log_fraction(1.0, -3, 2) == pytest.approx(0.6)
    assert log_fraction(0.0, -3, 2) == 0.0 and log_fraction(math.inf, -3, 2) == 1.0


def test_sample_rows_keeps_first_and_last_and_at_most_the_limit() -> None:
    assert list(sample_rows(5, 16)) == [0, 1, 2, 3, 4]
    rows = list(sample_rows(101, 16))
    assert rows[0] == 0 and rows[-1] == 100 and len(rows) <= 16
    assert rows == sorted(set(rows))


def test_log_bar_chart_uses_one_axis_for_every_series() -> None:
    chart = LogBarChart(["0", "1"], [("a", [1.0, 0.1]), ("b", [1.0, 10.0])], row_title="k")
    text = render(chart, width=80)
    assert "1.0e-01" in text and "1.0e+01" in text
    assert "log scale: an empty bar is 1e-01, a full bar 1e+01" in text
    rows = {line.split()[0]: line for line in text.splitlines() if line.strip()[:1] in ("0", "1")}
    assert "█" * 8 in rows["0"] and "█" * 9 not in rows["0"]  # 1.0 sits halfway up two decades
    assert "█" * 16 in rows["1"]  # 10 fills the bar; 0.1 leaves it empty


# --------------------------------------------------------------------------- views


def ngram_result(text: str = "three blind") -> NgramResult:
    return NgramResult(
        order=3,
        text=text,
        context=("three", "blind"),
        corpus_sentences=3,
        corpus_tokens=9,
        vocabulary_size=7,
        predictions=(
            NgramPrediction("mle", (("mice", 0.8), ("men", 0.2)), math.inf),
            NgramPrediction("laplace", (("mice", 0.3), ("men", 0.00005)), 3.97),
            NgramPrediction("kneser-ney", (), math.nan, "kneser-ney needs order >= 2"),
        ),
    )


def test_ngram_view_puts_models_side_by_side_with_perplexity() -> None:
    text = render(ngram_view(ngram_result()))
    assert "after 'three blind' (n=3) the next word is" in text
    assert "MLE" in text and "Laplace" in text and "Kneser-Ney" in text
    first = next(line for line in text.splitlines() if line.strip().startswith("1 "))
    assert "mice 0.800" in first and "mice 0.300" in first
    assert "men 5e-05" in text  # tiny probabilities never print as 0.000
    perplexity = next(line for line in text.splitlines() if line.strip().startswith("PP"))
    assert "inf" in perplexity and "3.97" in perplexity
    assert "kneser-ney: kneser-ney needs order >= 2" in text


def test_ngram_view_escapes_markup_and_control_characters_from_the_user() -> None:
    text = render(ngram_view(ngram_result("[bold]x[/] \x1b[2J \u202e")))
    assert "[bold]x[/]" in text
    assert "\x1b" not in text and "\u202e" not in text
    assert "\\x1b" in text


def test_rnn_unroll_view_draws_one_column_per_timestep() -> None:
    result = RNNUnrollResult(
        words=("to", "go", "[red]"),
        vocabulary=("to", "go", "[red]"),
        h0=np.zeros(2),
        hidden_states=np.array([[0.5, -0.25], [0.1, 0.2], [-0.9, 0.0]]),
    )
    text = render(rnn_unroll_view(result))
    header = next(line for line in text.splitlines() if "t=0" in line)
    assert header.split() == ["t=0", "t=1", "t=2", "t=3"]
    assert "h0 → [RNN: to] → [RNN: go] → [RNN: [red]] → h3" in text
    row = next(line for line in text.splitlines() if line.strip().startswith("h_t[1]"))
    assert row.split() == ["h_t[1]", "+0.000", "-0.250", "+0.200", "+0.000"]
    assert "0.559" in text  # |h_1| = sqrt(0.25 + 0.0625)


def lstm_result(forget: float = 0.9) -> LSTMStepResult:
    return LSTMStepResult(
        forget_bias=1.0,
        x=np.zeros(3),
        h_prev=np.zeros(2),
        c_prev=np.array([1.0, -1.0]),
        input_gate=np.array([0.1, 0.5]),
        forget_gate=np.array([forget, forget]),
        candidate=np.array([0.5, -0.5]),
        output_gate=np.array([1.0, 0.0]),
        c=np.array([0.95, -1.15]),
        h=np.array([0.74, 0.0]),
    )


def test_lstm_step_view_shows_each_gate_as_a_gauge_with_its_value() -> None:
    text = render(lstm_step_view(lstm_result()))
    assert "c = f*c_prev + i*g" in text
    row = next(line for line in text.splitlines() if line.strip().startswith("0 "))
    assert "+1.000" in row and "0.10" in row and "0.90" in row and "+0.50" in row and "+0.950" in row
    prose = " ".join(text.split())  # the note wraps at 88 columns like all prose
    assert "forget gate averages 0.90" in prose and "about 90% of its old cell state" in prose


@pytest.mark.parametrize(
    ("bias", "effect"),
    [
        ("3", "a bias of +3 pushes every forget gate toward 1, so the cell starts out remembering"),
        ("0", "a bias of 0 centres the forget gates on 0.5, so about half of the cell fades each step"),
        ("-2", "a bias of -2 pushes every forget gate toward 0, so the cell starts out forgetting"),
    ],
)
def test_lstm_step_view_says_what_the_chosen_forget_bias_does(bias: str, effect: str) -> None:
    text = " ".join(render(demo_view(run_demo("lstm-step", {"forget_bias": bias}, seed=0))).split())
    assert effect in text
    assert "+1 starts training" not in text


def test_lstm_step_view_fits_an_80_column_terminal_without_cutting_numbers() -> None:
    text = render(lstm_step_view(lstm_result()), width=80)
    assert "…" not in text


def test_clipping_view_shows_before_after_norms_and_angle() -> None:
    result = ClippingResult(
        method="global-norm",
        threshold=5.0,
        threshold_option="--max-norm",
        p=2.0,
        names=("weight", "bias"),
        before=(np.array([6.0, 0.0]), np.array([8.0])),
        after=(np.array([3.0, 0.0]), np.array([4.0])),
        norm_before=10.0,
        norm_after=5.0,
        angle_degrees=0.0,
        clipped=True,
    )
    text = render(clipping_view(result))
    assert "joint ||g||_2<=5 (max norm)" in text
    row = next(line for line in text.splitlines() if "bias[0]" in line)
    assert "+8.00" in row and "+4.00" in row
    assert "||g||_2 of all gradients: 10.000 -> 5.000 (clipped)" in text
    assert "angle between before and after: 0.00 degrees (direction kept)" in text


def test_clipping_view_says_when_there_is_no_direction() -> None:
    result = ClippingResult(
        "value", 0.0, "--clip-value", math.inf, ("g",), (np.ones(2),), (np.zeros(2),), 1.0, 0.0, None, True
    )
    text = render(clipping_view(result))
    assert "each element clipped to" in text and "[-0,0]" in text
    assert "angle: undefined" in text and "||g||_inf" in text


def test_gradient_flow_view_is_a_log_bar_chart_per_model() -> None:
    k = np.arange(4)
    result = GradientFlowResult(
        steps=3,
        rho=0.5,
        forget_bias=1.0,
        curves=(
            GradientCurve("RNN rho=0.5", 0.5**k, "vanishing", 0.5),
            GradientCurve("LSTM h", np.ones(4), "stable", 1.0),
            GradientCurve("LSTM cell", 0.1**k, "vanishing", 0.1),
        ),
        linear=GradientCurve("linear rho^k", 0.5**k, "vanishing", 0.5),
    )
    text = render(gradient_flow_view(result))
    header = next(line for line in text.splitlines() if line.strip().startswith("k "))
    assert "RNN rho=0.5" in header and "LSTM h" in header and "linear" not in header
    last = next(line for line in text.splitlines() if line.strip().startswith("3 "))
    assert "1.2e-01" in last and "1.0e+00" in last and "1.0e-03" in last
    assert "log scale: an empty bar is 1e-03, a full bar 1e+00" in text
    assert "  RNN rho=0.5  r=0.500  vanishing" in text and "  LSTM h       r=1.000  stable" in text
    flat = " ".join(text.split())
    assert "linear RNN with rho=0.5 scales the gradient by exactly rho^k: 0.5^3=1.2e-01, r=0.500" in flat
    assert "try a larger --forget-bias" in flat


@pytest.mark.parametrize("width", [60, 80, 120])
def test_gradient_flow_verdicts_name_only_the_series_the_chart_draws(width: int) -> None:
    result = run_demo("gradient-flow", {}, seed=0).result
    lines = render(gradient_flow_view(result), width=width).splitlines()
    named = [line.split()[:-2] for line in lines if line.startswith("  ") and " r=" in line]
    assert [" ".join(words) for words in named] == [curve.label for curve in result.curves]
    assert any("r=(norm_T/norm_0)^(1/T):" in line for line in lines)  # the formula is never split


def test_next_item_view_stars_the_true_item_and_shows_both_metrics() -> None:
    result = NextItemResult(
        users=10,
        items=20,
        k=3,
        recall_at_k={"bigram": 0.75, "popularity": 0.25},
        mrr={"bigram": 0.5, "popularity": 0.125},
        examples=(Prediction(4, (1, 2, 3, 4), 5, (5, 9, 8), (9, 8, 7), 1, 12),),
    )
    text = render(next_item_view(result))
    assert "Recall@3" in text and "0.750" in text and "0.125" in text
    row = next(line for line in text.splitlines() if "*5*" in line)
    assert "… 2 3 4" in row and "9 8 7" in row and row.split()[-1] == "12"


def test_demo_list_names_every_demo() -> None:
    text = render(demo_list(list(DEMOS.values())))
    for name in DEMOS:
        assert name in text
    assert "--corpus=(bundled)" in text and "max_norm" not in text


def test_demo_view_starts_with_the_title_parameters_and_seed() -> None:
    text = render(demo_view(run_demo("lstm-step", {"hidden": "2"}, seed=5)))
    assert text.startswith("One LSTM step, gate by gate  (lstm-step)\n--hidden=2 --forget-bias=1 --seed=5")
    assert "forget_bias" not in text  # parameters are shown as the flags that set them


def test_every_default_demo_renders_at_80_columns_without_ansi_codes() -> None:
    for name in DEMOS:
        text = render(demo_view(run_demo(name, {}, seed=0)), width=80)
        assert "\x1b" not in text
        assert max(len(line) for line in text.splitlines()) <= 80


@pytest.mark.parametrize("name", list(DEMOS))
def test_every_demo_view_ends_with_the_line_saying_what_to_notice(name: str) -> None:
    import importlib

    notice = importlib.import_module(f"seqml.demos.{name.replace('-', '_')}").NOTICE
    for width in (60, 80, 120):
        text = render(demo_view(run_demo(name, {}, seed=0)), width=width)
        assert " ".join(text.split()).endswith(notice), (name, width)


def test_code_view_highlights_python_source() -> None:
    text = render(code_view([("seqml.x.f", "def f(x):\n    return x\n")]))
    assert "# seqml.x.f" in text and "def f(x):" in text


def test_run_term_demo_renders_a_terms_demo_with_pack_values() -> None:
    text = render(demo_view(run_term_demo("ngram", {"n": 2}, seed=0)))
    assert "after 'blind' (n=2)" in text


def test_run_term_demo_reports_bad_pack_parameters_as_a_failure_not_an_exception() -> None:
    failure = run_term_demo("lstm-step", {"forget_bias": 99}, seed=0)
    assert failure == DemoFailure("lstm-step", "forget_bias must be a number from -5 to 5, got 99")


def test_a_term_demo_that_cannot_run_is_drawn_as_one_line() -> None:
    text = render(demo_view(run_term_demo("lstm-step", {"forget_bias": 99}, seed=0)))
    assert text.strip() == "demo lstm-step cannot run: forget_bias must be a number from -5 to 5, got 99"
    assert "no demo 'nope'" in render(demo_view(run_term_demo("nope", {}, seed=0)))


@pytest.mark.slow  # trains the training demos once per term that sets its own parameters
def test_every_term_demo_in_the_bundled_packs_runs_and_renders() -> None:
    from glossary.packs import load_packs
    from glossary.schema import bundled_pack_paths

    seen = 0
    for pack in load_packs(bundled_pack_paths()):
        for term in pack.terms:
            if term.demo:
                text = render(demo_view(run_term_demo(term.demo, dict(term.demo_params), seed=0)), width=80)
                assert "cannot run" not in text, (term.slug, text)
                seen += 1
    assert seen >= 11  # at least every seed term


def test_rnn_unroll_view_says_how_many_words_steps_left_out() -> None:
    result = RNNUnrollResult(("a", "b"), ("a", "b"), np.zeros(1), np.zeros((2, 1)), unread=3)
    assert "read the first 2 words of the text; 3 more left out (--steps caps it)" in render(
        rnn_unroll_view(result)
    )
    assert "left out" not in render(rnn_unroll_view(replace(result, unread=0)))


def test_rnn_unroll_view_continues_below_when_timesteps_do_not_fit() -> None:
    words = tuple(
        ["the", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog", "again", "and", "again"]
    )
    result = RNNUnrollResult(words, tuple(dict.fromkeys(words)), np.zeros(2), np.full((12, 2), -0.123))
    text = render(rnn_unroll_view(result), width=80)
    assert "continued below" in text
    for t in range(13):
        assert f"t={t}" in text
    assert "…" not in text.replace("→", "")  # no number or word is cut
    assert max(len(line) for line in text.splitlines()) <= 80
    carried = [line.split()[0] for line in text.splitlines() if "↓" in line]
    assert carried[0] == "h0" and len(carried) == 2 and carried[1] != "h0"  # part two starts from h_t


def test_ngram_view_wraps_a_long_word_rather_than_cutting_its_probability() -> None:
    result = NgramResult(
        5,
        "x",
        ("a", "b", "c", "d"),
        1,
        4,
        4,
        tuple(NgramPrediction(model, (("antidisestablishment", 0.123456),), 2.0) for model in "abcde"),
    )
    text = render(ngram_view(result), width=80)
    assert "…" not in text and text.count("0.123") == 5


@pytest.mark.parametrize("width", [60, 80, 120])
def test_default_demos_never_cut_a_number_at_common_widths(width: int) -> None:
    for name in DEMOS:
        text = render(demo_view(run_demo(name, {}, seed=0)), width=width)
        kept = [line for line in text.splitlines() if not line.lstrip().startswith("… ")]  # history tails
        assert not any("…" in line for line in kept), (name, width, text)


@pytest.mark.parametrize("columns", [32, 40, 56])
def test_a_narrow_screen_never_splits_an_ngram_probability(run, columns: int) -> None:
    import json

    from rich.cells import cell_len

    from glossary.render.demos.ngram import _probability

    text = run("demo", "ngram", env={"COLUMNS": str(columns)}).output
    data = json.loads(run("demo", "ngram", "--json").output)["result"]
    assert all(cell_len(line) <= columns for line in text.splitlines())
    tokens = text.split()
    for prediction in data["predictions"]:  # whole, beside or under its word
        assert all(_probability(probability) in tokens for _, probability in prediction["top"]), columns
    assert "after 'three blind' (n=3)" in text and "corpus: 102 sentences" in text


@pytest.mark.parametrize("width", range(30, 121, 2))
def test_the_demo_header_never_splits_a_quoted_value_that_fits_on_a_line(width: int) -> None:
    """At 80 columns the header read ``--logits='3 1 0.5 0`` / ``-1' --seed=0``."""
    header = render(demo_view(run_demo("activations", {}, seed=0)), width=width).splitlines()[:6]
    assert any("--logits='3 1 0.5 0 -1'" in line for line in header), header
    assert all(len(line) <= width for line in header)


def test_a_quoted_value_wider_than_the_line_starts_its_own_line_and_breaks_only_at_its_spaces() -> None:
    from glossary.render.demos import Flags

    flags = Flags(["--n=3", "--text='the animal did not cross the street'", "--seed=0"])
    assert flags.lines(24) == ["--n=3", "--text='the animal did", "not cross the street'", "--seed=0"]
    assert flags.lines(50) == ["--n=3 --text='the animal did not cross the street'", "--seed=0"]


@pytest.mark.parametrize(
    "value", ["three blind", "don't stop", "it's $HOME", 'say "hi"', "back\\slash", "wow!", ""]
)
def test_a_text_value_in_the_demo_header_reads_back_exactly_in_a_shell(value: str) -> None:
    import shlex

    from glossary.render.demos import _setting

    text_param = next(param for param in DEMOS["ngram"].params if param.name == "text")
    flag = _setting(text_param, value)
    assert shlex.split(flag) == [f"--text={value}"]


def test_the_header_of_a_run_is_a_command_line_that_repeats_it() -> None:
    import shlex

    from glossary.render.demos import demo_header

    demo = DEMOS["ngram"]
    header = render(demo_header(demo, {"n": 2, "text": "it's $HOME", "k": 3}, seed=4)).splitlines()[1:]
    words = shlex.split(" ".join(header))  # no (bundled) or (none) placeholder a shell cannot read
    assert words == ["--n=2", "--text=it's $HOME", "--k=3", "--seed=4"]
