from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from seqml.demos import (
    DEMOS,
    Param,
    ParamError,
    code_sources,
    get_demo,
    to_jsonable,
    validate_params,
)
from seqml.demos.clipping import ClippingResult
from seqml.demos.corpus import decode_corpus, read_corpus
from seqml.demos.gradient_flow import GradientFlowResult
from seqml.demos.lstm_step import LSTMStepResult
from seqml.demos.ngram import NgramResult
from seqml.demos.rnn_unroll import RNNUnrollResult
from seqml.next_item import NextItemResult

ROOT = Path(__file__).resolve().parent.parent
NURSERY = (ROOT / "data" / "corpora" / "nursery.txt").read_text(encoding="utf-8")
DEFAULT_RESULT_TYPES = {
    "rnn-unroll": RNNUnrollResult,
    "lstm-step": LSTMStepResult,
    "clipping": ClippingResult,
    "gradient-flow": GradientFlowResult,
    "next-item": NextItemResult,
}


def run(name: str, seed: int = 0, **raw: object):
    """Validate raw parameters and run one demo, as the command line would."""
    demo = DEMOS[name]
    corpus_text = raw.pop("corpus_text", NURSERY)
    params = validate_params(demo, raw)
    if name == "ngram":
        params["corpus_text"] = corpus_text
    return demo.run(params, np.random.default_rng(seed))


# --------------------------------------------------------------------------- registry


def test_registry_lists_every_demo_in_its_teaching_order() -> None:
    assert list(DEMOS) == [
        "ngram",
        "rnn-unroll",
        "lstm-step",
        "clipping",
        "gradient-flow",
        "next-item",
        "activations",
        "backprop",
        "gradient-descent",
        "gru-step",
        "bidirectional",
        "attention",
        "train",
        "seq2seq",
        "embedding",
        "decoding",
    ]


def test_every_demo_declares_its_terms_code_and_valid_defaults() -> None:
    for demo in DEMOS.values():
        assert demo.terms and demo.title and demo.summary and demo.code
        assert validate_params(demo, {}) == demo.defaults()
        for param in demo.params:
            assert param.type in ("int", "float", "str", "choice")
            assert param.parse(param.default) == param.default


def test_demo_parameter_names_match_the_brief() -> None:
    names = {name: [p.name for p in demo.params] for name, demo in DEMOS.items()}
    assert names == {
        "ngram": ["n", "text", "k", "corpus", "arpa"],
        "rnn-unroll": ["steps", "hidden", "text"],
        "lstm-step": ["hidden", "forget_bias"],
        "clipping": ["max_norm", "method", "p", "clip_value"],
        "gradient-flow": ["rho", "steps", "forget_bias"],
        "next-item": ["users", "items", "k"],
        "activations": ["low", "high", "points", "function", "temperature", "logits"],
        "backprop": ["hidden", "activation", "batch", "layers"],
        "gradient-descent": ["lr", "steps", "batch"],
        "gru-step": ["hidden", "update_bias"],
        "bidirectional": ["text", "hidden", "swap"],
        "attention": ["text", "causal", "heads", "head"],
        "train": [
            *("model", "hidden", "steps", "lr", "clip", "bptt", "window", "compare", "optimizer", "corpus"),
        ],
        "seq2seq": ["cell", "hidden", "length", "steps", "lr", "test"],
        "embedding": ["text", "min_count", "max_size", "word", "dim", "window", "table", "corpus"],
        "decoding": ["text", "width", "n", "model", "max_words", "length_alpha", "corpus"],
    }


def test_demo_terms_exist_in_the_bundled_packs() -> None:
    text = "".join(path.read_text(encoding="utf-8") for path in (ROOT / "data" / "terms").glob("*.toml"))
    for demo in DEMOS.values():
        for slug in demo.terms:
            assert f'slug = "{slug}"' in text, (demo.name, slug)


