from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from seqml.demos import DEMOS

ROOT = Path(__file__).resolve().parent.parent
ENV = {"COLUMNS": "80", "NO_COLOR": "1"}
NAMES = list(DEMOS)  # the registry, in its order (tests/test_demos.py pins that order)


@pytest.fixture(autouse=True)
def _training_demos_run_once(training_runs_once) -> None:
    """The training demos train once per parameter set and seed in the session (see conftest)."""


def invoke(*args: str, input: bytes | str | None = None):
    """Run the CLI in-process as a user on an 80-column, colourless terminal."""
    return CliRunner().invoke(cli, list(args), input=input, env=ENV)


def test_demos_lists_every_demo_with_its_parameters() -> None:
    result = invoke("demos")
    assert result.exit_code == 0, result.output
    for name in NAMES:
        assert name in result.output
    assert "--forget-bias=1" in result.output and "forget_bias" not in result.output


def test_demos_json_describes_options_ranges_and_defaults() -> None:
    result = invoke("demos", "--json")
    data = json.loads(result.output)
    assert [demo["name"] for demo in data] == NAMES
    n = data[0]["params"][0]
    assert n == {
        "name": "n",
        "option": "--n",
        "type": "int",
        "default": 3,
        "minimum": 1,
        "maximum": 5,
        "choices": [],
        "help": n["help"],
    }


@pytest.mark.parametrize("name", NAMES)
def test_every_demo_runs_with_defaults(name: str) -> None:
    result = invoke("demo", name)
    assert result.exit_code == 0, result.output
    assert result.exception is None
    assert "--seed=0" in result.output
    assert "\x1b[" not in result.output  # NO_COLOR and a pipe: plain text only


def test_demo_ngram_three_blind_predicts_mice() -> None:
    result = invoke("demo", "ngram", "--text", "three blind")
    assert result.exit_code == 0, result.output
    assert "after 'three blind' (n=3)" in result.output
    first_row = next(line for line in result.output.splitlines() if line.strip().startswith("1 "))
    assert first_row.count("mice") == 5  # first under every one of the five models


def test_demo_ngram_bigram_uses_one_word_of_context() -> None:
    result = invoke("demo", "ngram", "--n", "2", "--text", "three blind")
    assert result.exit_code == 0
    assert "after 'blind' (n=2)" in result.output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["ngram", "--n", "9"], "Invalid value for '--n': n must be an integer from 1 to 5, got '9'"),
        (["ngram", "--k", "many"], "k must be an integer from 1 to 20"),
        (["lstm-step", "--forget-bias", "9"], "'--forget-bias': forget_bias must be a number from -5 to 5"),
        (["lstm-step", "--hidden", "0"], "hidden must be an integer from 1 to 8"),
        (["clipping", "--max-norm", "-1"], "max_norm must be a number from 0 to 1e+06"),
        (["clipping", "--method", "scale"], "method must be one of value, norm, global-norm"),
        (["clipping", "--p", "3"], "p must be one of 1, 2, inf"),
        (["gradient-flow", "--rho", "nan"], "rho must be a number from 0.1 to 2"),
        (["gradient-flow", "--steps", "101"], "steps must be an integer from 1 to 100"),
        (["rnn-unroll", "--steps", "13"], "steps must be an integer from 1 to 12"),
        (["next-item", "--items", "10", "--k", "20"], "k must be at most items (10)"),
    ],
)
def test_bad_parameters_exit_2_with_the_allowed_range(args: list[str], expected: str) -> None:
    result = invoke("demo", *args)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert expected in result.output
    assert "Traceback" not in result.output
    error_lines = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(error_lines) == 1


def test_unknown_demo_names_the_choices(db_path: Path) -> None:
    result = invoke("--db", str(db_path), "demo", "xyzzy")
    assert result.exit_code == 2
    assert "no demo or term matches 'xyzzy'; choose one of ngram, rnn-unroll" in result.output


def test_an_option_of_another_demo_is_refused() -> None:
    result = invoke("demo", "ngram", "--rho", "1")
    assert result.exit_code == 2
    assert "No such option" in result.output


@pytest.mark.parametrize("name", NAMES)
def test_demo_json_parses_as_strict_json(name: str) -> None:
    result = invoke("demo", name, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output, parse_constant=lambda constant: pytest.fail(constant))
    assert data["demo"] == name and data["seed"] == 0
    assert "corpus_text" not in data["params"]
    assert data["result"]


def test_demo_json_clipping_reports_the_norms_and_angle() -> None:
    data = json.loads(invoke("demo", "clipping", "--json").output)
    assert data["params"] == {"max_norm": 5.0, "method": "global-norm", "p": "2", "clip_value": 5.0}
    assert data["result"]["norm_after"] == pytest.approx(5.0, rel=1e-6)
    assert data["result"]["angle_degrees"] == pytest.approx(0.0, abs=1e-5)


