"""Compare weighting strategies, and the cost-decision baseline, by cross-validated cost.

``compare_weightings`` runs one ``GridSearchCV`` whose candidates are the weighting
strategies (``weighting=None``, ``"balanced"``, focal loss, random over- and under-sampling,
cost-proportional weights) and two baselines that need no weighting at all: the unweighted
model deciding by minimum expected cost, and the unweighted model with a threshold tuned by
``TunedThresholdClassifierCV`` (binary only). Every candidate sees the same repeated stratified
folds. The winner is chosen by the one-standard-error rule: the simplest candidate whose mean
cost is within one standard error of the lowest (see ``SIMPLICITY_ORDER``).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone, is_classifier
from sklearn.model_selection import (
    GridSearchCV,
    RepeatedStratifiedKFold,
    TunedThresholdClassifierCV,
)
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import _check_sample_weight, check_is_fitted

from ._scoring import comparison_scorers, fold_scores, standard_error
from .cost import make_cost_scorer
from .decision import MinimumCostClassifier, align_cost_matrix
from .result import ComparisonResult
from .weighting import resolve_weighting

__all__ = [
    "BASELINES",
    "SIMPLICITY_ORDER",
    "OneStandardErrorRule",
    "StrategyCandidate",
    "compare_weightings",
    "default_strategies",
]

#: Candidates that train without weighting and act on the decision instead.
BASELINES = ("cost-decision", "tuned-threshold")

#: The one-standard-error rule prefers earlier entries. Deciding by cost changes nothing in
#: training and has no fitted knob; the plain model ignores costs; a tuned threshold fits one
#: number; class weights change the loss; resampling discards or repeats rows; focal loss
#: changes the loss per row. Strategies not listed come last, in the order given.
SIMPLICITY_ORDER = (
    "cost-decision",
    "none",
    "tuned-threshold",
    "balanced",
    "cost-weights",
    "undersample",
    "oversample",
    "focal",
)


def default_strategies(cost_matrix=None, random_state=None) -> dict[str, Any]:
    """Return the default ``{name: weighting}`` strategies.

    ``cost_matrix`` (in the order of the estimator's ``classes_``) adds ``"cost-weights"``.
    """
    from imblearn.over_sampling import RandomOverSampler
    from imblearn.under_sampling import RandomUnderSampler

    from .weighting import CostSensitiveWeights

    strategies: dict[str, Any] = {
        "none": None,
        "balanced": "balanced",
        "focal": "focal",
        "oversample": RandomOverSampler(random_state=random_state),
        "undersample": RandomUnderSampler(random_state=random_state),
    }
    if cost_matrix is not None:
        strategies["cost-weights"] = CostSensitiveWeights(np.asarray(cost_matrix).tolist())
    return strategies


def _weighting_param(estimator) -> str:
    """The name of ``estimator``'s weighting parameter (``weighting`` or ``step__weighting``)."""
    names = [k for k in estimator.get_params(deep=True) if k.split("__")[-1] == "weighting"]
    if "weighting" in names:
        return "weighting"
    if len(names) != 1:
        raise ValueError(
            f"estimator must have exactly one weighting parameter (e.g. a "
            f"WeightedKerasClassifier, alone or as a pipeline step); found {names or 'none'}."
        )
    return names[0]


class StrategyCandidate(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """One candidate of ``compare_weightings``: ``estimator`` trained the ``strategy`` way.

    Parameters
    ----------
    estimator : classifier with a ``weighting`` parameter
    strategy : str
        A key of ``strategies``, ``"cost-decision"`` (unweighted, then
        ``skweight.decision.MinimumCostClassifier``) or ``"tuned-threshold"``
        (unweighted, in ``TunedThresholdClassifierCV`` scored by cost).
    strategies : dict
        ``{name: weighting value}``.
    cost_matrix : ndarray
        Costs in the order of the classes of ``y``.
    threshold_cv : int
        Folds of the threshold tuning.
    verbose : int
        Print one line per fit when > 0.
    """

    def __init__(
        self, estimator, strategy="none", strategies=None, cost_matrix=None, threshold_cv=3,
        verbose=0,
    ):  # fmt: skip
        self.estimator = estimator
        self.strategy = strategy
        self.strategies = strategies
        self.cost_matrix = cost_matrix
        self.threshold_cv = threshold_cv
        self.verbose = verbose

    def _build(self, classes: np.ndarray):
        model = clone(self.estimator)
        param = _weighting_param(model)
        strategies = self.strategies or {}
        if self.strategy in BASELINES:
            model.set_params(**{param: None})
            if self.strategy == "cost-decision":
                return MinimumCostClassifier(model, cost_matrix=self.cost_matrix, labels=classes)
            scorer = make_cost_scorer(self.cost_matrix, labels=classes)
            return TunedThresholdClassifierCV(model, scoring=scorer, cv=self.threshold_cv)
        if self.strategy not in strategies:
            raise ValueError(
                f"strategy={self.strategy!r} is not one of {list(strategies) + list(BASELINES)}."
            )
        return model.set_params(**{param: strategies[self.strategy]})

    def fit(self, X, y, sample_weight=None):
        """Build the candidate model and fit it."""
        start = time.perf_counter()
        self.classes_ = np.unique(y)
        model = self._build(self.classes_)
        if sample_weight is None:
            model.fit(X, y)
        else:
            # route the weights to every step that takes them (pipelines, the threshold tuner and
            # its scorer accept fit metadata only through routing)
            with sklearn.config_context(enable_metadata_routing=True):
                _request_sample_weight(model)
                if isinstance(model, TunedThresholdClassifierCV):
                    model.scoring.set_score_request(sample_weight=True)
                model.fit(X, y, sample_weight=sample_weight)
        self.model_ = model
        if self.verbose:
            print(
                f"[skweight] {self.strategy:<16} fitted on {len(y)} rows in "
                f"{time.perf_counter() - start:5.1f}s",
                flush=True,
            )
        return self

    def predict(self, X):
        """Predictions of the fitted candidate."""
        check_is_fitted(self, "model_")
        return self.model_.predict(X)

    def predict_proba(self, X):
        """Class probabilities of the fitted candidate."""
        check_is_fitted(self, "model_")
        return self.model_.predict_proba(X)


def _request_sample_weight(estimator) -> None:
    """Ask every consumer in ``estimator`` (pipeline steps included) for ``sample_weight``."""
    parts = [estimator, *estimator.get_params(deep=True).values()]
    for part in parts:
        if hasattr(part, "set_fit_request") and isinstance(part, BaseEstimator):
            part.set_fit_request(sample_weight=True)


class OneStandardErrorRule:
    """``refit`` callable for ``GridSearchCV``: the simplest candidate within one SE of the best.

    Parameters
    ----------
    metric : str
        The scorer name in ``cv_results_`` (greater is better).
    simplicity : sequence of int
        One rank per candidate; lower is simpler.
    one_se : bool
        False picks the best mean score instead.
    """

    def __init__(self, metric: str, simplicity: Sequence[int], one_se: bool = True):
        self.metric = metric
        self.simplicity = list(simplicity)
        self.one_se = one_se

    def __call__(self, cv_results: Mapping[str, Any]) -> int:
        scores = fold_scores(cv_results, self.metric)
        means = scores.mean(axis=1)
        best = int(np.nanargmax(means))
        if not self.one_se:
            return best
        se = standard_error(scores[best])
        eligible = np.flatnonzero(means >= means[best] - se)
        return int(min(eligible, key=lambda i: (self.simplicity[i], -means[i])))


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
) -> ComparisonResult:
    """Cross-validate weighting strategies and cost-aware baselines; pick the cheapest.

    See also the guide page [Which strategy should I choose?](choosing-a-strategy.md).

    Parameters
    ----------
    estimator : classifier with a ``weighting`` parameter
        A ``skweight.WeightedKerasClassifier``, or a pipeline ending in one.
    X : array-like of shape (n_samples, n_features)
        Features.
    y : array-like of shape (n_samples,)
        Class labels.
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
        An int means ``RepeatedStratifiedKFold(cv, n_repeats)``.
    n_repeats : int
        Repetitions of the stratified ``cv``-fold split (ignored for a splitter).
    selection : "one_se" or "best"
        The one-standard-error rule, or the best mean score.
    threshold_cv : int
        Folds used by ``TunedThresholdClassifierCV`` inside each training set.
    sample_weight : array-like of shape (n_samples,), or None
        Row weights for fitting and scoring.
    n_jobs : int or None
        Fits run in parallel through joblib (None: one at a time, -1: every core).
    verbose : int
        Progress: 0 silent, 1 one line per fit, 2 also Keras' epochs.
    random_state : int or None
        Seed of the folds, the samplers and (when it has none) the estimator.

    Returns
    -------
    ComparisonResult
    """
    if not is_classifier(estimator):
        raise TypeError(f"estimator must be a classifier; got {type(estimator).__name__}.")
    if selection not in ("one_se", "best"):
        raise ValueError(f"selection must be 'one_se' or 'best'; got {selection!r}.")
    param = _weighting_param(estimator)
    y = np.asarray(y)
    classes = np.unique(y)
    if len(classes) < 2:
        raise ValueError(f"y has a single class {classes.tolist()}; comparing needs two or more.")
    if isinstance(cv, int) and (cv < 2 or n_repeats < 1):
        raise ValueError(f"cv must be >= 2 and n_repeats >= 1; got cv={cv}, n_repeats={n_repeats}.")
    if sample_weight is not None:
        sample_weight = _check_sample_weight(sample_weight, y, dtype=np.float64, copy=True)
    binary = type_of_target(y) == "binary"
    if cost_matrix is None and fp_cost is None and fn_cost is None:
        cost_matrix, labels = 1.0 - np.eye(len(classes)), classes
    matrix = align_cost_matrix(classes, cost_matrix, labels, fp_cost=fp_cost, fn_cost=fn_cost)
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
    wanted = _resolve_baselines(baselines, binary)
    names = list(wanted) + [n for n in named if n not in wanted]
    order = {name: i for i, name in enumerate(SIMPLICITY_ORDER)}
    simplicity = [order.get(n, len(order) + names.index(n)) for n in names]

    model = clone(estimator)
    prefix = param[: -len("weighting")]
    own = model.get_params(deep=True)
    if random_state is not None and own.get(prefix + "random_state", 0) is None:
        model.set_params(**{prefix + "random_state": random_state})
    if verbose >= 2 and prefix + "verbose" in own:
        model.set_params(**{prefix + "verbose": 2})

    scorers = comparison_scorers(matrix, classes, positive, scoring)
    metric = "score" if scoring is not None else "cost"
    splitter = (
        RepeatedStratifiedKFold(n_splits=cv, n_repeats=n_repeats, random_state=random_state)
        if isinstance(cv, int)
        else cv
    )
    candidate = StrategyCandidate(
        model, strategies=named, cost_matrix=matrix, threshold_cv=threshold_cv,
        verbose=int(verbose > 0),
    )  # fmt: skip
    search = GridSearchCV(
        candidate,
        {"strategy": names},
        scoring=scorers,
        refit=OneStandardErrorRule(metric, simplicity, one_se=selection == "one_se"),
        cv=splitter,
        n_jobs=n_jobs,
        verbose=int(verbose > 0),
        error_score="raise",
    )
    fit_params = {} if sample_weight is None else {"sample_weight": sample_weight}
    if verbose:
        print(
            f"[skweight] comparing {len(names)} strategies ({', '.join(names)}) on "
            f"{len(y)} rows, selecting by {metric} with the "
            f"{'one-standard-error rule' if selection == 'one_se' else 'best mean'}",
            flush=True,
        )
    with sklearn.config_context(enable_metadata_routing=False):
        search.fit(X, y, **fit_params)
    return ComparisonResult.from_search(
        search, names=names, simplicity=simplicity, cost_matrix=matrix, classes=classes,
        positive=positive, metric=metric, selection=selection,
    )  # fmt: skip


def _resolve_strategies(strategies, matrix, random_state) -> dict[str, Any]:
    defaults = default_strategies(matrix, random_state)
    if strategies is None:
        return defaults
    if isinstance(strategies, Mapping):
        return dict(strategies)
    if isinstance(strategies, str):
        strategies = [strategies]
    out: dict[str, Any] = {}
    for value in strategies:
        if isinstance(value, str) and value in BASELINES:
            raise ValueError(
                f"strategies names the baseline {value!r}; baselines are chosen with baselines=."
            )
        if isinstance(value, str) and value in defaults:
            out[value] = defaults[value]
        elif value is None:
            out["none"] = None
        elif isinstance(value, str):
            out[value] = value
        else:
            out[type(value).__name__] = value
    return out


def _resolve_baselines(baselines, binary: bool) -> list[str]:
    if baselines is True:
        return [b for b in BASELINES if binary or b != "tuned-threshold"]
    if baselines is False or baselines is None:
        return []
    wanted = [baselines] if isinstance(baselines, str) else list(baselines)
    unknown = [b for b in wanted if b not in BASELINES]
    if unknown:
        raise ValueError(f"baselines {unknown} unknown; choose from {list(BASELINES)}.")
    if "tuned-threshold" in wanted and not binary:
        raise ValueError("baseline 'tuned-threshold' needs a binary target.")
    return [b for b in BASELINES if b in wanted]
