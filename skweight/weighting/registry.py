"""The one registry of weighting strategies, read by everything that lists them.

A strategy class registers itself with ``@register_strategy(...)``, which records:

- ``names``: the strings ``weighting=`` accepts for it (``"balanced"``, ``"focal"``, ...);
- ``candidates``: the default candidates of ``skweight.compare_weightings`` it contributes,
  each with a name and a simplicity rank for the one-standard-error rule;
- ``examples``: instances the contract test (``tests/test_strategy_contract.py``) runs.

Every module of this package is imported when the registry is first read, so adding a strategy
is one new module whose class carries the decorator. The ``weighting=`` names, the comparison's
default candidates and their simplicity order, the command line's ``--strategies`` choices, the
classes a saved file may name, the API reference and the contract test all come from here.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sklearn.base import clone

__all__ = [
    "Candidate",
    "Registration",
    "named_strategies",
    "reference_entries",
    "register_strategy",
    "registered_strategies",
    "resolve_weighting",
]

#: The marker an API reference page puts where every registered strategy gets its entry.
REFERENCE_MARKER = "<!-- registered strategies -->"


@dataclass(frozen=True)
class Candidate:
    """A default candidate of ``compare_weightings``.

    ``make(cost_matrix, random_state)`` returns the ``weighting=`` value. A candidate with
    ``needs_cost`` is offered only when a cost matrix is given. Lower ``simplicity`` is
    simpler; the one-standard-error rule prefers it.
    """

    name: str
    simplicity: int
    make: Callable[[Any, int | None], Any]
    needs_cost: bool = False


@dataclass(frozen=True)
class Registration:
    """What the registry knows of one strategy class."""

    cls: type
    names: Mapping[str, Callable[[], Any]] = field(default_factory=dict)
    candidates: Sequence[Candidate] = ()
    examples: Callable[[], Sequence[Any]] = tuple


_REGISTRY: dict[type, Registration] = {}
_DISCOVERED: list[bool] = []  # the package's modules are imported once, on the first read


def register_strategy(
    *,
    names: Mapping[str, Callable[[], Any]] | None = None,
    candidates: Sequence[Candidate] = (),
    examples: Callable[[], Sequence[Any]],
):
    """Class decorator: register a ``WeightingStrategy`` subclass.

    See also the guide page [How do weights enter the loss?](weights-in-the-loss.md) and
    ``examples/custom_strategy.py``, which writes a strategy from scratch.

    Parameters
    ----------
    names : dict of str to callable, default=None
        The strings ``weighting=`` accepts for the strategy, each with a function that returns
        a fresh instance (``{"balanced": lambda: ClassWeights("balanced")}``).
    candidates : sequence of Candidate, default=()
        Default candidates of ``compare_weightings``, each with a name and a simplicity rank.
    examples : callable
        Returns instances that the contract test (``tests/test_strategy_contract.py``) runs.

    Returns
    -------
    callable
        The decorator, which returns the class unchanged.
    """

    def decorate(cls: type) -> type:
        _REGISTRY[cls] = Registration(cls, dict(names or {}), tuple(candidates), examples)
        return cls

    return decorate


def registered_strategies() -> tuple[Registration, ...]:
    """Every registered strategy, in the order the modules registered them."""
    if not _DISCOVERED:
        from .. import weighting

        for module in pkgutil.iter_modules(weighting.__path__):
            importlib.import_module(f"{weighting.__name__}.{module.name}")
        _DISCOVERED.append(True)
    return tuple(_REGISTRY.values())


def reference_entries() -> str:
    """The API reference's entries (mkdocstrings Markdown), one per registered strategy.

    Each is named by the shortest public path that holds it (``skweight.ClassWeights``, then
    ``skweight.weighting.X``, else its module), so that links to it keep their anchors.
    """
    import skweight
    from skweight import weighting

    def path(cls: type) -> str:
        for package in (skweight, weighting):
            if getattr(package, cls.__name__, None) is cls:
                return f"{package.__name__}.{cls.__name__}"
        return f"{cls.__module__}.{cls.__qualname__}"

    paths = [path(entry.cls) for entry in registered_strategies()]
    return "\n\n".join(f"::: {p}\n    options:\n      show_root_full_path: false" for p in paths)


def named_strategies() -> dict[str, Callable[[], Any]]:
    """``{name: factory}`` of every string ``weighting=`` accepts."""
    out: dict[str, Callable[[], Any]] = {}
    for entry in registered_strategies():
        for name, factory in entry.names.items():
            if name in out:
                raise RuntimeError(f"weighting name {name!r} is registered twice.")
            out[name] = factory
    return out


def resolve_weighting(weighting: Any) -> Any:
    """Return a fresh strategy object for a value of ``weighting=``.

    Accepts None, a registered name, a ``{class: weight}`` dict, a
    ``skweight.weighting.WeightingStrategy`` instance (cloned, never modified), or an
    object with ``fit_resample`` such as an imbalanced-learn sampler (wrapped in
    ``skweight.weighting.Resampler``, which clones it at every fit). The strategy's parameters
    are checked here, before any data or Keras work.
    """
    from .base import WeightingStrategy
    from .class_weights import ClassWeights
    from .resample import Resampler, is_sampler

    names = named_strategies()
    if weighting is None:
        strategy = names["none"]()
    elif isinstance(weighting, str):
        factory = names.get(weighting.lower())
        if factory is None:
            raise ValueError(
                f"weighting={weighting!r} is not a known strategy; valid names are "
                f"{sorted(names)}, or pass None, a {{class: weight}} dict or a strategy object."
            )
        strategy = factory()
    elif isinstance(weighting, Mapping):
        strategy = ClassWeights(dict(weighting))
    elif isinstance(weighting, WeightingStrategy):
        strategy = clone(weighting)
    elif is_sampler(weighting):
        strategy = Resampler(weighting)
    else:
        raise TypeError(
            f"weighting must be None, one of {sorted(names)}, a {{class: weight}} dict, a "
            f"WeightingStrategy or a sampler with fit_resample; got {type(weighting).__name__}."
        )
    strategy.check_params()
    return strategy
