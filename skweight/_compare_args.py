"""The arguments of ``skweight.compare.compare_weightings``, checked before any fit.

Also the default candidates and their simplicity ranks, which come from the strategy registry
(``skweight.weighting.registry``) and the baselines (``skweight._candidate``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils.multiclass import type_of_target

from ._candidate import BASELINE_SIMPLICITY, BASELINES, OOF_BASELINES, weighting_param
from ._compare_dense import check_dense_target, dense_note, target_classes
from ._validation import check_sample_weight
from .calibration import CALIBRATIONS
from .cost import align_cost_matrix
from .weighting import registered_strategies, resolve_weighting

#: Baselines that need one label per row (not a dense target), and those that need two classes.
ROW_BASELINES = ("tuned-threshold", "constant", *OOF_BASELINES)
BINARY_BASELINES = ("tuned-threshold", "oof-threshold")


def _registered_candidates() -> list:
    return [c for entry in registered_strategies() for c in entry.candidates]


def simplicity_ranks() -> dict[str, int]:
    """``{candidate name: rank}`` of the baselines and the registered default candidates."""
    ranks = {c.name: c.simplicity for c in _registered_candidates()}
    return dict(sorted({**BASELINE_SIMPLICITY, **ranks}.items(), key=lambda item: item[1]))


def default_strategies(cost_matrix=None, random_state=None) -> dict[str, Any]:
    """Return the default ``{name: weighting}`` strategies, from the strategy registry.

    ``cost_matrix`` (in the order of the estimator's ``classes_``) adds ``"cost-weights"``.
    """
    matrix = None if cost_matrix is None else np.asarray(cost_matrix, dtype=float)
    return {
        c.name: c.make(matrix, random_state)
        for c in _registered_candidates()
        if matrix is not None or not c.needs_cost
    }


@dataclass(frozen=True)
class _Setup:
    """The checked arguments of one comparison."""

    param: str
    classes: np.ndarray
    positive: Any
    matrix: np.ndarray
    strategies: dict[str, Any]
    names: list[str]
    simplicity: list[int]
    sample_weight: np.ndarray | None
    dense: bool = False
    ignore_label: Any = None
    dense_note: str = ""
    calibration: str | None = None

    @property
    def derived(self) -> list[str]:
        """The candidates tuned on out-of-fold probabilities after the search."""
        return [n for n in self.names if n in OOF_BASELINES]

    @property
    def searched(self) -> list[str]:
        """The candidates the search fits."""
        return [n for n in self.names if n not in OOF_BASELINES]


def check_arguments(
    estimator, y, strategies, cost_matrix, labels, fp_cost, fn_cost, pos_label, baselines, cv,
    n_repeats, selection, sample_weight, random_state, calibration="auto",
) -> _Setup:  # fmt: skip
    """Check every argument of ``compare_weightings`` (raising ``TypeError``/``ValueError``)."""
    if not is_classifier(estimator):
        raise TypeError(f"estimator must be a classifier; got {type(estimator).__name__}.")
    if selection not in ("one_se", "best"):
        raise ValueError(f"selection must be 'one_se' or 'best'; got {selection!r}.")
    param = weighting_param(estimator)
    y = np.asarray(y)
    dense, ignore_label = check_dense_target(estimator, y)
    classes = target_classes(y, ignore_label)
    if len(classes) < 2:
        raise ValueError(f"y has a single class {classes.tolist()}; comparing needs two or more.")
    if isinstance(cv, int) and (cv < 2 or n_repeats < 1):
        raise ValueError(f"cv must be >= 2 and n_repeats >= 1; got cv={cv}, n_repeats={n_repeats}.")
    if sample_weight is not None:
        sample_weight = check_sample_weight(sample_weight, y, y.shape if dense else None)
    binary = len(classes) == 2 if dense else type_of_target(y) == "binary"
    matrix = align_cost_matrix(
        classes, cost_matrix, labels, fp_cost=fp_cost, fn_cost=fn_cost, zero_one_default=True
    )
    positive = None
    if binary:
        positive = labels[1] if fp_cost is not None and labels is not None else classes[-1]
        if pos_label is not None:
            if pos_label not in classes.tolist():
                raise ValueError(f"pos_label={pos_label!r} is not a class of y {classes.tolist()}.")
            positive = pos_label

    named = _resolve_strategies(strategies, matrix, random_state)
    for name, value in named.items():  # fail before any fit, naming the strategy
        try:
            resolve_weighting(value)
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"strategies[{name!r}]: {exc}") from exc
    calibration = _check_calibration(calibration, len(classes))
    wanted = _resolve_baselines(baselines, binary, dense, calibration is not None)
    searched = [n for n in wanted if n not in OOF_BASELINES]
    names = searched + [n for n in named if n not in wanted]
    names += [n for n in wanted if n in OOF_BASELINES]  # scored after the search
    ranks = simplicity_ranks()
    simplicity = [ranks.get(n, len(ranks) + i) for i, n in enumerate(names)]
    note = dense_note(left_out=baselines is True) if dense else ""
    return _Setup(
        param, classes, positive, matrix, named, names, simplicity, sample_weight, dense,
        ignore_label, note, calibration,
    )  # fmt: skip


def _check_calibration(calibration, n_classes: int) -> str | None:
    """The calibration map of ``"calibrated-cost-decision"`` (None: that baseline is left out)."""
    if calibration is None:
        return None
    if calibration == "auto":
        return "platt" if n_classes == 2 else "temperature"
    if calibration not in CALIBRATIONS:
        raise ValueError(
            f"calibration must be 'auto', {', '.join(map(repr, CALIBRATIONS))} or None; "
            f"got {calibration!r}."
        )
    if calibration == "platt" and n_classes != 2:
        raise ValueError(f"calibration='platt' needs two classes; y has {n_classes}.")
    return calibration


def _resolve_strategies(strategies, matrix, random_state) -> dict[str, Any]:
    """``{unique name: weighting}`` (see ``_name_strategies`` for list entries)."""
    defaults = default_strategies(matrix, random_state)
    if strategies is None:
        return defaults
    if isinstance(strategies, Mapping):
        named = dict(strategies)
    else:
        named = _name_strategies(
            [strategies] if isinstance(strategies, str) else list(strategies), defaults
        )
    clash = [name for name in named if name in BASELINES]
    if clash:
        raise ValueError(
            f"strategies names the baseline {clash[0]!r}; baselines are chosen with baselines=."
        )
    return named


def _name_strategies(values: list, defaults: dict[str, Any]) -> dict[str, Any]:
    """Name list entries: a name as itself, None as ``"none"``, anything else by its type.

    Entries whose type names clash are named by their ``repr`` instead (``"dict {0: 1, 1: 5}"``,
    ``"ClassWeights(class_weight={0: 1, 1: 5})"``); the same weighting twice is an error.
    """

    def plain(value) -> str:
        if value is None or isinstance(value, str):
            return "none" if value is None else value
        return type(value).__name__

    counts = Counter(plain(value) for value in values)
    out: dict[str, Any] = {}
    for value in values:
        name = plain(value)
        if counts[name] > 1 and not (value is None or isinstance(value, str)):
            name = f"dict {value!r}" if isinstance(value, Mapping) else repr(value)
        if name in out:
            raise ValueError(f"strategies lists the same weighting twice: {name!r}.")
        out[name] = defaults.get(value, value) if isinstance(value, str) else value
    return out


def _resolve_baselines(
    baselines, binary: bool, dense: bool = False, calibrated: bool = True
) -> list[str]:
    """The baselines asked for, in the order of ``BASELINES``.

    ``baselines=True`` leaves out those the target cannot take (a dense target: every one but
    ``"cost-decision"``; more than two classes: the thresholds) and, without a calibration,
    ``"calibrated-cost-decision"``.
    """
    if baselines is True:
        return [
            b for b in BASELINES
            if not (dense and b in ROW_BASELINES) and (binary or b not in BINARY_BASELINES)
            and (calibrated or b != "calibrated-cost-decision")
        ]  # fmt: skip
    if baselines is False or baselines is None:
        return []
    wanted = [baselines] if isinstance(baselines, str) else list(baselines)
    unknown = [b for b in wanted if b not in BASELINES]
    if unknown:
        raise ValueError(f"baselines {unknown} unknown; choose from {list(BASELINES)}.")
    for name in wanted:
        if name in BINARY_BASELINES and not binary:
            raise ValueError(f"baseline {name!r} needs a binary target.")
        if name in ROW_BASELINES and dense:
            raise ValueError(
                f"baseline {name!r} needs one {'binary ' if name in BINARY_BASELINES else ''}"
                "label per row; y has one label per element."
            )
    oof = [b for b in wanted if b in OOF_BASELINES]
    if oof and "cost-decision" not in wanted:
        raise ValueError(
            f"baselines {oof} are tuned on the out-of-fold probabilities of 'cost-decision'; "
            "list 'cost-decision' too."
        )
    if "calibrated-cost-decision" in wanted and not calibrated:
        raise ValueError("baseline 'calibrated-cost-decision' needs a calibration, not None.")
    return [b for b in BASELINES if b in wanted]
