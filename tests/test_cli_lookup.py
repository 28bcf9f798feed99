"""A good terminal citizen, as a user meets it: glossary TERM, notes, help by task, odd input."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

COMMAND_PACK = """[pack]
topic = "my-notes"
title = "My notes"
description = "Terms I added myself."

[[terms]]
slug = "stats"
name = "stats"
summary = "Short for statistics"
definition = "A term named like a command."
source = "my notes"
[terms.links]
see-also = ["perplexity"]
"""


def test_a_word_that_is_no_command_is_a_lookup(run) -> None:
    bare, shown = run("lstm"), run("show", "lstm")
    assert bare.exit_code == 0, bare.output
    assert bare.output == shown.output
    assert run("lstm", "--json").output == run("show", "lstm", "--json").output


def test_an_empty_word_is_an_empty_term_as_with_show(run) -> None:
    result = run("")
    assert result.exit_code == 2
    assert "the term is empty" in result.output


def test_an_unknown_lm_subcommand_is_a_usage_error_not_a_crash(run) -> None:
    result = run("lm", "foo")
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "No such command 'foo'" in result.output


def test_a_term_named_like_a_command_is_reachable_with_show(run, tmp_path: Path) -> None:
    pack = tmp_path / "mine.toml"
    pack.write_text(COMMAND_PACK, encoding="utf-8")
    assert run("import", str(pack)).exit_code == 0
    assert "Short for statistics" in run("show", "stats").output
    assert "Short for statistics" not in run("stats").output  # the command wins


def test_a_plural_shows_the_card_with_a_note_of_what_matched(run) -> None:
    result = run("LSTMs")
    assert result.exit_code == 0, result.output
    assert "Showing Long Short-Term Memory (LSTM) for 'LSTMs'." in result.output
    assert "is an abbreviation" not in result.output


def test_a_unique_prefix_shows_its_card_with_a_note(run) -> None:
    result = run("show", "perplex")
    assert result.exit_code == 0
    assert "Showing perplexity for 'perplex'." in result.output


def test_the_abbreviation_note_appears_only_for_a_lookup_by_the_abbreviation(run) -> None:
    assert "LSTM is an abbreviation for Long Short-Term Memory." in run("show", "LSTM").output
    for query in ("long-short-term-memory", "Long Short-Term Memory"):
        assert "abbreviation" not in run("show", query).output


def test_a_typo_keeps_its_did_you_mean(run) -> None:
    result = run("lstn")
    assert result.exit_code == 1
    assert "Did you mean: Long Short-Term Memory (long-short-term-memory)?" in result.output


@pytest.mark.parametrize(
    "args",
    [("show", "caf\udce9"), ("caf\udce9",), ("links", "caf\udce9"), ("tour", "caf\udce9"),
     ("compare", "lstm", "caf\udce9"), ("path", "caf\udce9", "lstm"), ("quiz", "--terms", "lstm,caf\udce9"),
     ("demo", "caf\udce9"), ("list", "--topic", "caf\udce9"), ("remove", "caf\udce9"),
     ("suspend", "caf\udce9"), ("unsuspend", "caf\udce9"), ("cards", "caf\udce9")],
)  # fmt: skip
def test_undecodable_bytes_are_named_not_a_crash(run, args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "caf\\xe9" in result.output and "not valid UTF-8" in result.output


def test_a_miss_without_suggestions_offers_a_search_command_that_runs(run) -> None:
    result = run("show", "--", "-zzz qq")
    assert result.exit_code == 1
    assert result.output.rstrip().endswith("Try: glossary search -- '-zzz qq'")
    suggested = run("search", "--", "-zzz qq")  # what the hint says to type, as the shell splits it
    assert suggested.exit_code == 1 and "No such option" not in suggested.output


def test_removing_a_pack_that_is_not_there_does_not_point_at_search(run) -> None:
    result = run("remove", "no-such-pack")
    assert result.exit_code == 1
    assert "no pack of yours matches 'no-such-pack'." in result.output
    assert "glossary search" not in result.output


def test_a_120_kb_term_answers_in_well_under_a_second(run) -> None:
    start = time.perf_counter()
    result = run("show", "x" * 120_000)
    assert time.perf_counter() - start < 1.0
    assert result.exit_code == 1
    assert len(result.output) < 300  # the query is echoed shortened


def test_a_search_that_finds_nothing_echoes_a_long_query_cut_short(run) -> None:
    result = run("search", "q" * 120_000)
    assert result.exit_code == 1
    assert len(result.output) < 300 and "\u2026" in result.output


def test_a_search_for_undecodable_bytes_shows_them_as_escapes(run) -> None:
    result = run("search", "caf\udce9")
    assert "caf\\xe9" in result.output and "\\udce9" not in result.output


def test_bare_glossary_prints_start_here_with_the_tour_first(run) -> None:
    result = run()
    assert result.exit_code == 0
    commands = [line.split()[1] for line in result.output.splitlines() if line.startswith("  glossary ")]
    assert commands[0] == "tour"


def test_start_here_fits_an_80_column_terminal_without_wrapping(run) -> None:
    lines = run().output.splitlines()
    assert max(len(line) for line in lines) < 80, [line for line in lines if len(line) >= 80]


def test_help_lists_commands_by_task_with_whole_summaries(run) -> None:
    result = run("--help")
    assert result.exit_code == 0
    headings = [line[:-1] for line in result.output.splitlines() if line.endswith(":") and line[0] != " "]
    assert headings[-5:] == ["Start", "Look up", "Demos", "Learn", "Your data"]
    assert "..." not in result.output.split("Start:")[1]
    assert result.output.index("  tour") < result.output.index("  show") < result.output.index("  quiz")


def test_help_command_matches_the_commands_own_help(run) -> None:
    assert run("help", "quiz").output == run("quiz", "--help").output
    assert run("help", "demo", "lstm-step").output == run("demo", "lstm-step", "--help").output
    assert run("help").output == run("--help").output
    assert run("help", "nosuch").exit_code == 2


def test_the_pack_format_comes_from_the_installed_tool(run) -> None:
    result = run("help", "packs")
    assert result.exit_code == 0
    assert "\nA term\n" in result.output and "glossary import" in result.output
    assert "data/README.md" not in run("import", "--help").output
    assert "glossary help packs" in run("import", "--help").output


TOPIC_SPELLINGS = [
    "language-models",
    "Language models",
    "LANGUAGE MODELS",
    "Language_Models",
    "language  models",
]


@pytest.mark.parametrize("topic", TOPIC_SPELLINGS)
def test_list_topic_accepts_the_slug_or_the_title(run, topic: str) -> None:
    result = run("list", "--topic", topic)
    assert result.exit_code == 0
    assert result.output == run("list", "--topic", "language-models").output


@pytest.mark.parametrize("topic", TOPIC_SPELLINGS[1:])
def test_quiz_and_export_take_a_topic_spelt_as_list_does(run, topic: str) -> None:
    exported = run("export", "--format", "markdown", "--topic", topic)
    assert exported.exit_code == 0, exported.output
    assert exported.output == run("export", "--format", "markdown", "--topic", "language-models").output
    quiz = run(
        "quiz",
        "--topic",
        topic,
        "--n",
        "1",
        "--seed",
        "1",
        input="q\n",
        env={"GLOSSARY_NOW": "2026-12-01T09:00Z"},
    )
    assert quiz.exit_code == 0, quiz.output


def test_an_unknown_topic_names_the_choices_in_every_command(run) -> None:
    for args in (("list",), ("export", "--format", "markdown"), ("quiz", "--n", "1")):
        result = run(*args, "--topic", "sequence modelz")
        assert result.exit_code == 2, (args, result.output)
        assert "unknown topic; choose from" in result.output and "sequence-models" in result.output


def test_path_json_gives_slugs_as_well_as_names(run) -> None:
    steps = json.loads(run("path", "forget gate", "lstm", "--json").output)
    assert steps == [
        {"from": "forget gate", "label": "part of", "to": "Long Short-Term Memory",
         "from_slug": "forget-gate", "to_slug": "long-short-term-memory"},
    ]  # fmt: skip


def test_demo_term_runs_the_terms_demo_with_its_parameters(run) -> None:
    bigram = json.loads(run("demo", "bigrams", "--json").output)
    assert (bigram["demo"], bigram["params"]["n"]) == ("ngram", 2)
    chosen = json.loads(run("demo", "bigram", "--n", "4", "--json").output)
    assert chosen["params"]["n"] == 4  # the command line still wins
    assert json.loads(run("demo", "ngram", "--json").output)["params"]["n"] == 3  # demo names still work


@pytest.mark.parametrize("spelling", ["LSTM-STEP", "lstm_step", "Lstm Step", "Gradient-Flow", "rnn_unroll"])
def test_a_demo_name_is_folded_like_a_term(run, spelling: str) -> None:
    result = run("demo", spelling, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["demo"] == spelling.casefold().replace("_", "-").replace(" ", "-")


def test_a_demo_name_in_capitals_runs_the_same_as_in_lower_case(run) -> None:
    lower = json.loads(run("demo", "attention", "--json").output)
    upper = json.loads(run("demo", "Attention", "--json").output)
    assert upper["params"] == lower["params"]


def test_demo_of_a_term_without_one_says_so(run, tmp_path) -> None:
    """Every bundled term has a demo; a learner's imported term may not."""
    pack = tmp_path / "mine.toml"
    pack.write_text(
        '[pack]\ntopic = "mine"\ntitle = "Mine"\ndescription = "Mine."\n\n[[terms]]\n'
        'slug = "echo-state-network"\nname = "echo state network"\nsummary = "A fixed random reservoir"\n'
        'definition = "Only the readout is trained."\nsource = "my notes"\n'
        '[terms.links]\ncompare = ["long-short-term-memory"]\n',
        encoding="utf-8",
    )
    assert run("import", str(pack)).exit_code == 0
    result = run("demo", "echo state network")
    assert result.exit_code == 2
    assert "echo state network has no demo" in result.output


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_prints_the_script_for_each_shell(run, shell: str) -> None:
    result = run("completion", shell)
    assert result.exit_code == 0
    assert "_GLOSSARY_COMPLETE" in result.output


