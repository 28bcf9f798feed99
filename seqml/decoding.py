"""Decoding a language model: greedy choice, beam search, and the exhaustive search they approximate.

A language model gives, for a context, a distribution over the next token. A decoder looks for
the continuation y_1 .. y_T (ending with ``</s>``, or cut at ``max_length`` tokens) that makes

    log2 P(y | start) = sum_t log2 P(y_t | start, y_1 .. y_{t-1})

large. Everything here works in **log base 2** (bits), the base of ``ngram``'s ``logscore``.

    greedy:      y_t = argmax_v P(v | start, y_<t)                 one hypothesis, never revised
    beam (B):    keep the B best partial hypotheses; extend each by every token; keep the B
                 best of all the extensions; a hypothesis that emits </s> is finished and leaves
                 the beam (it still takes one of the B places in the step that finished it)
    exhaustive:  every sequence up to max_length (the oracle; V^max_length of them)

Greedy is beam search with B = 1, and beam search whose B is at least the number of hypotheses
is exhaustive search: the tests prove both. A wider beam can only rank more sequences, so it can
find a sentence greedy misses: greedy takes the likeliest first word even when every
continuation after it is unlikely.

Length: the total log-probability only falls as a sentence grows, so plain scoring favours short
sentences. ``length_alpha`` > 0 ranks by ``log2 P / |y|^alpha`` instead (|y| counts ``</s>``);
it is **off by default** (alpha = 0: the plain total). Ties are broken by the token ids in
vocabulary order, so every result is deterministic. Tokens whose probability is 0 are never
chosen, and neither are ``banned`` tokens (``<s>``, the unknown token). A hypothesis with no
allowed continuation ends where it is, unfinished.

References: Jurafsky & Martin, *Speech and Language Processing*, ch. 10 (beam search in
encoder-decoders); Graves, "Sequence transduction with recurrent neural networks" (2012); Wu et
al., "Google's neural machine translation system" (2016) for length normalisation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "EOS",
    "DecodingQuestion",
    "Hypothesis",
    "beam_search",
    "exhaustive_search",
    "greedy_beam_question",
    "greedy_decode",
    "language_model_scorer",
    "table_scorer",
]

EOS = "</s>"
NextLogProbs = Callable[[tuple[str, ...]], np.ndarray]  # context -> (V,) log2 probabilities
EXHAUSTIVE_LIMIT = 1_000_000  # hypotheses the oracle may enumerate before it refuses


@dataclass(frozen=True)
class Hypothesis:
    """One candidate continuation: its tokens, each token's log2 P, and their running total."""

    tokens: tuple[str, ...]  # generated tokens, </s> included when finished
    ids: tuple[int, ...]
    step_log_probs: tuple[float, ...]  # log2 P(y_t | start, y_<t)
    log_probability: float  # their sum, accumulated left to right
    finished: bool  # ended with </s> (otherwise cut at max_length or stuck)
    score: float  # what the ranking uses: log_probability / len^alpha

    def extend(self, token: str, token_id: int, log_prob: float, end: str, alpha: float) -> Hypothesis:
        """This hypothesis with one more token."""
        total = self.log_probability + log_prob
        length = len(self.tokens) + 1
        return Hypothesis(
            (*self.tokens, token),
            (*self.ids, token_id),
            (*self.step_log_probs, log_prob),
            total,
            token == end,
            total / length**alpha if alpha else total,
        )


EMPTY = Hypothesis((), (), (), 0.0, False, 0.0)


def _rank_key(hypothesis: Hypothesis) -> tuple[float, tuple[int, ...]]:
    return (-hypothesis.score, hypothesis.ids)


def _allowed(
    next_log_probs: NextLogProbs, context: tuple[str, ...], size: int, banned: np.ndarray
) -> np.ndarray:
    """The model's log2 P for the next token, banned and impossible tokens set to -inf."""
    scores = np.array(next_log_probs(context), dtype=np.float64)
    if scores.shape != (size,):
        raise ValueError(f"the model returned shape {scores.shape} for a vocabulary of {size}")
    if np.isnan(scores).any() or (scores > 1e-9).any():
        raise ValueError("log-probabilities must be <= 0 and not NaN")
    scores[banned] = -np.inf
    return scores


def _setup(
    vocabulary: Sequence[str], end: str, banned: Sequence[str], max_length: int
) -> tuple[tuple[str, ...], np.ndarray]:
    vocabulary = tuple(vocabulary)
    if end not in vocabulary:
        raise ValueError(f"the end token {end!r} is not in the vocabulary")
    if max_length < 1:
        raise ValueError(f"max_length must be >= 1, got {max_length}")
    index = {token: i for i, token in enumerate(vocabulary)}
    banned_ids = np.array(sorted({index[token] for token in banned if token in index}), dtype=np.int64)
    return vocabulary, banned_ids


