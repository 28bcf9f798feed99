"""The lookup commands as a user meets them: exit codes, wording, JSON and help."""

from __future__ import annotations

import json

import pytest


def test_show_lstm_prints_the_card_with_abbreviation_links_demo_and_source(run) -> None:
    result = run("show", "lstm")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Long Short-Term Memory (LSTM)" in out
    assert "LSTM is an abbreviation for Long Short-Term Memory." in out
    assert "forget gate" in out and "addresses" in out and "vanishing gradient problem" in out
    assert "glossary demo lstm-step" in out
    assert "Google Machine Learning Glossary" in out
    assert "\x1b[" not in out  # NO_COLOR and not a terminal: plain text


def test_show_exploding_gradients_says_mitigated_by_gradient_clipping(run) -> None:
    result = run("show", "exploding gradients")
    assert result.exit_code == 0
    assert "mitigated by  gradient clipping" in result.output


def test_show_ngram_prints_examples_by_n(run) -> None:
    result = run("show", "ngram")
    lines = result.output.splitlines()
    for label, phrase in [("N = 2", "to go"), ("N = 3", "three blind mice"), ("N = 4", "walk in the park")]:
        assert any(label in line and phrase in line for line in lines), (label, phrase)


def test_show_unknown_term_exits_1_with_suggestions(run) -> None:
    result = run("show", "vanishng gradient")
    assert result.exit_code == 1
    assert "Did you mean: vanishing gradient problem (vanishing-gradient-problem)" in result.output
    assert isinstance(result.exception, SystemExit)


def test_show_json_has_the_documented_fields(run) -> None:
    result = run("show", "RNN", "--json")
    data = json.loads(result.output)
    assert set(data) == {
        "slug", "name", "abbreviation", "aliases", "topic", "summary", "definition", "examples",
        "links", "demo", "demo_params", "source", "origin", "matched",
    }  # fmt: skip
    assert data["matched"] == {"query": "RNN", "kind": "abbreviation"}
    assert {"relation": "part-of", "label": "has parts", "direction": "in", "slug": "timestep",
            "name": "timestep"} in data["links"]  # fmt: skip


@pytest.mark.parametrize("query", ['"', "multi-agent", "AND", "NOT", "(", "don't", "a) OR (b"])
def test_search_never_fails_on_odd_input(run, query: str) -> None:
    result = run("search", query)
    assert result.exit_code in (0, 1)
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_search_shows_the_matching_term_and_snippet(run) -> None:
    result = run("search", "forget", "gate")
    assert result.exit_code == 0
    assert result.output.splitlines()[1].startswith("forget gate")


def test_search_empty_query_is_a_usage_error(run) -> None:
    result = run("search", "  ")
    assert result.exit_code == 2
    assert "the search query is empty" in result.output


def test_search_json_is_a_ranked_list(run) -> None:
    hits = json.loads(run("search", "perplexity", "--json").output)
    assert hits[0]["slug"] == "perplexity"
    assert set(hits[0]) == {"slug", "name", "summary", "score", "snippet"}


def test_list_groups_terms_by_topic_and_filters_by_topic(run) -> None:
    everything = run("list")
    assert "Sequence models (sequence-models)" in everything.output
    only = json.loads(run("list", "--topic", "sequence-models", "--json").output)
    assert [group["topic"] for group in only] == ["sequence-models"]
    assert "long-short-term-memory" in {term["slug"] for term in only[0]["terms"]}


def test_list_unknown_topic_names_the_choices(run) -> None:
    result = run("list", "--topic", "cooking")
    assert result.exit_code == 2
    assert "choose from" in result.output and "sequence-models" in result.output


def test_links_draws_a_tree_to_the_requested_depth(run) -> None:
    shallow = run("links", "lstm").output
    deep = run("links", "lstm", "--depth", "2").output
    assert "has the part forget gate" in shallow
    assert len(deep.splitlines()) > len(shallow.splitlines())


def test_links_depth_out_of_range_gives_the_allowed_range(run) -> None:
    result = run("links", "lstm", "--depth", "9")
    assert result.exit_code == 2
    assert "1<=x<=4" in result.output


def test_compare_shows_both_terms_and_their_relation(run) -> None:
    result = run("compare", "vanishing gradients", "exploding gradients")
    assert result.exit_code == 0
    said = " ".join(result.output.split())
    assert "The vanishing gradient problem is often compared with the exploding gradient problem." in said


def test_path_prints_a_chain_of_links(run) -> None:
    result = run("path", "forget gate", "vanishing gradients")
    assert result.exit_code == 0
    assert "part of → Long Short-Term Memory" in result.output
    assert "addresses → vanishing gradient problem" in result.output