def test_importing_the_registry_loads_no_numpy() -> None:
    code = "import sys, seqml.demos; assert 'numpy' not in sys.modules, 'numpy loaded'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_each_demo_module_holds_its_demo_a_notice_line_and_a_view() -> None:
    import importlib

    from seqml.demos import DEMO_MODULES

    for module_name in DEMO_MODULES:
        module = importlib.import_module(f"seqml.demos.{module_name}")
        assert module.DEMO is DEMOS[module.DEMO.name]
        assert module.DEMO.name.replace("-", "_") == module_name
        assert module.DEMO.runner is module.run
        assert module.NOTICE.strip() and "\n" not in module.NOTICE
        view = importlib.import_module(f"glossary.render.demos.{module_name}")
        assert callable(view.view)


def test_get_demo_names_the_choices_for_an_unknown_demo() -> None:
    with pytest.raises(ParamError, match="choose one of ngram, rnn-unroll"):
        get_demo("lstm")


# --------------------------------------------------------------------------- parameters


def test_validate_params_parses_command_line_strings_to_typed_values() -> None:
    params = validate_params(DEMOS["clipping"], {"max_norm": "1e-3", "method": "value", "p": "inf"})
    assert params == {"max_norm": 0.001, "method": "value", "p": "inf", "clip_value": 5.0}
    assert validate_params(DEMOS["ngram"], {"n": " 2 "})["n"] == 2


def test_validate_params_accepts_pack_values_and_dashed_names() -> None:
    params = validate_params(DEMOS["lstm-step"], {"forget-bias": 1, "hidden": 2.0})
    assert params == {"hidden": 2, "forget_bias": 1.0}
    assert validate_params(DEMOS["clipping"], {"p": math.inf})["p"] == "inf"
    assert validate_params(DEMOS["clipping"], {"p": 2})["p"] == "2"


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("ngram", {"n": "9"}, "n must be an integer from 1 to 5, got '9'"),
        ("ngram", {"n": "2.5"}, "n must be an integer from 1 to 5"),
        ("ngram", {"k": "0"}, "k must be an integer from 1 to 20"),
        ("lstm-step", {"forget_bias": "nan"}, "forget_bias must be a number from -5 to 5"),
        ("lstm-step", {"forget_bias": "-5.5"}, "forget_bias must be a number from -5 to 5"),
        ("clipping", {"max_norm": "-1"}, "max_norm must be a number from 0 to 1e+06"),
        ("clipping", {"max_norm": "inf"}, "max_norm must be a number from 0 to 1e+06"),
        ("clipping", {"method": "scale"}, "method must be one of value, norm, global-norm"),
        ("clipping", {"p": "3"}, "p must be one of 1, 2, inf"),
        ("gradient-flow", {"rho": "x"}, "rho must be a number from 0.1 to 2"),
        ("rnn-unroll", {"hidden": True}, "hidden must be an integer from 1 to 8"),
    ],
)
def test_validate_params_rejects_bad_values_with_the_allowed_range(
    name: str, raw: dict[str, object], message: str
) -> None:
    with pytest.raises(ParamError, match=message.replace("+", r"\+").replace(".", r"\.")) as caught:
        validate_params(DEMOS[name], raw)
    assert "\n" not in str(caught.value)
    assert caught.value.param == next(iter(raw)).replace("-", "_")


def test_validate_params_lists_the_real_parameters_for_an_unknown_one() -> None:
    with pytest.raises(
        ParamError, match="demo lstm-step has no parameter 'rho'; it takes hidden, forget_bias"
    ):
        validate_params(DEMOS["lstm-step"], {"rho": "1"})


def test_param_allowed_reads_like_a_person_wrote_it() -> None:
    assert Param("x", "float", 1.0, 0.1, 2.0).allowed() == "a number from 0.1 to 2"
    assert Param("m", "choice", "a", choices=("a", "b")).allowed() == "one of a, b"


# --------------------------------------------------------------------------- running


@pytest.mark.parametrize("name", list(DEFAULT_RESULT_TYPES))
def test_every_demo_runs_with_defaults_and_returns_its_dataclass(name: str) -> None:
    result = run(name)
    assert isinstance(result, DEFAULT_RESULT_TYPES[name])
    json.dumps(to_jsonable(result), allow_nan=False)


def test_every_demo_is_reproducible_from_its_seed() -> None:
    for name in DEFAULT_RESULT_TYPES:
        assert json.dumps(to_jsonable(run(name, seed=3))) == json.dumps(to_jsonable(run(name, seed=3)))


