"""Question generation and grading: every type on the bundled content, options, typos, hints."""

from __future__ import annotations

import itertools
import random
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossary.model import CardId, Example, Link, Term, lookup_key
from glossary.quiz import COMPUTED_SLUGS, available, make_question
from glossary.quiz.bank import Bank, spellings_of
from glossary.quiz.base import AGAIN, EASY, GOOD, HARD, MASK, MAX_ANSWER_CHARS, QTYPES, Question, Reply
from glossary.quiz.grading import edit_distance, grade, read_reply
from glossary.quiz.words import mask
from glossary.render.json import question_json
from glossary.store import Store


@pytest.fixture(scope="module")
def bank(built_db: Path) -> Bank:
    """The bundled content, indexed once for the module."""
    store = Store.open(built_db)
    try:
        return Bank.build(store.terms(), store.all_links())
    finally:
        store.close()


def ask(bank: Bank, card: str, seed: int = 0) -> Question:
    question = make_question(bank, CardId.parse(card), random.Random(seed))
    assert question is not None, card
    return question


def answer_with(question: Question, text: str) -> Reply:
    reply = read_reply(question, text)
    assert reply.kind == "answer", reply
    return reply


# --------------------------------------------------------------------------- each type


def test_define_hides_the_term_and_offers_its_siblings(bank: Bank) -> None:
    question = ask(bank, "bigram:define")
    texts = [o.text for o in question.options]
    assert question.answer == "bigram" and "bigram" in texts
    assert "bigram" not in question.prompt.casefold()
    assert {"trigram", "unigram", "N-gram"} & set(texts), texts  # graph first, not random words
    assert question.card_id == CardId("bigram", "define") and str(question.card_id) == "bigram:define"


def test_meaning_offers_summaries_and_the_right_one(bank: Bank) -> None:
    question = ask(bank, "long-short-term-memory:meaning")
    assert question.answer == bank.terms["long-short-term-memory"].summary
    assert question.options[question.answer_index].slug == "long-short-term-memory"
    assert "Long Short-Term Memory" in question.prompt


def test_recall_accepts_any_spelling_ignoring_case_spaces_and_hyphens(bank: Bank) -> None:
    question = ask(bank, "long-short-term-memory:recall")
    assert question.typed and MASK in question.prompt
    for typed in ("LSTM", "lstm", "long short term memory", "Long-Short-Term-Memory", "LSTM cell"):
        verdict = grade(question, answer_with(question, typed), bank.spellings)
        assert verdict.correct and not verdict.typo, typed


def test_recall_accepts_a_small_typo_with_a_note(bank: Bank) -> None:
    question = ask(bank, "long-short-term-memory:recall")
    verdict = grade(question, answer_with(question, "LTSM"), bank.spellings)
    assert verdict.correct and verdict.typo and verdict.rating == HARD
    assert verdict.note == "accepted: LSTM (you typed LTSM)"


def test_recall_typing_another_terms_name_is_wrong_and_logged_as_that_term(bank: Bank) -> None:
    question = ask(bank, "bigram:recall")
    verdict = grade(question, answer_with(question, "trigram"), bank.spellings)
    assert not verdict.correct and verdict.rating == AGAIN
    assert verdict.chosen_slug == "trigram"


def test_recall_refuses_a_typo_of_a_short_abbreviation(bank: Bank) -> None:
    question = ask(bank, "recurrent-neural-network:recall")
    assert grade(question, answer_with(question, "RNN"), bank.spellings).correct
    assert not grade(question, answer_with(question, "RMN"), bank.spellings).correct


def test_relation_question_excludes_every_term_that_also_fits(bank: Bank) -> None:
    for seed in range(20):
        question = ask(bank, "long-short-term-memory:relation", seed)
        if question.prompt.startswith("Which of these is part of"):
            parts = bank.related("long-short-term-memory", "has-part")
            right = [o for o in question.options if o.slug in parts]
            assert len(right) == 1 and right[0].text == question.answer
            return
    pytest.fail("no 'part of' question in 20 seeds")