@pytest.mark.parametrize(
    ("first", "second", "sentence"),
    [("lstm", "vanishing gradients", "An LSTM addresses the vanishing gradient problem."),
     ("vanishing gradients", "lstm", "The vanishing gradient problem is addressed by an LSTM."),
     ("n-gram", "bigram", "An N-gram has a bigram as one of its kinds."),
     ("bigram", "n-gram", "A bigram is a kind of N-gram."),
     ("forget gate", "lstm", "The forget gate is part of an LSTM."),
     ("lstm", "forget gate", "An LSTM has the forget gate as one of its parts."),
     ("relu", "vanishing gradients", "A rectified linear unit mitigates the vanishing gradient problem."),
     ("exploding gradients", "clipping", "The exploding gradient problem is mitigated by gradient clipping."),
     ("tanh", "rnn", "The tanh is used in a recurrent neural network."),
     ("rnn", "tanh", "A recurrent neural network uses the tanh."),
     ("softmax", "sigmoid", "The softmax is often compared with the sigmoid."),
     ("bag of words", "sequence model", "A bag of words is contrasted with a sequence model."),
     ("token", "n-gram", "A token is related to an N-gram.")],
)  # fmt: skip
def test_compare_says_the_link_as_an_english_sentence_from_either_end(
    run, first: str, second: str, sentence: str
) -> None:
    assert sentence in " ".join(run("compare", first, second).output.split())


