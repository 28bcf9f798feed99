from __future__ import annotations

import dataclasses
import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console

from glossary.render.demos.decoding import view
from glossary.render.trim import trimming
from seqml import ngram
from seqml.demos.base import ParamError, to_jsonable, validate_params
from seqml.demos.decoding import DEMO, NOTICE, DecodingResult

ROOT = Path(__file__).resolve().parent.parent
NURSERY = (ROOT / "data" / "corpora" / "nursery.txt").read_text(encoding="utf-8")


def run(corpus: str = NURSERY, **raw: object) -> DecodingResult:
    params = validate_params(DEMO, raw)
    params["corpus_text"] = corpus  # what the lead's runner fills in
    return DEMO.run(params, np.random.default_rng(0))


def render(result: DecodingResult, width: int) -> str:
    console = trimming(Console(width=width, file=io.StringIO(), color_system=None))
    console.print(view(result))
    return console.file.getvalue()


@pytest.fixture(scope="module")
def default() -> DecodingResult:
    return run()


def test_demo_describes_itself_within_the_contract() -> None:
    assert DEMO.name == "decoding"
    assert len(DEMO.summary) <= 80
    assert NOTICE.endswith(".")
    assert set(DEMO.terms) == {"greedy-decoding", "beam-search", "language-model"}
    assert DEMO.param("length_alpha").default == 0.0  # length normalisation off by default


def test_defaults_show_the_beam_finding_a_more_probable_sentence_than_greedy(default: DecodingResult) -> None:
    assert default.gain > 0
    assert default.beam[0].log_probability > default.greedy.log_probability
    assert default.greedy_in_beam == 0  # greedy's sentence is not even among the beam's three
    # Greedy's first word is the model's likeliest first word; the beam's best starts otherwise.
    model = ngram.fit(ngram.tokenize(NURSERY), default.order, model=default.model)
    assert default.greedy.tokens[0] == model.top_k(default.context, 1)[0][0]
    assert default.beam[0].tokens[0] != default.greedy.tokens[0]
    assert default.greedy.finished and default.beam[0].finished


def test_reported_log_probabilities_are_sums_of_the_models_logscores(default: DecodingResult) -> None:
    model = ngram.fit(ngram.tokenize(NURSERY), default.order, model=default.model)
    for hypothesis in (default.greedy, *default.beam):
        history, total = list(default.context), 0.0
        for token in hypothesis.tokens:
            total += model.logscore(token, tuple(history))
            history.append(token)
        assert hypothesis.log_probability == pytest.approx(total, rel=1e-12)
    for word, value in default.first_step:
        assert value == pytest.approx(model.logscore(word, default.context), rel=1e-12)


def test_a_beam_of_width_one_is_greedy() -> None:
    result = run(width=1)
    assert result.beam == (result.greedy,)
    assert result.greedy_in_beam == 1 and result.gain == 0.0


def test_an_unseen_context_under_mle_gives_no_sentence_and_the_view_says_so() -> None:
    result = run(text="zebra quagga", model="mle")
    assert result.unknown == ("zebra", "quagga")
    assert result.greedy.tokens == ()
    output = render(result, 80)
    assert "nothing" in output and "zebra" in output


@pytest.mark.parametrize(
    "raw",
    [
        {"n": 5, "model": "modified-kneser-ney", "width": 20},
        {"max_words": 1},
        {"text": "we have to", "model": "mle", "length_alpha": 1.0, "width": 2},
        {"text": "three blind", "model": "laplace", "n": 2},
        {"model": "witten-bell", "length_alpha": 2.0},
    ],
)
def test_edge_parameters_run_render_and_serialise(raw: dict) -> None:
    result = run(**raw)
    assert len(result.beam) <= result.width
    assert all(len(h.tokens) <= result.max_words for h in (result.greedy, *result.beam))
    json.dumps(to_jsonable(result))
    for width in (60, 80, 120):
        render(result, width)


def test_a_corpus_shorter_than_the_order_is_refused() -> None:
    with pytest.raises(ParamError) as caught:
        run(corpus="one two\nthree", n=3)
    assert caught.value.param == "n"


@pytest.mark.parametrize("width", [60, 80, 120])
def test_view_fits_the_width_without_trailing_whitespace(default: DecodingResult, width: int) -> None:
    output = render(default, width)
    lines = output.splitlines()
    assert all(line == line.rstrip() for line in lines)
    assert max(len(line) for line in lines) <= width
    assert f"{default.greedy.log_probability:.3f}" in output
    assert f"{default.beam[0].log_probability:.3f}" in output
    assert "log2 P(y) = sum_t log2 P(y_t | context, y_<t)" in output  # the formula never broken
    assert "length normalisation off" in " ".join(output.split())


def test_view_shows_control_characters_and_markup_from_words_as_plain_text(default: DecodingResult) -> None:
    greedy = dataclasses.replace(
        default.greedy, tokens=("\x1b[31mred", "[bold]x[/]"), step_log_probs=(-1.0, -1.0)
    )
    output = render(dataclasses.replace(default, greedy=greedy, typed=("\x1b]8;;",)), 80)
    assert "\x1b" not in output
    assert "[bold]x[/]" in output


def test_importing_the_demo_module_loads_no_numpy() -> None:
    code = "import sys, seqml.demos.decoding; print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"