def test_relation_mitigates_exploding_gradients_is_gradient_clipping(bank: Bank) -> None:
    seen = {ask(bank, "exploding-gradient-problem:relation", seed).prompt for seed in range(20)}
    question = next(
        ask(bank, "exploding-gradient-problem:relation", seed)
        for seed in range(20)
        if ask(bank, "exploding-gradient-problem:relation", seed).prompt.startswith(
            "Which of these mitigates"
        )
    )
    assert question.answer == "gradient clipping", seen
    assert question.reason == "Gradient clipping mitigates the exploding gradient problem."


def test_forget_gate_relation_asks_what_it_is_part_of(bank: Bank) -> None:
    question = ask(bank, "forget-gate:relation")
    assert question.prompt == "What is the forget gate part of?"
    assert question.answer_slug == "long-short-term-memory"


def test_example_question_maps_the_label_to_the_kind(bank: Bank) -> None:
    prompts = {ask(bank, "trigram:example", seed).prompt for seed in range(30)}
    assert "\u201cthe bell tolls\u201d is which kind of N-gram?" in prompts
    question = ask(bank, "trigram:example")
    assert question.answer == "trigram" and "bigram" in [o.text for o in question.options]


def test_abbreviation_question_asks_for_the_full_name(bank: Bank) -> None:
    question = ask(bank, "long-short-term-memory:abbreviation")
    assert question.prompt == "What does \u201cLSTM\u201d stand for?"
    assert question.answer == "Long Short-Term Memory"


def test_clipping_question_answer_has_the_clipped_norm(bank: Bank) -> None:
    for seed in range(15):
        question = ask(bank, "gradient-clipping:computed", seed)
        values = np.array([float(v) for v in question.answer.strip("()").split(",")])
        max_norm = float(question.prompt.split("to norm ")[1].split(" ")[0])
        original = np.array([float(v) for v in question.prompt.split("g = (")[1].split(")")[0].split(",")])
        expected = original * min(1.0, max_norm / np.linalg.norm(original))
        assert np.allclose(values, expected, atol=0.006)
        assert len(question.options) == 4


def test_bigram_count_question_counts_distinct_pairs(bank: Bank) -> None:
    for seed in range(10):
        question = ask(bank, "bigram:computed", seed)
        words = question.prompt.split("\u201c")[1].split("\u201d")[0].split()
        assert question.answer == str(len(set(itertools.pairwise(words))))


def test_next_word_question_uses_only_pairs_with_the_context(bank: Bank) -> None:
    question = ask(bank, "n-gram-language-model:computed", 3)
    context = question.prompt.split("\u201c")[1].split("\u201d")[0]
    counts = {
        row.split(":")[0].split()[1]: int(row.split(":")[1])
        for row in question.detail
        if row.startswith(context + " ")
    }
    assert question.answer == max(counts, key=counts.__getitem__)


def test_spectral_question_answer_follows_rho(bank: Bank) -> None:
    answers = {}
    for seed in range(40):
        question = ask(bank, "vanishing-gradient-problem:computed", seed)
        rho = float(re.search(r"rho = (\d+(?:\.\d+)?)", question.prompt).group(1))
        answers[rho] = question.answer
    assert all(answer == "vanishing gradient problem" for rho, answer in answers.items() if rho < 1)
    assert all(answer == "exploding gradient problem" for rho, answer in answers.items() if rho > 1)


def test_forget_gate_question_is_the_sigmoid_of_bias_plus_drive(bank: Bank) -> None:
    question = ask(bank, "forget-gate:computed", 4)
    drive = float(question.prompt.split("= ")[1].split(" ")[0])
    bias = float(question.prompt.split("b_f = ")[1].split(".")[0])
    assert question.answer == f"{1 / (1 + np.exp(-(drive + bias))):.2f}"