def test_demo_json_spells_every_non_finite_number_as_a_string() -> None:
    # n=1: Kneser-Ney cannot be fitted (perplexity NaN); "blind cats" gives MLE a zero (inf).
    result = invoke("demo", "ngram", "--n", "1", "--text", "zebra", "--json")
    data = json.loads(result.output, parse_constant=lambda constant: pytest.fail(constant))
    perplexity = {p["model"]: p["perplexity"] for p in data["result"]["predictions"]}
    assert perplexity["kneser-ney"] == "nan" and perplexity["mle"] == "inf"
    assert isinstance(perplexity["laplace"], float)
    clipping = json.loads(invoke("demo", "clipping", "--p", "inf", "--json").output)
    assert clipping["result"]["p"] == "inf"


def test_demo_json_infinite_perplexity_is_the_string_inf() -> None:
    data = json.loads(invoke("demo", "ngram", "--text", "blind cats", "--json").output)
    mle = data["result"]["predictions"][0]
    assert mle["model"] == "mle" and mle["perplexity"] == "inf"


def test_demo_seed_changes_the_random_draws_and_repeats_them() -> None:
    first = invoke("demo", "lstm-step", "--seed", "1", "--json").output
    assert first == invoke("demo", "lstm-step", "--seed", "1", "--json").output
    assert first != invoke("demo", "lstm-step", "--seed", "2", "--json").output


@pytest.mark.parametrize(
    ("name", "function"),
    [
        ("lstm-step", "def lstm_cell("),
        ("clipping", "def clip_by_global_norm("),
        ("rnn-unroll", "def rnn_forward("),
        ("ngram", "def fit("),
        ("gradient-flow", "def rnn_gradient_norms("),
        ("next-item", "def fit_bigram("),
    ],
)
def test_demo_code_prints_the_core_source(name: str, function: str) -> None:
    result = invoke("demo", name, "--code")
    assert result.exit_code == 0, result.output
    assert function in result.output


def test_demo_svg_writes_a_picture_of_the_view(tmp_path: Path) -> None:
    target = tmp_path / "lstm.svg"
    result = invoke("demo", "lstm-step", "--svg", str(target))
    assert result.exit_code == 0, result.output
    svg = target.read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "forget" in svg
    assert "One LSTM step" in result.output  # still drawn on the terminal


def test_demo_svg_into_a_missing_directory_is_one_clear_error(tmp_path: Path) -> None:
    result = invoke("demo", "lstm-step", "--svg", str(tmp_path / "no" / "such" / "x.svg"))
    assert result.exit_code == 2  # a bad --svg path is a usage error, found before the demo runs
    assert "cannot write" in result.output and "Traceback" not in result.output


def test_demo_svg_with_json_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke("demo", "clipping", "--json", "--svg", str(tmp_path / "x.svg"))
    assert result.exit_code == 2
    assert "--svg" in result.output


def test_demo_ngram_reads_a_corpus_file(tmp_path: Path) -> None:
    corpus = tmp_path / "tiny.txt"
    corpus.write_text("the cat sat\nthe cat ran\nthe cat sat\n", encoding="utf-8")
    result = invoke("demo", "ngram", "--corpus", str(corpus), "--text", "the cat", "--k", "2", "--json")
    assert result.exit_code == 0, result.output
    mle = json.loads(result.output)["result"]["predictions"][0]
    assert mle["top"] == [["sat", pytest.approx(2 / 3)], ["ran", pytest.approx(1 / 3)]]


def test_demo_ngram_reads_the_corpus_from_stdin() -> None:
    result = invoke("demo", "ngram", "--corpus", "-", "--json", input="three blind mice\nthree blind men\n")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["result"]["corpus_sentences"] == 2


def test_demo_ngram_non_utf8_corpus_names_the_file(tmp_path: Path) -> None:
    corpus = tmp_path / "latin1.txt"
    corpus.write_bytes("caf\xe9 au lait\n".encode("latin-1"))
    result = invoke("demo", "ngram", "--corpus", str(corpus))
    assert result.exit_code == 2
    assert "latin1.txt' is not UTF-8 text" in result.output
    assert isinstance(result.exception, SystemExit)


def test_demo_ngram_empty_corpus_is_a_clear_error(tmp_path: Path) -> None:
    corpus = tmp_path / "empty.txt"
    corpus.write_text("\n\n", encoding="utf-8")
    assert "is empty" in invoke("demo", "ngram", "--corpus", str(corpus)).output
    result = invoke("demo", "ngram", "--corpus", "-", input=b"")
    assert result.exit_code == 2 and "corpus '<stdin>' is empty" in result.output


def test_demo_ngram_missing_corpus_file_is_a_clear_error(tmp_path: Path) -> None:
    result = invoke("demo", "ngram", "--corpus", str(tmp_path / "nope.txt"))
    assert result.exit_code == 2
    assert "nope.txt' does not exist" in result.output


