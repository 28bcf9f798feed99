"""Checks on the bundled content packs and corpus, read straight from the TOML files.

Independent of the store and the pack loader, so a content mistake is reported here even when
the code that consumes it is broken, and the seed facts of the term sheet cannot silently go.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from glossary.model import LINK_KEYS, Link, canonical_link, lookup_key

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
PACK_PATHS = sorted((DATA_DIR / "terms").glob("*.toml"))
CORPUS_PATH = DATA_DIR / "corpora" / "nursery.txt"
README_PATH = DATA_DIR / "README.md"

SEED_SOURCE = "Google Machine Learning Glossary, Sequence Models (CC BY 4.0)"
REQUIRED_TERM_FIELDS = ("slug", "name", "summary", "definition", "source")
ALLOWED_TERM_FIELDS = {
    *REQUIRED_TERM_FIELDS,
    "abbreviation",
    "aliases",
    "examples",
    "demo",
    "demo_params",
    "links",
}
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SUMMARY_LENGTH = 110
MIN_TERMS = 45

# The seed terms of /work/shared/terms.md: slug -> (name, abbreviation, aliases that must be present).
SEED_TERMS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "n-gram": ("N-gram", "", ("ngram",)),
    "bigram": ("bigram", "", ("2-gram",)),
    "trigram": ("trigram", "", ("3-gram",)),
    "recurrent-neural-network": ("recurrent neural network", "RNN", ()),
    "long-short-term-memory": ("Long Short-Term Memory", "LSTM", ()),
    "forget-gate": ("forget gate", "", ()),
    "timestep": ("timestep", "", ("time step",)),
    "sequence-model": ("sequence model", "", ()),
    "exploding-gradient-problem": ("exploding gradient problem", "", ("exploding gradients",)),
    "vanishing-gradient-problem": ("vanishing gradient problem", "", ("vanishing gradients",)),
    "gradient-clipping": ("gradient clipping", "", ("clipping",)),
}
# Every link of the sheet's links column, as (term, relation key, other term) from the sheet's side.
SEED_LINKS: tuple[tuple[str, str, str], ...] = (
    ("n-gram", "contrast", "bag-of-words"),
    ("bigram", "is-a", "n-gram"),
    ("trigram", "is-a", "n-gram"),
    ("recurrent-neural-network", "has-part", "timestep"),
    ("recurrent-neural-network", "compare", "long-short-term-memory"),
    ("long-short-term-memory", "is-a", "recurrent-cell"),
    ("long-short-term-memory", "has-part", "forget-gate"),
    ("long-short-term-memory", "addresses", "vanishing-gradient-problem"),
    ("forget-gate", "part-of", "long-short-term-memory"),
    ("timestep", "part-of", "recurrent-neural-network"),
    ("sequence-model", "has-kind", "recurrent-neural-network"),
    ("sequence-model", "has-kind", "n-gram-language-model"),  # the sheet's "N-gram models"
    ("exploding-gradient-problem", "compare", "vanishing-gradient-problem"),
    ("exploding-gradient-problem", "mitigated-by", "gradient-clipping"),
    ("vanishing-gradient-problem", "compare", "exploding-gradient-problem"),
    ("vanishing-gradient-problem", "addressed-by", "long-short-term-memory"),
    ("gradient-clipping", "mitigates", "exploding-gradient-problem"),
    ("gradient-clipping", "used-in", "gradient-descent"),
)
# Terms the seed links to, and the sheet's "wider vocabulary": present under some slug.
REQUIRED_SLUGS = (
    "bag-of-words",
    "gradient-descent",
    "hidden-layer",
    "deep-neural-network",
    "natural-language-understanding",
    "recurrent-cell",
    "hidden-state",
    "cell-state",
    "input-gate",
    "output-gate",
    "gated-recurrent-unit",
    "backpropagation-through-time",
    "truncated-backpropagation-through-time",
    "language-model",
    "perplexity",
    "smoothing",
    "add-one-smoothing",
    "kneser-ney-smoothing",
    "backoff",
    "out-of-vocabulary-token",
    "start-of-sentence-token",
    "end-of-sentence-token",
    "token",
    "vocabulary",
    "unigram",
    "markov-assumption",
    "softmax",
    "cross-entropy",
    "sigmoid",
    "tanh",
    "spectral-radius",
    "gradient-norm",
    "learning-rate",
    "teacher-forcing",
    "sequence-to-sequence",
    "encoder-decoder",
    "greedy-decoding",
    "beam-search",
    "bidirectional-recurrent-neural-network",
    "embedding",
    "one-hot-encoding",
    "attention",
    "transformer",
)
# Spellings a learner may type that must find a term (folded like the store folds them).
REQUIRED_SPELLINGS = {
    "RNN cell": "recurrent-cell",
    "Laplace smoothing": "add-one-smoothing",
    "seq2seq": "sequence-to-sequence",
    "bidirectional RNN": "bidirectional-recurrent-neural-network",
    "truncated BPTT": "truncated-backpropagation-through-time",
    "<s>": "start-of-sentence-token",
    "</s>": "end-of-sentence-token",
    "OOV": "out-of-vocabulary-token",
    "GRU": "gated-recurrent-unit",
    "BPTT": "backpropagation-through-time",
}
NGRAM_EXAMPLES = {
    "N = 2": ["to go", "go to", "eat lunch", "eat dinner"],
    "N = 3": ["ate too much", "three blind mice", "the bell tolls"],
    "N = 4": ["walk in the park", "dust in the wind", "the boy ate lentils"],
}


def _load(path: Path) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)


PACKS: dict[Path, dict] = {path: _load(path) for path in PACK_PATHS}
TERMS: list[dict] = [term for pack in PACKS.values() for term in pack.get("terms", [])]
BY_SLUG: dict[str, dict] = {term["slug"]: term for term in TERMS}


def _links() -> set[Link]:
    """Every link of every pack, in the canonical direction the store keeps."""
    return {
        canonical_link(term["slug"], key, target)
        for term in TERMS
        for key, targets in term.get("links", {}).items()
        for target in targets
    }


def _spellings(term: dict) -> list[str]:
    """Everything a learner could type to reach ``term``."""
    extra = [term["abbreviation"]] if term.get("abbreviation") else []
    return [term["slug"], term["name"], *extra, *term.get("aliases", [])]


def _texts(term: dict) -> list[str]:
    """Every piece of text in a term that ends up on the screen."""
    texts = [
        term.get(name, "") for name in ("slug", "name", "abbreviation", "summary", "definition", "source")
    ]
    texts += term.get("aliases", [])
    for group in term.get("examples", []):
        texts += [group["label"], *group["items"]]
    texts += [str(value) for value in term.get("demo_params", {}).values()]
    return texts


def _has_control_character(text: str) -> bool:
    """Control, format (bidi overrides) or unassigned characters; newlines are allowed."""
    return any(unicodedata.category(char) in {"Cc", "Cf", "Cn", "Co"} and char != "\n" for char in text)


def test_bundled_packs_exist_for_the_three_topics() -> None:
    assert {path.stem for path in PACK_PATHS} >= {
        "sequence-models",
        "language-models",
        "foundations",
    }


@pytest.mark.parametrize("path", PACK_PATHS, ids=lambda path: path.stem)
def test_pack_topic_equals_file_stem_and_has_title_and_description(path: Path) -> None:
    header = PACKS[path]["pack"]
    assert header["topic"] == path.stem
    assert header["title"].strip()
    assert header["description"].strip()
    assert set(PACKS[path]) == {"pack", "terms"}


def test_glossary_carries_at_least_45_terms() -> None:
    assert len(TERMS) >= MIN_TERMS


def test_terms_use_only_schema_fields_and_fill_every_required_one() -> None:
    for term in TERMS:
        assert set(term) <= ALLOWED_TERM_FIELDS, term["slug"]
        for name in REQUIRED_TERM_FIELDS:
            assert isinstance(term.get(name), str), (term.get("slug"), name)
            assert term[name].strip(), (term["slug"], name)
        for name in ("abbreviation", "demo"):
            if name in term:
                assert isinstance(term[name], str) and term[name].strip(), (term["slug"], name)


def test_slugs_are_kebab_case_and_unique_across_packs() -> None:
    slugs = [term["slug"] for term in TERMS]
    duplicates = [slug for slug, count in Counter(slugs).items() if count > 1]
    assert duplicates == []
    assert [slug for slug in slugs if not SLUG_PATTERN.match(slug)] == []


def test_no_spelling_reaches_two_different_terms_after_folding() -> None:
    owners: dict[str, str] = {}
    clashes = []
    for term in TERMS:
        for spelling in _spellings(term):
            key = lookup_key(spelling)
            owner = owners.setdefault(key, term["slug"])
            if owner != term["slug"]:
                clashes.append((spelling, term["slug"], owner))
    assert clashes == []


def test_aliases_are_nonempty_distinct_and_do_not_repeat_name_slug_or_abbreviation() -> None:
    for term in TERMS:
        aliases = term.get("aliases", [])
        assert isinstance(aliases, list), term["slug"]
        assert all(isinstance(alias, str) and alias.strip() for alias in aliases), term["slug"]
        folded = [alias.casefold() for alias in aliases]
        assert len(set(folded)) == len(folded), term["slug"]
        own = {term["slug"], term["name"].casefold(), term.get("abbreviation", "").casefold()}
        assert own.isdisjoint(folded), term["slug"]


def test_summaries_are_single_lines_of_at_most_110_characters() -> None:
    for term in TERMS:
        summary = term["summary"]
        assert "\n" not in summary, term["slug"]
        assert len(summary) <= MAX_SUMMARY_LENGTH, (term["slug"], len(summary))


def test_definitions_are_paragraphs_of_plain_text() -> None:
    for term in TERMS:
        paragraphs = term["definition"].strip().split("\n\n")
        assert 1 <= len(paragraphs) <= 3, term["slug"]
        assert all(paragraph.strip() for paragraph in paragraphs), term["slug"]


def test_content_has_no_markup_brackets_or_control_characters() -> None:
    for term in TERMS:
        for text in _texts(term):
            assert "[" not in text and "]" not in text, (term["slug"], text)
            assert not _has_control_character(text), (term["slug"], text)
    for header in (pack["pack"] for pack in PACKS.values()):
        for text in (header["title"], header["description"]):
            assert "[" not in text and "]" not in text
            assert not _has_control_character(text)


def test_links_use_known_relations_and_point_at_existing_terms() -> None:
    for term in TERMS:
        for key, targets in term.get("links", {}).items():
            assert key in LINK_KEYS, (term["slug"], key)
            assert isinstance(targets, list) and targets, (term["slug"], key)
            for target in targets:
                assert target in BY_SLUG, (term["slug"], key, target)
                assert target != term["slug"], (term["slug"], key)


def test_every_term_is_linked_to_the_graph() -> None:
    linked = {slug for link in _links() for slug in (link.source, link.target)}
    assert sorted(set(BY_SLUG) - linked) == []


def test_every_term_has_a_demo_that_the_registry_runs_with_its_parameters() -> None:
    """Each term teaches by running: its demo exists and its pack parameters pass the demo's checks."""
    from seqml.demos import DEMOS

    without = sorted(term["slug"] for term in TERMS if "demo" not in term)
    assert without == []
    for term in TERMS:
        demo = DEMOS[term["demo"]]
        for name, value in term.get("demo_params", {}).items():
            assert name not in ("corpus", "arpa"), term["slug"]  # a pack never names a file
            demo.param(name).parse(value)  # raises ParamError on a bad name or value