def test_computed_questions_draw_fresh_numbers(bank: Bank) -> None:
    prompts = {ask(bank, "gradient-clipping:computed", seed).prompt for seed in range(10)}
    assert len(prompts) > 5


def test_same_seed_gives_the_same_question(bank: Bank) -> None:
    for qtype in QTYPES:
        slug = next(s for s in bank.terms if qtype in available(bank, s))
        card = CardId(slug, qtype)
        assert make_question(bank, card, random.Random(9)) == make_question(bank, card, random.Random(9))


def test_every_type_is_available_somewhere_in_the_bundled_content(bank: Bank) -> None:
    offered = {qtype for slug in bank.terms for qtype in available(bank, slug)}
    assert offered == set(QTYPES)


# --------------------------------------------------------------------------- the property


ALL_CARDS: list[CardId] = []


def _all_cards(bank: Bank) -> list[CardId]:
    if not ALL_CARDS:
        ALL_CARDS.extend(CardId(slug, qtype) for slug in bank.terms for qtype in available(bank, slug))
    return ALL_CARDS


@settings(max_examples=300, deadline=None)
@given(index=st.integers(min_value=0, max_value=10_000), seed=st.integers(min_value=0, max_value=2**32))
def test_no_question_has_a_duplicate_ambiguous_or_missing_option(bank: Bank, index: int, seed: int) -> None:
    cards = _all_cards(bank)
    question = make_question(bank, cards[index % len(cards)], random.Random(seed))
    assert question is not None
    if question.typed:
        assert question.answer in question.accepted
        return
    texts = [o.text for o in question.options]
    assert 2 <= len(texts) <= 4
    assert question.answer in texts and texts.count(question.answer) == 1
    folded = [lookup_key(t) for t in texts]
    assert len(set(folded)) == len(folded), texts  # no duplicates, even up to case and hyphens
    if question.answer_slug:
        answer_keys = {lookup_key(s) for s in spellings_of(bank.terms[question.answer_slug])}
        for option in question.options:
            if option.text != question.answer:
                assert lookup_key(option.text) not in answer_keys, (option, question.answer)
                assert option.slug != question.answer_slug


# --------------------------------------------------------------------------- a hand-made bank


def small_bank() -> Bank:
    terms = [
        Term("n-gram", "N-gram", "N words in order", "An N-gram is N words in order.", "s", "lm",
             examples=(Example("N = 2", ("to go",)), Example("N = 3", ("the bell tolls",)))),
        Term("bigram", "bigram", "An N-gram with N = 2", "A bigram is two words in order.", "s", "lm",
             aliases=("2-gram",)),
        Term("trigram", "trigram", "An N-gram with N = 3", "A trigram is three words in order.", "s", "lm",
             aliases=("3-gram",)),
    ]  # fmt: skip
    return Bank.build(terms, [Link("bigram", "is-a", "n-gram"), Link("trigram", "is-a", "n-gram")])


def test_small_bank_example_and_define_questions() -> None:
    tiny = small_bank()
    example = make_question(tiny, CardId("trigram", "example"), random.Random(0))
    assert example is not None and example.prompt == "\u201cthe bell tolls\u201d is which kind of N-gram?"
    assert [o.text for o in sorted(example.options, key=lambda o: o.text)] == ["bigram", "trigram"]
    define = make_question(tiny, CardId("bigram", "define"), random.Random(0))
    assert define is not None and len(define.options) == 3


def test_a_term_alone_gets_no_multiple_choice_question() -> None:
    alone = Bank.build([Term("x", "x-term", "s", "d", "src", "t")], [])
    assert make_question(alone, CardId("x", "define"), random.Random(0)) is None
    assert make_question(alone, CardId("x", "recall"), random.Random(0)) is not None


def test_unknown_cards_give_no_question() -> None:
    tiny = small_bank()
    assert make_question(tiny, CardId("missing", "define"), random.Random(0)) is None
    assert make_question(tiny, CardId("bigram", "nonsense"), random.Random(0)) is None


