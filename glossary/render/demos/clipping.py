"""The clipping demo drawn: each gradient element before and after, the norms, the angle turned."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text

from glossary.render.charts import add_column, add_row, house_table, signed_bar

if TYPE_CHECKING:
    from seqml.demos.clipping import ClippingResult


def _norm_name(p: float) -> str:
    """||g||_2, ||g||_1 or ||g||_inf."""
    return f"||g||_{'inf' if math.isinf(p) else f'{p:g}'}"


def view(result: ClippingResult) -> RenderableType:
    """The gradient before and after, element by element, with the norms and the angle between."""
    limit = f"{result.threshold:g}"
    given = "" if result.threshold_option == "--clip-value" else ", given as --max-norm"
    method = {
        # No spaces inside a formula: a narrow table wraps between formulas, never inside one.
        "value": f"each element clipped to [-{limit},{limit}] (clip value {limit}{given})",
        "norm": f"each array scaled so its {_norm_name(result.p)}<={limit} (max norm)",
        "global-norm": (
            f"all arrays scaled together so their joint {_norm_name(result.p)}<={limit} (max norm)"
        ),
    }[result.method]
    scale = max((abs(float(v)) for grad in result.before for v in grad), default=0.0)
    table = house_table(title=f"clipping by {result.method}: {method}")
    add_column(table, "element", no_wrap=True)
    add_column(table, "before", no_wrap=True)
    add_column(table, "after", no_wrap=True)
    for name, before, after in zip(result.names, result.before, result.after, strict=True):
        for index, (old, new) in enumerate(zip(before.tolist(), after.tolist(), strict=True)):
            add_row(table, f"{name}[{index}]", signed_bar(old, scale), signed_bar(new, scale))
    norm = _norm_name(result.p)
    summary = Text()
    summary.append(f"{norm} of all gradients: {result.norm_before:.3f} -> {result.norm_after:.3f}")
    summary.append(" (clipped)\n" if result.clipped else " (unchanged: already within the limit)\n")
    if result.angle_degrees is None:
        summary.append("angle: undefined, a zero vector has no direction")
    else:
        turned = "direction kept" if result.angle_degrees < 0.01 else "direction changed"
        summary.append(f"angle between before and after: {result.angle_degrees:.2f} degrees ({turned})")
    return Group(table, summary)
