"""Computed questions on the newer demos: softmax temperature, attention weights, greedy against
beam search, the GRU update gate and a learning rate that diverges.

Each maker draws fresh numbers from a ``seqml`` helper written for the quiz (its docstring says
why its numbers are safe to print rounded) and offers the slips a learner makes as the wrong
options: the flattened distribution for the sharp one, the weight without 1/sqrt(d), greedy's
choice, the other gate convention, a safe rate. NumPy and ``seqml`` load inside each maker only.
Registered per term in ``glossary.quiz.COMPUTED``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from glossary.quiz.base import MULTIPLE_CHOICE, Question, quoted
from glossary.quiz.computed import _first_unique, _np_rng, _number_options, _vector

if TYPE_CHECKING:
    from glossary.quiz.bank import Bank
    from glossary.quiz.base import Rng

TEMPERATURES = (0.5, 1.0, 2.0, 5.0)


def computed_temperature(bank: Bank, slug: str, rng: Rng) -> Question:
    """Which temperature turned these logits into this distribution? Low T sharpens, high flattens."""
    import numpy as np

    from seqml.activations import softmax_with_temperature, which_temperature

    g = _np_rng(rng)
    while True:
        logits = np.sort(g.choice(np.arange(-1, 5), size=3, replace=False))[::-1].astype(float)
        temperature = float(g.choice(TEMPERATURES))
        shown = np.round(softmax_with_temperature(logits, temperature), 2)
        rounded = {_vector(np.round(softmax_with_temperature(logits, t), 2)) for t in TEMPERATURES}
        if (
            len(rounded) == len(TEMPERATURES)
            and which_temperature(logits, shown, TEMPERATURES) == temperature
        ):
            break
    answer = f"T = {temperature:g}"
    options = _number_options([(f"T = {t:g}", "") for t in TEMPERATURES], answer, rng)
    at_one = _vector(np.round(softmax_with_temperature(logits, 1.0), 2))
    return Question(
        slug,
        "computed",
        f"The logits z = {_vector(logits)} go through softmax(z / T) and come out as "
        f"p = {_vector(shown)}. Which temperature T was used?",
        answer,
        "",
        f"At T = 1 the softmax gives {at_one}; dividing by T < 1 sharpens it toward the top "
        f"logit and T > 1 flattens it toward uniform, and p matches T = {temperature:g}.",
        options,
    )


def computed_attention(bank: Bank, slug: str, rng: Rng) -> Question:
    """The weight a query gives its favourite key: softmax of q.k / sqrt(d), not of q.k, not q.k."""
    from seqml.attention_exercise import attention_quiz_item

    item = attention_quiz_item(_np_rng(rng))
    keys = len(item.keys)
    best = item.best_key + 1
    answer = f"{item.best_weight:.2f}"
    candidates = [(answer, ""), (f"{item.unscaled_weight:.2f}", ""), (f"{1 / keys:.2f}", "")]
    candidates += [(f"{float(item.scores[item.best_key]):.2f}", "")]  # a score is not a weight
    candidates += [(f"{float(w):.2f}", "") for w in sorted(item.weights)]  # another key's weight
    options = _number_options(_first_unique(candidates, MULTIPLE_CHOICE), answer, rng)
    query = _vector(item.queries[item.query_index])
    return Question(
        slug,
        "computed",
        f"Scaled dot-product attention with d = {item.keys.shape[1]}: the query q = {query} "
        f"attends over {keys} keys. What weight does it give key {best}, its favourite?",
        answer,
        "",
        f"Scores q.k_j / sqrt(d) = ({', '.join(f'{float(v):g}' for v in item.scores)}); their softmax is "
        f"{_vector(item.weights)}, so key {best} gets {answer} "
        f"(without the 1/sqrt(d) it would be {item.unscaled_weight:.2f}).",
        options,
        detail=tuple(f"k{index} = {_vector(key)}" for index, key in enumerate(item.keys, start=1)),
    )


def _tree(lines: tuple[str, ...]) -> dict[str, dict[str, float]]:
    """The printed tree back as {context: {word: p}} ("start" for the first step)."""
    tree: dict[str, dict[str, float]] = {}
    for line in lines:
        context, _, rest = line.partition(": ")
        pairs = (part.rsplit(" ", 1) for part in rest.split(", "))
        tree[context.removeprefix("after ")] = {word: float(p) for word, p in pairs}
    return tree


def computed_beam(bank: Bank, slug: str, rng: Rng) -> Question:
    """Greedy against a beam of 2: the likeliest first word leads to weak second words."""
    from seqml.decoding import EOS, greedy_beam_question

    item = greedy_beam_question(_np_rng(rng))
    tree = _tree(item.lines)
    paths = {
        f"{first} {second}": p_first * p_second
        for first, p_first in tree["start"].items()
        for second, p_second in tree.get(first, {}).items()
    }
    beam = " ".join(t for t in item.beam.tokens if t != EOS)
    greedy = " ".join(t for t in item.greedy.tokens if t != EOS)
    others = sorted((p, path) for path, p in paths.items() if path not in (beam, greedy))[::-1]
    candidates = [(beam, ""), (greedy, ""), *((path, "") for _, path in others)]
    options = _number_options(_first_unique(candidates, MULTIPLE_CHOICE), beam, rng)
    return Question(
        slug,
        "computed",
        "A model gives these next-word probabilities; every output is two words then </s>. "
        "Which output does beam search with width 2 return?",
        beam,
        "",
        f"Greedy takes {quoted(item.greedy_first)} first and ends with {quoted(greedy)} "
        f"(P = {item.greedy_probability:.2f}); the beam keeps the runner-up too and finds "
        f"{quoted(beam)} (P = {item.beam_probability:.2f}).",
        options,
        detail=item.lines,
    )


def computed_update_gate(bank: Bank, slug: str, rng: Rng) -> Question:
    """The GRU update: h' = (1 - z) n + z h, against the swapped convention and the half formulas."""
    from seqml.gru import update_gate_exercise

    item = update_gate_exercise(_np_rng(rng))
    z, n, h = item.update_gate, item.candidate, item.h_prev
    answer = f"{item.new_state:.2f}"
    candidates = [(answer, ""), (f"{item.swapped:.2f}", ""), (f"{item.without_copy:.2f}", "")]
    candidates += [(f"{item.candidate_only:.2f}", ""), (f"{item.copy_only:.2f}", "")]
    options = _number_options(_first_unique(candidates, MULTIPLE_CHOICE), answer, rng)
    return Question(
        slug,
        "computed",
        f"One GRU unit (PyTorch's convention): old state h = {h:g}, candidate n = {n:.2g}, "
        f"update gate z = {z:g}. What is the new state h'?",
        answer,
        "",
        f"h' = (1 - z) n + z h = {1 - z:g} \u00d7 {_factor(n)} + {z:g} \u00d7 {_factor(h)} = {answer}: "
        "z is the share of the old state kept, 1 - z the share of the candidate written.",
        options,
    )