def test_introduction_order_puts_parents_first(bank: Bank) -> None:
    order = bank.introduction_order()
    position = {slug: i for i, slug in enumerate(order)}
    assert position["n-gram"] < position["bigram"] and position["n-gram"] < position["trigram"]
    assert position["recurrent-neural-network"] < position["long-short-term-memory"] < position["forget-gate"]
    assert sorted(order) == sorted(bank.terms)


def test_introduction_order_survives_a_cycle() -> None:
    terms = [Term(s, s, s, s, "x", "t") for s in ("a", "b", "c")]
    cyclic = Bank.build(terms, [Link("a", "is-a", "b"), Link("b", "is-a", "a"), Link("c", "is-a", "a")])
    order = cyclic.introduction_order()
    assert sorted(order) == ["a", "b", "c"] and order.index("a") < order.index("c")


def test_mask_hides_every_spelling_and_the_telltale_article() -> None:
    term = Term(
        "long-short-term-memory", "Long Short-Term Memory", "s", "d", "x", "t", "LSTM", ("LSTM cell",)
    )
    assert mask("An LSTM cell keeps an LSTM's memory.", term) == f"A(n) {MASK} keeps a(n) {MASK}'s memory."
    assert mask("long short term memory networks", term) == f"{MASK} networks"


# --------------------------------------------------------------------------- replies and ratings


def test_bad_input_re_asks_with_a_hint(bank: Bank) -> None:
    question = ask(bank, "bigram:define")
    for line, expected in [
        ("", "No answer given"),
        ("   ", "No answer given"),
        ("7", "There is no option 7"),
        ("0", "There is no option 0"),
        ("-1", "There is no option -1"),
        ("banana", "is not one of the options"),
        ("9" * 5000, "5000 characters long"),
    ]:
        reply = read_reply(question, line)
        assert reply.kind == "invalid" and expected in reply.hint, (line[:20], reply)
        assert "1 to 4" in reply.hint


def test_replies_for_card_quit_number_and_option_text(bank: Bank) -> None:
    question = ask(bank, "bigram:define")
    assert read_reply(question, "?").kind == "card"
    assert read_reply(question, "q").kind == "quit" and read_reply(question, "Q\n").kind == "quit"
    assert read_reply(question, "2").index == 1
    by_text = read_reply(question, question.answer.upper())
    assert by_text.kind == "answer" and by_text.index == question.answer_index


def test_default_ratings_follow_correctness_slowness_and_peeking_never_speed(bank: Bank) -> None:
    question = ask(bank, "bigram:define")
    right = Reply("answer", question.answer, question.answer_index)
    wrong_index = (question.answer_index + 1) % len(question.options)
    wrong = Reply("answer", question.options[wrong_index].text, wrong_index)
    assert grade(question, right, {}).rating == GOOD  # piped: no time
    assert grade(question, right, {}, response_ms=1500).rating == GOOD  # a fast guess is not Easy
    assert grade(question, Reply("answer", right.text, right.index, rating=EASY), {}).rating == EASY
    assert grade(question, right, {}, response_ms=9000).rating == GOOD
    assert grade(question, right, {}, response_ms=60000).rating == HARD
    assert grade(question, right, {}, response_ms=1500, peeked=True).rating == AGAIN
    verdict = grade(question, wrong, {})
    assert verdict.rating == AGAIN and verdict.chosen_slug == question.options[wrong_index].slug


def test_edit_distance_counts_a_swap_once() -> None:
    assert edit_distance("lstm", "ltsm") == 1
    assert edit_distance("bigram", "bigram") == 0
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("a", "abcdefgh", limit=3) == 4


def test_question_json_numbers_options_from_one(bank: Bank) -> None:
    data = question_json(ask(bank, "bigram:define"))
    assert [o["number"] for o in data["options"]] == [1, 2, 3, 4]
    assert data["card"] == "bigram:define" and data["answer"] == "bigram"


