"""glossary import of CSV and Markdown: the same records as a TOML pack, errors at file:line,
hostile and huge files refused cleanly, and no parser exception that is not ours."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glossary.errors import Invalid, PackError
from glossary.formats.common import default_summary, import_format, slugify
from glossary.formats.reader import parse_file
from glossary.packs import MAX_PACK_BYTES

CSV = """term,definition,summary,aliases,topic
Beam width,"The number of partial outputs beam search keeps at each step. A wider beam costs more.",\
,k; beam size ;,my-decoding
Length penalty,"Keeps beam search from preferring short outputs.
It divides by a power of the length.",Stops short outputs winning,,my-decoding
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _error(path: Path, chosen: str | None = None) -> PackError:
    with pytest.raises(PackError) as caught:
        parse_file(path, chosen)
    return caught.value


# ---- CSV


def test_csv_rows_become_the_terms_a_toml_pack_would_give(tmp_path) -> None:
    parsed = parse_file(_write(tmp_path, "cards.csv", CSV))
    pack = parsed.pack
    assert (pack.topic, pack.title) == ("my-decoding", "My decoding")
    beam, penalty = pack.terms
    assert beam.slug == "beam-width" and beam.topic == "my-decoding"
    assert beam.aliases == ("k", "beam size")
    assert beam.summary == "The number of partial outputs beam search keeps at each step."
    assert penalty.summary == "Stops short outputs winning"
    assert (
        penalty.definition
        == "Keeps beam search from preferring short outputs.\nIt divides by a power of the length."
    )
    assert parsed.term_lines == {"beam-width": 2, "length-penalty": 3}


def test_csv_import_adds_terms_that_every_lookup_finds(run, tmp_path) -> None:
    result = run("import", str(_write(tmp_path, "cards.csv", CSV)))
    assert result.exit_code == 0, result.output
    assert "Imported 2 terms" in result.output
    shown = run("show", "beam size")
    assert shown.exit_code == 0 and "Beam width" in shown.output
    assert "Length penalty" in run("list", "--topic", "my-decoding").output


def test_csv_topic_defaults_to_the_file_name_and_a_spreadsheet_bom_is_dropped(tmp_path) -> None:
    path = tmp_path / "My Cards.csv"
    path.write_bytes(b"\xef\xbb\xbfTerm,Definition\nAttention,Weights the inputs. More text.\n")
    pack = parse_file(path).pack
    assert pack.topic == "my-cards"
    assert pack.terms[0].summary == "Weights the inputs."


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("term,summary\nx,y\n", 1, "missing column 'definition'"),
        ("term,definition,colour\nx,y,z\n", 1, "unknown column 'colour'"),
        ("term,definition\nx\n", 2, "missing column 'definition'"),
        ("term,definition\nx,y,z\n", 2, "3 cells"),
        ("term,definition\n\n , y\n", 3, "empty term"),
        ("term,definition\nx,\n", 2, "empty definition"),
        ("term,definition\nBeam,a\nother,b\nbeam,c\n", 4, "slug 'beam' is already defined (line 2)"),
        ("term,definition,topic\na,b,one\nc,d,two\n", 3, "topic 'two' differs from 'one' (line 2)"),
        ('term,definition\n"a\nb",c\n', 2, "the term must fit on one line"),
        ("term,definition\n日本,c\n", 2, "cannot derive a slug"),
        ('term,definition\nx,"unterminated\n', 2, "not valid CSV"),
        ("term,definition,summary\nx,y," + "s" * 111 + "\n", 2, "field 'summary'"),
    ],
)
def test_csv_problems_are_reported_at_file_and_line(tmp_path, text, line, message) -> None:
    path = _write(tmp_path, "bad.csv", text)
    error = _error(path)
    assert error.line == line, str(error)
    assert message in error.message
    assert str(error).startswith(f"{path}:{line}: ")


def test_csv_header_only_and_empty_files_are_refused(tmp_path) -> None:
    assert "no terms" in _error(_write(tmp_path, "a.csv", "term,definition\n")).message
    assert "empty file" in _error(_write(tmp_path, "b.csv", "")).message


def test_a_slug_column_gives_names_without_ascii_letters_a_slug(tmp_path) -> None:
    pack = parse_file(
        _write(tmp_path, "a.csv", "term,definition,slug\n注意力,Attention.,attention-zh\n")
    ).pack
    assert pack.terms[0].slug == "attention-zh"


# ---- Markdown

