"""glossary export: the Anki deck read back from its SQLite collection, Markdown, JSON, a TOML pack
that round-trips through a fresh store, and the review log in the FSRS optimizer's layout."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest

from glossary.formats.anki import NOTE_TYPES, field, note_guid, stable_id
from glossary.formats.reviews_csv import COLUMNS
from glossary.packs import read_pack
from glossary.store import Store

MY_PACK = '''[pack]
topic = "my-decoding"
title = "My decoding"
description = "Terms I collected."

[[terms]]
slug = "beam-width"
name = "Beam width"
abbreviation = "BW"
aliases = ["beam size", "k"]
summary = "How many partial outputs beam search keeps"
definition = """The number of partial outputs beam search keeps. A wider beam width costs more.

Greedy decoding is a beam width of one."""
source = "my notes"
[[terms.examples]]
label = "widths"
items = ["1 (greedy)", "5"]
[terms.links]
is-a = ["hyperparameter-of-mine"]
part-of = ["long-short-term-memory"]

[[terms]]
slug = "hyperparameter-of-mine"
name = "Hyperparameter of mine"
summary = "A setting chosen before training"
definition = "A setting chosen before training rather than learnt."
source = "my notes"
[terms.links]
has-kind = ["length-penalty-of-mine"]
see-also = ["learning-rate"]

[[terms]]
slug = "length-penalty-of-mine"
name = "Length penalty of mine"
summary = "Keeps beam search from favouring short outputs"
definition = "A correction \\"for\\" short outputs.\\tTabbed."
source = "my notes"
'''


@pytest.fixture
def my_pack(tmp_path: Path) -> Path:
    path = tmp_path / "my-decoding.toml"
    path.write_text(MY_PACK, encoding="utf-8")
    return path


@pytest.fixture
def with_pack(run, my_pack):
    result = run("import", str(my_pack))
    assert result.exit_code == 0, result.output
    return run


def _collection(apkg: Path, tmp_path: Path) -> sqlite3.Connection:
    with zipfile.ZipFile(apkg) as archive:
        assert set(archive.namelist()) == {"collection.anki2", "media"}
        archive.extract("collection.anki2", tmp_path / "unzipped")
    return sqlite3.connect(tmp_path / "unzipped" / "collection.anki2")


def _notes(conn: sqlite3.Connection) -> list[dict]:
    models = json.loads(conn.execute("SELECT models FROM col").fetchone()[0])
    notes = []
    for guid, mid, tags, fields in conn.execute("SELECT guid, mid, tags, flds FROM notes"):
        model = models[str(mid)]
        names = [f["name"] for f in model["flds"]]
        notes.append({"guid": guid, "model": model["name"], "tags": tags.split(),
                      "fields": dict(zip(names, fields.split("\x1f"), strict=True))})  # fmt: skip
    return notes


# ---- Anki


def test_anki_deck_holds_one_note_per_kind_with_stable_ids_tags_and_links(with_pack, tmp_path) -> None:
    apkg = tmp_path / "deck.apkg"
    result = with_pack("export", "--format", "anki", "--pack", "my-decoding", "-o", str(apkg))
    assert result.exit_code == 0, result.output
    conn = _collection(apkg, tmp_path)
    models = json.loads(conn.execute("SELECT models FROM col").fetchone()[0])
    assert {int(k): m["name"] for k, m in models.items()} == {
        stable_id(f"model:{kind}"): name for kind, (name, _f, _t) in NOTE_TYPES.items()
    }
    notes = _notes(conn)
    by_kind = {(n["fields"]["Slug"], n["model"]) for n in notes}
    # every term a term/definition note; a cloze only where the definition names the term; one abbreviation
    assert by_kind == {
        ("beam-width", "seqml-glossary term/definition"),
        ("beam-width", "seqml-glossary cloze"),
        ("beam-width", "seqml-glossary abbreviation"),
        ("hyperparameter-of-mine", "seqml-glossary term/definition"),
        ("length-penalty-of-mine", "seqml-glossary term/definition"),
    }
    beam = next(
        n
        for n in notes
        if n["model"] == "seqml-glossary term/definition" and n["fields"]["Term"] == "Beam width"
    )
    assert beam["guid"] == note_guid("beam-width", "basic")
    assert beam["tags"] == ["seqml-glossary", "topic::my-decoding", "pack::my-decoding"]
    assert "<li>is a kind of <b>Hyperparameter of mine</b></li>" in beam["fields"]["Links"]
    assert "<li>part of <b>Long Short-Term Memory</b></li>" in beam["fields"]["Links"]
    assert "Beam width" not in beam["fields"]["MaskedDefinition"]
    assert beam["fields"]["MaskedDefinition"].startswith(
        "The number of partial outputs beam search keeps. A wider [...]"
    )
    cloze = next(n for n in notes if n["model"] == "seqml-glossary cloze")
    assert (
        "A wider {{c1::beam width}} costs more.<br><br>Greedy decoding is a {{c1::beam width}} of one."
        in cloze["fields"]["Text"]
    )
    cards = conn.execute("SELECT count(*) FROM cards").fetchone()[0]
    assert cards == 2 * 3 + 1 + 1  # two templates per term/definition note, one per cloze and abbreviation
    decks = json.loads(conn.execute("SELECT decks FROM col").fetchone()[0])
    assert decks[str(stable_id("deck:my-decoding"))]["name"] == "seqml-glossary::My decoding"


def test_anki_re_export_keeps_every_guid_and_id(with_pack, tmp_path) -> None:
    first, second = tmp_path / "a.apkg", tmp_path / "b.apkg"
    for path in (first, second):
        assert with_pack("export", "--format", "anki", "-o", str(path)).exit_code == 0
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    a, b = _collection(first, tmp_path / "one"), _collection(second, tmp_path / "two")
    query = "SELECT guid, mid, flds FROM notes ORDER BY guid"
    assert a.execute(query).fetchall() == b.execute(query).fetchall()
    guids = [row[0] for row in a.execute("SELECT guid FROM notes")]
    assert len(guids) == len(set(guids))


def test_anki_fields_never_carry_markup_braces_or_separators_from_content() -> None:
    hostile = '<script>alert(1)</script> {{c2::x}} \x1f\x1b[31m & "q" \u202e'
    escaped = field(hostile)
    assert "<" not in escaped and ">" not in escaped
    assert "{" not in escaped and "}" not in escaped
    assert "\x1f" not in escaped and "\x1b" not in escaped and "\u202e" not in escaped
    assert "&lt;script&gt;" in escaped and "\\x1b[31m" in escaped and "&quot;q&quot;" in escaped


def test_anki_deck_refuses_a_terminal_but_streams_to_a_pipe(run) -> None:
    from glossary.errors import Invalid
    from glossary.formats.export import check_output

    with pytest.raises(Invalid, match="binary"):
        check_output("-", "anki", stdout_is_terminal=True)
    assert check_output("-", "markdown", stdout_is_terminal=True) == "-"
    piped = run("export", "--format", "anki", "--topic", "foundations")  # CliRunner's stdout is a pipe
    assert piped.exit_code == 0
    assert piped.stdout_bytes[:4] == b"PK\x03\x04"


def test_anki_package_opens_with_the_anki_library_when_it_is_installed(with_pack, tmp_path) -> None:
    collection_module = pytest.importorskip("anki.collection")
    apkg = tmp_path / "deck.apkg"
    assert with_pack("export", "--format", "anki", "--pack", "my-decoding", "-o", str(apkg)).exit_code == 0
    col = collection_module.Collection(str(tmp_path / "target.anki2"))
    try:
        from anki.import_export_pb2 import ImportAnkiPackageRequest

        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(apkg)))
        assert col.note_count() == 5
    finally:
        col.close()


# ---- output checks


def test_output_is_checked_before_any_work(run, tmp_path) -> None:
    missing = run("export", "-o", str(tmp_path / "no" / "such" / "file.md"))
    assert missing.exit_code == 2 and "no such directory" in missing.output
    folder = run("export", "-o", str(tmp_path))
    assert folder.exit_code == 2 and "is a directory" in folder.output
    assert not list(tmp_path.rglob("*.md"))


def test_a_failed_export_leaves_the_previous_file_whole(run, tmp_path) -> None:
    target = tmp_path / "all.toml"
    target.write_text("previous", encoding="utf-8")
    result = run("export", "--format", "toml", "-o", str(target))  # three topics: refused
    assert result.exit_code == 2
    assert target.read_text(encoding="utf-8") == "previous"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".glossary-export-")]


def test_unknown_topic_and_both_filters_are_usage_errors(run) -> None:
    assert run("export", "--topic", "nope").exit_code == 2
    assert run("export", "--topic", "foundations", "--pack", "foundations").exit_code == 2


# ---- Markdown, JSON, TOML


def test_markdown_has_a_section_per_topic_and_an_entry_per_term(run, store) -> None:
    result = run("export", "--format", "markdown")
    assert result.exit_code == 0
    text = result.output
    for info in store.topics():
        assert f"# {info.title}\n\nTopic: `{info.topic}`\n" in text
    assert text.count("\n## ") + text.startswith("## ") == len(store.terms())
    assert "- Slug: `long-short-term-memory`" in text
    assert not [line for line in text.splitlines() if line != line.rstrip()]


def test_json_is_the_show_shape_per_term_plus_topics(run) -> None:
    data = json.loads(run("export", "--format", "json", "--topic", "foundations").output)
    shown = json.loads(run("show", data["terms"][0]["slug"], "--json").output)
    shown.pop("matched")
    assert data["terms"][0] == shown
    assert [t["topic"] for t in data["topics"]] == ["foundations"]
    assert data["topics"][0]["count"] == len(data["terms"])


def _pack_state(store: Store, topic: str) -> tuple[list, set]:
    terms = store.terms(topic)
    slugs = {t.slug for t in terms}
    links = {link for link in store.all_links() if link.source in slugs or link.target in slugs}
    return terms, links


def test_toml_export_reimports_into_a_fresh_store_to_equal_terms_and_links(
    with_pack, store, built_db, tmp_path
) -> None:
    exported = tmp_path / "out.toml"
    assert (
        with_pack("export", "--format", "toml", "--pack", "my-decoding", "-o", str(exported)).exit_code == 0
    )
    read_pack(exported)  # the loader's rules hold
    fresh_path = tmp_path / "fresh.db"
    shutil.copyfile(built_db, fresh_path)
    fresh = Store.open(fresh_path)
    try:
        assert fresh.import_pack(exported) == 3
        assert _pack_state(fresh, "my-decoding") == _pack_state(store, "my-decoding")
        assert fresh.topics()[-1][:3] == store.topics()[-1][:3]
    finally:
        fresh.close()


def test_toml_export_of_a_bundled_topic_passes_the_loader_with_every_term(run, tmp_path) -> None:
    exported = tmp_path / "foundations.toml"
    assert run("export", "--format", "toml", "--topic", "foundations", "-o", str(exported)).exit_code == 0
    pack, links, _text = read_pack(exported)
    original, original_links, _ = read_pack(
        Path(__file__).resolve().parent.parent / "data/terms/foundations.toml"
    )
    assert pack.terms == original.terms
    assert {link for _line, link in links} >= {link for _line, link in original_links}


def test_markdown_export_reimports_to_the_same_terms_and_links(with_pack, store, built_db, tmp_path) -> None:
    exported = tmp_path / "mine.md"
    assert with_pack("export", "--pack", "my-decoding", "-o", str(exported)).exit_code == 0
    fresh_path = tmp_path / "fresh.db"
    shutil.copyfile(built_db, fresh_path)
    fresh = Store.open(fresh_path)
    try:
        fresh.import_pack(exported)
        terms, links = _pack_state(fresh, "my-decoding")
        expected_terms, expected_links = _pack_state(store, "my-decoding")
        assert links == expected_links
        assert [t._replace(demo_params={}) for t in terms] == [
            t._replace(demo_params={}) for t in expected_terms
        ]
    finally:
        fresh.close()


# ---- the review log


def _answer(store: Store, slug: str, rating: int, moment: datetime, ms: int, practice: bool = False) -> None:
    from glossary.quiz.base import Grade, Question
    from glossary.record import record_answer

    question = Question(slug=slug, qtype="define", prompt="?", answer=slug, answer_slug=slug, reason="")
    grade = Grade(correct=rating > 1, rating=rating, chosen=slug, chosen_slug=slug)
    record_answer(store.conn, question, grade, moment, ms, "session", practice=practice)


def _day(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 3, day, hour, 0, 0, tzinfo=timezone.utc)


def test_review_log_csv_has_the_fsrs_optimizer_columns_states_and_times(store, run) -> None:
    from glossary.record import stable_int

    _answer(store, "bigram", 3, _day(1), 4200)  # new -> learning
    _answer(store, "bigram", 3, _day(1, 10), 3100)  # learning -> review
    _answer(store, "bigram", 1, _day(9), 2500)  # review: a lapse -> relearning
    _answer(store, "bigram", 3, _day(9, 10), 1800)  # relearning
    _answer(store, "bigram", 4, _day(10), 900, practice=True)  # cram: moves no schedule, left out
    _answer(store, "trigram", 2, _day(2), 0)
    result = run("export", "--format", "reviews-csv")
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.output)))
    assert tuple(rows[0]) == COLUMNS
    bigram, trigram = stable_int("bigram:define"), stable_int("trigram:define")
    ms = lambda moment: int(moment.timestamp()) * 1000  # noqa: E731
    assert [[int(cell) for cell in row] for row in rows[1:]] == [
        [bigram, ms(_day(1)), 3, 0, 4200],
        [bigram, ms(_day(1, 10)), 3, 1, 3100],
        [trigram, ms(_day(2)), 2, 0, 0],
        [bigram, ms(_day(9)), 1, 2, 2500],
        [bigram, ms(_day(9, 10)), 3, 3, 1800],
    ]


def test_review_log_of_a_topic_keeps_only_its_terms(store, run) -> None:
    _answer(store, "bigram", 3, _day(1), 1000)
    _answer(store, "gradient-descent", 3, _day(1), 1000)
    topic = store.term("gradient-descent").topic
    rows = list(csv.reader(io.StringIO(run("export", "--format", "reviews-csv", "--topic", topic).output)))
    assert len(rows) == 2


def test_review_state_is_replayed_for_answers_recorded_without_a_snapshot(store, run) -> None:
    for hour in (9, 10):
        _answer(store, "bigram", 3, _day(1, hour), 1000)
    store.conn.execute("UPDATE reviews SET before = ''")
    rows = list(csv.reader(io.StringIO(run("export", "--format", "reviews-csv").output)))
    assert [row[3] for row in rows[1:]] == ["0", "1"]


def test_the_export_line_agrees_in_number_with_its_count(run, tmp_path) -> None:
    """'Exported 1 term', as import says 'Imported 1 term', never 'Exported 1 terms'."""
    pack = tmp_path / "one.toml"
    pack.write_text(
        MY_PACK.split('\n[[terms]]\nslug = "hyperparameter-of-mine"')[0].replace(
            'is-a = ["hyperparameter-of-mine"]\n', ""
        ),
        encoding="utf-8",
    )
    assert run("import", str(pack)).exit_code == 0
    one = run("export", "--pack", "my-decoding", "--format", "toml", "-o", str(tmp_path / "out.toml"))
    assert one.output == f"Exported 1 term to {tmp_path / 'out.toml'} (toml).\n"
    many = run("export", "--format", "json", "-o", str(tmp_path / "all.json"))
    assert many.output.startswith("Exported ") and " terms to " in many.output
