"""What every demo is made of: typed parameters, the Demo record, validation, JSON-ready results.

A demo module in this package builds one ``Demo`` from these pieces. Nothing here imports NumPy,
so listing the demos stays cheap.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

PARAM_TYPES = ("int", "float", "str", "choice")


class ParamError(ValueError):
    """A demo parameter is missing, unknown, of the wrong type or out of range."""

    def __init__(self, message: str, param: str = "") -> None:
        super().__init__(message)
        self.param = param


@dataclass(frozen=True)
class Param:
    """One typed demo parameter with its default and allowed range or choices."""

    name: str
    type: str
    default: Any
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    help: str = ""

    @property
    def option(self) -> str:
        """The command-line flag that sets it: forget_bias -> --forget-bias."""
        return "--" + self.name.replace("_", "-")

    def allowed(self) -> str:
        """The allowed values in words, for help texts and error messages."""
        if self.type == "choice":
            return "one of " + ", ".join(self.choices)
        if self.type in ("int", "float"):
            kind = "an integer" if self.type == "int" else "a number"
            return f"{kind} from {_number(self.minimum)} to {_number(self.maximum)}"
        return "text"

    def parse(self, raw: object) -> Any:
        """Turn a command-line string or a pack value into a checked value, or raise ParamError."""
        if self.type == "str":
            if not isinstance(raw, str):
                raise ParamError(f"{self.name} must be text, got {_shown(raw)}", self.name)
            return raw
        if self.type == "choice":
            text = _choice_text(raw)
            if text not in self.choices:
                raise ParamError(f"{self.name} must be {self.allowed()}, got {_shown(raw)}", self.name)
            return text
        value = self._number(raw)
        below = self.minimum is not None and value < self.minimum
        above = self.maximum is not None and value > self.maximum
        if below or above:
            raise ParamError(f"{self.name} must be {self.allowed()}, got {_shown(raw)}", self.name)
        return value

    def _number(self, raw: object) -> int | float:
        """Read an int or a finite float; bools and NaN are rejected, not coerced."""
        problem = ParamError(f"{self.name} must be {self.allowed()}, got {_shown(raw)}", self.name)
        if isinstance(raw, bool):
            raise problem
        if self.type == "int":
            if isinstance(raw, int):
                return raw
            if isinstance(raw, float) and raw.is_integer():
                return int(raw)
            if isinstance(raw, str):
                try:
                    return int(raw.strip())
                except ValueError:
                    raise problem from None
            raise problem
        if isinstance(raw, int | float):
            value = float(raw)
        elif isinstance(raw, str):
            try:
                value = float(raw.strip())
            except ValueError:
                raise problem from None
        else:
            raise problem
        if math.isnan(value):
            raise problem
        return value


def _shown(raw: object) -> str:
    """The offending value as typed, cut short so an error stays one readable line."""
    text = repr(raw)
    return text if len(text) <= 40 else text[:37] + "..."


def _number(value: float | None) -> str:
    """Print a bound the way a person would type it: 5, 0.1, 1e+06."""
    if value is None:
        return "any"
    return f"{value:g}"


def _choice_text(raw: object) -> str:
    """Choices are strings; a pack may write p = 2 or p = 2.0 where the choice is "2"."""
    if isinstance(raw, bool):
        return repr(raw)
    if isinstance(raw, float):
        if math.isinf(raw):
            return "inf" if raw > 0 else "-inf"
        if raw.is_integer():
            return str(int(raw))
    return str(raw).strip()


@dataclass(frozen=True)
class Demo:
    """A runnable experiment: what it shows, its parameters, and the code worth reading."""

    name: str
    title: str
    summary: str
    terms: tuple[str, ...]
    params: tuple[Param, ...]
    runner: Callable[[dict[str, Any], np.random.Generator], Any]
    code: tuple[str, ...] = field(default=())  # "module:function" shown by --code
    notice: str = ""  # one line: what the learner should notice in what the demo shows
    trains: bool = False  # a training demo: its runner takes progress(done, total, loss) and runs seconds

    def param(self, name: str) -> Param:
        """Look a parameter up by name, accepting the command line's dashes."""
        wanted = name.replace("-", "_")
        for param in self.params:
            if param.name == wanted:
                return param
        raise ParamError(
            f"demo {self.name} has no parameter {name!r}; it takes "
            + (", ".join(p.name for p in self.params) or "no parameters"),
            name,
        )

    def defaults(self) -> dict[str, Any]:
        """Every parameter at its default value."""
        return {param.name: param.default for param in self.params}

    def run(
        self,
        params: Mapping[str, Any],
        rng: np.random.Generator,
        progress: Callable[[int, int, float], None] | None = None,
    ) -> Any:
        """Run with already validated parameters (see ``validate_params``).

        A training demo reports ``progress(done_steps, total_steps, loss)`` as it goes, so the
        command line can draw a progress bar; the others finish too fast to need one.
        """
        if self.trains:
            return self.runner(dict(params), rng, progress)  # type: ignore[call-arg]
        return self.runner(dict(params), rng)


def validate_params(demo: Demo, raw: Mapping[str, object]) -> dict[str, Any]:
    """Defaults overlaid with checked values from ``raw``; unknown names and bad values raise."""
    values = demo.defaults()
    for name, value in raw.items():
        param = demo.param(name)
        values[param.name] = param.parse(value)
    return values


def code_sources(demo: Demo) -> list[tuple[str, str]]:
    """The source of each core function the demo runs, as (qualified name, source) pairs."""
    import importlib
    import inspect

    sources = []
    for reference in demo.code:
        module_name, _, attribute = reference.partition(":")
        target = getattr(importlib.import_module(module_name), attribute)
        sources.append((f"{module_name}.{attribute}", inspect.getsource(target)))
    return sources


def to_jsonable(value: Any) -> Any:
    """Plain, strict JSON data from a result: dataclasses become objects, arrays and tuples lists.

    Strict JSON has no infinity or NaN, so every non-finite float, wherever it sits (a perplexity,
    a p-norm order, an array element), becomes one of the strings "inf", "-inf" or "nan"; a
    finite float stays a number, and None (a value that does not exist, such as the angle of a
    zero vector) stays null. One rule for every demo, so a script can decode them all alike.
    """
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {str(key): to_jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(item) for item in value]
    if hasattr(value, "tolist"):  # NumPy arrays and scalars
        return to_jsonable(value.tolist())
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
    return value
