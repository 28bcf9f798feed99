"""Interpolated modified Kneser-Ney as KenLM's ``lmplz`` builds it, with ARPA export.

Sentences are read as ``<s> w_1 .. w_T </s>``. Only the top order N counts raw occurrences;
every lower order uses *adjusted* counts (Chen & Goodman; Heafield et al. 2013):

    a(w_1..w_n) = c(w_1..w_n)                        if n = N or w_1 = <s>
                = |{x : a(x w_1..w_n) > 0}|           otherwise (distinct left extensions)

``<s>`` and ``<unk>`` are unigrams with adjusted count 0. Per order n, from the count-of-counts
``t_k = |{g of order n : a(g) = k}|`` (k = 1..4), three discounts (Chen & Goodman eq. 26):

    Y = t_1 / (t_1 + 2 t_2),     D_n(k) = k - (k + 1) Y t_{k+1} / t_k     for k = 1, 2, 3+

computed in float32 as lmplz does. When some t_1, t_2 or t_3 is 0, or a discount leaves
[0, k], lmplz stops unless given ``--discount_fallback``, which substitutes D = (0.5, 1, 1.5)
for that order; ``discount_fallback=None`` here raises instead. As with lmplz, one to three
fallback values may be given (the last repeats) and each D(k) must lie in [0, k].
With ``D(a) = D_n(min(a, 3))``, ``D(0) = 0``, and ``h'`` the context ``h`` without its first word:

    u(w | h)   = (a(h w) - D(a(h w))) / sum_v a(h v)
    gamma(h)   = sum_v D(a(h v)) / sum_v a(h v)
    p(w | h)   = u(w | h) + gamma(h) p(w | h')            (interpolation)
    p(w)       = u(w) + gamma() / |V|                      (|V| counts <unk>, not <s>)
    p(<s>)     = 1;  p(<unk>) = gamma() / |V|              (the uniform floor)

The ARPA file stores ``log10 p`` for every n-gram that occurs and ``log10 gamma(h)`` as the backoff
of every n-gram ``h`` that is a context (0 for the others). A query backs off as an ARPA reader
does: ``p(w | h) = p(h w)`` when ``h w`` is stored, else ``b(h) p(w | h')``. Words outside the
training text are ``<unk>``.

Trained on KenLM's two toy corpora with N = 3 (its lm/common/test_data), this prints the same
log10 probabilities and backoffs as lmplz to 1e-6 (tests/test_ngram_kenlm.py). One known
difference: recent lmplz versions, when they tally ``t_k``, count the single n-gram of each lower
order that comes last in their internal suffix sort by the summed raw count of the N-grams ending
in it rather than by its adjusted count. Which n-gram that is depends on KenLM's internal word ids,
so we use adjusted counts throughout, as Chen & Goodman and older lmplz do; the two agree whenever
the discounts fall back (as on the toy corpora) and differ by at most 1 in one ``t_k`` otherwise.

Keys are base-V integers, so ``V ** N`` must stay below ``2 ** 63`` (e.g. N = 5 with up to ~6,000
words, N = 4 with up to ~55,000).

References: Chen & Goodman, "An empirical study of smoothing techniques for language modeling"
(TR-10-98, 1998), sections 3-4; Heafield, Pouzyrevsky, Clark & Koehn, "Scalable modified
Kneser-Ney language model estimation" (ACL 2013); the ARPA format as SRILM documents it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np

from seqml.ngram.base import (
    BOS,
    EOS,
    LanguageModel,
    _as_sentences,
    _check_corpus,
    _check_key_room,
    _check_order,
    _encode,
    _group_by_prefix,
    _lookup,
    _pad_arrays,
    tokenize,
)

__all__ = [
    "KENLM_UNK",
    "ModifiedKneserNeyModel",
    "OrderStatistics",
    "arpa_text",
    "fit_modified_kneser_ney",
    "kenlm_discounts",
    "read_arpa",
    "to_arpa",
]

KENLM_UNK = "<unk>"
DEFAULT_FALLBACK = (0.5, 1.0, 1.5)


@dataclass(frozen=True)
class OrderStatistics:
    """What lmplz reports per order: count-of-counts t_1..t_4 and the discounts it used."""

    order: int
    count_of_counts: tuple[int, int, int, int]  # t_1, t_2, t_3, t_4 over adjusted counts
    discounts: tuple[float, float, float]  # D(1), D(2), D(3+)
    fell_back: bool  # True when the fallback discounts replaced the estimate


def kenlm_discounts(
    count_of_counts: Sequence[int], fallback: Sequence[float] | None = DEFAULT_FALLBACK
) -> tuple[tuple[float, float, float], bool]:
    """Chen & Goodman's three discounts in float32, or the fallback when they are undefined."""
    t = [0, *(int(x) for x in count_of_counts)]  # t[k] for k = 1..4
    problem = ""
    discounts: list[float] = []
    if any(t[k] == 0 for k in (1, 2, 3)):
        missing = next(k for k in (1, 2, 3) if t[k] == 0)
        problem = f"no n-grams with adjusted count {missing}"
    else:
        f32 = np.float32
        y = f32(f32(t[1]) / f32(t[1] + 2.0 * t[2]))
        for k in (1, 2, 3):
            value = f32(f32(k) - f32(k + 1) * y * f32(t[k + 1]) / f32(t[k]))
            if value < 0.0 or value > k:
                problem = f"discount for adjusted count {k} out of range: {float(value)}"
                break
            discounts.append(float(value))
    if not problem:
        return (discounts[0], discounts[1], discounts[2]), False
    if fallback is None:
        raise ValueError(
            f"cannot estimate Kneser-Ney discounts ({problem}); small or artificial data? "
            "pass discount_fallback=(0.5, 1.0, 1.5) as lmplz --discount_fallback does"
        )
    return _checked_fallback(fallback), True  # type: ignore[return-value]