MARKDOWN = """# My decoding

Topic: `my-decoding`

Terms I collected.

## Beam width

- Slug: `beam-width`
- Abbreviation: BW
- Aliases: k; beam\\; size
- Summary: How many partial outputs beam search keeps
- Source: my notes

The number of partial outputs.

\\# not a heading, and
\\- not a list item.

### Examples

- widths
  - 1 (greedy)
  - 5

### Links

- part of [Long Short-Term Memory](#long-short-term-memory)
- has kinds [Sub width](#sub-width)

## Sub width

A narrower beam width. Second sentence.
"""


def test_markdown_entries_become_terms_with_links_in_canonical_direction(tmp_path) -> None:
    from glossary.model import Link

    parsed = parse_file(_write(tmp_path, "notes.md", MARKDOWN))
    beam, sub = parsed.pack.terms
    assert (parsed.pack.topic, parsed.pack.title, parsed.pack.description) == (
        "my-decoding",
        "My decoding",
        "Terms I collected.",
    )
    assert beam.aliases == ("k", "beam; size")
    assert beam.definition == "The number of partial outputs.\n\n# not a heading, and\n- not a list item."
    assert beam.examples[0].items == ("1 (greedy)", "5")
    assert [link for _line, link in parsed.links] == [
        Link("beam-width", "part-of", "long-short-term-memory"),
        Link("sub-width", "is-a", "beam-width"),
    ]
    assert (sub.slug, sub.summary, sub.source) == (
        "sub-width",
        "A narrower beam width.",
        "Imported from notes.md",
    )


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("intro\n# T\n## a\nb\n", 1, "text before the first"),
        ("# T\n## a\nb\n# U\n", 4, "a second topic"),
        ("# T\n## a\n- Colour: red\nb\n", 3, "unknown field line"),
        ("# T\n## a\n- Summary: x\n- Summary: y\nb\n", 4, "given twice (line 3)"),
        ("# T\n## a\n\n## b\nc\n", 2, "no definition"),
        ("# T\n## A\nx\n## a\ny\n", 4, "slug 'a' is already defined (line 2)"),
        ("# T\n## a\nb\n### Links\n- likes [B](#b)\n", 5, "a link line is"),
        ("# T\n## a\nb\n### Links\n- see also [A](#a)\n", 5, "links to itself"),
        ("# T\n## a\nb\n### Examples\n  - x\n", 5, "comes under a '- label' line"),
        ("# T\n## a\nb\n### Notes\n", 4, "unknown section"),
        ("# T\nTopic: `Bad Topic`\n## a\nb\n", 2, "must be lowercase"),
    ],
)
def test_markdown_problems_are_reported_at_file_and_line(tmp_path, text, line, message) -> None:
    path = _write(tmp_path, "bad.md", text)
    error = _error(path)
    assert (error.line, message in error.message) == (line, True), str(error)


def test_markdown_link_to_an_unknown_term_fails_at_import_with_its_line(run, tmp_path) -> None:
    path = _write(tmp_path, "bad.md", "# T\n## a\nb\n### Links\n- see also [X](#no-such-term)\n")
    result = run("import", str(path))
    assert result.exit_code == 1
    assert f"{path}:5: link to unknown term 'no-such-term'" in result.output


# ---- formats, slugs, summaries


def test_format_comes_from_the_extension_or_the_option(run, tmp_path) -> None:
    assert import_format("a.CSV") == "csv" and import_format("a.md") == "markdown"
    assert import_format("a.toml") == "toml" and import_format("a.txt") == "toml"
    assert import_format("a.txt", "csv") == "csv"
    path = _write(tmp_path, "cards.txt", CSV)
    assert run("import", str(path)).exit_code == 1  # read as TOML: not valid TOML
    assert run("import", str(path), "--format", "csv").exit_code == 0


def test_slugs_are_lowercase_hyphenated_ascii_words() -> None:
    assert slugify("Long Short-Term Memory (LSTM)") == "long-short-term-memory-lstm"
    assert slugify("  Café  au lait ") == "cafe-au-lait"
    assert slugify("注意力") == ""


def test_default_summary_is_the_first_sentence_cut_at_a_word_within_110_characters() -> None:
    assert default_summary("Short one. Second.") == "Short one."
    long = "word " * 40 + "end."
    summary = default_summary(long)
    assert len(summary) <= 110 and summary.endswith("word…")
    assert default_summary("x" * 300) == "x" * 109 + "…"
    assert default_summary("Spans\nlines  with   gaps. Next") == "Spans lines with gaps."


# ---- hostile and huge files