def test_import_reports_a_bad_file_with_its_line_without_traceback(run, tmp_path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[pack]\ntopic = "x"\ntitle = "X"\n\n[[terms]]\nslug = "Bad Slug"\n', encoding="utf-8")
    result = run("import", str(bad))
    assert result.exit_code == 1
    assert f"{bad}:6: slug 'Bad Slug' must be lowercase" in result.output
    assert "Traceback" not in result.output


def test_db_option_pointing_at_a_directory_is_a_clear_error(run, tmp_path) -> None:
    from click.testing import CliRunner

    from cli import cli

    result = CliRunner().invoke(cli, ["--db", str(tmp_path), "show", "lstm"])
    assert result.exit_code == 2  # click refuses a directory for a file path
    result = CliRunner().invoke(cli, ["show", "lstm"], env={"GLOSSARY_DB": str(tmp_path / "x" / "g.db")})
    assert result.exit_code == 0
    assert (tmp_path / "x" / "g.db").exists()


def test_every_command_has_help_with_an_example() -> None:
    from click.testing import CliRunner

    from cli import cli

    for name, command in cli.commands.items():
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Example" in result.output, f"{name} --help has no example"
        assert command.get_short_help_str(), name


def test_output_into_a_closed_pipe_ends_quietly(db_path) -> None:
    import os
    import subprocess
    import sys

    read_end, write_end = os.pipe()
    os.close(read_end)  # like `glossary list | head -0`: nobody will read
    done = subprocess.run(
        [sys.executable, "-c", "import cli; cli.main()", "--db", str(db_path), "list"],
        stdout=write_end,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    os.close(write_end)
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr
    assert done.returncode in (0, 1)


def _run_main(db_path, *args: str, stdin: str = ""):
    """The real entry point in a fresh interpreter (it ends the process with os._exit)."""
    import os
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-c", "import cli; cli.main()", "--db", str(db_path), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "80"},
        check=False,
    )


def test_main_flushes_all_output_and_keeps_click_exit_codes(db_path) -> None:
    shown = _run_main(db_path, "show", "lstm")
    assert shown.returncode == 0
    assert shown.stdout.rstrip().endswith("definition rewritten by seqml-glossary")
    missing = _run_main(db_path, "show", "lstn")
    assert missing.returncode == 1 and "Did you mean" in missing.stderr
    assert _run_main(db_path, "search", " ").returncode == 2


def test_main_keeps_a_quiz_answer_and_closes_the_store_cleanly(db_path) -> None:
    import sqlite3

    done = _run_main(db_path, "quiz", "--n", "1", "--seed", "3", stdin="1\n")
    assert done.returncode == 0, done.stderr
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 1
    conn.close()
    assert not (db_path.parent / (db_path.name + "-wal")).exists()  # closed: WAL checkpointed away


@pytest.mark.parametrize("args", [("show", ""), ("show", " - "), ("links", "  "), ("path", "", "lstm")])
def test_an_empty_term_is_a_usage_error(run, args) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert "the term is empty" in result.output


def test_comparing_a_term_with_itself_is_a_usage_error(run) -> None:
    result = run("compare", "lstm", "Long Short-Term Memory")
    assert result.exit_code == 2
    assert "both name Long Short-Term Memory" in result.output


@pytest.mark.parametrize(
    ("args", "collecting"),
    [
        (("show", "lstm"), False),
        (("lstm",), False),
        (("list",), False),
        (("stats",), True),
        (("demo", "clipping"), True),
    ],
)
def test_the_garbage_collector_stays_off_for_a_lookup_and_comes_back_for_longer_commands(
    run, args: tuple[str, ...], collecting: bool
) -> None:
    import gc

    gc.disable()  # as the installed command starts (cli.py turns it off while click and rich load)
    try:
        result = run(*args)
        assert result.exit_code == 0, result.output
        assert gc.isenabled() is collecting
    finally:
        gc.unfreeze()
        gc.enable()


def test_every_help_fits_80_columns_and_its_topic_examples_name_real_topics(run) -> None:
    """`config --help` ran to 87 columns, and `export --help` showed `--topic decoding`, no topic."""
    import re

    from cli import cli

    topics = {t["topic"] for t in json.loads(run("list", "--json").stdout)}
    for name in cli.commands:
        output = run(name, "--help", env={"COLUMNS": "80"}).output
        assert max(len(line) for line in output.splitlines()) <= 80, name
        for topic in re.findall(r"^ +glossary .*--topic ([a-z-]+)", output, re.MULTILINE):
            assert topic in topics, f"{name} --help: --topic {topic}"
