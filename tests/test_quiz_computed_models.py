"""The computed questions on the newer demos: deterministic under the seed, unique options with
the answer among them, and the answer the model itself computes, over many seeds."""

from __future__ import annotations

import random
import re
from pathlib import Path

import numpy as np
import pytest

from glossary.model import CardId
from glossary.quiz import COMPUTED, make_question
from glossary.quiz.bank import Bank
from glossary.quiz.base import Question, fold_text
from glossary.store import Store

NEW = ("softmax", "attention", "beam-search", "gated-recurrent-unit", "learning-rate")


@pytest.fixture(scope="module")
def bank(built_db: Path) -> Bank:
    store = Store.open(built_db)
    try:
        return Bank.build(store.terms(), store.all_links())
    finally:
        store.close()


def ask(bank: Bank, slug: str, seed: int) -> Question:
    question = make_question(bank, CardId(slug, "computed"), random.Random(seed))
    assert question is not None
    return question


@pytest.mark.parametrize("slug", NEW)
def test_each_new_term_has_a_computed_question_that_is_sound_for_many_seeds(bank: Bank, slug: str) -> None:
    assert slug in COMPUTED
    prompts = set()
    for seed in range(60):
        question = ask(bank, slug, seed)
        texts = [fold_text(option.text) for option in question.options]
        assert len(question.options) >= 3 and len(set(texts)) == len(texts), question
        assert question.answer_index >= 0
        assert question == ask(bank, slug, seed)  # the same seed, the same question
        assert not re.search(r"\+ -|\u00d7 -|  ", question.prompt + question.reason), question
        prompts.add((question.prompt, question.detail))
    assert len(prompts) > 10  # fresh numbers


def _numbers(text: str) -> list[float]:
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", text)]


def test_the_temperature_answer_reproduces_the_printed_distribution(bank: Bank) -> None:
    from seqml.activations import softmax_with_temperature

    for seed in range(30):
        question = ask(bank, "softmax", seed)
        logits_text = re.search(r"z = \(([^)]*)\)", question.prompt).group(1)
        p_text = re.search(r"p = \(([^)]*)\)", question.prompt).group(1)
        logits, shown = _numbers(logits_text), _numbers(p_text)
        right = float(question.answer.split("= ")[1])
        exact = softmax_with_temperature(np.array(logits), right)
        assert np.allclose(exact, shown, atol=0.005 + 1e-12)


def test_the_attention_answer_is_the_softmax_of_scaled_scores(bank: Bank) -> None:
    for seed in range(30):
        question = ask(bank, "attention", seed)
        query = np.array(_numbers(re.search(r"q = \(([^)]*)\)", question.prompt).group(1)))
        keys = np.array([_numbers(line.split("= ")[1]) for line in question.detail])
        scores = keys @ query / np.sqrt(len(query))
        weights = np.exp(scores - scores.max()) / np.exp(scores - scores.max()).sum()
        favourite = int(re.search(r"key (\d+)", question.prompt).group(1)) - 1
        assert favourite == int(weights.argmax())
        assert question.answer == f"{weights[favourite]:.2f}"


def test_the_beam_answer_is_the_most_probable_two_word_output_and_greedy_is_a_wrong_option(
    bank: Bank,
) -> None:
    for seed in range(30):
        question = ask(bank, "beam-search", seed)
        tree = {}
        for line in question.detail:
            context, _, rest = line.partition(": ")
            tree[context.removeprefix("after ")] = {
                w: float(p) for w, p in (x.rsplit(" ", 1) for x in rest.split(", "))
            }
        paths = {f"{a} {b}": pa * pb for a, pa in tree["start"].items() for b, pb in tree[a].items()}
        assert question.answer == max(paths, key=paths.get)
        first = max(tree["start"], key=tree["start"].get)
        greedy = f"{first} {max(tree[first], key=tree[first].get)}"
        assert greedy != question.answer and greedy in [o.text for o in question.options]


def test_the_update_gate_answer_keeps_z_of_the_old_state(bank: Bank) -> None:
    for seed in range(30):
        question = ask(bank, "gated-recurrent-unit", seed)
        h, n, z = (
            float(re.search(rf"{name} = (-?\d+(?:\.\d+)?)", question.prompt).group(1))
            for name in ("h", "n", "z")
        )
        assert abs(float(question.answer) - ((1 - z) * n + z * h)) <= 0.005 + 1e-9


def test_only_the_diverging_rate_is_above_two_over_lambda_max(bank: Bank) -> None:
    for seed in range(30):
        question = ask(bank, "learning-rate", seed)
        curvature = float(re.search(r"= ([\d.]+)\.", question.prompt).group(1))
        for option in question.options:
            diverges = float(option.text) > 2 / curvature
            assert diverges == (option.text == question.answer), (question.prompt, option.text)