def test_rnn_unroll_runs_one_timestep_per_word_of_the_text() -> None:
    result = run("rnn-unroll", hidden="2", text="hello")
    assert result.words == ("hello",) and result.unread == 0
    assert result.hidden_states.shape == (1, 2)
    result = run("rnn-unroll", steps="5", hidden="2", text="to go")
    assert result.words == ("to", "go")  # never cycled to fill the cap
    assert result.vocabulary == ("to", "go")


def test_rnn_unroll_steps_caps_a_long_text_and_counts_what_it_left_out() -> None:
    result = run("rnn-unroll", steps="3", hidden="2", text="the cat sat on the mat")
    assert result.words == ("the", "cat", "sat") and result.unread == 3
    assert result.hidden_states.shape == (3, 2)


def test_rnn_unroll_first_state_is_tanh_of_the_first_words_weights() -> None:
    from seqml.rnn import init_rnn

    result = run("rnn-unroll", seed=11, steps="3", hidden="4", text="a b c")
    params = init_rnn(3, 4, np.random.default_rng(11))  # same seed, same first draws
    expected = np.tanh(params.weight_ih[:, 0] + params.bias_ih + params.bias_hh)
    np.testing.assert_allclose(result.hidden_states[0], expected, rtol=0, atol=1e-12)
    # Column t feeds column t + 1: h_2 = tanh(W_ih x_2 + W_hh h_1 + b).
    h_2 = np.tanh(
        params.weight_ih[:, 1] + params.weight_hh @ result.hidden_states[0] + params.bias_ih + params.bias_hh
    )
    np.testing.assert_allclose(result.hidden_states[1], h_2, rtol=0, atol=1e-12)


def test_rnn_unroll_rejects_text_without_words() -> None:
    with pytest.raises(ParamError, match="at least one word"):
        run("rnn-unroll", text="   ")


def test_lstm_step_cell_and_hidden_follow_from_the_gates() -> None:
    result = run("lstm-step", hidden="5")
    np.testing.assert_allclose(
        result.c, result.forget_gate * result.c_prev + result.input_gate * result.candidate, atol=1e-12
    )
    np.testing.assert_allclose(result.h, result.output_gate * np.tanh(result.c), atol=1e-12)
    for gate in (result.input_gate, result.forget_gate, result.output_gate):
        assert np.all((gate > 0) & (gate < 1))


def test_lstm_step_forget_bias_opens_the_forget_gate() -> None:
    closed = run("lstm-step", forget_bias="-5").forget_gate
    open_ = run("lstm-step", forget_bias="5").forget_gate
    assert np.all(open_ > 0.9) and np.all(closed < 0.1)


def test_clipping_by_global_norm_keeps_the_direction_and_reaches_max_norm() -> None:
    result = run("clipping")
    assert result.clipped and result.norm_before > 5.0
    assert result.norm_after == pytest.approx(5.0, rel=1e-6)  # PyTorch's 1e-6 epsilon
    assert result.angle_degrees == pytest.approx(0.0, abs=1e-5)


def test_clipping_by_value_bounds_each_element_and_turns_the_direction() -> None:
    result = run("clipping", method="value", clip_value="1")
    assert result.threshold == 1.0
    assert all(np.all(np.abs(grad) <= 1.0) for grad in result.after)
    assert result.angle_degrees is not None and result.angle_degrees > 1.0


def test_clipping_by_value_accepts_max_norm_in_place_of_clip_value() -> None:
    assert run("clipping", method="value", max_norm="1").threshold == 1.0
    assert run("clipping", method="value", max_norm="1", clip_value="1").threshold == 1.0


def test_clipping_refuses_a_limit_the_method_cannot_use() -> None:
    with pytest.raises(ParamError, match="not both") as error:
        run("clipping", method="value", max_norm="1", clip_value="2")
    assert error.value.param == "clip_value"
    with pytest.raises(ParamError, match="--clip-value applies to --method value"):
        run("clipping", method="norm", clip_value="2")


def test_clipping_by_norm_bounds_each_array_in_the_chosen_p_norm() -> None:
    result = run("clipping", method="norm", max_norm="2", p="1")
    for before, after in zip(result.before, result.after, strict=True):
        assert np.abs(after).sum() <= 2.0 + 1e-9
        assert np.abs(before).sum() > 2.0