def test_every_demo_illustrates_terms_that_use_it() -> None:
    from seqml.demos import DEMOS

    used = {term["demo"] for term in TERMS if "demo" in term}
    assert sorted(set(DEMOS) - used) == []
    for demo in DEMOS.values():
        assert set(demo.terms) <= set(BY_SLUG), demo.name


@pytest.mark.parametrize("slug", sorted(SEED_TERMS))
def test_seed_term_has_its_sheet_name_abbreviation_and_aliases(slug: str) -> None:
    name, abbreviation, aliases = SEED_TERMS[slug]
    term = BY_SLUG[slug]
    assert term["name"] == name
    assert term.get("abbreviation", "") == abbreviation
    assert set(aliases) <= set(term.get("aliases", []))
    assert term["source"].startswith(SEED_SOURCE)


@pytest.mark.parametrize("link", SEED_LINKS, ids=lambda link: f"{link[0]} {link[1]} {link[2]}")
def test_every_link_of_the_sheet_is_present_in_either_direction(
    link: tuple[str, str, str],
) -> None:
    assert canonical_link(*link) in _links()


def test_terms_the_sheet_asks_for_are_all_present() -> None:
    assert sorted(set(REQUIRED_SLUGS) - set(BY_SLUG)) == []


@pytest.mark.parametrize("spelling", sorted(REQUIRED_SPELLINGS))
def test_common_spellings_find_their_term(spelling: str) -> None:
    found = {
        term["slug"]
        for term in TERMS
        if lookup_key(spelling) in {lookup_key(text) for text in _spellings(term)}
    }
    assert found == {REQUIRED_SPELLINGS[spelling]}


