"""--plot FILE: a chart per demo that has one, in the format its extension names, matplotlib only there."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from glossary.render.plots import PLOTTED

SHORT = {"train": ("--steps", "15"), "seq2seq": ("--steps", "15", "--test", "20")}
MAGIC = {".png": b"\x89PNG\r\n\x1a\n", ".pdf": b"%PDF-", ".svg": b"<?xml"}


@pytest.mark.parametrize("name", PLOTTED)
def test_every_plotted_demo_saves_a_png_of_sensible_size(run, tmp_path: Path, name: str) -> None:
    target = tmp_path / f"{name}.png"
    result = run("demo", name, *SHORT.get(name, ()), "--plot", str(target))
    assert result.exit_code == 0, result.output
    data = target.read_bytes()
    assert data.startswith(MAGIC[".png"])
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert 600 <= width <= 1400 and 400 <= height <= 1100  # readable at 100%, not a poster
    assert len(data) > 20_000  # lines, labels and a legend, not an empty frame


@pytest.mark.parametrize("suffix", [".svg", ".pdf"])
def test_the_extension_chooses_the_format(run, tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"flow{suffix}"
    result = run("demo", "gradient-flow", "--plot", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(MAGIC[suffix])


def test_an_unknown_extension_is_a_usage_error_before_the_demo_runs(run, tmp_path: Path) -> None:
    result = run("demo", "train", "--plot", str(tmp_path / "chart.jpg"))
    assert result.exit_code == 2
    assert ".png, .svg or .pdf" in result.output
    assert "training" not in result.output and not (tmp_path / "chart.jpg").exists()


def test_demos_without_a_chart_offer_no_plot_option(run) -> None:
    assert "--plot" not in run("demo", "ngram", "--help").output
    assert "--plot" in run("demo", "gradient-flow", "--help").output


def _modules_after(code: str) -> str:
    probe = code + "\nprint('matplotlib' in sys.modules, 'plotext' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return done.stdout.strip().splitlines()[-1]


def test_matplotlib_is_imported_only_when_a_plot_is_drawn(db_path: Path) -> None:
    call = "import sys, cli\ntry:\n    cli.cli({args!r}, prog_name='glossary')\nexcept SystemExit:\n    pass"
    for args in (["show", "lstm"], ["demo", "gradient-flow"], ["demo", "clipping", "--help"], ["demos"]):
        assert _modules_after(call.format(args=["--db", str(db_path), *args])) == "False False"
    assert _modules_after("import sys, glossary.render.plots") == "False False"
