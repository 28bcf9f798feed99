"""Computed questions: fresh numbers from a live ``seqml`` model, and the answer it computes.

Clip a gradient to a norm, count the bigrams of a sentence, pick the next word from a count
table, call a spectral radius vanishing or exploding, read the forget gate's value for a bias.
NumPy and ``seqml`` are imported inside each maker, so only a quiz that asks one pays for them.
Which term gets which maker is registered in ``glossary.quiz.COMPUTED``.
Wrong options are the mistakes a learner actually makes (clip-by-value for clip-by-norm, the
overall most frequent word for the most frequent continuation).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from glossary.model import lookup_key
from glossary.quiz.base import MULTIPLE_CHOICE, Option, Question, fold_text, quoted, shuffled

if TYPE_CHECKING:
    import numpy as np

    from glossary.quiz.bank import Bank
    from glossary.quiz.base import Rng


def _np_rng(rng: Rng) -> np.random.Generator:
    """Computed questions use NumPy draws; a stdlib Random seeds one deterministically."""
    import numpy as np

    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(rng.getrandbits(64))


def _number_options(values: Sequence[tuple[str, str]], answer: str, rng: Rng) -> tuple[Option, ...]:
    """Shuffle (text, slug) options, dropping any that reads as an earlier one: a typed answer is
    matched with signs and punctuation ignored, so "-0.05" and "0.05" cannot both be offered."""
    unique: dict[str, tuple[str, str]] = {}
    for text, slug in values:
        unique.setdefault(fold_text(text), (text, slug))
    if unique.get(fold_text(answer), ("",))[0] != answer:
        raise ValueError("the answer must be among the options")
    return tuple(Option(text, slug) for text, slug in shuffled(rng, list(unique.values())))


# Pythagorean quadruples a^2 + b^2 + c^2 = d^2: gradients whose norms are whole numbers.
_QUADRUPLES = ((1, 2, 2, 3), (2, 3, 6, 7), (1, 4, 8, 9), (4, 4, 7, 9), (2, 6, 9, 11), (6, 6, 7, 11),
               (3, 4, 12, 13), (2, 5, 14, 15), (2, 10, 11, 15), (1, 12, 12, 17), (8, 9, 12, 17))  # fmt: skip


def _vector(values: Iterable[float]) -> str:
    return "(" + ", ".join(f"{v:g}" if float(v).is_integer() else f"{v:.2f}" for v in values) + ")"


def computed_clipping(bank: Bank, slug: str, rng: Rng) -> Question:
    """Clip a gradient to a norm: the right rescaling against clip-by-value and the forgotten cap."""
    import numpy as np

    from seqml.clipping import clip_by_norm, clip_by_value

    g = _np_rng(rng)
    a, b, c, norm = _QUADRUPLES[int(g.integers(len(_QUADRUPLES)))]
    vector = g.permutation([a, b, c]) * g.choice([-1, 1], size=3)
    max_norm = int(g.choice([m for m in range(2, norm + 4) if m != norm]))  # above the norm: unchanged
    clipped = clip_by_norm(vector.astype(float), max_norm, eps=0.0)
    by_value = clip_by_value(vector.astype(float), float(max_norm))
    stretched = vector * (max_norm / norm)  # rescaling to the norm even when below it
    unit = vector / norm
    answer = _vector(clipped.grad)
    candidates = [(answer, ""), (_vector(by_value), ""), (_vector(stretched), ""), (_vector(vector), "")]
    l1_scaled = vector * (max_norm / np.abs(vector).sum())  # the 1-norm where the 2-norm was meant
    candidates += [(_vector(unit), ""), (_vector(vector * 0.5), ""), (_vector(l1_scaled), "")]
    options = _number_options(_first_unique(candidates, MULTIPLE_CHOICE), answer, rng)
    if clipped.clipped:
        reason = (
            f"||g|| = {norm} > {max_norm}, so g is scaled by {max_norm}/{norm}: "
            "the direction stays, only the length shrinks (clipping each value would turn it)."
        )
    else:
        reason = f"||g|| = {norm} is already at most {max_norm}: norm clipping leaves g unchanged."
    return Question(
        slug,
        "computed",
        f"Clip the gradient g = {_vector(vector)} to norm {max_norm} (clip by norm). What is g?",
        answer,
        "",
        reason,
        options,
        detail=(f"||g|| = sqrt({' + '.join(str(int(v * v)) for v in vector)}) = {norm}",),
    )


# Sentences a person would write in which some bigram repeats: tokens are not types.
SENTENCES = (
    "the cat sat on the mat and the cat slept",
    "to be or not to be",
    "a rose is a rose is a rose",
    "the more you read the more you know",
    "you know that you know it",
    "we will we will rock you",
    "the dog saw the dog in the mirror",
    "if you can and you can then you can",
    "she said that she said no",
    "row row row your boat",
    "it is what it is",
)


def computed_bigram_count(bank: Bank, slug: str, rng: Rng) -> Question:
    """Count the distinct bigrams of a short sentence with repeats: tokens are not types."""
    from seqml import ngram

    g = _np_rng(rng)
    tokens = [w for s in ngram.tokenize(SENTENCES[int(g.integers(len(SENTENCES)))]) for w in s]
    counted = ngram.count_ngrams([tokens], 2)
    # count_ngrams pads with <s> and </s>; the question is about the words alone
    counts = {k: v for k, v in counted.ngrams(2) if ngram.BOS not in k and ngram.EOS not in k}
    distinct, total = len(counts), sum(counts.values())
    sentence = " ".join(tokens)
    answer = str(distinct)
    candidates = [(answer, ""), (str(total), ""), (str(len(tokens)), ""), (str(distinct - 1), "")]
    candidates += [(str(distinct + 1), ""), (str(len(set(tokens))), "")]
    options = _number_options(_first_unique(candidates, MULTIPLE_CHOICE), answer, rng)
    repeated = sorted(" ".join(k) for k, v in counts.items() if v > 1)
    return Question(
        slug,
        "computed",
        f"How many distinct bigrams are in {quoted(sentence)}?",
        answer,
        "",
        f"{len(tokens)} words give {total} bigrams in a row, but {', '.join(map(quoted, repeated))} "
        f"repeat{'s' if len(repeated) == 1 else ''}, so {distinct} are distinct.",
        options,
    )


def _first_unique(candidates: list[tuple[str, str]], count: int) -> list[tuple[str, str]]:
    result: dict[str, tuple[str, str]] = {}
    for text, slug in candidates:
        if fold_text(text) not in result and len(result) < count:
            result[fold_text(text)] = (text, slug)
    return list(result.values())


def computed_next_word(bank: Bank, slug: str, rng: Rng) -> Question:
    """Pick the next word from a bigram count table; the decoy is the most frequent word overall."""
    g = _np_rng(rng)
    while True:
        context, other = (str(w) for w in g.choice(["the", "a", "my", "one"], size=2, replace=False))
        followers = [str(w) for w in g.choice(["cat", "dog", "mat", "log", "hat", "cup"], 4, replace=False)]
        after_context = g.integers(1, 9, size=4)
        after_other = g.integers(0, 9, size=4)
        best = int(after_context.argmax())
        overall = after_context + after_other
        trap = int(overall.argmax())
        unique_best = (after_context == after_context[best]).sum() == 1
        if unique_best and (overall == overall[trap]).sum() == 1 and trap != best:
            break
    rows = [
        f"{first} {word}: {int(count)}"
        for first, counts in ((context, after_context), (other, after_other))
        for word, count in zip(followers, counts, strict=True)
        if count
    ]
    answer = followers[best]
    options = _number_options([(w, "") for w in followers], answer, rng)
    share = after_context[best] / after_context.sum()
    return Question(
        slug,
        "computed",
        f"A bigram model counted these pairs. Which word does it predict after {quoted(context)}?",
        answer,
        "",
        f"Only pairs starting with {quoted(context)} count: {quoted(context + ' ' + answer)} "
        f"has {int(after_context[best])} of {int(after_context.sum())} (P = {share:.2f}); "
        f"{quoted(followers[trap])} is more frequent only overall.",
        options,
        detail=tuple(rows),
    )


SPECTRAL_RADII = (0.5, 0.6, 0.7, 0.8, 0.85, 1.0, 1.15, 1.2, 1.3, 1.4, 1.5)


def computed_spectral(bank: Bank, slug: str, rng: Rng) -> Question:
    """Vanishing, exploding or neither: back-propagate through a linear RNN of a given spectral radius."""
    from seqml.gradient_flow import classify, linear_gradient_norms

    g = _np_rng(rng)
    steps = 50
    rho = float(g.choice(SPECTRAL_RADII))
    curve = linear_gradient_norms(rho, steps, 4, g)
    verdict = classify(curve.norms)
    ratio = float(curve.norms[-1] / curve.norms[0])
    vanishing = bank.spellings.get(lookup_key("vanishing gradient problem"), "")
    exploding = bank.spellings.get(lookup_key("exploding gradient problem"), "")
    neither = "neither: the norm stays about the same"
    shown = [
        (bank.terms[vanishing].name if vanishing else "the gradient vanishes", vanishing),
        (bank.terms[exploding].name if exploding else "the gradient explodes", exploding),
        (neither, ""),
    ]
    answer_text, answer_slug = {"vanishing": shown[0], "exploding": shown[1], "stable": shown[2]}[verdict]
    options = _number_options(shown, answer_text, rng)
    because = {"vanishing": "rho < 1, it vanishes", "exploding": "rho > 1, it explodes"}
    return Question(
        slug,
        "computed",
        f"A linear RNN's recurrent matrix has spectral radius rho = {rho:g}. Back-propagating "
        f"through {steps} timesteps multiplies the gradient by W_hh^T {steps} times. What happens?",
        answer_text,
        answer_slug,
        f"The gradient norm scales like rho^{steps} = {rho:g}^{steps} = {ratio:.3g}: "
        + (because.get(verdict, "rho = 1 keeps it steady") + "."),
        options,
    )


def computed_forget_gate(bank: Bank, slug: str, rng: Rng) -> Question:
    """The forget gate's value for a given bias: sigmoid, not tanh, not the raw pre-activation."""
    from seqml.numerics import sigmoid, tanh

    g = _np_rng(rng)
    while True:
        bias = float(g.choice([-3.0, -2.0, -1.0, 1.0, 2.0, 3.0]))
        drive = float(g.choice([-1.0, -0.5, 0.5, 1.0]))  # W_f x_t + U_f h_(t-1), one component
        z = bias + drive
        if z != 0:
            break
    f = float(sigmoid(np_array(z)))
    answer = f"{f:.2f}"
    candidates = [
        (answer, ""),
        (f"{1 - f:.2f}", ""),
        (f"{float(tanh(np_array(z))):.2f}", ""),
        (f"{float(sigmoid(np_array(bias))):.2f}", ""),
        (f"{min(max(z, 0.0), 1.0):.2f}", ""),
        ("0.50", ""),
    ]
    options = _number_options(_first_unique(candidates, MULTIPLE_CHOICE), answer, rng)
    return Question(
        slug,
        "computed",
        f"One LSTM cell: W_f x_t + U_f h_(t-1) = {drive:g} and the forget bias b_f = {bias:g}. "
        "What fraction of c_(t-1) does the forget gate keep?",
        answer,
        "",
        f"f = sigmoid({signed_sum(drive, bias)}) = sigmoid({z:g}) = {f:.2f}: "
        f"it keeps {f:.0%} of the old cell state.",
        options,
    )


def signed_sum(first: float, second: float) -> str:
    """ "-1 - 2", not "-1 + -2": a sum written as a person would."""
    return f"{first:g} {'-' if second < 0 else '+'} {abs(second):g}"


def np_array(value: float):
    """A 0-d array, so seqml's numerics see the type they are written for."""
    import numpy as np

    return np.asarray(value, dtype=float)
