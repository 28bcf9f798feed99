"""Demo: sigmoid, tanh and ReLU with their slopes across a range, and softmax at several temperatures.

The first table is the reason activations matter to training: backpropagation multiplies every
gradient by the slope f'(x), so where the slope is flat (below 1% of its peak) the unit has
saturated and its weights stop learning. The second shows what dividing the logits by a
temperature T does to softmax: the same scores, sharper (T < 1) or flatter (T > 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from seqml.demos.base import Demo, Param, ParamError

if TYPE_CHECKING:
    import numpy as np

NOTICE = (
    "Sigmoid and tanh stop learning where their slope flattens (past |x| = 5.99 and 2.99); "
    "ReLU never saturates for x > 0 but is flat, dead, for every x < 0; and a higher temperature "
    "trades the top probability for entropy."
)

SATURATION_FRACTION = 0.01  # a slope below 1% of its peak counts as saturated
SHOWN_TEMPERATURES = (0.5, 1.0, 2.0)  # always shown, beside the one asked for
MAX_LOGITS = 8


@dataclass(frozen=True)
class ActivationCurve:
    """One activation sampled across the range: values, slopes and where it is flat."""

    name: str
    values: np.ndarray  # f(x) at each point
    slopes: np.ndarray  # f'(x) at each point
    peak_slope: float  # the largest slope anywhere (at x = 0, or 1 for relu's x > 0)
    saturation: float  # |x| beyond which the slope stays under 1% of the peak (inf: never)
    flat: np.ndarray  # bool, slope < 1% of the peak: saturated (sigmoid, tanh) or dead (relu)


@dataclass(frozen=True)
class TemperatureRow:
    """softmax(logits / T) for one temperature, with its entropy and top probability."""

    temperature: float
    probabilities: np.ndarray  # (C,)
    entropy: float  # nats
    top_probability: float


@dataclass(frozen=True)
class ActivationsResult:
    """Curves over x and one softmax per temperature: everything the view draws."""

    x: np.ndarray  # (points,)
    curves: tuple[ActivationCurve, ...]
    logits: np.ndarray  # (C,)
    temperatures: tuple[TemperatureRow, ...]  # sorted by temperature
    chosen_temperature: float
    saturation_fraction: float


def parse_logits(text: str) -> tuple[float, ...]:
    """Numbers separated by spaces or commas, 2 to 8 of them, all finite."""
    parts = text.replace(",", " ").split()
    try:
        values = tuple(float(part) for part in parts)
    except ValueError:
        raise ParamError(f"logits must be numbers separated by spaces, got {text!r}", "logits") from None
    if not 2 <= len(values) <= MAX_LOGITS:
        raise ParamError(f"logits must hold 2 to {MAX_LOGITS} numbers, got {len(values)}", "logits")
    if not all(math.isfinite(value) for value in values):
        raise ParamError("logits must be finite numbers", "logits")
    return values


def run(params: dict[str, Any], rng: np.random.Generator) -> ActivationsResult:
    """Sample each chosen activation and its slope on [low, high]; softmax the logits at each T."""
    import numpy as np

    from seqml import activations

    low, high = params["low"], params["high"]
    if not low < high:
        raise ParamError(f"low must be below high, got low={low:g} and high={high:g}", "low")
    x = np.linspace(low, high, params["points"])
    names = activations.ACTIVATIONS if params["function"] == "all" else (params["function"],)
    curves = []
    for name in names:
        slopes = activations.activation_derivative(name, x)
        peak = activations.PEAK_SLOPE[name]
        curves.append(
            ActivationCurve(
                name=name,
                values=activations.activation(name, x),
                slopes=slopes,
                peak_slope=peak,
                saturation=activations.saturation_threshold(name, SATURATION_FRACTION),
                flat=slopes < SATURATION_FRACTION * peak,
            )
        )
    logits = np.array(parse_logits(params["logits"]))
    rows = []
    for temperature in sorted({*SHOWN_TEMPERATURES, params["temperature"]}):
        p = activations.softmax_with_temperature(logits, temperature)
        rows.append(TemperatureRow(temperature, p, float(activations.entropy(p)), float(p.max())))
    return ActivationsResult(
        x=x,
        curves=tuple(curves),
        logits=logits,
        temperatures=tuple(rows),
        chosen_temperature=params["temperature"],
        saturation_fraction=SATURATION_FRACTION,
    )


DEMO = Demo(
    name="activations",
    title="Activation functions, their slopes, and softmax temperature",
    summary="Sigmoid, tanh and ReLU with slopes: where each saturates; softmax at T.",
    terms=("activation-function", "sigmoid", "tanh", "rectified-linear-unit", "softmax"),
    params=(
        Param("low", "float", -6.0, -50.0, 50.0, help="left end of the x range"),
        Param("high", "float", 6.0, -50.0, 50.0, help="right end of the x range"),
        Param("points", "int", 13, 3, 41, help="how many x values, evenly spaced"),
        Param(
            "function",
            "choice",
            "all",
            choices=("all", "sigmoid", "tanh", "relu"),
            help="which activation to tabulate",
        ),
        Param("temperature", "float", 1.0, 0.05, 20.0, help="softmax temperature, shown beside 0.5, 1 and 2"),
        Param("logits", "str", "3 1 0.5 0 -1", help="the scores softmax turns into probabilities"),
    ),
    notice=NOTICE,
    runner=run,
    code=(
        "seqml.activations:sigmoid_derivative",
        "seqml.activations:tanh_derivative",
        "seqml.activations:relu_derivative",
        "seqml.activations:softmax_with_temperature",
    ),
)