def test_over_long_answer_limit_is_the_documented_one() -> None:
    question = make_question(small_bank(), CardId("bigram", "recall"), random.Random(0))
    assert question is not None
    assert read_reply(question, "x" * MAX_ANSWER_CHARS).kind == "answer"
    assert read_reply(question, "x" * (MAX_ANSWER_CHARS + 1)).kind == "invalid"


# --------------------------------------------------------------------------- the property, on random graphs

WORDS = ["gate", "cell", "gram", "state", "norm", "model", "token", "bias"]
RELATION_KEYS = ["is-a", "part-of", "mitigates", "addresses", "used-in", "compare", "contrast", "see-also"]


@st.composite
def random_banks(draw) -> Bank:
    """Small glossaries with clashing summaries, abbreviations and arbitrary typed links."""
    count = draw(st.integers(min_value=2, max_value=8))
    names = draw(
        st.lists(
            st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join),
            min_size=count,
            max_size=count,
            unique_by=lookup_key,
        )
    )
    summaries = draw(st.lists(st.sampled_from(["A thing", "A thing.", "a THING", "Another thing"]),
                              min_size=count, max_size=count))  # fmt: skip
    terms = [
        Term(
            f"t{i}",
            name,
            summaries[i],
            f"The {name} is a thing. It matters.",
            "src",
            draw(st.sampled_from(["one", "two"])),
            abbreviation=f"T{i}X" if draw(st.booleans()) else "",
            examples=(Example(f"N = {i}", (f"example {i}",)),),
        )
        for i, name in enumerate(names)
    ]
    pairs = st.tuples(st.integers(0, count - 1), st.sampled_from(RELATION_KEYS), st.integers(0, count - 1))
    links = {Link(f"t{a}", key, f"t{b}") for a, key, b in draw(st.lists(pairs, max_size=12)) if a != b}
    return Bank.build(terms, sorted(links, key=lambda link: (link.source, link.relation, link.target)))


@settings(max_examples=200, deadline=None)
@given(bank=random_banks(), seed=st.integers(min_value=0, max_value=2**32))
def test_random_glossaries_never_give_a_duplicate_or_missing_answer(bank: Bank, seed: int) -> None:
    rng = random.Random(seed)
    assert sorted(bank.introduction_order()) == sorted(bank.terms)
    for slug in bank.terms:
        for qtype in available(bank, slug):
            if qtype == "computed":
                continue
            question = make_question(bank, CardId(slug, qtype), rng)
            if question is None:  # too few distinct options in a tiny glossary is allowed
                assert qtype != "recall"
                continue
            if question.typed:
                assert question.answer in question.accepted
                continue
            texts = [o.text for o in question.options]
            assert texts.count(question.answer) == 1
            folded = [re.sub(r"[\W_]+", "", t.casefold()) for t in texts]
            assert len(set(folded)) == len(folded), texts
            answer_keys = {lookup_key(s) for s in spellings_of(bank.terms[question.answer_slug])}
            assert all(
                lookup_key(o.text) not in answer_keys for o in question.options if o.text != question.answer
            )


def test_only_the_terms_with_a_computed_maker_offer_a_computed_question(bank: Bank) -> None:
    offering = {slug for slug in bank.terms if "computed" in available(bank, slug)}
    assert offering == COMPUTED_SLUGS


def test_an_option_can_be_picked_by_any_spelling_of_its_term(bank: Bank) -> None:
    from glossary.quiz.bank import spellings_of

    picked = 0
    for card in ("long-short-term-memory:define", "sequence-to-sequence:define", "bigram:define"):
        question = ask(bank, card)
        for index, option in enumerate(question.options):
            for spelling in spellings_of(bank.terms[option.slug]) if option.slug else []:
                reply = read_reply(question, spelling, bank.spellings)
                assert (reply.kind, reply.index) == ("answer", index), (card, spelling)
                picked += 1
    assert picked > 12
    not_an_option = read_reply(ask(bank, "bigram:define"), "seq2seq", bank.spellings)
    assert not_an_option.kind == "invalid"
