"""View of the backprop demo: the forward pass in brief, each backward step with its values, the check.

Matrices are printed whole: when a row would be wider than the console, its columns are shown
in blocks (as NumPy does) instead of wrapping, so no number is ever split or cut.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.text import Text

from glossary.render.grid import GAP, Grid, wrapped

if TYPE_CHECKING:
    from seqml.demos.backprop import BackpropResult

INDENT = 4  # matrix values sit under their step's equation


def value(number: float) -> str:
    """Signed, four decimals; e-notation below 1e-3 so small gradients never read +0.0000."""
    if number == 0:
        return "0"
    return f"{number:+.4f}" if abs(number) >= 1e-3 else f"{number:+.1e}"


def shape_text(shape: tuple[int, ...]) -> str:
    """(2, 3) or (3,), as NumPy prints shapes."""
    return "(" + ", ".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"


def matrix_lines(array: Any, width: int) -> list[Text]:
    """The array's rows as aligned lines, split into column blocks that fit ``width``."""
    rows = array.tolist()
    if not isinstance(rows[0], list):  # a vector prints as one row
        rows = [rows]
    cells = [[value(float(v)) for v in row] for row in rows]
    cell_width = max(len(cell) for row in cells for cell in row)
    per_block = max(1, (width - INDENT + GAP) // (cell_width + GAP))
    columns = len(rows[0])
    lines: list[Text] = []
    for start in range(0, columns, per_block):
        stop = min(start + per_block, columns)
        if per_block < columns:
            lines.append(Text(f"{' ' * INDENT}columns {start}..{stop - 1}", style="dim"))
        block = Grid(None, [row[start:stop] for row in cells], indent=INDENT)
        block.widths = [cell_width] * (stop - start)  # one width for every block: columns line up
        lines.append(block.text())
    return lines


class BackpropView:
    """The forward summary, the backward steps in order, then the finite-difference check."""

    def __init__(self, result: BackpropResult) -> None:
        self.result = result

    def _forward(self) -> Grid:
        """Each forward equation with the shape it produces."""
        result = self.result
        f = result.activation
        rows = [["x", shape_text(result.forward.x.shape)]]
        below = "x"
        for layer, z in enumerate(result.forward.pre_activations, start=1):
            rows.append([f"z{layer} = {below} W{layer}^T + b{layer}", shape_text(z.shape)])
            rows.append([f"h{layer} = {f}(z{layer})", shape_text(z.shape)])
            below = f"h{layer}"
        last = len(result.sizes) - 1
        rows.append([f"logits = {below} W{last}^T + b{last}", shape_text(result.forward.logits.shape)])
        rows.append(["L = mean_b -log softmax(logits_b)[y_b]", "()"])
        return Grid(["forward", "shape"], rows, left=[True, False])

    def _examples(self) -> Grid:
        """Per example: its class, the probability the network gives it, and its loss term."""
        forward = self.result.forward
        rows = []
        for index, target in enumerate(forward.target.tolist()):
            p = float(forward.probabilities[index, target])
            rows.append([str(index), str(target), f"{p:.4f}", f"{-math.log(p):.4f}"])
        return Grid(["example", "y", "p(y)", "-log p(y)"], rows)

    def _checks(self) -> Grid:
        """Each array's gradient size and its relative error against central differences."""
        rows = [
            [check.name, shape_text(check.shape), f"{check.norm:.4f}", f"{check.relative_error:.1e}"]
            for check in self.result.checks
        ]
        return Grid(["array", "shape", "||grad||", "rel. error"], rows, left=[True, False, False, False])

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """Everything in reading order: forward, loss, backward steps, check."""
        result = self.result
        width = options.max_width
        yield self._forward().text()
        yield self._examples().text()
        yield Text(f"loss L = {result.forward.loss:.6f} (mean cross-entropy over the batch)")
        yield Text("")
        yield Text("backward, in the order the chain rule computes it", style="bold")
        for number, step in enumerate(result.steps, start=1):
            heading = f"{number}. {step.equation}"
            shape = f"shape {shape_text(step.value.shape)}"
            if len(heading) + 2 + len(shape) <= width:
                yield Text.assemble((heading, "bold"), "  ", (shape, "dim"))
            else:
                yield Text(heading, style="bold")
                yield Text(" " * INDENT + shape, style="dim")
            yield from matrix_lines(step.value, width)
        yield Text("")
        yield Text(f"check against central differences (step {result.fd_step:g}, float64)", style="bold")
        yield self._checks().text()
        yield wrapped(
            f"max relative error {result.max_relative_error:.1e}: the chain rule and the differences agree",
            width,
        )
        yield Text("dL/dw ~ (L(w + e) - L(w - e)) / 2e", style="dim")


def view(result: BackpropResult) -> RenderableType:
    """The backprop demo for a terminal."""
    return BackpropView(result)
