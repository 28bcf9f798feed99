"""The demo registry: one small, seeded, parameterised NumPy experiment per concept.

Each demo is a module of this package (``seqml/demos/<name>.py``) holding its result dataclass,
``run(params, rng) -> result``, a ``NOTICE`` line saying what to look for, and ``DEMO``: a ``Demo``
naming the glossary terms it illustrates, its typed parameters and the code worth reading. Adding
a demo is adding its module name to ``DEMO_MODULES``. Each module's docstring gives its equations.

Everything heavy is imported inside the runners, so listing the demos (and importing this package)
loads no NumPy. Parameters arrive as strings from the command line or as TOML values from a
content pack; ``validate_params`` turns both into checked Python values, with one-line errors.

References: Jurafsky & Martin, *Speech and Language Processing*, ch. 3 and 9; Hochreiter &
Schmidhuber, "Long short-term memory" (1997); Pascanu, Mikolov & Bengio, "On the difficulty of
training recurrent neural networks" (ICML 2013) for clipping and the rho^k picture.
"""

from __future__ import annotations

from importlib import import_module

from seqml.demos.base import (
    PARAM_TYPES,
    Demo,
    Param,
    ParamError,
    code_sources,
    to_jsonable,
    validate_params,
)

__all__ = [
    "DEMOS",
    "DEMO_MODULES",
    "PARAM_TYPES",
    "Demo",
    "Param",
    "ParamError",
    "code_sources",
    "get_demo",
    "to_jsonable",
    "validate_params",
]

# In the order `glossary demos` lists them.
DEMO_MODULES = (
    "ngram",
    "rnn_unroll",
    "lstm_step",
    "clipping",
    "gradient_flow",
    "next_item",
    "activations",
    "backprop",
    "gradient_descent",
    "gru_step",
    "bidirectional",
    "attention",
    "train",
    "seq2seq",
    "embedding",
    "decoding",
)

DEMOS: dict[str, Demo] = {
    demo.name: demo for demo in (import_module(f"seqml.demos.{module}").DEMO for module in DEMO_MODULES)
}


def find_demo(word: str) -> Demo | None:
    """The demo ``word`` names, ignoring case, spaces, hyphens and underscores (``LSTM_Step``)."""

    def fold(text: str) -> str:
        return "".join(text.casefold().split()).replace("-", "").replace("_", "")

    wanted = fold(word)
    return next((demo for name, demo in DEMOS.items() if fold(name) == wanted), None) if wanted else None


def get_demo(name: str) -> Demo:
    """The demo called ``name``, or a ParamError listing the ones that exist."""
    try:
        return DEMOS[name]
    except KeyError:
        raise ParamError(f"no demo {name!r}; choose one of {', '.join(DEMOS)}") from None


if __name__ == "__main__":
    for demo in DEMOS.values():
        print(f"{demo.name:>14}: {demo.summary}")
