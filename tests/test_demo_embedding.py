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

from glossary.render.demos.embedding import view
from glossary.render.trim import trimming
from seqml.demos.base import ParamError, to_jsonable, validate_params
from seqml.demos.embedding import DEMO, NOTICE, EmbeddingResult

ROOT = Path(__file__).resolve().parent.parent
NURSERY = (ROOT / "data" / "corpora" / "nursery.txt").read_text(encoding="utf-8")


def run(corpus: str = NURSERY, seed: int = 0, **raw: object) -> EmbeddingResult:
    params = validate_params(DEMO, raw)
    params["corpus_text"] = corpus  # what the lead's runner fills in
    return DEMO.run(params, np.random.default_rng(seed))


def render(result: EmbeddingResult, width: int) -> str:
    console = trimming(Console(width=width, file=io.StringIO(), color_system=None))
    console.print(view(result))
    return console.file.getvalue()


@pytest.fixture(scope="module")
def default() -> EmbeddingResult:
    return run()


def test_demo_describes_itself_within_the_contract() -> None:
    assert DEMO.name == "embedding"
    assert len(DEMO.summary) <= 80
    assert NOTICE.endswith(".")
    assert {"embedding", "one-hot-encoding", "bag-of-words", "out-of-vocabulary-token"} <= set(DEMO.terms)


def test_defaults_map_unseen_and_rare_words_to_unk(default: EmbeddingResult) -> None:
    corpus_counts = {}
    for word in NURSERY.lower().split():
        corpus_counts[word] = corpus_counts.get(word, 0) + 1
    unknown = {item.token: item.corpus_count for item in default.out_of_vocabulary}
    assert unknown == {t: corpus_counts.get(t, 0) for t in default.tokens if corpus_counts.get(t, 0) < 2}
    assert unknown  # the default sentence shows the lesson: hungry (never seen), cheese (once)
    for token, seen_as, token_id in zip(default.tokens, default.mapped, default.ids, strict=True):
        assert (seen_as == "<unk>") == (token in unknown) == (token_id == 0)


def test_defaults_show_one_hot_rows_and_an_exact_lookup(default: EmbeddingResult) -> None:
    assert default.one_hot.shape == (len(default.tokens), default.vocabulary_size)
    assert np.array_equal(default.one_hot.argmax(axis=1), default.ids)
    assert np.array_equal(default.one_hot.sum(axis=1), np.ones(len(default.tokens)))
    assert default.lookup_difference == 0.0
    assert default.vectors.shape == (len(default.tokens), default.dim)


def test_defaults_show_a_sentence_and_its_reversal_share_a_bag_but_not_bigrams(
    default: EmbeddingResult,
) -> None:
    assert default.comparison.second == default.tokens[::-1]
    assert default.comparison.same_bag
    assert not default.comparison.same_bigrams


def test_co_occurrence_neighbours_of_lunch_include_dinner_a_random_table_does_not(
    default: EmbeddingResult,
) -> None:
    assert default.table == "co-occurrence"
    words = [word for word, _ in default.neighbours]
    assert "dinner" in words
    cosines = [cosine for _, cosine in default.neighbours]
    assert cosines == sorted(cosines, reverse=True)
    random = run(table="random")
    assert "random" in random.table_description
    assert "dinner" not in [word for word, _ in random.neighbours]


def test_truly_madly_reversed_shares_its_bag_but_not_its_bigram() -> None:
    result = run(text="truly madly")
    assert result.comparison.same_bag and not result.comparison.same_bigrams


@pytest.mark.parametrize(
    "raw",
    [
        {"min_count": 50, "dim": 64},  # a tiny vocabulary, more dimensions than words
        {"max_size": 3},
        {"text": "mice", "word": "zebra"},  # one token: no bigrams; word out of vocabulary
        {"text": "Three BLIND mice!", "window": 10, "dim": 1},
        {"text": "a a a", "min_count": 1},  # a palindrome: bigrams cannot tell it from its reversal
    ],
)
def test_edge_parameters_run_render_and_serialise(raw: dict) -> None:
    result = run(**raw)
    assert result.vectors.shape == (len(result.tokens), result.dim)
    json.dumps(to_jsonable(result))
    for width in (60, 80, 120):
        render(result, width)


def test_an_out_of_vocabulary_word_has_no_neighbours_and_says_why() -> None:
    result = run(word="zebra")
    assert result.neighbours == ()
    assert "out of vocabulary" in result.neighbour_note


@pytest.mark.parametrize(
    ("raw", "param"),
    [({"text": "  ... "}, "text"), ({"word": "two words"}, "word"), ({"word": ""}, "word")],
)
def test_bad_input_raises_a_param_error_naming_the_parameter(raw: dict, param: str) -> None:
    with pytest.raises(ParamError) as caught:
        run(**raw)
    assert caught.value.param == param


def test_an_empty_corpus_is_refused() -> None:
    with pytest.raises(ParamError, match="no words"):
        run(corpus="... !!!")


@pytest.mark.parametrize("width", [60, 80, 120])
def test_view_fits_the_width_without_trailing_whitespace(default: EmbeddingResult, width: int) -> None:
    output = render(default, width)
    lines = output.splitlines()
    assert all(line == line.rstrip() for line in lines)
    assert max(len(line) for line in lines) <= width
    for token_vector in default.vectors:
        for value in token_vector:
            assert f"{value:+.3f}" in output  # every digit kept, none cut by wrapping
    assert "hungry" in output and "<unk>" in output and "dinner" in output


def test_view_shows_control_characters_and_markup_from_words_as_plain_text(default: EmbeddingResult) -> None:
    hostile = ("\x1b[31mred", "[bold]cat[/]", *default.tokens[2:])
    output = render(dataclasses.replace(default, tokens=hostile, word="\x1b]8;;x"), 80)
    assert "\x1b" not in output
    assert "\\x1b[31mred" in output and "[bold]cat[/]" in output


def test_importing_the_demo_module_loads_no_numpy() -> None:
    code = "import sys, seqml.demos.embedding; print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"
