"""Compare weighting strategies, and cost-aware baselines, by cross-validated cost.

``compare_weightings`` runs one ``GridSearchCV`` whose candidates are the weighting
strategies (``weighting=None``, ``"balanced"``, focal loss, random over- and under-sampling,
cost-proportional weights) and baselines that need no weighting at all: the unweighted model
deciding by minimum expected cost, the unweighted model with a threshold tuned by
``TunedThresholdClassifierCV`` (binary, one label per row), and the cheapest constant decision.
After the search, two more baselines are tuned on the out-of-fold probabilities of the
unweighted model, with no extra fit: the cost decision on calibrated probabilities, and a
threshold of least out-of-fold cost (``skweight._oof_decisions``). Every candidate sees the same
repeated stratified folds (for masks: stratified by each row's rarest class). The winner is
chosen by the one-standard-error rule: the simplest candidate whose mean cost is within one
standard error of the lowest (see ``SIMPLICITY_ORDER``), or the constant decision when that
costs less. The default candidates and their simplicity ranks come from the strategy registry
(``skweight.weighting.registry``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, RepeatedStratifiedKFold

from ._candidate import BASELINES, StrategyCandidate
from ._compare_args import (
    _resolve_strategies,  # noqa: F401 - tests and the command line resolve names here
    check_arguments,
    default_strategies,
    simplicity_ranks,
)
from ._compare_dense import RowStrata, dense_scorers, describe_rows
from ._fusable import NotFusableError
from ._fused_search import choose_engine, fused_search
from ._oof_decisions import ProbaRecorder, add_derived
from ._params import InvalidParameterError
from ._scoring import comparison_scorers
from ._search_plan import SearchPlan, sequential_search
from ._selection import OneStandardErrorRule
from .result import ComparisonResult

__all__ = [
    "BASELINES",
    "SIMPLICITY_ORDER",
    "OneStandardErrorRule",
    "StrategyCandidate",
    "compare_weightings",
    "default_strategies",
    "simplicity_ranks",
]


#: The candidates from simplest to least simple; the one-standard-error rule prefers earlier
#: ones (class weights change the loss; resampling discards or repeats rows; focal loss changes
#: the loss per row). Strategies not listed come last, in the order given.
SIMPLICITY_ORDER = tuple(simplicity_ranks())


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
    calibration: str | None = "auto",
    final: str = "refit",
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
        Which of ``BASELINES`` to add (True: every one the target can take):
        ``"cost-decision"`` (the unweighted model deciding by minimum expected cost),
        ``"calibrated-cost-decision"`` (the same on probabilities calibrated out-of-fold, see
        ``calibration``), ``"tuned-threshold"`` (``TunedThresholdClassifierCV``, binary),
        ``"oof-threshold"`` (binary: the threshold of least cost on the out-of-fold
        probabilities) and ``"constant"`` (``skweight.constant.ConstantCostClassifier``, the
        cheapest constant decision). The two out-of-fold baselines fit no network: they are
        tuned on the probabilities that ``"cost-decision"``'s fold networks gave their test
        rows, each fold's from the other folds (so they need ``"cost-decision"``, and every fit
        in this process: the fused engine, or ``n_jobs`` None or 1). Every baseline but
        ``"cost-decision"`` needs one label per row.
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
        core). The fused engine on JAX's CPU trains the built-in network's passes in up to
        ``n_jobs`` lanes, one thread each.
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
        a Keras loss, an element-wise optimizer, one label per row and rows in memory, and
        either the built-in network (``model=None``, any backend: one model of grouped
        layers) or the JAX backend, where any network is fused by ``jax.vmap`` over its
        stateless call (not one with batch normalisation, which mixes the rows of a batch;
        with dropout, the masks of an epoch's last batch differ from a separate fit's).
        ``"auto"`` uses it when it applies and says why not otherwise (``verbose``). With the
        fused engine, ``search_`` ran on row numbers over networks already trained, its
        ``mean_fit_time`` is each candidate's share of the fused training. For the built-in
        network with ``final="refit"``, every candidate's network on all rows trains in the
        same pass, before the winner is known (the others are dropped; each is one more
        network against the ``cv * n_repeats`` of its folds), so the winner needs no refit
        afterwards; a network of one's own, whose arithmetic outweighs a step's dispatch,
        refits only the winner, on the fused engine. A cost decision then wraps the fitted
        model in a ``FrozenEstimator``; the tuned threshold is refitted by an ordinary fit.
        Its ``history_`` holds the loss of every epoch, as its own fit's.

    calibration : str or None
        ``"auto"``, ``"platt"``, ``"temperature"`` or None: the calibration of
        ``"calibrated-cost-decision"`` (``skweight.calibration``): Platt
        scaling (binary), temperature scaling, or ``"auto"`` (Platt for two classes,
        temperature for more). None leaves that baseline out.
    final : str
        ``"refit"`` (the default): the winner trained anew on every row. ``"fold-average"``
        (fused engine only): the winner's networks of every fold, already trained, averaged
        (``skweight.fold_average.FoldAverageClassifier``, inside the winner's decision): no
        refit, and a prediction costs one network's per fold (10 at the default ``cv`` and
        ``n_repeats``). The tuned threshold and the constant are refitted either way.

    Returns
    -------
    ComparisonResult

    Raises
    ------
    InvalidParameterError
        (a ``ValueError`` and a ``TypeError``) for any bad argument, before any fit.
    """
    try:  # every argument is checked before any fit
        setup = check_arguments(
            estimator, y, strategies, cost_matrix, labels, fp_cost, fn_cost, pos_label,
            baselines, cv, n_repeats, selection, sample_weight, random_state, calibration,
        )  # fmt: skip
        chosen, why = choose_engine(engine, estimator, n_jobs)
        _check_final(final, chosen, why)
    except (TypeError, ValueError) as exc:
        raise InvalidParameterError(str(exc)) from exc
    names, matrix, classes = setup.names, setup.matrix, setup.classes
    sample_weight = setup.sample_weight

    model = clone(estimator)
    prefix = setup.param[: -len("weighting")]
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
        scorers = dense_scorers(matrix, classes, setup.positive, setup.ignore_label, scoring)
        splitter = RowStrata(splitter, classes, setup.ignore_label)
    else:
        scorers = comparison_scorers(matrix, classes, setup.positive, scoring)
    floor = "constant" if "constant" in names else None
    rule = OneStandardErrorRule(metric, setup.simplicity, selection == "one_se", floor)
    if verbose:
        print(
            f"[skweight] comparing {len(names)} strategies ({', '.join(names)}) on "
            f"{describe_rows(y) if setup.dense else f'{len(y)} rows'}, selecting by {metric} "
            f"with the {'one-standard-error rule' if selection == 'one_se' else 'best mean'}",
            flush=True,
        )
        if setup.dense:
            print(f"[skweight] {setup.dense_note}", flush=True)
    splits = list(splitter.split(X, y))
    recorder = ProbaRecorder(splits) if setup.derived else None

    def finish(search: GridSearchCV) -> dict[str, Any]:
        """Add the out-of-fold candidates to the fitted search; their fitted decisions."""
        if not setup.derived:
            return {}
        return add_derived(
            search, recorder, setup.derived, y, sample_weight, matrix, classes,
            setup.calibration, verbose,
        )  # fmt: skip

    plan = SearchPlan(setup.searched, setup.strategies, matrix, threshold_cv, scorers, rule,
                      splits, recorder, finish, final)  # fmt: skip
    search = None
    if chosen == "fused":
        if verbose:
            print(f"[skweight] engine: fused ({why})", flush=True)
        try:
            search = fused_search(model, X, y, sample_weight, plan, verbose=verbose, n_jobs=n_jobs)
        except NotFusableError as exc:
            if engine == "fused" or final != "refit":
                raise InvalidParameterError(f"engine={engine!r}, final={final!r}: {exc}.") from exc
            chosen, why = "sequential", str(exc)
    if search is None:
        if verbose:
            print(f"[skweight] engine: sequential ({why})", flush=True)
        search = sequential_search(model, X, y, sample_weight, plan, n_jobs, verbose)
    rank = dict(zip(names, setup.simplicity, strict=True))
    scored = [str(n) for n in search.cv_results_["param_strategy"]]
    return ComparisonResult.from_search(
        search, names=scored, simplicity=[rank[n] for n in scored], cost_matrix=matrix,
        classes=classes, positive=setup.positive, metric=metric, selection=selection,
        dense=setup.dense, decisions=search.decisions_, splits=splits,
        oof_proba=None if recorder is None else recorder.fold_proba("cost-decision"),
    )  # fmt: skip


#: The final models ``compare_weightings(final=...)`` makes of the winner.
FINALS = ("refit", "fold-average")


def _check_final(final: str, engine: str, why: str) -> None:
    if final not in FINALS:
        raise ValueError(f"final must be one of {list(FINALS)}; got {final!r}.")
    if final == "fold-average" and engine != "fused":
        raise ValueError(
            f"final='fold-average' averages the fused engine's fold networks, and this "
            f"comparison runs on the sequential engine ({why})."
        )
