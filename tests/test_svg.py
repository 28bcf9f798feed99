"""--svg: the terminal capture is self-contained, keeps its padding in every renderer, and '-' is stdout."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

SVG = "{http://www.w3.org/2000/svg}"


def _lines_from_svg(svg: str) -> dict[float, str]:
    """Rebuild each terminal line from the <text> pieces: column = x / character width."""
    root = ElementTree.fromstring(svg)
    texts = [element for element in root.iter(f"{SVG}text") if element.get("textLength")]
    pieces = [(float(t.get("y")), float(t.get("x")), float(t.get("textLength")), t.text or "") for t in texts]
    width = next(length / len(text) for _, _, length, text in pieces if text)
    lines: dict[float, list[str]] = {}
    for y, x, _, text in sorted(pieces):
        line = lines.setdefault(y, [])
        column = round(x / width)
        line.extend(" " * (column - len(line)))
        line[column : column + len(text)] = list(text)
    return {y: "".join(chars).rstrip() for y, chars in lines.items()}


def test_svg_to_stdout_is_the_picture_alone_and_no_file_named_dash(run, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("demo", "ngram", "--svg", "-")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("<svg") and result.stdout.rstrip().endswith("</svg>")
    assert not Path("-").exists()


def test_the_capture_is_self_contained_and_keeps_every_space_as_a_column(run, tmp_path: Path) -> None:
    target = tmp_path / "ngram.svg"
    printed = run("demo", "ngram", "--svg", str(target)).stdout
    svg = target.read_text(encoding="utf-8")
    urls = set(re.findall(r"https?://[^\s\"')]+", svg))
    assert urls <= {"http://www.w3.org/2000/svg"}  # the namespace name, never fetched
    assert "@font-face" not in svg and "&#160;" not in svg and "\u00a0" not in svg
    drawn = [line for line in _lines_from_svg(svg).values() if line]
    assert "mice" in svg and drawn == [line for line in printed.split("\n") if line][: len(drawn)]


def test_every_run_is_fitted_to_its_columns_by_its_glyphs_so_bars_have_no_seams(run, tmp_path: Path) -> None:
    """Chromium fits ``textLength`` by spacing letters apart unless told to stretch the glyphs."""
    target = tmp_path / "lstm.svg"
    run("demo", "lstm-step", "--svg", str(target))
    root = ElementTree.fromstring(target.read_text(encoding="utf-8"))
    runs = [element for element in root.iter(f"{SVG}text") if element.get("textLength")]
    assert any("█" in (element.text or "") for element in runs)
    assert {element.get("lengthAdjust") for element in runs} == {"spacingAndGlyphs"}


@pytest.mark.skipif(shutil.which("rsvg-convert") is None, reason="librsvg's rsvg-convert is not installed")
def test_librsvg_renders_the_capture(run, tmp_path: Path) -> None:
    target = tmp_path / "ngram.svg"
    run("demo", "ngram", "--svg", str(target))
    png = tmp_path / "ngram.png"
    subprocess.run(["rsvg-convert", "-o", str(png), str(target)], check=True, capture_output=True)
    assert png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 10_000


def _never_run(*_args, **_kwargs):
    raise AssertionError("the demo ran before its output path was checked")


@pytest.mark.parametrize(
    ("option", "where", "message"),
    [
        ("--svg", "missing/out.svg", "does not exist"),
        ("--svg", ".", "is a directory"),
        ("--plot", "missing/out.png", "does not exist"),
        ("--plot", ".", "format comes from the extension"),
    ],
)
def test_a_bad_output_path_is_reported_before_the_demo_runs(
    run, tmp_path: Path, monkeypatch, option: str, where: str, message: str
) -> None:
    import glossary.demos

    monkeypatch.setattr(glossary.demos, "run_demo", _never_run)
    result = run("demo", "gradient-flow", option, str(tmp_path / where))
    assert result.exit_code == 2, result.output
    assert message in result.output and result.exception is not None
    assert isinstance(result.exception, SystemExit)


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into read-only folders: no error to see")
def test_a_read_only_folder_is_reported_before_the_demo_runs(run, tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    result = run("demo", "gradient-flow", "--svg", str(folder / "out.svg"))
    assert result.exit_code == 2 and "read-only" in result.output
