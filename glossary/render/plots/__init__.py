"""Charts of demo runs, saved as PNG, SVG or PDF with matplotlib (``glossary demo NAME --plot FILE``).

A chart teaches what a terminal table cannot: thirteen decades on a log axis, arrows in a plane,
a heatmap. Each demo that has one draws it in ``plots/<demo name with underscores>.py``, whose
``figure(result)`` returns a matplotlib ``Figure``; ``save_plot`` finds it by the demo's name, as
``render/demos`` does for terminal views. matplotlib costs ~150 ms to import, so it is imported
only inside ``save_plot`` and the plot modules: importing this package (to ask ``has_plot``)
loads nothing heavy, and no other command ever pays for it. Figures are drawn on the Agg canvas
(no display, no pyplot state), at a size and font size readable at 100%.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from glossary.demos import DemoRun

PLOTTED = (
    "gradient-flow",
    "lstm-step",
    "clipping",
    "train",
    "seq2seq",
    "gradient-descent",
    "attention",
    "activations",
)
FONT_SIZES = {"font.size": 12, "axes.titlesize": 14, "axes.labelsize": 12, "legend.fontsize": 11}


def has_plot(demo_name: str) -> bool:
    """Whether ``--plot`` is offered for this demo (a picture teaches more than its text)."""
    return demo_name in PLOTTED


def save_plot(run: DemoRun, path: str, file_format: str) -> None:
    """Draw ``run``'s chart and save it to ``path`` as ``file_format`` (png, svg or pdf)."""
    import matplotlib

    matplotlib.use("Agg")  # never a window, whatever the environment says
    with matplotlib.rc_context(FONT_SIZES | {"svg.fonttype": "none", "figure.dpi": 100}):
        module = import_module(f"{__name__}.{run.demo.name.replace('-', '_')}")
        figure = module.figure(run.result)
        figure.savefig(path, format=file_format, dpi=100)