def test_demo_ngram_order_longer_than_every_sentence_trains_on_the_padding(tmp_path: Path) -> None:
    corpus = tmp_path / "short.txt"
    corpus.write_text("a b\nc\n", encoding="utf-8")
    result = invoke("demo", "ngram", "--corpus", str(corpus), "--n", "4", "--text", "a")
    assert result.exit_code == 0, result.output
    assert "after '<s> <s> a' (n=4)" in result.output


def test_demo_ngram_hostile_text_is_shown_inert() -> None:
    result = invoke("demo", "ngram", "--text", "[red]x[/] \x1b[31m \u202e")
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\u202e" not in result.output
    assert "[red]x[/]" in result.output  # printed literally, not parsed as markup


def test_demo_help_lists_each_parameter_with_its_range() -> None:
    result = invoke("demo", "clipping", "--help")
    assert result.exit_code == 0
    assert "--max-norm NUMBER" in result.output
    assert "[value|norm|global-norm]" in result.output
    assert "Example" in result.output


def test_show_term_demo_runs_the_terms_demo_under_the_card(run) -> None:
    result = run("show", "bigram", "--demo")
    assert result.exit_code == 0, result.output
    assert "N-gram next-word prediction" in result.output
    assert "n=2" in result.output


def test_importing_cli_and_listing_demos_loads_no_numpy() -> None:
    code = (
        "import sys; from click.testing import CliRunner; import cli; "
        "assert 'numpy' not in sys.modules; "
        "r = CliRunner().invoke(cli.cli, ['demos']); assert r.exit_code == 0, r.output; "
        "assert 'numpy' not in sys.modules, 'demos loaded numpy'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_demo_code_json_gives_each_function_and_its_source() -> None:
    result = invoke("demo", "clipping", "--code", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    names = [entry["name"] for entry in data["code"]]
    assert names == [
        "seqml.clipping.clip_by_value",
        "seqml.clipping.clip_by_norm",
        "seqml.clipping.clip_by_global_norm",
    ]
    assert data["code"][0]["source"].startswith("def clip_by_value(")


def test_demo_code_svg_saves_the_source_listing(tmp_path: Path) -> None:
    target = tmp_path / "code.svg"
    result = invoke("demo", "next-item", "--code", "--svg", str(target))
    assert result.exit_code == 0, result.output
    assert "fit_bigram" in target.read_text(encoding="utf-8")


def test_demo_clipping_names_a_clip_value_option_and_keeps_max_norm_for_value_mode() -> None:
    by_clip_value = invoke("demo", "clipping", "--method", "value", "--clip-value", "1", "--json")
    by_max_norm_args = ("demo", "clipping", "--method", "value", "--max-norm", "1")
    by_max_norm = invoke(*by_max_norm_args, "--json")
    assert by_clip_value.exit_code == by_max_norm.exit_code == 0
    one, other = json.loads(by_clip_value.output)["result"], json.loads(by_max_norm.output)["result"]
    assert one["after"] == other["after"] and one["threshold"] == other["threshold"] == 1.0
    assert (one["threshold_option"], other["threshold_option"]) == ("--clip-value", "--max-norm")
    assert "(clip value 1, given as --max-norm)" in " ".join(invoke(*by_max_norm_args).output.split())
    shown = invoke("demo", "clipping", "--method", "value", "--clip-value", "1").output
    assert "each element clipped to [-1,1] (clip value 1)" in " ".join(shown.split())


def test_demo_clipping_both_limits_in_value_mode_is_a_usage_error() -> None:
    result = invoke("demo", "clipping", "--method", "value", "--max-norm", "1", "--clip-value", "2")
    assert result.exit_code == 2
    assert "'--clip-value'" in result.output and "not both" in result.output


def test_ngram_help_says_arpa_defaults_to_none_not_bundled(run) -> None:
    """No ARPA model ships with the tool; the list of demos says --arpa=(none)."""
    out = " ".join(run("demo", "ngram", "--help").output.split())
    assert "instead of training [default: none]" in out


def test_ngram_on_an_arpa_model_writes_title_and_caption_at_the_screen_width(run, tmp_path) -> None:
    """One model is one narrow column; its caption was wrapped inside it to 23 columns a line."""
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("three blind mice\nsee how they run\nthree blind men\n", encoding="utf-8")
    model = tmp_path / "m.arpa"
    assert run("lm", "build", str(corpus), "-o", str(model)).exit_code == 0
    result = run("demo", "ngram", "--arpa", str(model), "--text", "three blind")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "after 'three blind' (n=3) the next word is ..." in lines
    caption = next(i for i, line in enumerate(lines) if line.startswith("model: "))
    assert " ".join(lines[caption : caption + 2]).endswith("inf means a zero probability somewhere.")
