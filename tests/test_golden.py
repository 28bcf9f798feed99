"""Whole views compared with golden text (80 columns, no colour), as a learner reads them.

After an intended change of layout or content, regenerate with
``GLOSSARY_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py`` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden"

VIEWS = {
    "show_lstm": ("show", "lstm"),
    "show_ngram": ("show", "ngram"),
    "show_exploding_gradients": ("show", "exploding gradients"),
    "links_rnn_depth_2": ("links", "rnn", "--depth", "2"),
    "path_forget_gate_to_exploding": ("path", "forget gate", "exploding gradients"),
    "search_forget_gate": ("search", "forget gate", "--limit", "3"),
    "compare_vanishing_exploding": ("compare", "vanishing gradients", "exploding gradients"),
    "compare_bigram_trigram": ("compare", "bigram", "trigram"),
    "list_all": ("list",),
    "list_topic_sequence_models": ("list", "--topic", "sequence-models"),
    "show_lstm_json": ("show", "lstm", "--json"),
    "show_2_gram_json": ("show", "2-gram", "--json"),
    "search_gradient_json": ("search", "gradient", "--json"),
    "list_json": ("list", "--json"),
    "links_rnn_depth_2_json": ("links", "rnn", "--depth", "2", "--json"),
    "compare_bigram_trigram_json": ("compare", "bigram", "trigram", "--json"),
    "path_bigram_to_vanishing_json": ("path", "bigram", "vanishing gradient problem", "--json"),
}


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_view_matches_its_golden_text(run, name: str) -> None:
    result = run(*VIEWS[name])
    assert result.exit_code == 0, result.output
    path = GOLDEN / f"{name}.{'json' if name.endswith('_json') else 'txt'}"
    if os.environ.get("GLOSSARY_UPDATE_GOLDEN"):
        path.write_text(result.output, encoding="utf-8")
    assert result.output == path.read_text(encoding="utf-8")
