"""Bad --svg and --plot paths are found before a demo runs: exit 2 and one line, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from glossary.outputs import output_problem


def test_a_writable_new_file_passes_and_is_not_left_behind(tmp_path: Path) -> None:
    target = tmp_path / "x.png"
    assert output_problem(str(target)) is None
    assert not target.exists()


def test_an_empty_name_is_named_as_such() -> None:
    assert output_problem("") == "the file name is empty"


def test_a_name_ending_in_a_slash_is_refused(tmp_path: Path) -> None:
    assert output_problem(str(tmp_path / "x.svg") + "/") == "a file name cannot end in /"


def test_a_file_in_place_of_the_folder_is_named(tmp_path: Path) -> None:
    (tmp_path / "store.db").write_text("")
    problem = output_problem(str(tmp_path / "store.db" / "x.png"))
    assert problem == f"{tmp_path / 'store.db'} is a file, not a folder"


def test_a_place_that_refuses_new_files_is_caught_even_as_root() -> None:
    if not Path("/proc/self").exists():
        pytest.skip("needs /proc")
    assert output_problem("/proc/x.png") is not None


@pytest.mark.parametrize("option", ["--plot", "--svg"])
@pytest.mark.parametrize("bad", ["{tmp}/x.svg/", "{tmp}/store.db/x.svg", "/proc/x.svg", ""])
def test_a_bad_output_path_is_a_usage_error_before_the_demo_runs(
    run, tmp_path: Path, option: str, bad: str
) -> None:
    (tmp_path / "store.db").write_text("")
    if bad.startswith("/proc") and not Path("/proc/self").exists():
        pytest.skip("needs /proc")
    result = run("demo", "clipping", option, bad.format(tmp=tmp_path))
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert f"Invalid value for '{option}'" in result.output
    assert "clipping by" not in result.output  # the demo never ran


@pytest.mark.parametrize("name", ["view.png", "view.PDF"])
def test_svg_into_a_file_named_for_another_format_is_refused_with_the_way_out(
    run, tmp_path: Path, name: str
) -> None:
    result = run("demo", "clipping", "--svg", str(tmp_path / name))
    assert result.exit_code == 2, result.output
    assert "name the file .svg" in result.output and "--plot" in result.output
    assert not (tmp_path / name).exists()
