"""Hostile and huge files: packs and corpora are checked before reading, pack rules are enforced,
a pack never names a file, re-import replaces a pack whole, and no view lets an escape through."""

from __future__ import annotations

import io
import os
import sqlite3
import threading
from pathlib import Path

import pytest
from rich.console import Console
from rich.text import Text
from safety_support import assert_sound, count, pack_text

from glossary.errors import NotFound, PackError
from glossary.packs import MAX_PACK_BYTES, parse_pack
from glossary.render.safe import plain
from glossary.store import Store
from seqml.demos import ParamError
from seqml.demos.corpus import MAX_CORPUS_BYTES, read_corpus, read_corpus_stream

ONE = """[pack]
topic = "mine"
title = "My terms"
description = "Mine."

[[terms]]
slug = "echo-state-network"
name = "echo state network"
summary = "A recurrent network whose recurrent weights stay fixed."
definition = "Only the readout is trained."
source = "my notes"
"""


def write(tmp_path: Path, text: str, name: str = "mine.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- files before reading


def test_dev_zero_is_refused_as_a_pack_before_reading() -> None:
    with pytest.raises(PackError, match="not a regular file"):
        parse_pack(Path("/dev/zero"))


def test_a_fifo_is_refused_as_a_pack_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pack.toml"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []
    worker = threading.Thread(target=lambda: _catch(outcome, lambda: parse_pack(fifo)), daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "reading a FIFO blocked"
    assert isinstance(outcome[0], PackError) and "not a regular file" in str(outcome[0])


def _catch(outcome: list[BaseException], call) -> None:
    try:
        call()
    except BaseException as error:
        outcome.append(error)


def test_a_pack_over_the_size_cap_is_refused_with_the_limit_named(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    with open(path, "wb") as file:
        file.truncate(MAX_PACK_BYTES + 1)  # sparse: nothing is written, nothing should be read
    with pytest.raises(PackError, match="8,000,000-byte limit"):
        parse_pack(path)


def test_import_of_dev_zero_on_the_command_line_is_one_line(run, db_path: Path) -> None:
    result = run("import", "/dev/zero")
    assert result.exit_code == 1 and "not a regular file" in result.output
    assert_sound(db_path)


@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "huge"])
def test_a_corpus_is_refused_before_reading_with_the_limit_named(tmp_path: Path, kind: str) -> None:
    path = Path("/dev/zero")
    if kind == "fifo":
        path = tmp_path / "corpus.txt"
        os.mkfifo(path)
    elif kind == "huge":
        path = tmp_path / "corpus.txt"
        with open(path, "wb") as file:
            file.truncate(MAX_CORPUS_BYTES + 1)
    expected = {
        "dev-zero": "a character device",
        "fifo": "a FIFO",
        "huge": "larger than the 10,000,000-byte limit",
    }
    with pytest.raises(ParamError, match=expected[kind]):
        read_corpus(path)


def test_a_corpus_on_standard_input_stops_at_the_limit() -> None:
    class Endless(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            buffer[:] = b"a " * (len(buffer) // 2) + b"a" * (len(buffer) % 2)
            return len(buffer)

    with pytest.raises(ParamError, match="larger than the limit of 10,000,000 bytes"):
        read_corpus_stream(io.BufferedReader(Endless()))


def test_the_ngram_demo_refuses_dev_zero_as_its_corpus(run) -> None:
    result = run("demo", "ngram", "--corpus", "/dev/zero")
    assert result.exit_code == 2 and "is a character device, not a regular file" in result.output


# --------------------------------------------------------------------------- the pack format's rules


@pytest.mark.parametrize(
    ("mutation", "line", "message"),
    [
        (lambda t: t.replace("A recurrent network", "x" * 10_000), 9, "limit is 110"),
        (lambda t: t + '[terms.links]\nsee-also = ["echo-state-network"]\n', 13, "links to itself"),
        (lambda t: t + "\n[extra]\nx = 1\n", None, "unknown top-level table or key 'extra'"),
        (lambda t: t.replace('description = "Mine."', 'description = "Mine."\nauthor = "me"'), 5,
         "unknown field 'pack.author'"),
        (lambda t: t + 'demo = "no-such-demo"\n', 12, "unknown demo 'no-such-demo'"),
        (lambda t: t + "examples = 1\n", 12, "examples must be a list of tables"),
        (lambda t: t + 'demo = "ngram"\ndemo_params = { n = 9 }\n', 13, "n must be an integer from 1 to"),
        (lambda t: t + 'demo = "ngram"\ndemo_params = { corpus = "/etc/passwd" }\n', 13, "names a file"),
        (lambda t: t + 'demo_params = { n = 2 }\n', 12, "demo_params without a demo"),
        (lambda t: t + t[t.index("[[terms]]"):], 13, "slug 'echo-state-network' is already defined (line 7)"),
    ],
)  # fmt: skip
def test_a_pack_breaking_a_rule_is_refused_at_the_line_to_fix(
    tmp_path: Path, mutation, line, message
) -> None:
    path = write(tmp_path, mutation(ONE))
    with pytest.raises(PackError) as caught:
        parse_pack(path)
    assert message in caught.value.message
    assert caught.value.line == line


def test_bundled_demo_params_pass_the_demo_checks() -> None:
    from glossary.packs import load_packs
    from glossary.schema import bundled_pack_paths

    assert len([t for p in load_packs(bundled_pack_paths()) for t in p.terms if t.demo]) >= 10


def test_a_store_holding_a_file_naming_demo_param_never_runs_it(store: Store, db_path: Path) -> None:
    from glossary.demos import run_term_demo
    from glossary.results import DemoFailure

    failure = run_term_demo("ngram", {"corpus": "/etc/passwd"}, 0)
    assert isinstance(failure, DemoFailure) and "may not read a file" in failure.message


# --------------------------------------------------------------------------- re-import and remove


def test_reimport_updates_the_title_and_drops_terms_left_out_keeping_their_history(
    store: Store, db_path: Path, tmp_path: Path
) -> None:
    store.import_pack(write(tmp_path, pack_text(3, "mine", "First title")))
    store.conn.execute(
        "INSERT INTO cards (card_id, slug, qtype, state, due, introduced) "
        "VALUES ('mine-term-2:define', 'mine-term-2', 'define', '{}', '2030-01-01', '')"
    )
    assert store.import_pack(write(tmp_path, pack_text(2, "mine", "Second title"))) == 2
    assert [t.title for t in store.topics() if t.topic == "mine"] == ["Second title"]
    assert store.resolve("mine term 2") is None  # dropped, and its name is free again
    assert count(db_path, "SELECT count(*) FROM cards WHERE slug = 'mine-term-2'") == 1  # archived
    assert store.import_pack(write(tmp_path, pack_text(3, "mine", "Third"))) == 3
    assert store.resolve("mine term 2") is not None
    assert_sound(db_path)


def test_a_second_pack_cannot_take_over_a_slug_of_the_first(store: Store, tmp_path: Path) -> None:
    store.import_pack(write(tmp_path, pack_text(2, "first"), "first.toml"))
    thief = pack_text(1, "second").replace("second-term-0", "first-term-0")
    with pytest.raises(PackError, match=r"'first-term-0' is already defined \(pack 'first'\)"):
        store.import_pack(write(tmp_path, thief, "second.toml"))
    assert store.resolve("first-term-0") is not None


def test_reimporting_one_pack_keeps_the_links_another_pack_declared(
    store: Store, db_path: Path, tmp_path: Path
) -> None:
    store.import_pack(write(tmp_path, pack_text(2, "first"), "first.toml"))
    second = pack_text(1, "second").replace(
        'see-also = ["long-short-term-memory"]', 'see-also = ["first-term-0"]'
    )
    store.import_pack(write(tmp_path, second, "second.toml"))
    store.import_pack(write(tmp_path, pack_text(2, "first"), "first.toml"))
    assert [v.other_slug for v in store.links_of("second-term-0")] == ["first-term-0"]
    assert_sound(db_path)


def test_remove_takes_a_pack_out_and_keeps_the_review_history(run, db_path: Path, tmp_path: Path) -> None:
    assert run("import", str(write(tmp_path, pack_text(3, "mine")))).exit_code == 0
    assert run("quiz", "--n", "3", "--terms", "mine-term-0", "--seed", "1", input="1\n1\n1\n").exit_code == 0
    answered = count(db_path, "SELECT count(*) FROM reviews WHERE slug = 'mine-term-0'")
    assert answered >= 1
    result = run("remove", "mine")
    assert result.exit_code == 0, result.output
    assert "Removed the pack mine (Generated): 3 terms." in result.output
    assert count(db_path, "SELECT count(*) FROM terms WHERE topic = 'mine'") == 0
    assert count(db_path, "SELECT count(*) FROM links WHERE source LIKE 'mine-%'") == 0
    assert count(db_path, "SELECT count(*) FROM reviews WHERE slug = 'mine-term-0'") == answered
    assert run("show", "mine-term-0").exit_code == 1
    assert run("quiz", "--n", "5", input="q\n").exit_code == 0  # archived cards are not asked
    assert_sound(db_path)


def test_remove_of_a_bundled_topic_or_an_unknown_pack_is_not_found(store: Store) -> None:
    for name in ("sequence-models", "nothing"):
        with pytest.raises(NotFound):
            store.remove_pack(name)


# --------------------------------------------------------------------------- escaping


FORMAT_AND_SEPARATORS = "\u061c\u200b\u2028\u2029\ufeff\u00ad\U000e0001\x85\x1b]52;c;aGk=\x07"


def test_plain_escapes_every_character_of_categories_cc_cf_zl_zp() -> None:
    import sys
    import unicodedata

    unsafe = [
        chr(code)
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in ("Cc", "Cf", "Zl", "Zp") and chr(code) not in "\t\n"
    ]
    shown = plain("".join(unsafe))
    assert not any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in shown if c not in "\t\n")
    assert plain("tab\tand\nnewline stay, café, ünïcödé and 日本語 too") == (
        "tab\tand\nnewline stay, café, ünïcödé and 日本語 too"
    )


def test_tour_escapes_an_imported_name(run, tmp_path: Path) -> None:
    hostile = ONE.replace('name = "echo state network"', 'name = "echo\\u2028\\u001b]52;c;aGk=\\u0007net"')
    assert run("import", str(write(tmp_path, hostile))).exit_code == 0
    result = run("tour", "echo-state-network", input="q\n")
    assert "\x1b" not in result.output and "\u2028" not in result.output
    assert "echo\\u2028\\x1b]52;c;aGk=\\x07net" in result.output


def test_views_render_format_characters_visibly() -> None:
    console = Console(width=80, file=io.StringIO(), color_system=None)
    console.print(Text(plain(FORMAT_AND_SEPARATORS)))
    output = console.file.getvalue()
    assert "\x1b" not in output and "\u2028" not in output and "\u061c" not in output
    assert "\\u061c" in output and "\\U000e0001" in output


def test_the_pack_loader_reads_a_ten_thousand_term_pack_under_its_caps(tmp_path: Path) -> None:
    parsed = parse_pack(write(tmp_path, pack_text(10_000)))
    assert len(parsed.pack.terms) == 10_000
    assert (tmp_path / "mine.toml").stat().st_size < MAX_PACK_BYTES


def test_a_pack_of_many_terms_imports_whole(store: Store, db_path: Path, tmp_path: Path) -> None:
    assert store.import_pack(write(tmp_path, pack_text(2_000))) == 2_000
    conn = sqlite3.connect(db_path)
    exact = "SELECT count(*) FROM lookup WHERE origin = 'user' AND kind != 'inflected'"
    assert conn.execute(exact).fetchone()[0] == 4_000  # slug~name, alias
    conn.close()
    assert_sound(db_path)
