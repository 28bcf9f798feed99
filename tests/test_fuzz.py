"""Property tests: whatever the input, the pack loader, lookup, search and the answer parser raise
only our own errors (PackError, NotFound, Invalid), never a crash."""

from __future__ import annotations

import contextlib
import json
import shutil
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glossary.errors import Invalid, NotFound, PackError
from glossary.packs import parse_pack
from glossary.quiz import make_question
from glossary.quiz.bank import Bank
from glossary.quiz.grading import grade, read_reply
from glossary.store import Store

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def shared_store(built_db: Path, tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("fuzz") / "glossary.db"
    shutil.copyfile(built_db, path)
    store = Store.open(path)
    yield store
    store.close()


@pytest.fixture(scope="module")
def pack_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("packs")


def _toml_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a TOML basic string (or a TOML error: also fine)


SCALARS = st.one_of(
    st.text(max_size=40).map(_toml_string),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=True).map(repr),  # inf and nan are TOML too
    st.booleans().map(lambda b: "true" if b else "false"),
    st.just("[]"),
    st.just("{}"),
    st.lists(st.text(max_size=10).map(_toml_string), max_size=3).map(lambda v: "[" + ", ".join(v) + "]"),
    st.just("{ n = 2 }"),
    st.just('{ corpus = "/etc/passwd" }'),
)
KEYS = st.sampled_from(
    ["slug", "name", "summary", "definition", "source", "abbreviation", "aliases", "examples", "demo",
     "demo_params", "links", "topic", "title", "description", "label", "items", "see-also", "is-a", "x"]
)  # fmt: skip
TABLES = st.sampled_from(["[pack]", "[[terms]]", "[terms.links]", "[[terms.examples]]", "[other]", ""])


@st.composite
def pack_documents(draw) -> str:
    """Packs shaped like ours with any field, value or table in any place."""
    lines = ['[pack]\ntopic = "fuzz"\ntitle = "Fuzz"'] if draw(st.booleans()) else []
    for _ in range(draw(st.integers(0, 12))):
        if draw(st.integers(0, 4)) == 0:
            lines.append(draw(TABLES))
        else:
            lines.append(f"{draw(KEYS)} = {draw(SCALARS)}")
    return "\n".join(lines) + "\n"


@SETTINGS
@given(document=st.one_of(pack_documents(), st.text(max_size=300)))
def test_the_pack_loader_raises_only_pack_errors(pack_folder: Path, document: str) -> None:
    path = pack_folder / "fuzz.toml"
    path.write_text(document, encoding="utf-8", errors="surrogatepass")
    with contextlib.suppress(PackError):
        parse_pack(path)


@SETTINGS
@given(data=st.binary(max_size=300))
def test_the_pack_loader_takes_any_bytes(pack_folder: Path, data: bytes) -> None:
    path = pack_folder / "bytes.toml"
    path.write_bytes(data)
    with contextlib.suppress(PackError):
        parse_pack(path)


QUERIES = st.text(alphabet=st.characters(), max_size=60) | st.text(alphabet=string.printable, max_size=60)


@SETTINGS
@given(query=QUERIES)
def test_lookup_raises_only_not_found_or_invalid(shared_store: Store, query: str) -> None:
    with contextlib.suppress(NotFound, Invalid):
        shared_store.card(query)


@SETTINGS
@given(query=QUERIES)
def test_search_accepts_any_text(shared_store: Store, query: str) -> None:
    try:
        shared_store.search_results(query, 5)
    except Invalid:
        assert not query.strip()


@pytest.fixture(scope="module")
def questions(shared_store: Store) -> tuple[Bank, list]:
    import random

    from glossary.model import CardId
    from glossary.quiz.base import QTYPES

    bank = Bank.build(shared_store.terms(), shared_store.all_links())
    rng = random.Random(0)
    made = [
        make_question(bank, CardId(slug, qtype), rng) for slug in list(bank.terms)[:12] for qtype in QTYPES
    ]
    return bank, [q for q in made if q is not None]


@SETTINGS
@given(line=QUERIES, pick=st.integers(min_value=0, max_value=10_000))
def test_the_answer_parser_and_grader_take_any_line(questions, line: str, pick: int) -> None:
    bank, made = questions
    question = made[pick % len(made)]
    reply = read_reply(question, line)
    if reply.kind not in ("invalid", "card", "quit"):
        grade(question, reply, bank.spellings, 1000, False)