def _factor(value: float) -> str:
    """A factor of a product as a person writes it: 0.5 \u00d7 (-0.9), never 0.5 \u00d7 -0.9."""
    text = f"{value:.2g}"
    return f"({text})" if value < 0 else text


def computed_divergence(bank: Bank, slug: str, rng: Rng) -> Question:
    """Which learning rate makes full-batch gradient descent diverge on a least-squares loss?"""
    import numpy as np

    from seqml.gradient_descent import (
        critical_learning_rate,
        hessian,
        learning_rate_options,
        make_regression_data,
    )

    g = _np_rng(rng)
    data = make_regression_data(64, g)
    rates, diverging = learning_rate_options(data.x, g)
    curvature = float(np.linalg.eigvalsh(hessian(data.x))[-1])
    critical = critical_learning_rate(data.x)
    answer = f"{rates[diverging]:g}"
    options = _number_options([(f"{rate:g}", "") for rate in rates], answer, rng)
    return Question(
        slug,
        "computed",
        f"Full-batch gradient descent on a mean squared error whose Hessian has largest "
        f"eigenvalue \u03bb_max = {curvature:.4g}. Which learning rate makes it diverge?",
        answer,
        "",
        f"A step diverges along the steepest direction once lr > 2 / \u03bb_max = {critical:.3g}: "
        f"{answer} is above it, every other rate is below.",
        options,
    )