def greedy_decode(
    next_log_probs: NextLogProbs,
    vocabulary: Sequence[str],
    start: Sequence[str] = (),
    max_length: int = 10,
    end: str = EOS,
    banned: Sequence[str] = (),
    length_alpha: float = 0.0,
) -> Hypothesis:
    """Take the likeliest next token, step after step, until </s> or max_length tokens."""
    vocabulary, banned_ids = _setup(vocabulary, end, banned, max_length)
    start = tuple(start)
    hypothesis = EMPTY
    for _ in range(max_length):
        scores = _allowed(next_log_probs, start + hypothesis.tokens, len(vocabulary), banned_ids)
        best = int(np.argmax(scores))  # the first maximum: the lowest id wins a tie
        if scores[best] == -np.inf:
            break  # nothing allowed follows: stuck, unfinished
        hypothesis = hypothesis.extend(vocabulary[best], best, float(scores[best]), end, length_alpha)
        if hypothesis.finished:
            break
    return hypothesis


@dataclass(frozen=True)
class BeamResult:
    """Every hypothesis the beam ended with, best first, and the beam after each step."""

    hypotheses: tuple[Hypothesis, ...]  # finished, cut and stuck ones together, ranked by score
    steps: tuple[tuple[Hypothesis, ...], ...]  # the B kept extensions at each step, ranked

    @property
    def best(self) -> Hypothesis:
        """The highest-scoring hypothesis."""
        return self.hypotheses[0]


def beam_search(
    next_log_probs: NextLogProbs,
    vocabulary: Sequence[str],
    start: Sequence[str] = (),
    width: int = 3,
    max_length: int = 10,
    end: str = EOS,
    banned: Sequence[str] = (),
    length_alpha: float = 0.0,
) -> BeamResult:
    """Keep the ``width`` best partial hypotheses at each step; rank all that ended by score.

    Only the top ``width`` extensions of each hypothesis can be among the top ``width`` overall,
    so each hypothesis contributes at most that many: the result is the same as ranking them all.
    """
    if width < 1:
        raise ValueError(f"width must be >= 1, got {width}")
    vocabulary, banned_ids = _setup(vocabulary, end, banned, max_length)
    start = tuple(start)
    live = [EMPTY]
    ended: list[Hypothesis] = []
    steps = []
    for _ in range(max_length):
        candidates: list[Hypothesis] = []
        for hypothesis in live:
            scores = _allowed(next_log_probs, start + hypothesis.tokens, len(vocabulary), banned_ids)
            possible = np.flatnonzero(scores > -np.inf)
            if possible.size == 0:
                ended.append(hypothesis)  # stuck: it ends here, unfinished
                continue
            # Rank this hypothesis's extensions by the very score ``extend`` will compute.
            totals = hypothesis.log_probability + scores[possible]
            if length_alpha:
                totals = totals / (len(hypothesis.tokens) + 1) ** length_alpha
            ranked = possible[np.lexsort((possible, -totals))][:width]
            candidates.extend(
                hypothesis.extend(vocabulary[i], int(i), float(scores[i]), end, length_alpha) for i in ranked
            )
        kept = sorted(candidates, key=_rank_key)[:width]
        steps.append(tuple(kept))
        ended.extend(h for h in kept if h.finished)
        live = [h for h in kept if not h.finished]
        if not live:
            break
    ended.extend(live)  # cut at max_length
    return BeamResult(tuple(sorted(ended, key=_rank_key)), tuple(steps))


def exhaustive_search(
    next_log_probs: NextLogProbs,
    vocabulary: Sequence[str],
    start: Sequence[str] = (),
    max_length: int = 3,
    end: str = EOS,
    banned: Sequence[str] = (),
    length_alpha: float = 0.0,
) -> tuple[Hypothesis, ...]:
    """Every sequence that ends with </s>, reaches max_length or gets stuck, ranked: the oracle."""
    vocabulary, banned_ids = _setup(vocabulary, end, banned, max_length)
    start = tuple(start)
    found: list[Hypothesis] = []
    frontier = [EMPTY]
    while frontier:
        hypothesis = frontier.pop()
        if hypothesis.finished or len(hypothesis.tokens) == max_length:
            found.append(hypothesis)
            continue
        scores = _allowed(next_log_probs, start + hypothesis.tokens, len(vocabulary), banned_ids)
        possible = np.flatnonzero(scores > -np.inf)
        if possible.size == 0:
            found.append(hypothesis)
            continue
        for i in possible:
            frontier.append(hypothesis.extend(vocabulary[i], int(i), float(scores[i]), end, length_alpha))
        if len(found) + len(frontier) > EXHAUSTIVE_LIMIT:
            raise ValueError("too many sequences for exhaustive search: use a smaller vocabulary or length")
    return tuple(sorted(found, key=_rank_key))


# --------------------------------------------------------------------------- models to decode