def test_compare_says_what_two_unlinked_terms_share(run) -> None:
    out = " ".join(run("compare", "bigram", "trigram").output.split())
    assert "There is no direct link between bigram and trigram. Both are kinds of N-gram." in out
    parts = " ".join(run("compare", "forget gate", "input gate").output.split())
    assert "Both are part of an LSTM. Both use the sigmoid." in parts  # the abbreviation a name has
    nothing = " ".join(run("compare", "tanh", "bigram").output.split())
    assert "There is no direct link between tanh and bigram; try glossary path tanh bigram." in nothing
    shared = json.loads(run("compare", "bigram", "trigram", "--json").output)["shared"]
    assert shared == [{"relation": "is-a", "label": "is a kind of", "slug": "n-gram", "name": "N-gram"}]


def test_tree_lines_read_as_sentences_under_their_parent(run) -> None:
    out = run("links", "rnn").output
    for line in (
        "has the part timestep",
        "is compared with Long Short-Term Memory",
        "is a kind of sequence model",
    ):
        assert line in out


def test_an_n_gram_is_words_not_a_model(run) -> None:
    card = json.loads(run("show", "n-gram", "--json").output)
    linked = {(link["relation"], link["direction"], link["slug"]) for link in card["links"]}
    assert ("is-a", "out", "sequence-model") not in linked
    assert ("used-in", "in", "maximum-likelihood-estimation") not in linked
    model = json.loads(run("show", "n-gram model", "--json").output)
    assert model["slug"] == "n-gram-language-model"
    assert {("is-a", "out", "language-model"), ("used-in", "in", "n-gram")} <= {
        (link["relation"], link["direction"], link["slug"]) for link in model["links"]
    }