def _checked_fallback(fallback: Sequence[float] | None) -> tuple[float, float, float] | None:
    """lmplz's rules: one to three discounts, the last one repeated, each D(k) within [0, k]."""
    if fallback is None:
        return None
    try:
        values = [float(d) for d in fallback]
    except (TypeError, ValueError):
        raise ValueError(f"discount_fallback must be one to three numbers, got {fallback!r}") from None
    if not 1 <= len(values) <= 3:
        raise ValueError(f"discount_fallback must be one to three numbers, got {fallback!r}")
    values += [values[-1]] * (3 - len(values))
    for k, value in enumerate(values, start=1):
        if not 0.0 <= value <= k:
            raise ValueError(f"discount_fallback D({k}) = {value} is outside [0, {k}]")
    return values[0], values[1], values[2]


class ModifiedKneserNeyModel(LanguageModel):
    """A backoff model: log10 p and log10 backoff for every stored n-gram, ARPA-style."""

    name = "modified-kneser-ney"
    convention = "KenLM lmplz (interpolated modified Kneser-Ney, --discount_fallback)"
    unk = KENLM_UNK

    def __init__(
        self,
        order: int,
        vocabulary: tuple[str, ...],
        keys: tuple[np.ndarray, ...],
        log10_probabilities: tuple[np.ndarray, ...],
        log10_backoffs: tuple[np.ndarray, ...],
        adjusted_counts: tuple[np.ndarray, ...],
        statistics: tuple[OrderStatistics, ...],
    ) -> None:
        super().__init__(order, vocabulary)
        self.left_padding = order - 1
        self.keys = keys
        self.log10_probabilities = log10_probabilities
        self.log10_backoffs = log10_backoffs
        self.adjusted_counts = adjusted_counts
        self.statistics = statistics
        self._size = len(vocabulary)

    def log10_many(self, rows: np.ndarray) -> np.ndarray:
        """log10 p(w | h) for id rows (M, n) by ARPA backoff, vectorised over rows."""
        n, size = rows.shape[1], self._size
        # Unigrams are stored for every vocabulary id, in id order.
        result = self.log10_probabilities[0][rows[:, -1]].copy()
        for k in range(2, n + 1):
            suffix = rows[:, n - k :]
            position, found = _lookup(self.keys[k - 1], _encode(suffix, size))
            context_position, context_found = _lookup(self.keys[k - 2], _encode(suffix[:, :-1], size))
            backoff = np.where(context_found, self.log10_backoffs[k - 2][context_position], 0.0)
            stored = self.log10_probabilities[k - 1][position]
            result = np.where(found, stored, result + backoff)
        return result

    def _probabilities(self, rows: np.ndarray) -> np.ndarray:
        return 10.0 ** self.log10_many(rows)

    def log10score(self, word: str, context: Sequence[str] = ()) -> float:
        """log10 p(word | context) exactly as KenLM's query would report it."""
        if isinstance(context, str):
            context = (context,)
        return float(self.log10_many(self._rows([(*context, word)]))[0])

    def logscore(self, word: str, context: Sequence[str] = ()) -> float:
        """log2 p(word | context), for comparison with the NLTK-style models."""
        return self.log10score(word, context) * math.log2(10.0)