def language_model_scorer(model: object) -> tuple[tuple[str, ...], NextLogProbs]:
    """(vocabulary, next_log_probs) for an ``ngram`` LanguageModel: log2 of its ``distribution``."""
    vocabulary = tuple(model.vocabulary)  # type: ignore[attr-defined]

    def next_log_probs(context: tuple[str, ...]) -> np.ndarray:
        probabilities = np.asarray(model.distribution(context), dtype=np.float64)  # type: ignore[attr-defined]
        logs = np.full(probabilities.shape, -np.inf)
        np.log2(probabilities, out=logs, where=probabilities > 0)
        return logs

    return vocabulary, next_log_probs


def table_scorer(
    table: Mapping[tuple[str, ...], Mapping[str, float]], vocabulary: Sequence[str], start_length: int = 0
) -> NextLogProbs:
    """A toy model from a table: context (after the start) -> {token: probability}; others get 0."""
    vocabulary = tuple(vocabulary)

    def next_log_probs(context: tuple[str, ...]) -> np.ndarray:
        row = table.get(tuple(context[start_length:]), {})
        logs = np.full(len(vocabulary), -np.inf)
        for i, token in enumerate(vocabulary):
            if row.get(token, 0.0) > 0:
                logs[i] = np.log2(row[token])
        return logs

    return next_log_probs


# --------------------------------------------------------------------------- quiz facts

QUIZ_WORDS = ("cat", "dog", "sat", "ran", "mat", "log", "hat", "cup")


@dataclass(frozen=True)
class DecodingQuestion:
    """A two-step probability tree where greedy and a beam of 2 disagree, with both answers."""

    lines: tuple[str, ...]  # the tree, one "after X: a 0.5, b 0.3" line per context
    greedy_first: str  # what greedy picks first
    greedy: Hypothesis
    beam: Hypothesis  # the best of a width-2 beam (also the exhaustive best)

    @property
    def greedy_probability(self) -> float:
        return float(2.0**self.greedy.log_probability)

    @property
    def beam_probability(self) -> float:
        return float(2.0**self.beam.log_probability)


def greedy_beam_question(rng: np.random.Generator, words: Sequence[str] = QUIZ_WORDS) -> DecodingQuestion:
    """Draw a tree where the likeliest first word leads only to weak second words.

    First words x, y, z with P(x) > P(y); after x the next word is spread thin, after y one
    word is almost certain, so P(y, best) > P(x, best): greedy picks x, the beam finds y.
    Every sentence ends with </s> (probability 1) after two words.
    """
    pool = list(dict.fromkeys(words))
    if len(pool) < 6:
        raise ValueError("need at least 6 distinct words")
    while True:
        chosen = [str(w) for w in rng.choice(pool, size=6, replace=False)]
        first, second = chosen[:3], chosen[3:]
        p_first = rng.choice([(0.5, 0.4, 0.1), (0.6, 0.3, 0.1), (0.5, 0.3, 0.2), (0.45, 0.35, 0.2)])
        after_x = rng.permutation(rng.choice([(0.4, 0.3, 0.3), (0.4, 0.35, 0.25), (0.45, 0.3, 0.25)]))
        after_y = rng.permutation([0.9, 0.1, 0.0]) if rng.random() < 0.5 else rng.permutation([0.8, 0.2, 0.0])
        after_z = rng.permutation([0.5, 0.5, 0.0])
        table: dict[tuple[str, ...], dict[str, float]] = {(): dict(zip(first, p_first, strict=True))}
        for word, row in zip(first, (after_x, after_y, after_z), strict=True):
            table[(word,)] = {w: float(p) for w, p in zip(second, row, strict=True) if p > 0}
            for follower in table[(word,)]:
                table[(word, follower)] = {EOS: 1.0}
        vocabulary = (*sorted(first + second), EOS)
        scorer = table_scorer(table, vocabulary)
        greedy = greedy_decode(scorer, vocabulary, max_length=3)
        best = beam_search(scorer, vocabulary, width=2, max_length=3).best
        exact = exhaustive_search(scorer, vocabulary, max_length=3)
        unique = len(exact) < 2 or exact[0].log_probability > exact[1].log_probability
        if unique and best.tokens == exact[0].tokens and best.tokens != greedy.tokens:
            break
    lines = [
        "start: " + ", ".join(f"{w} {p:g}" for w, p in table[()].items()),
        *(f"after {w}: " + ", ".join(f"{v} {p:g}" for v, p in table[(w,)].items()) for w in first),
    ]
    return DecodingQuestion(tuple(lines), greedy.tokens[0], greedy, best)


if __name__ == "__main__":
    vocabulary = ("a", "b", EOS)
    table = {(): {"a": 0.6, "b": 0.4}, ("a",): {"a": 0.5, EOS: 0.5}, ("b",): {EOS: 1.0}}
    table.update({("a", "a"): {EOS: 1.0}})
    scorer = table_scorer(table, vocabulary)
    greedy = greedy_decode(scorer, vocabulary, max_length=3)
    beam = beam_search(scorer, vocabulary, width=2, max_length=3)
    print("greedy:", " ".join(greedy.tokens), f"log2 P = {greedy.log_probability:.3f}")
    print("beam:  ", " ".join(beam.best.tokens), f"log2 P = {beam.best.log_probability:.3f}")
