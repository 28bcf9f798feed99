"""The demo registry: one small, seeded, parameterised NumPy experiment per concept.

Each ``Demo`` names the glossary terms it illustrates, declares typed parameters with ranges and
defaults, and runs as ``run(params, rng) -> result dataclass``. The result is plain data; views
turn it into tables and charts. The experiments:

    ngram          P(w | w_{t-n+1} .. w_{t-1}) under MLE, Laplace, Witten-Bell, Kneser-Ney and
                   modified Kneser-Ney, top-k side by side, and the perplexity of the typed text
                   PP(s) = 2 ** (-(1/N) sum_i log2 P(w_i | context_i))
    rnn-unroll     h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh), one column per word
    lstm-step      i, f, g, o = gates(x_t, h_{t-1});  c_t = f * c_{t-1} + i * g;  h_t = o * tanh(c_t)
    clipping       g' = g * min(1, max_norm / ||g||_p), or per element clip(g, -v, v); angle(g, g')
    gradient-flow  ||dL/dh_{T-k}|| against k: tanh RNN with spectral radius rho (~ rho^k) vs LSTM
    next-item      Recall@k and MRR of an add-alpha item bigram vs popularity

Everything heavy is imported inside the runners, so listing the demos (and importing this module)
loads no NumPy. Parameters arrive as strings from the command line or as TOML values from a
content pack; ``validate_params`` turns both into checked Python values, with one-line errors.

References: Jurafsky & Martin, *Speech and Language Processing*, ch. 3 and 9; Hochreiter &
Schmidhuber, "Long short-term memory" (1997); Pascanu, Mikolov & Bengio, "On the difficulty of
training recurrent neural networks" (ICML 2013) for clipping and the rho^k picture.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

    from seqml.sequence import NextItemResult

from seqml.demos.base import (  # noqa: F401  (re-exported: the registry's vocabulary)
    PARAM_TYPES,
    Demo,
    Param,
    ParamError,
    code_sources,
    to_jsonable,
    validate_params,
)

# --------------------------------------------------------------------------- n-gram

NGRAM_MODELS = ("mle", "laplace", "witten-bell", "kneser-ney", "modified-kneser-ney")


@dataclass(frozen=True)
class NgramPrediction:
    """One smoothing model's view of the context: its top words and the text's perplexity."""

    model: str
    top: tuple[tuple[str, float], ...]
    perplexity: float  # NaN when the model could not be fitted or nothing was typed
    note: str = ""  # why ``top`` is empty, when it is


@dataclass(frozen=True)
class NgramResult:
    """Top-k next words per model for one context, trained on one corpus."""

    order: int
    text: str
    context: tuple[str, ...]
    corpus_sentences: int
    corpus_tokens: int
    vocabulary_size: int
    predictions: tuple[NgramPrediction, ...]


def read_corpus(path: str | Path) -> str:
    """Read a corpus file as UTF-8, with one clear line naming the file when it cannot be used."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ParamError(f"corpus file {str(path)!r} does not exist", "corpus") from None
    except OSError as error:
        raise ParamError(f"corpus file {str(path)!r} cannot be read: {error.strerror}", "corpus") from None
    return decode_corpus(data, str(path))