def test_ngram_examples_are_exactly_the_sheets_phrases() -> None:
    groups = {group["label"]: group["items"] for group in BY_SLUG["n-gram"]["examples"]}
    assert groups == NGRAM_EXAMPLES


def test_ngram_definition_shows_that_order_matters_and_predicts_mice() -> None:
    definition = BY_SLUG["n-gram"]["definition"]
    assert "truly madly" in definition and "madly truly" in definition
    assert "three blind" in definition and "mice" in definition


def test_rnn_definition_draws_one_network_run_four_times_for_four_words() -> None:
    definition = BY_SLUG["recurrent-neural-network"]["definition"].casefold()
    assert "four words" in definition and "four times" in definition


def test_lstm_definition_names_its_applications_and_the_cell_state() -> None:
    definition = BY_SLUG["long-short-term-memory"]["definition"].casefold()
    for fact in ("handwriting", "translation", "image captioning", "vanishing", "cell state"):
        assert fact in definition


def test_sequence_model_definition_gives_the_next_video_example() -> None:
    assert "video" in BY_SLUG["sequence-model"]["definition"]


def test_seed_demos_follow_the_sheet() -> None:
    expected = {
        "n-gram": ("ngram", {"n": 3}),
        "bigram": ("ngram", {"n": 2}),
        "trigram": ("ngram", {"n": 3}),
        "recurrent-neural-network": ("rnn-unroll", None),
        "timestep": ("rnn-unroll", None),
        "long-short-term-memory": ("lstm-step", None),
        "forget-gate": ("lstm-step", None),
        "sequence-model": ("next-item", None),
        "exploding-gradient-problem": ("gradient-flow", {"rho": 1.1}),
        "vanishing-gradient-problem": ("gradient-flow", {"rho": 0.9}),
        "gradient-clipping": ("clipping", None),
    }
    for slug, (demo, params) in expected.items():
        assert BY_SLUG[slug].get("demo") == demo, slug
        if params is not None:
            assert BY_SLUG[slug].get("demo_params") == params, slug


