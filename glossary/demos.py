"""Run a registered demo from raw parameters: validate, find the bundled corpus, seed, run.

The command line and ``glossary show TERM --demo`` both come through here, so a term's
``demo_params`` and a user's ``--n 2`` are checked by the same rules. No click and no rich: the
views in ``glossary.render.demos`` only draw the ``DemoRun`` (or ``DemoFailure``) made here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from glossary.results import DemoFailure
from seqml.demos import Demo, ParamError, get_demo, validate_params
from seqml.demos.corpus import read_corpus


@dataclass(frozen=True)
class DemoRun:
    """A finished run: which demo, the checked parameters, the seed, and the result data."""

    demo: Demo
    params: dict[str, Any]
    seed: int
    result: Any


def prepare_params(demo: Demo, raw: Mapping[str, object], corpus_text: str | None = None) -> dict[str, Any]:
    """Checked parameters, with the n-gram corpus resolved to text (bundled one by default)."""
    params = validate_params(demo, raw)
    if "corpus" in params:
        if corpus_text is None:
            if params["corpus"] == "-":
                raise ParamError("corpus '-' (stdin) is only available on the command line")
            if params["corpus"]:
                corpus_text = read_corpus(params["corpus"])
            else:
                from glossary.paths import default_corpus

                corpus_text = read_corpus(default_corpus())
        params["corpus_text"] = corpus_text
    return params


def run_demo(
    name: str,
    raw: Mapping[str, object],
    seed: int,
    corpus_text: str | None = None,
    progress: Callable[[int, int, float], None] | None = None,
) -> DemoRun:
    """Validate ``raw`` for demo ``name`` and run it with a generator seeded by ``seed``.

    ``progress(done, total, loss)`` is called as a training demo goes (see ``Demo.trains``).
    """
    import numpy as np

    demo = get_demo(name)
    params = prepare_params(demo, raw, corpus_text)
    result = demo.run(params, np.random.default_rng(seed), progress)
    return DemoRun(demo, params, seed, result)


def run_term_demo(demo_name: str, demo_params: Mapping[str, object], seed: int) -> DemoRun | DemoFailure:
    """A term card's demo, run with the pack's parameters; a bad pack gives a failure, not a crash.

    A pack never names a file (the pack loader refuses it); a store imported before that rule
    may still hold one, so it is refused here too, rather than printing the file's words.
    """
    from glossary.packs import FILE_PARAMS

    named = sorted(FILE_PARAMS & {str(name).replace("-", "_") for name in demo_params})
    if named:
        return DemoFailure(demo_name, f"a term's demo may not read a file ({named[0]} is set)")
    try:
        return run_demo(demo_name, demo_params, seed)
    except ParamError as error:
        return DemoFailure(demo_name, str(error))


def public_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters a person set or could set: the corpus text itself is left out."""
    return {key: value for key, value in params.items() if key != "corpus_text"}