def decode_corpus(data: bytes, name: str) -> str:
    """Decode corpus bytes strictly as UTF-8; refuse empty corpora before any model sees them."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ParamError(
            f"corpus {name!r} is not UTF-8 text (byte 0x{data[error.start]:02x} at offset "
            f"{error.start}); convert it, e.g. with iconv -f latin1 -t utf-8",
            "corpus",
        ) from None
    if not text.strip():
        raise ParamError(f"corpus {name!r} is empty", "corpus")
    return text


def run_ngram(params: dict[str, Any], rng: np.random.Generator) -> NgramResult:
    """Fit every smoothing model on the corpus and rank next words after the typed context."""
    from seqml import ngram

    corpus_text = params.get("corpus_text")
    if corpus_text is None:
        if not params["corpus"] or params["corpus"] == "-":
            raise ParamError("the ngram demo needs a corpus file or corpus text", "corpus")
        corpus_text = read_corpus(params["corpus"])
    order = params["n"]
    sentences = ngram.tokenize(corpus_text)
    if not sentences:
        raise ParamError("the corpus has no words", "corpus")
    longest = max(len(sentence) for sentence in sentences)
    if longest < order:
        raise ParamError(f"n must be at most {longest}, the length of the longest corpus sentence", "n")
    typed = [token for sentence in ngram.tokenize(params["text"]) for token in sentence]
    # The last N-1 typed words; a shorter text is the start of a sentence, so <s> pads it.
    padded = [ngram.BOS] * (order - 1) + typed
    context = tuple(padded[len(padded) - (order - 1) :]) if order > 1 else ()
    predictions = []
    vocabulary_size = 0
    problems = []
    for model_name in NGRAM_MODELS:
        try:
            model = ngram.fit(sentences, order, model=model_name)
        except ValueError as error:  # e.g. Kneser-Ney needs bigrams to build its unigrams
            problems.append(str(error))
            predictions.append(NgramPrediction(model_name, (), math.nan, str(error)))
            continue
        vocabulary_size = vocabulary_size or len(model.vocabulary)  # MLE's, the plain count
        # Zero-probability words are no prediction (MLE after an unseen context): leave them out.
        top = tuple((word, p) for word, p in model.top_k(context, params["k"]) if p > 0)
        perplexity = float(model.perplexity([typed])) if typed else math.nan
        note = "" if top else "context never seen: every next word has probability 0"
        predictions.append(NgramPrediction(model_name, top, perplexity, note))
    if len(problems) == len(NGRAM_MODELS):
        raise ParamError(problems[0])
    return NgramResult(
        order=order,
        text=params["text"],
        context=context,
        corpus_sentences=len(sentences),
        corpus_tokens=sum(len(sentence) for sentence in sentences),
        vocabulary_size=vocabulary_size,
        predictions=tuple(predictions),
    )


# --------------------------------------------------------------------------- RNN unrolled


@dataclass(frozen=True)
class RNNUnrollResult:
    """The hidden state after each word: the picture of one RNN run once per timestep."""

    words: tuple[str, ...]
    vocabulary: tuple[str, ...]  # one-hot input positions
    h0: np.ndarray  # (H,)
    hidden_states: np.ndarray  # (T, H), row t is h_t after reading words[t]


def run_rnn_unroll(params: dict[str, Any], rng: np.random.Generator) -> RNNUnrollResult:
    """Feed one-hot words through a freshly initialised RNN and keep every hidden state."""
    import numpy as np

    from seqml.rnn import init_rnn, rnn_forward

    typed = params["text"].split()
    if not typed:
        raise ParamError("text must contain at least one word", "text")
    steps = params["steps"]
    words = tuple(typed[t % len(typed)] for t in range(steps))  # cycle short texts
    vocabulary = tuple(dict.fromkeys(words))
    position = {word: index for index, word in enumerate(vocabulary)}
    x = np.zeros((steps, 1, len(vocabulary)))  # (T, B=1, I) one-hot
    x[np.arange(steps), 0, [position[word] for word in words]] = 1.0
    rnn = init_rnn(len(vocabulary), params["hidden"], rng)
    forward = rnn_forward(rnn, x)
    return RNNUnrollResult(words, vocabulary, forward.h0[0], forward.hidden_states[:, 0, :])


# --------------------------------------------------------------------------- LSTM step

LSTM_INPUT_SIZE = 3


@dataclass(frozen=True)
class LSTMStepResult:
    """One LSTM step: the inputs, the four gate activations and the new cell and hidden state."""

    forget_bias: float
    x: np.ndarray  # (I,)
    h_prev: np.ndarray  # (H,)
    c_prev: np.ndarray  # (H,)
    input_gate: np.ndarray  # i
    forget_gate: np.ndarray  # f
    candidate: np.ndarray  # g
    output_gate: np.ndarray  # o
    c: np.ndarray
    h: np.ndarray


def run_lstm_step(params: dict[str, Any], rng: np.random.Generator) -> LSTMStepResult:
    """Take one step of a fresh LSTM from a random state, keeping every gate for display."""
    from seqml.lstm import init_lstm, lstm_step

    hidden = params["hidden"]
    lstm = init_lstm(LSTM_INPUT_SIZE, hidden, rng, forget_bias=params["forget_bias"])
    x = rng.normal(size=(1, LSTM_INPUT_SIZE))
    h_prev = rng.uniform(-0.5, 0.5, size=(1, hidden))
    c_prev = rng.normal(size=(1, hidden))
    h, c, cache = lstm_step(lstm, x, h_prev, c_prev)
    return LSTMStepResult(
        forget_bias=params["forget_bias"],
        x=x[0],
        h_prev=h_prev[0],
        c_prev=c_prev[0],
        input_gate=cache.input_gate[0],
        forget_gate=cache.forget_gate[0],
        candidate=cache.candidate[0],
        output_gate=cache.output_gate[0],
        c=c[0],
        h=h[0],
    )


# --------------------------------------------------------------------------- clipping

CLIPPING_SHAPES = {"weight": 4, "bias": 3}  # two small gradient arrays, as in one layer


@dataclass(frozen=True)
class ClippingResult:
    """Gradients before and after clipping, their norms, and how far the direction turned."""

    method: str
    max_norm: float
    p: float
    names: tuple[str, ...]
    before: tuple[np.ndarray, ...]
    after: tuple[np.ndarray, ...]
    norm_before: float  # p-norm of all gradients together
    norm_after: float
    angle_degrees: float | None  # None when either vector is zero (no direction)
    clipped: bool


def _p_norm(vector: np.ndarray, p: float) -> float:
    """||v||_p of a flat vector, p in {1, 2, inf}."""
    import numpy as np

    return float(np.linalg.norm(vector, ord=p))


def run_clipping(params: dict[str, Any], rng: np.random.Generator) -> ClippingResult:
    """Clip two random gradient arrays three ways and measure how each changes the direction."""
    import numpy as np

    from seqml import clipping

    p = float(params["p"])
    max_norm = params["max_norm"]
    method = params["method"]
    names = tuple(CLIPPING_SHAPES)
    # Standard deviation 5 over 7 numbers: a joint 2-norm near 13, an "exploding" step that the
    # default max_norm of 5 clips.
    before = tuple(rng.normal(0.0, 5.0, size=size) for size in CLIPPING_SHAPES.values())
    if method == "value":
        after = tuple(clipping.clip_by_value(grad, max_norm) for grad in before)
    elif method == "norm":
        after = tuple(clipping.clip_by_norm(grad, max_norm, p=p).grad for grad in before)
    else:
        after = tuple(clipping.clip_by_global_norm(list(before), max_norm, p=p).grads)
    after = tuple(np.asarray(grad, dtype=np.float64) for grad in after)
    flat_before, flat_after = np.concatenate(before), np.concatenate(after)
    lengths = np.linalg.norm(flat_before) * np.linalg.norm(flat_after)
    angle = None
    if lengths > 0:
        cosine = np.clip(flat_before @ flat_after / lengths, -1.0, 1.0)
        angle = float(np.degrees(np.arccos(cosine)))
    return ClippingResult(
        method=method,
        max_norm=max_norm,
        p=p,
        names=names,
        before=before,
        after=after,
        norm_before=_p_norm(flat_before, p),
        norm_after=_p_norm(flat_after, p),
        angle_degrees=angle,
        clipped=not np.array_equal(flat_before, flat_after),
    )


# --------------------------------------------------------------------------- gradient flow

GRADIENT_FLOW_HIDDEN = 16
GRADIENT_FLOW_RHOS = (0.5, 1.5)  # beside the chosen rho: one clearly vanishing, one exploding


@dataclass(frozen=True)
class GradientCurve:
    """||dL/dh_{T-k}|| for k = 0..steps under one model, and what the trend looks like."""

    label: str
    norms: np.ndarray  # (steps + 1,)
    verdict: str  # vanishing | exploding | stable


@dataclass(frozen=True)
class GradientFlowResult:
    """Gradient norm against distance k: RNN at several rho, exact linear rho^k, LSTM h and cell."""

    steps: int
    rho: float
    forget_bias: float
    curves: tuple[GradientCurve, ...]


def _norm_values(result: Any) -> np.ndarray:
    """Accept a norms dataclass (field ``norms``) or a bare array from seqml.gradients."""
    import numpy as np

    return np.asarray(getattr(result, "norms", result), dtype=np.float64)


def run_gradient_flow(params: dict[str, Any], rng: np.random.Generator) -> GradientFlowResult:
    """Back-propagate one unit gradient through time under each model and record its norm."""
    from seqml import gradients

    steps, rho, forget_bias = params["steps"], params["rho"], params["forget_bias"]
    curves = []
    for value in sorted({rho, *GRADIENT_FLOW_RHOS}):
        norms = _norm_values(gradients.rnn_gradient_norms(value, steps, GRADIENT_FLOW_HIDDEN, rng))
        curves.append(GradientCurve(f"RNN rho={value:g}", norms, gradients.classify(norms)))
    norms = _norm_values(gradients.linear_gradient_norms(rho, steps, GRADIENT_FLOW_HIDDEN, rng))
    curves.append(GradientCurve(f"linear rho^k, rho={rho:g}", norms, gradients.classify(norms)))
    lstm = gradients.lstm_gradient_norms(forget_bias, steps, GRADIENT_FLOW_HIDDEN, rng)
    # Through h the LSTM gradient also passes the output gate each step; the cell path is the
    # one the forget gate protects, so both are drawn.
    for label, values in (("LSTM h", lstm.norms), ("LSTM cell", lstm.cell_norms)):
        norms = _norm_values(values)
        curves.append(GradientCurve(f"{label} fb={forget_bias:g}", norms, gradients.classify(norms)))
    return GradientFlowResult(steps, rho, forget_bias, tuple(curves))


# --------------------------------------------------------------------------- next item


def run_next_item(params: dict[str, Any], rng: np.random.Generator) -> NextItemResult:
    """Simulate watch histories and score the bigram and popularity rankers on last items."""
    from seqml.sequence import evaluate_next_item

    if params["k"] > params["items"]:
        raise ParamError(f"k must be at most items ({params['items']}), got {params['k']}", "k")
    return evaluate_next_item(params["users"], params["items"], params["k"], rng)


# --------------------------------------------------------------------------- the registry

DEMOS: dict[str, Demo] = {
    demo.name: demo
    for demo in (
        Demo(
            name="ngram",
            title="N-gram next-word prediction",
            summary="Top next words after a context under five smoothing models, side by side.",
            terms=("n-gram", "bigram", "trigram", "language-model", "perplexity", "smoothing"),
            params=(
                Param("n", "int", 3, 1, 5, help="order N: the context is the last N-1 words"),
                Param("text", "str", "three blind", help="the words typed so far"),
                Param("k", "int", 5, 1, 20, help="how many next words to show"),
                Param(
                    "corpus",
                    "str",
                    "",
                    help="training text, one sentence per line; '-' reads stdin "
                    "(default: the bundled nursery corpus)",
                ),
            ),
            runner=run_ngram,
            code=("seqml.ngram:fit", "seqml.ngram:count_ngrams", "seqml.demos:run_ngram"),
        ),
        Demo(
            name="rnn-unroll",
            title="An RNN unrolled over timesteps",
            summary="One RNN run once per word; the hidden state carries the sequence so far.",
            terms=("recurrent-neural-network", "timestep", "hidden-state"),
            params=(
                Param("steps", "int", 4, 1, 12, help="timesteps (words are cycled or cut)"),
                Param("hidden", "int", 3, 1, 8, help="size of the hidden state"),
                Param("text", "str", "three blind mice ran", help="input words, one per step"),
            ),
            runner=run_rnn_unroll,
            code=("seqml.rnn:rnn_forward", "seqml.demos:run_rnn_unroll"),
        ),
        Demo(
            name="lstm-step",
            title="One LSTM step, gate by gate",
            summary="Input, forget, candidate and output gates, then the new cell and hidden state.",
            terms=("long-short-term-memory", "forget-gate", "cell-state"),
            params=(
                Param("hidden", "int", 4, 1, 8, help="size of the hidden and cell state"),
                Param(
                    "forget_bias",
                    "float",
                    1.0,
                    -5.0,
                    5.0,
                    help="added to the forget gate's bias: high keeps the old cell state",
                ),
            ),
            runner=run_lstm_step,
            code=("seqml.lstm:lstm_step", "seqml.lstm:init_lstm"),
        ),
        Demo(
            name="clipping",
            title="Gradient clipping by value, norm and global norm",
            summary="The gradient before and after clipping, its norm, and the angle it turned.",
            terms=("gradient-clipping", "exploding-gradient-problem"),
            params=(
                Param("max_norm", "float", 5.0, 0.0, 1e6, help="largest allowed norm (or value)"),
                Param(
                    "method",
                    "choice",
                    "global-norm",
                    choices=("value", "norm", "global-norm"),
                    help="clip each element, each array's norm, or all arrays' joint norm",
                ),
                Param("p", "choice", "2", choices=("1", "2", "inf"), help="which p-norm"),
            ),
            runner=run_clipping,
            code=(
                "seqml.clipping:clip_by_value",
                "seqml.clipping:clip_by_norm",
                "seqml.clipping:clip_by_global_norm",
            ),
        ),
        Demo(
            name="gradient-flow",
            title="Vanishing and exploding gradients through time",
            summary="Gradient norm k steps back: tanh RNN at several rho against an LSTM.",
            terms=("vanishing-gradient-problem", "exploding-gradient-problem", "spectral-radius"),
            params=(
                Param("rho", "float", 0.9, 0.1, 2.0, help="spectral radius of the RNN's W_hh"),
                Param("steps", "int", 30, 1, 100, help="how many steps to back-propagate"),
                Param(
                    "forget_bias",
                    "float",
                    3.0,
                    -5.0,
                    5.0,
                    help="the LSTM's forget-gate bias (3 holds the gate near 0.95)",
                ),
            ),
            runner=run_gradient_flow,
            code=(
                "seqml.gradients:rnn_gradient_norms",
                "seqml.gradients:lstm_gradient_norms",
            ),
        ),
        Demo(
            name="next-item",
            title="Next-item prediction: a sequence model against popularity",
            summary="Predict the next video from the last one watched: item bigram vs popularity.",
            terms=("sequence-model",),
            params=(
                Param("users", "int", 500, 10, 5000, help="simulated viewers"),
                Param("items", "int", 100, 10, 500, help="catalogue size (series of 5)"),
                Param("k", "int", 5, 1, 50, help="cut-off for Recall@k"),
            ),
            runner=run_next_item,
            code=(
                "seqml.sequence:generate_histories",
                "seqml.sequence:fit_bigram",
                "seqml.sequence:evaluate_next_item",
            ),
        ),
    )
}


def get_demo(name: str) -> Demo:
    """The demo called ``name``, or a ParamError listing the ones that exist."""
    try:
        return DEMOS[name]
    except KeyError:
        raise ParamError(f"no demo {name!r}; choose one of {', '.join(DEMOS)}") from None


if __name__ == "__main__":
    import numpy as np

    demo = DEMOS["lstm-step"]
    result = demo.run(validate_params(demo, {"hidden": "3"}), np.random.default_rng(0))
    print("forget gate:", result.forget_gate.round(3), "h:", result.h.round(3))
