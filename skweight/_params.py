"""Declarative parameter constraints, checked once before any Keras work.

An estimator or strategy lists what each parameter may be in ``_parameter_constraints``
(``{name: [constraint, ...]}``, any one of which may hold), in the style of scikit-learn's
``_parameter_constraints``; ``check_params`` checks them all and raises one error that names
the parameter, what it must be and what it got::

    _parameter_constraints = {"beta": [Interval(numbers.Real, 0, 1, closed="left")]}
    # -> "EffectiveNumberWeights: beta must be a float in [0, 1); got 1.5."

Numbers must be finite (no NaN, no infinity) and booleans are never numbers.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "Bool",
    "Interval",
    "InvalidParameterError",
    "Options",
    "Satisfies",
    "check_params",
    "numbers_at_least",
]


class InvalidParameterError(ValueError, TypeError):
    """A parameter has a value or type it may not have (both a ValueError and a TypeError)."""


def _is_number(value: Any, kind: type) -> bool:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, kind):
        return False
    return math.isfinite(float(value))


@dataclass(frozen=True)
class Interval:
    """A finite number of ``kind`` (``numbers.Integral`` or ``numbers.Real``) between bounds.

    ``closed`` is ``"left"``, ``"right"``, ``"both"`` or ``"neither"``; a bound of None is open.
    """

    kind: type
    low: float | None = None
    high: float | None = None
    closed: str = "both"

    def holds(self, value: Any) -> bool:
        if not _is_number(value, self.kind):
            return False
        low_ok = self.low is None or (
            value >= self.low if self.closed in ("left", "both") else value > self.low
        )
        high_ok = self.high is None or (
            value <= self.high if self.closed in ("right", "both") else value < self.high
        )
        return low_ok and high_ok

    def describe(self) -> str:
        noun = "an integer" if self.kind is numbers.Integral else "a number"
        left = "[" if self.closed in ("left", "both") else "("
        right = "]" if self.closed in ("right", "both") else ")"
        if self.low is not None and self.high is not None:
            noun = "an integer" if self.kind is numbers.Integral else "a float"
            return f"{noun} in {left}{self.low:g}, {self.high:g}{right}"
        if self.low is not None:
            return f"{noun} {'>=' if left == '[' else '>'} {self.low:g}"
        if self.high is not None:
            return f"{noun} {'<=' if right == ']' else '<'} {self.high:g}"
        return f"a finite {noun.split()[-1]}"


@dataclass(frozen=True)
class Options:
    """One of a fixed set of values (strings compared exactly, or None)."""

    values: tuple

    def holds(self, value: Any) -> bool:
        return any(value is v or (isinstance(value, str) and value == v) for v in self.values)

    def describe(self) -> str:
        return " or ".join(repr(v) for v in self.values)


class _Bool:
    def holds(self, value: Any) -> bool:
        return isinstance(value, (bool, np.bool_))

    def describe(self) -> str:
        return "True or False"


#: ``True`` or ``False`` (no truthy strings or numbers).
Bool = _Bool()


@dataclass(frozen=True)
class Satisfies:
    """Any value for which ``test(value)`` is true, described as ``description``."""

    test: Callable[[Any], bool]
    description: str

    def holds(self, value: Any) -> bool:
        try:
            return bool(self.test(value))
        except (TypeError, ValueError):
            return False

    def describe(self) -> str:
        return self.description


def numbers_at_least(low: float, *, length: int | None = None) -> Satisfies:
    """A sequence of finite numbers >= ``low`` (of ``length`` entries, if given)."""

    def test(value: Any) -> bool:
        if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Sequence | np.ndarray):
            return False
        entries = list(value)
        if length is not None and len(entries) != length:
            return False
        return all(_is_number(v, numbers.Real) and v >= low for v in entries) and bool(entries)

    return Satisfies(test, f"a sequence of numbers >= {low:g}")


def _join(descriptions: list[str]) -> str:
    if len(descriptions) == 1:
        return descriptions[0]
    return ", ".join(descriptions[:-1]) + " or " + descriptions[-1]


def check_params(
    params: Mapping[str, Any], constraints: Mapping[str, Sequence[Any]], *, owner: str = ""
) -> None:
    """Raise ``InvalidParameterError`` for the first parameter that meets none of its rules.

    ``None`` in a constraint list allows None. ``owner`` (e.g. ``"FocalLoss"``) prefixes the
    message.
    """
    for name, allowed in constraints.items():
        if name not in params:
            continue
        value = params[name]
        if value is None and None in allowed:
            continue
        rules = [rule for rule in allowed if rule is not None]
        if any(rule.holds(value) for rule in rules):
            continue
        descriptions = (["None"] if None in allowed else []) + [rule.describe() for rule in rules]
        prefix = f"{owner}: " if owner else ""
        raise InvalidParameterError(f"{prefix}{name} must be {_join(descriptions)}; got {value!r}.")