def test_clipping_to_zero_leaves_no_direction_to_measure() -> None:
    result = run("clipping", max_norm="0")
    assert result.norm_after == 0.0 and result.angle_degrees is None


def test_clipping_leaves_small_gradients_unchanged() -> None:
    result = run("clipping", max_norm="1e6")
    assert not result.clipped
    assert result.norm_after == result.norm_before


def test_gradient_flow_shows_vanishing_and_exploding_rnns_and_an_lstm() -> None:
    result = run("gradient-flow")
    verdicts = {curve.label: curve.verdict for curve in result.curves}
    assert verdicts["RNN rho=0.5"] == "vanishing"
    assert verdicts["RNN rho=1.5"] == "exploding"
    assert verdicts["LSTM cell"] == "stable"  # the default bias keeps the cell's gradient alive
    assert all(curve.norms.shape == (31,) for curve in result.curves)


def test_gradient_flow_with_forget_bias_3_the_cell_holds_while_h_falls_tenfold_and_vanishes() -> None:
    curves = {curve.label: curve for curve in run("gradient-flow", forget_bias="3").curves}
    h, cell = curves["LSTM h"], curves["LSTM cell"]
    assert h.norms[2] < h.norms[0] / 10  # tenfold down in two steps: not "stable"
    assert h.verdict == "vanishing" and h.per_step < 0.926
    assert cell.verdict == "stable" and cell.per_step > 0.98


def test_gradient_flow_with_forget_bias_1_both_lstm_paths_vanish() -> None:
    curves = {curve.label: curve for curve in run("gradient-flow", forget_bias="1").curves}
    assert curves["LSTM h"].verdict == curves["LSTM cell"].verdict == "vanishing"


def test_gradient_flow_verdict_follows_the_rate_per_step_not_the_number_of_steps() -> None:
    short = {curve.label: curve.verdict for curve in run("gradient-flow", rho="1.1", steps="12").curves}
    assert short["RNN rho=1.1"] == "exploding"  # 1.1 per step: tenfold within 25 steps
    two = {curve.label: curve.verdict for curve in run("gradient-flow", steps="2").curves}
    assert two["RNN rho=0.5"] == "vanishing" and two["RNN rho=1.5"] == "exploding"


def test_gradient_flow_linear_yardstick_is_exactly_rho_to_the_k_and_not_drawn() -> None:
    result = run("gradient-flow", rho="1.2", steps="10")
    np.testing.assert_allclose(result.linear.norms, 1.2 ** np.arange(11), rtol=1e-10)
    assert result.linear.per_step == pytest.approx(1.2, rel=1e-12)
    assert all(not curve.label.startswith("linear") for curve in result.curves)


def test_next_item_bigram_beats_popularity_by_default() -> None:
    result = run("next-item")
    assert result.recall_at_k["bigram"] > result.recall_at_k["popularity"]
    assert result.mrr["bigram"] > result.mrr["popularity"]


def test_next_item_rejects_k_larger_than_the_catalogue() -> None:
    with pytest.raises(ParamError, match=r"k must be at most items \(10\)"):
        run("next-item", items="10", k="20")


# --------------------------------------------------------------------------- n-gram


def test_ngram_three_blind_predicts_mice_under_every_model() -> None:
    result = run("ngram")
    assert isinstance(result, NgramResult)
    assert result.context == ("three", "blind")
    assert [p.model for p in result.predictions] == [
        "mle",
        "laplace",
        "witten-bell",
        "kneser-ney",
        "modified-kneser-ney",
    ]
    for prediction in result.predictions:
        assert prediction.top[0][0] == "mice", prediction.model
        assert len(prediction.top) == (3 if prediction.model == "mle" else 5)  # MLE: 3 seen words
        probabilities = [p for _, p in prediction.top]
        assert probabilities == sorted(probabilities, reverse=True)


def test_ngram_mle_gives_the_relative_frequency_after_the_context() -> None:
    corpus = "three blind mice\nthree blind mice\nthree blind men\n"
    result = run("ngram", corpus_text=corpus, k="2")
    mle = result.predictions[0]
    assert mle.top == (("mice", pytest.approx(2 / 3)), ("men", pytest.approx(1 / 3)))


