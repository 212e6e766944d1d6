"""Compare weighting strategies, and the cost-decision baseline, by cross-validated cost.

``compare_weightings`` runs one ``GridSearchCV`` whose candidates are the weighting
strategies (``weighting=None``, ``"balanced"``, focal loss, random over- and under-sampling,
cost-proportional weights) and two baselines that need no weighting at all: the unweighted
model deciding by minimum expected cost, and the unweighted model with a threshold tuned by
``TunedThresholdClassifierCV`` (binary, one label per row). Every candidate sees the same
repeated stratified folds (for masks: stratified by each row's rarest class). The winner is
chosen by the one-standard-error rule: the simplest candidate whose mean cost is within one
standard error of the lowest (see ``SIMPLICITY_ORDER``). The default candidates and their
simplicity ranks come from the strategy registry (``skweight.weighting.registry``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.model_selection import (
    RepeatedStratifiedKFold,
)
from sklearn.utils.multiclass import type_of_target

from ._candidate import BASELINE_SIMPLICITY, BASELINES, StrategyCandidate, weighting_param
from ._compare_dense import (
    RowStrata,
    check_dense_target,
    dense_note,
    dense_scorers,
    describe_rows,
    target_classes,
)
from ._fusable import NotFusableError
from ._fused_search import choose_engine, fused_search
from ._params import InvalidParameterError
from ._scoring import comparison_scorers
from ._selection import OneStandardErrorRule
from ._sequential_search import sequential_search
from ._validation import check_sample_weight
from .cost import align_cost_matrix
from .result import ComparisonResult
from .weighting import registered_strategies, resolve_weighting

__all__ = [
    "BASELINES",
    "SIMPLICITY_ORDER",
    "OneStandardErrorRule",
    "StrategyCandidate",
    "compare_weightings",
    "default_strategies",
    "simplicity_ranks",
]


def _registered_candidates() -> list:
    return [c for entry in registered_strategies() for c in entry.candidates]


def simplicity_ranks() -> dict[str, int]:
    """``{candidate name: rank}`` of the baselines and the registered default candidates."""
    ranks = {c.name: c.simplicity for c in _registered_candidates()}
    return dict(sorted({**BASELINE_SIMPLICITY, **ranks}.items(), key=lambda item: item[1]))


#: The candidates from simplest to least simple; the one-standard-error rule prefers earlier
#: ones (class weights change the loss; resampling discards or repeats rows; focal loss changes
#: the loss per row). Strategies not listed come last, in the order given.
SIMPLICITY_ORDER = tuple(simplicity_ranks())


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


def compare_weightings(
    estimator,
    X,
    y,
    strategies=None,
    scoring=None,
    cost_matrix=None,
    *,
    labels=None,
    fp_cost: float | None = None,
    fn_cost: float | None = None,
    pos_label=None,
    baselines: bool | Sequence[str] = True,
    cv=5,
    n_repeats: int = 2,
    selection: str = "one_se",
    threshold_cv: int = 3,
    sample_weight=None,
    n_jobs: int | None = None,
    verbose: int = 1,
    random_state: int | None = None,
    engine: str = "auto",
) -> ComparisonResult:
    """Cross-validate weighting strategies and cost-aware baselines; pick the cheapest.

    See also the guide page [Which strategy should I choose?](choosing-a-strategy.md).

    Parameters
    ----------
    estimator : classifier with a ``weighting`` parameter
        A ``skweight.WeightedKerasClassifier``, or a pipeline ending in one.
    X : array-like of shape (n_samples, ...)
        Features: a table, or rows of any shape (images, sequences) for a ``model=`` network.
    y : array-like of shape (n_samples,) or (n_samples, ...)
        Class labels, one per row, or one per element (masks (n_samples, h, w), as the
        estimator's ``dense_target`` decides), compared by the cost per element, the recall of
        each class and the pooled Dice and Jaccard scores (``skweight.overlap``; the positive
        class, or the macro mean) without the estimator's ``ignore_label``, and without
        average precision or the ``"tuned-threshold"`` baseline.
    strategies : None, sequence, or dict
        ``{name: weighting}``, or a list of weighting values (named after themselves) or of
        names of ``default_strategies``. None uses ``default_strategies``.
    scoring : None, str, or scorer
        What selects the winner (greater is better). None selects by the cost scorer
        (negative expected cost per row). The expected cost is reported either way.
    cost_matrix : None or array-like of shape (n_classes, n_classes)
        ``C[i, j]``: the cost of predicting class ``j`` for a row of class ``i``, in the
        order of ``labels`` (default: the sorted classes). Without ``cost_matrix``,
        ``fp_cost`` and ``fn_cost``, every error costs 1 (the cost is the error rate).
    labels : None or sequence
        The class order of ``cost_matrix``; for ``fp_cost``/``fn_cost``,
        ``[negative, positive]``.
    fp_cost : float or None
        Binary problems: the cost of a false alarm, shorthand for a cost matrix.
    fn_cost : float or None
        Binary problems: the cost of a missed positive.
    pos_label : label or None
        Binary problems: the class whose precision-recall curve and average precision are
        reported. Default: ``labels[1]`` with ``fp_cost``/``fn_cost``, else the last class.
    baselines : bool or sequence of str
        Which of ``BASELINES`` to add; ``"tuned-threshold"`` needs a binary ``y``.
    cv : int or splitter
        An int means ``RepeatedStratifiedKFold(cv, n_repeats)``. For a dense target the
        splitter stratifies on one label per row, the rarest class among its elements (for
        a binary mask: whether it holds any positive element).
    n_repeats : int
        Repetitions of the stratified ``cv``-fold split (ignored for a splitter).
    selection : "one_se" or "best"
        The one-standard-error rule, or the best mean score.
    threshold_cv : int
        Folds used by ``TunedThresholdClassifierCV`` inside each training set.
    sample_weight : array-like of shape (n_samples,) or of y's shape, or None
        Row weights (or, for a dense target, element weights) for fitting and scoring.
    n_jobs : int or None
        Fits run in parallel through joblib (sequential engine; None: one at a time, -1: every
        core).
    verbose : int
        Progress: 0 silent; 1 the engine chosen and one progress bar with the time left (one
        line per fit instead when the sequential engine runs fits in other processes,
        ``n_jobs``); 2 one line per fit and Keras' epochs.
    random_state : int or None
        Seed of the folds, the samplers and (when it has none) the estimator.
    engine : str
        ``"auto"`` (the default), ``"fused"`` or ``"sequential"``. ``"fused"`` trains every
        network of the comparison (each candidate on each fold, the tuned threshold's inner
        folds) side by side in one Keras model, each exactly as its
        own fit would train it, then scores them with the same search, decisions and scorers
        as ``"sequential"``, which fits one network after the other. The fused engine needs
        the built-in network (``model=None``) with a Keras loss and an element-wise optimizer;
        ``"auto"`` uses it when it applies and says why not otherwise (``verbose``). With the
        fused engine, ``search_`` ran on row numbers over networks already trained, its
        ``mean_fit_time`` is each candidate's share of the fused training, and the winner's
        refit is trained on the fused model too (a cost decision then wraps the fitted model in
        a ``FrozenEstimator``; the tuned threshold is refitted by an ordinary fit).

    Returns
    -------
    ComparisonResult

    Raises
    ------
    InvalidParameterError
        (a ``ValueError`` and a ``TypeError``) for any bad argument, before any fit.
    """
    try:  # every argument is checked before any fit
        setup = _check_arguments(
            estimator, y, strategies, cost_matrix, labels, fp_cost, fn_cost, pos_label,
            baselines, cv, n_repeats, selection, sample_weight, random_state,
        )  # fmt: skip
        chosen, why = choose_engine(engine, estimator, n_jobs)
    except (TypeError, ValueError) as exc:
        raise InvalidParameterError(str(exc)) from exc
    names, simplicity, matrix = setup.names, setup.simplicity, setup.matrix
    classes, positive, param = setup.classes, setup.positive, setup.param
    sample_weight = setup.sample_weight

    model = clone(estimator)
    prefix = param[: -len("weighting")]
    own = model.get_params(deep=True)
    if random_state is not None and own.get(prefix + "random_state", 0) is None:
        model.set_params(**{prefix + "random_state": random_state})
    if verbose >= 2 and prefix + "verbose" in own:
        model.set_params(**{prefix + "verbose": 2})

    metric = "score" if scoring is not None else "cost"
    splitter = (
        RepeatedStratifiedKFold(n_splits=cv, n_repeats=n_repeats, random_state=random_state)
        if isinstance(cv, int)
        else cv
    )
    if setup.dense:
        scorers = dense_scorers(matrix, classes, positive, setup.ignore_label, scoring)
        splitter = RowStrata(splitter, classes, setup.ignore_label)
    else:
        scorers = comparison_scorers(matrix, classes, positive, scoring)
    rule = OneStandardErrorRule(metric, simplicity, one_se=selection == "one_se")
    if verbose:
        print(
            f"[skweight] comparing {len(names)} strategies ({', '.join(names)}) on "
            f"{describe_rows(y) if setup.dense else f'{len(y)} rows'}, selecting by {metric} "
            f"with the {'one-standard-error rule' if selection == 'one_se' else 'best mean'}",
            flush=True,
        )
        if setup.dense:
            print(f"[skweight] {setup.dense_note}", flush=True)
    search = None
    if chosen == "fused":
        if verbose:
            print(f"[skweight] engine: fused ({why})", flush=True)
        try:
            search = fused_search(
                model, X, y, sample_weight, names=names, strategies=setup.strategies,
                cost_matrix=matrix, threshold_cv=threshold_cv, scorers=scorers, rule=rule,
                splits=list(splitter.split(X, y)), verbose=verbose,
            )  # fmt: skip
        except NotFusableError as exc:
            if engine == "fused":
                raise InvalidParameterError(f"engine='fused': {exc}.") from exc
            chosen, why = "sequential", str(exc)
    if search is None:
        if verbose:
            print(f"[skweight] engine: sequential ({why})", flush=True)
        search = sequential_search(
            model, X, y, sample_weight, setup, matrix, threshold_cv, scorers, rule, splitter,
            n_jobs, verbose,
        )  # fmt: skip
    return ComparisonResult.from_search(
        search, names=names, simplicity=simplicity, cost_matrix=matrix, classes=classes,
        positive=positive, metric=metric, selection=selection, dense=setup.dense,
    )  # fmt: skip


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


def _check_arguments(
    estimator, y, strategies, cost_matrix, labels, fp_cost, fn_cost, pos_label, baselines, cv,
    n_repeats, selection, sample_weight, random_state,
) -> _Setup:  # fmt: skip
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
    wanted = _resolve_baselines(baselines, binary, dense)
    names = list(wanted) + [n for n in named if n not in wanted]
    ranks = simplicity_ranks()
    simplicity = [ranks.get(n, len(ranks) + i) for i, n in enumerate(names)]
    note = dense_note(left_out=baselines is True and binary) if dense else ""
    return _Setup(
        param, classes, positive, matrix, named, names, simplicity, sample_weight, dense,
        ignore_label, note,
    )  # fmt: skip


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


def _resolve_baselines(baselines, binary: bool, dense: bool = False) -> list[str]:
    if baselines is True:
        return [b for b in BASELINES if (binary and not dense) or b != "tuned-threshold"]
    if baselines is False or baselines is None:
        return []
    wanted = [baselines] if isinstance(baselines, str) else list(baselines)
    unknown = [b for b in wanted if b not in BASELINES]
    if unknown:
        raise ValueError(f"baselines {unknown} unknown; choose from {list(BASELINES)}.")
    if "tuned-threshold" in wanted and not binary:
        raise ValueError("baseline 'tuned-threshold' needs a binary target.")
    if "tuned-threshold" in wanted and dense:
        raise ValueError(
            "baseline 'tuned-threshold' needs one binary label per row; y has one label per "
            "element (TunedThresholdClassifierCV cannot take it)."
        )
    return [b for b in BASELINES if b in wanted]
