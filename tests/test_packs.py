"""Pack loading: good packs become terms and canonical links; bad packs name the file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from glossary.model import Link
from glossary.packs import PackError, load_packs, read_pack

GOOD = """[pack]
topic = "mine"
title = "My terms"
description = "Terms I added."

[[terms]]
slug = "echo-state-network"
name = "echo state network"
abbreviation = "ESN"
summary = "A recurrent network whose recurrent weights stay fixed."
definition = "Only the readout is trained."
source = "my notes"
[terms.links]
has-kind = ["liquid-state-machine"]

[[terms]]
slug = "liquid-state-machine"
name = "liquid state machine"
summary = "A spiking cousin of the echo state network."
definition = "Reservoir computing with spiking neurons."
source = "my notes"
[terms.links]
compare = ["echo-state-network"]
"""


def write(tmp_path: Path, text: str, name: str = "mine.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_links_written_from_either_end_are_stored_once_in_canonical_direction(tmp_path: Path) -> None:
    (pack,) = load_packs([write(tmp_path, GOOD)])
    assert set(pack.links) == {
        Link("liquid-state-machine", "is-a", "echo-state-network"),
        Link("echo-state-network", "compare", "liquid-state-machine"),
    }
    assert [t.abbreviation for t in pack.terms] == ["ESN", ""]


@pytest.mark.parametrize(
    ("mutation", "line", "message"),
    [
        (lambda t: t.replace('name = "echo state network"\n', ""), 7, "missing required field 'name'"),
        (lambda t: t.replace('summary = "A recurrent', "summary = 3 #"), 10, "'summary' must be a string"),
        (
            lambda t: t.replace('"liquid-state-machine"]', '"no-such-term"]'),
            14,
            "unknown term 'no-such-term'",
        ),
        (lambda t: t.replace("has-kind", "causes"), 14, "unknown relation 'causes'"),
        (lambda t: t.replace('slug = "liquid-state-machine"', 'slug = "Liquid State"'), 17, "lowercase"),
        (lambda t: t.replace('name = "liquid state machine"', 'name = "ESN"'), 18, "already used by"),
        (
            lambda t: t.replace(
                'source = "my notes"\n[terms.links]\ncompare', 'sorce = "x"\n[terms.links]\ncompare'
            ),
            21,
            "unknown field 'sorce'",
        ),
        (lambda t: t.replace('title = "My terms"', 'title = "My terms'), 3, "Illegal character"),
    ],
)
def test_bad_pack_reports_file_line_and_problem(tmp_path: Path, mutation, line: int, message: str) -> None:
    path = write(tmp_path, mutation(GOOD))
    with pytest.raises(PackError) as caught:
        load_packs([path])
    assert caught.value.path == str(path)
    assert caught.value.line == line
    assert message in caught.value.message
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_non_utf8_pack_names_the_line_of_the_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes(GOOD.replace("A spiking", "Un caf\xe9").encode("latin-1"))
    with pytest.raises(PackError, match=r"latin\.toml:19: not valid UTF-8"):
        read_pack(path)


@pytest.mark.parametrize(
    "text",
    ["a = " + "[" * 5000 + "]" * 5000, "a = 9" + "9" * 5000, "[pack]\ntopic = 1", "", "[[terms]]\nslug='x'"],
)
def test_hostile_or_broken_toml_raises_pack_error_not_a_crash(tmp_path: Path, text: str) -> None:
    with pytest.raises(PackError):
        read_pack(write(tmp_path, text))


def test_missing_file_is_a_pack_error(tmp_path: Path) -> None:
    with pytest.raises(PackError, match="does not exist"):
        read_pack(tmp_path / "absent.toml")


def test_import_may_not_reuse_a_spelling_already_in_the_store(tmp_path: Path) -> None:
    text = GOOD.replace('abbreviation = "ESN"', 'abbreviation = "LSTM"')
    with pytest.raises(PackError, match="'LSTM' of 'echo-state-network' is already used by"):
        load_packs([write(tmp_path, text)], existing_keys={"lstm": "long-short-term-memory"})