WIDE_TITLE_PACK = """[pack]
topic = "wide"
title = "Wide titles"
description = "A title that is not one column a character."

[[terms]]
slug = "wide-title"
name = "{name}"
summary = "The widest title of all"
definition = "Wider on screen than its count of characters, and wider than any bundled title."
source = "my notes"
[terms.links]
see-also = ["long-short-term-memory"]
"""


@pytest.mark.parametrize(
    "name",
    [
        "長短期記憶ネットワークと呼ばれる再帰型ニューラルネット",
        "escape \\u001b\\u001b\\u001b\\u001b\\u001b\\u001b\\u001b\\u001b\\u001b\\u001b\\u001b",
    ],
    ids=["two-column-characters", "escaped-control-characters"],
)
def test_list_lines_up_summaries_after_the_widest_title_even_a_wide_or_escaped_one(
    run, tmp_path, name
) -> None:
    from rich.cells import cell_len

    pack = tmp_path / "wide.toml"
    pack.write_text(WIDE_TITLE_PACK.format(name=name), encoding="utf-8")
    imported = run("import", str(pack))
    assert imported.exit_code == 0, imported.output
    lines = run("list", env={"COLUMNS": "200"}).output.splitlines()
    starts = {}
    for summary in ("The widest title of all", "Training by repeatedly"):  # its own chunk of 50, the first
        line = next(line for line in lines if summary in line)
        starts[summary] = cell_len(line[: line.index(summary)])
    assert len(set(starts.values())) == 1, starts


def test_a_store_at_schema_6_gains_the_index_the_list_reads(db_path: Path) -> None:
    from glossary.schema import connect
    from glossary.store import Store

    Store.open(db_path).close()
    conn = connect(db_path)
    conn.execute("DROP INDEX terms_by_topic")
    conn.execute("PRAGMA user_version = 6")
    conn.close()
    store = Store.open(db_path)
    try:
        indexes = [
            row[0] for row in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        ]
        assert "terms_by_topic" in indexes
        plan = " ".join(
            str(row[-1])
            for row in store.conn.execute(
                "EXPLAIN QUERY PLAN SELECT name, abbreviation FROM terms WHERE topic IN ('x')"
            )
        )
        assert "COVERING INDEX terms_by_topic" in plan
    finally:
        store.close()


@pytest.mark.parametrize("columns", ["60", "80", "200"])
def test_the_pack_format_is_set_out_for_the_terminal_with_its_example_whole(run, columns: str) -> None:
    import tomli
    from rich.cells import cell_len

    output = run("help", "packs", env={"COLUMNS": columns}).output
    assert "| field |" not in output and "```" not in output and "## " not in output  # drawn, not raw
    lines = output.splitlines()
    start = lines.index("[[terms]]")
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("part-of = "))
    example = tomli.loads("\n".join(lines[start : end + 1]))  # not one line of it wrapped
    assert example["terms"][0]["slug"] == "forget-gate"
    prose = [line for line in lines[:start] + lines[end + 1 :] if " = " not in line]
    assert max(cell_len(line) for line in prose) <= min(int(columns), 100)


def test_the_pack_format_shows_words_in_angle_brackets_such_as_unk(run) -> None:
    """Markdown reads <unk> as an HTML tag; the pack format has none, so it is shown as written."""
    output = run("help", "packs", env={"COLUMNS": "200"}).output
    assert "Tokens to ids (<unk> below a cut-off)" in output