def test_ngram_pads_a_short_context_with_the_sentence_start() -> None:
    result = run("ngram", text="blind")
    assert result.context == ("<s>", "blind")
    assert run("ngram", n="1").context == ()


def test_ngram_trains_an_order_longer_than_every_sentence_on_the_padding() -> None:
    result = run("ngram", corpus_text="a b\nc\n", n="3", text="a")
    assert result.context == ("<s>", "a")
    kenlm = next(p for p in result.predictions if p.model == "modified-kneser-ney")
    assert kenlm.top[0][0] == "b" and math.isfinite(kenlm.perplexity)


def test_ngram_perplexity_is_infinite_for_mle_and_finite_with_add_one_and_kenlm_smoothing() -> None:
    result = run("ngram", text="three blind cats")
    by_model = {p.model: p.perplexity for p in result.predictions}
    assert math.isinf(by_model["mle"])  # "blind cats" was never seen
    assert math.isfinite(by_model["laplace"]) and math.isfinite(by_model["modified-kneser-ney"])
    # NLTK's interpolated models give <UNK> probability 0, so an unknown word is infinite there.
    assert math.isinf(by_model["witten-bell"]) and math.isinf(by_model["kneser-ney"])


def test_ngram_leaves_zero_probability_words_out_of_the_predictions() -> None:
    mle = run("ngram", text="blind cats").predictions[0]
    assert mle.top == () and "never seen" in mle.note


def test_ngram_unigram_explains_which_models_need_a_longer_order() -> None:
    result = run("ngram", n="1")
    by_model = {p.model: p for p in result.predictions}
    assert by_model["mle"].top and by_model["laplace"].top
    assert by_model["kneser-ney"].top == () and "order" in by_model["kneser-ney"].note


# --------------------------------------------------------------------------- corpus files


def test_read_corpus_names_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("caf\xe9 au lait\n".encode("latin-1"))
    with pytest.raises(
        ParamError, match=r"corpus '.*latin\.txt' is not UTF-8 text \(byte 0xe9 at offset 3\)"
    ):
        read_corpus(path)


def test_read_corpus_rejects_empty_and_missing_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text(" \n\n", encoding="utf-8")
    with pytest.raises(ParamError, match="is empty"):
        read_corpus(empty)
    with pytest.raises(ParamError, match="does not exist"):
        read_corpus(tmp_path / "missing.txt")


def test_decode_corpus_returns_utf8_text_unchanged() -> None:
    assert decode_corpus("naïve mice\n".encode(), "<stdin>") == "naïve mice\n"


# --------------------------------------------------------------------------- code and JSON


def test_code_sources_return_the_core_numpy_functions() -> None:
    sources = dict(code_sources(DEMOS["lstm-step"]))
    cell = sources["seqml.lstm.lstm_cell"]
    # The equations as written, not the fast path's fused, pre-halved form.
    assert "def lstm_cell(" in cell and "sigmoid(" in cell and "_activate" not in cell
    for demo in DEMOS.values():
        assert all(source.lstrip().startswith(("def ", "@")) for _, source in code_sources(demo))


def test_to_jsonable_turns_arrays_and_infinities_into_strict_json() -> None:
    data = to_jsonable({"a": np.arange(3), "inf": math.inf, "nan": math.nan, "t": (np.float64(1.5),)})
    assert data == {"a": [0, 1, 2], "inf": "inf", "nan": "nan", "t": [1.5]}
    json.dumps(data, allow_nan=False)


def test_a_huge_bad_value_is_cut_short_in_the_error() -> None:
    with pytest.raises(ParamError) as caught:
        validate_params(DEMOS["ngram"], {"n": "9" * 5000})
    assert len(str(caught.value)) < 100 and str(caught.value).endswith("...")


def test_ngram_unigram_perplexity_is_finite_for_mle_and_witten_bell() -> None:
    shown = {p.model: p.perplexity for p in run("ngram", n="1", text="three blind mice").predictions}
    assert math.isfinite(shown["mle"]) and math.isfinite(shown["witten-bell"])