def test_a_fifo_is_refused_without_blocking(tmp_path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    assert "not a regular file" in _error(fifo).message


def test_dev_zero_and_a_directory_are_refused(tmp_path) -> None:
    assert "not a regular file" in _error(Path("/dev/zero"), "csv").message
    assert (
        "not a regular file" in _error(tmp_path, "markdown").message
        or "cannot read" in _error(tmp_path, "markdown").message
    )


def test_a_file_over_the_pack_cap_and_a_10_mb_field_are_refused_before_parsing(tmp_path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("w", encoding="utf-8") as file:
        file.write('term,definition\nx,"')
        file.write("a" * 10_000_000)
        file.write('"\n')
    error = _error(path)
    assert f"{MAX_PACK_BYTES:,}-byte limit" in error.message


def test_a_field_over_the_csv_module_limit_is_an_error_at_its_line(tmp_path) -> None:
    path = _write(tmp_path, "wide.csv", 'term,definition\nok,fine\nx,"' + "a" * 200_000 + '"\n')
    error = _error(path)
    assert error.line == 3 and "not valid CSV" in error.message


def test_non_utf8_is_refused_with_the_line(tmp_path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("term,definition\ncafé,x\n".encode("latin-1"))
    error = _error(path)
    assert (error.line, error.message) == (2, "not valid UTF-8 text")


def test_an_unreadable_file_is_refused_not_a_traceback(run, tmp_path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads any file")
    path = _write(tmp_path, "locked.csv", CSV)
    path.chmod(0)
    result = run("import", str(path))
    assert result.exit_code == 1 and "cannot read file" in result.output


def test_an_unknown_format_option_is_a_usage_error(run, tmp_path) -> None:
    result = run("import", str(_write(tmp_path, "a.csv", CSV)), "--format", "xlsx")
    assert result.exit_code == 2


def test_import_format_is_never_an_invalid_error_for_a_strange_extension() -> None:
    try:
        import_format("a.weird")
    except Invalid:  # pragma: no cover - the point of the test
        pytest.fail("an unknown extension is read as TOML, as before")


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(text=st.text(max_size=400))
def test_any_csv_text_parses_or_fails_with_a_pack_error(tmp_path, text) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_text("term,definition,summary,aliases,topic\n" + text, encoding="utf-8", newline="")
    with contextlib.suppress(PackError):  # any other exception fails the test
        parse_file(path)


@FUZZ
@given(
    text=st.lists(
        st.one_of(
            st.sampled_from(["# T", "## a", "## B b", "- Slug: `x`", "- Aliases: a; b", "### Links",
                             "### Examples", "- see also [X](#x)", "- label", "  - item", "", "Topic: `t`"]),
            st.text(max_size=40),
        ),
        max_size=25,
    ).map("\n".join)
)  # fmt: skip
def test_any_markdown_text_parses_or_fails_with_a_pack_error(tmp_path, text) -> None:
    path = tmp_path / "fuzz.md"
    path.write_text(text, encoding="utf-8", newline="")
    with contextlib.suppress(PackError):  # any other exception fails the test
        parse_file(path)


@FUZZ
@given(
    name=st.text(min_size=1, max_size=30).filter(lambda s: s.strip() and "\n" not in s and "\r" not in s),
    definition=st.text(min_size=1, max_size=200).filter(str.strip),
    aliases=st.lists(
        st.text(min_size=1, max_size=15).filter(lambda s: s.strip() and "\n" not in s), max_size=3
    ),
)
def test_markdown_written_by_the_exporter_reads_back_to_the_same_text(
    tmp_path, name, definition, aliases
) -> None:
    from glossary.formats.export import Export
    from glossary.formats.markdown_pack import write_markdown
    from glossary.model import Card, Term
    from glossary.results import TopicInfo

    term = Term(
        slug="fuzzed-term", name=name.strip(), summary="s", definition=definition.strip(), source="src",
        topic="fuzz", aliases=tuple(a.strip() for a in aliases), demo_params={},
    )  # fmt: skip
    export = Export((TopicInfo("fuzz", "Fuzz", "", 1),), (Card(term, (), "user"),), (), {})
    path = tmp_path / "fuzz.md"
    path.write_text(write_markdown(export), encoding="utf-8", newline="")
    try:
        (back,) = parse_file(path).pack.terms
    except PackError as error:  # a length rule may refuse what the exporter was handed
        assert "characters long" in error.message
        return
    assert back.name == term.name
    assert back.definition == term.definition.strip()
    assert back.aliases == tuple(a for a in term.aliases if a)