def test_corpus_is_utf8_lines_where_three_blind_is_mostly_followed_by_mice() -> None:
    lines = CORPUS_PATH.read_text(encoding="utf-8").splitlines()
    assert 60 <= len(lines) <= 150
    assert all(line.strip() for line in lines)
    words = [word for line in lines for word in ["<s>", *line.split(), "</s>"]]
    followers = Counter(
        words[index + 2] for index in range(len(words) - 2) if words[index : index + 2] == ["three", "blind"]
    )
    assert "three blind mice" in CORPUS_PATH.read_text(encoding="utf-8")
    assert followers.most_common(1)[0][0] == "mice"
    assert followers["mice"] > sum(followers.values()) / 2
    assert len(followers) > 1  # another continuation exists, so smoothing has work to do


def test_corpus_contains_the_example_phrases_of_the_sheet() -> None:
    text = CORPUS_PATH.read_text(encoding="utf-8")
    for phrases in NGRAM_EXAMPLES.values():
        for phrase in phrases:
            assert phrase in text, phrase


def test_readme_documents_every_relation_key_and_demo_name() -> None:
    from seqml.demos import DEMOS

    readme = README_PATH.read_text(encoding="utf-8")
    for key in (*LINK_KEYS, *DEMOS, *ALLOWED_TERM_FIELDS):
        assert f"`{key}`" in readme or f"terms.{key}]" in readme, key


def test_readme_example_term_is_a_valid_term() -> None:
    readme = README_PATH.read_text(encoding="utf-8")
    example = readme.split("## A complete example", 1)[1].split("```toml", 1)[1].split("```", 1)[0]
    (term,) = tomllib.loads(example)["terms"]
    assert set(term) <= ALLOWED_TERM_FIELDS
    assert all(term[name].strip() for name in REQUIRED_TERM_FIELDS)
    assert len(term["summary"]) <= MAX_SUMMARY_LENGTH
    from seqml.demos import DEMOS

    for name, value in term["demo_params"].items():
        DEMOS[term["demo"]].param(name).parse(value)
    assert all(key in LINK_KEYS for key in term["links"])
    assert all(target in BY_SLUG for targets in term["links"].values() for target in targets)
