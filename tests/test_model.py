"""Records of the model: a card's identity reads and writes as "slug:type"."""

from __future__ import annotations

import pytest

from glossary.model import RATING_NAMES, CardId


def test_a_card_id_is_written_slug_colon_type_and_parsed_back() -> None:
    card = CardId("long-short-term-memory", "define")
    assert str(card) == "long-short-term-memory:define" and f"{card}" == str(card)
    assert CardId.parse(str(card)) == card
    assert (card.slug, card.qtype) == ("long-short-term-memory", "define")


@pytest.mark.parametrize("text", ["bigram", ":define", "bigram:", ""])
def test_text_that_is_not_a_card_id_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a card id"):
        CardId.parse(text)


def test_the_rating_names_are_fsrs_own_names_for_those_numbers() -> None:
    import fsrs

    assert {number: fsrs.Rating(number).name for number in RATING_NAMES} == dict(RATING_NAMES)