def _distinct(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct keys and how often each occurs."""
    unique, counts = np.unique(keys, return_counts=True)
    return unique, counts.astype(np.int64)


def fit_modified_kneser_ney(
    sentences: str | Iterable[Sequence[str]],
    order: int,
    unk_cutoff: int = 1,
    discount_fallback: Sequence[float] | None = DEFAULT_FALLBACK,
) -> ModifiedKneserNeyModel:
    """Estimate an interpolated modified Kneser-Ney model the way ``lmplz -o N`` does."""
    order = _check_order(order)
    if order < 2:
        raise ValueError("modified-kneser-ney needs order >= 2")
    discount_fallback = _checked_fallback(discount_fallback)
    if unk_cutoff != 1:
        raise ValueError("modified-kneser-ney keeps every training word, as lmplz does; unk_cutoff must be 1")
    sentences = _as_sentences(sentences)
    _check_corpus(sentences, order)
    flat = list(chain.from_iterable(sentences))
    distinct = set(flat)
    special = sorted(distinct & {KENLM_UNK, BOS, EOS})
    if special:
        raise ValueError(f"the corpus may not contain the special word {special[0]!r}")

    # Ids: <unk> 0, <s> 1, </s> 2, then the words in sorted order.
    words = sorted(distinct)
    vocabulary = (KENLM_UNK, BOS, EOS, *words)
    size = len(vocabulary)
    _check_key_room(size, order)
    index = dict(zip(words, range(3, size), strict=True))
    tokens = np.fromiter(map(index.__getitem__, flat), dtype=np.int64, count=len(flat))
    lengths = np.fromiter(map(len, sentences), dtype=np.int64, count=len(sentences))
    ids, ends = _pad_arrays(tokens, lengths, order - 1, 1, 1, 2)

    # One window of N ids ends at every word and every </s>; j is the token's place in its sentence.
    starts = np.repeat(ends - (lengths + order), lengths + 1)
    j = np.arange(starts.size) - np.repeat(np.cumsum(lengths + 1) - (lengths + 1), lengths + 1)
    starts = starts + j

    def window_keys(first: np.ndarray, n: int) -> np.ndarray:
        """Base-V keys of the n ids starting at each position in ``first``."""
        keys = np.zeros(first.size, dtype=np.int64)
        for offset in range(n):
            keys = keys * size + ids[first + offset]
        return keys

    # Top order: raw counts of windows with at most one <s> (at the front).
    full_keys, full_counts = _distinct(window_keys(starts[j >= order - 2], order))
    keys: list[np.ndarray] = [full_keys]
    adjusted: list[np.ndarray] = [full_counts]
    for n in range(order - 1, 0, -1):
        # Adjusted count: how many distinct (n+1)-grams have this n-gram as their suffix.
        suffix_keys, extensions = _distinct(keys[0] % size**n)
        if n >= 2:
            # n-grams that start a sentence ("<s> w_1 .. w_{n-1}") keep their raw counts.
            early = starts[j == n - 2] + (order - n)
            start_keys, start_counts = _distinct(window_keys(early, n))
            merged = np.concatenate([suffix_keys, start_keys])
            counts = np.concatenate([extensions, start_counts])
        else:
            merged = np.concatenate([[0, 1], suffix_keys])  # <unk> and <s>, adjusted count 0
            counts = np.concatenate([[0, 0], extensions])
        ordering = np.argsort(merged, kind="stable")
        keys.insert(0, merged[ordering])
        adjusted.insert(0, counts[ordering])

    statistics = []
    discount_tables = []
    for n in range(1, order + 1):
        tally = np.bincount(np.minimum(adjusted[n - 1], 5), minlength=6)
        count_of_counts = (int(tally[1]), int(tally[2]), int(tally[3]), int(tally[4]))
        discounts, fell_back = kenlm_discounts(count_of_counts, discount_fallback)
        statistics.append(OrderStatistics(n, count_of_counts, discounts, fell_back))
        discount_tables.append(np.array([0.0, *discounts]))

    # Unigrams: every vocabulary id is stored, in id order (each word follows something).
    if not np.array_equal(keys[0], np.arange(size)):
        raise AssertionError("every vocabulary word must be a stored unigram")
    a = adjusted[0].astype(np.float64)
    discount = discount_tables[0][np.minimum(adjusted[0], 3)]
    denominator = a.sum()
    gamma = discount.sum() / denominator
    probability = (a - discount) / denominator + gamma / (size - 1)
    probability[1] = 1.0  # p(<s>) = 1: it is given, never predicted
    probabilities = [probability]
    gammas: list[tuple[np.ndarray, np.ndarray]] = []
    for n in range(2, order + 1):
        a = adjusted[n - 1].astype(np.float64)
        discount = discount_tables[n - 1][np.minimum(adjusted[n - 1], 3)]
        context_keys, denominators, sizes = _group_by_prefix(keys[n - 1], a, size)
        group = np.repeat(np.arange(context_keys.size), sizes)
        discount_mass = np.add.reduceat(discount, np.r_[0, np.cumsum(sizes)[:-1]])
        context_gamma = discount_mass / denominators
        gammas.append((context_keys, context_gamma))
        lower_position, lower_found = _lookup(keys[n - 2], keys[n - 1] % size ** (n - 1))
        if not lower_found.all():
            raise AssertionError("every suffix of a stored n-gram must be stored")
        lower = probabilities[n - 2][lower_position]
        probabilities.append((a - discount) / denominators[group] + context_gamma[group] * lower)

    backoffs = []
    for n in range(1, order):
        context_keys, context_gamma = gammas[n - 1]
        position, found = _lookup(context_keys, keys[n - 1])
        last = keys[n - 1] % size
        found &= (last != 0) & (last != 2)  # n-grams ending in <unk> or </s> are no contexts
        backoffs.append(np.where(found, np.log10(np.where(found, context_gamma[position], 1.0)), 0.0))
    backoffs.append(np.zeros(keys[-1].size))
    with np.errstate(divide="ignore"):
        log10_probabilities = tuple(np.minimum(np.log10(p), 0.0) for p in probabilities)
    return ModifiedKneserNeyModel(
        order,
        vocabulary,
        tuple(keys),
        log10_probabilities,
        tuple(backoffs),
        tuple(adjusted),
        tuple(statistics),
    )


def _number(value: float) -> str:
    """The shortest text that reads back as the same float32, as lmplz prints numbers."""
    return np.format_float_positional(np.float32(value), trim="-")


def arpa_text(model: ModifiedKneserNeyModel) -> str:
    """The model in ARPA format: log10 probabilities, words, and log10 backoffs below the top order."""
    size, order = len(model.vocabulary), model.order
    lines = ["\\data\\"]
    lines += [f"ngram {n}={model.keys[n - 1].size}" for n in range(1, order + 1)]
    for n in range(1, order + 1):
        lines += ["", f"\\{n}-grams:"]
        keys = model.keys[n - 1]
        digits = np.empty((keys.size, n), dtype=np.int64)
        rest = keys.copy()
        for column in range(n - 1, -1, -1):
            digits[:, column] = rest % size
            rest //= size
        probabilities = model.log10_probabilities[n - 1].tolist()
        backoffs = model.log10_backoffs[n - 1].tolist()
        for row, probability, backoff in zip(digits.tolist(), probabilities, backoffs, strict=True):
            text = " ".join(model.vocabulary[i] for i in row)
            line = f"{_number(probability)}\t{text}"
            lines.append(line if n == order else f"{line}\t{_number(backoff)}")
    lines += ["", "\\end\\", ""]
    return "\n".join(lines)


def to_arpa(model: LanguageModel) -> str:
    """ARPA text of a modified Kneser-Ney model (the NLTK-style models have no backoff form here)."""
    if not isinstance(model, ModifiedKneserNeyModel):
        raise ValueError("to_arpa needs a modified-kneser-ney model; fit(..., model=...) one")
    return arpa_text(model)


def read_arpa(text: str) -> dict[tuple[str, ...], tuple[float, float]]:
    """Parse ARPA text into {n-gram: (log10 p, log10 backoff)}, for comparing two models."""
    entries: dict[tuple[str, ...], tuple[float, float]] = {}
    section = 0
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("ngram ") or line in ("\\data\\", "\\end\\"):
            continue
        if line.startswith("\\") and line.endswith("-grams:"):
            section = int(line[1:].split("-")[0])
            continue
        fields = line.split("\t") if "\t" in line else line.split()
        if section == 0 or len(fields) < 2:
            raise ValueError(f"line {number}: not an ARPA n-gram line: {line!r}")
        if "\t" in line:
            words = tuple(fields[1].split())
            backoff = float(fields[2]) if len(fields) > 2 else 0.0
        else:
            words = tuple(fields[1 : 1 + section])
            backoff = float(fields[1 + section]) if len(fields) > 1 + section else 0.0
        if len(words) != section:
            raise ValueError(f"line {number}: expected a {section}-gram, got {words!r}")
        entries[words] = (float(fields[0]), backoff)
    return entries


if __name__ == "__main__":
    toy = tokenize("a a b a\nb a a b")
    lm = fit_modified_kneser_ney(toy, 3)
    print(arpa_text(lm))
    for stats in lm.statistics:
        print(f"order {stats.order}: t = {stats.count_of_counts}, D = {stats.discounts}")
    print("log10 p(a | <s> a) =", round(lm.log10score("a", ("<s>", "a")), 6))
