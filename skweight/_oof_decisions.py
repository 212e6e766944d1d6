"""Decisions tuned on the out-of-fold probabilities a comparison already has (no extra fits).

Every fold of ``compare_weightings`` predicts its test rows with a network that did not train on
them. ``ProbaRecorder`` keeps those probabilities for the ``"cost-decision"`` candidate (the
unweighted network) while the search scores it, and two more candidates are made from them:

* ``"calibrated-cost-decision"``: the minimum-cost rule on probabilities calibrated by
  ``skweight.calibration`` (Platt or temperature scaling);
* ``"oof-threshold"`` (binary): predict the positive class above the threshold of least cost.

Each is scored like the other candidates, fold by fold, by cross-fitting: the calibration or
threshold used on a fold's test rows is fitted on the out-of-fold probabilities of the *other*
folds' test rows (never on that fold's own rows; the other folds' networks did train on them).
The winner's refit carries the calibration or threshold fitted on every out-of-fold probability.
"""

from __future__ import annotations

import time
import warnings
from typing import Any

import numpy as np
from scipy.stats import rankdata
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.metrics import check_scoring

from .calibration import make_calibrator
from .decision import minimum_cost_predict

#: The candidate whose out-of-fold probabilities the derived candidates read.
BASE = "cost-decision"
#: Candidates computed from ``BASE``'s out-of-fold probabilities, after the search.
DERIVED = ("calibrated-cost-decision", "oof-threshold")


def _rows_key(rows) -> bytes:
    return np.asarray(rows).ravel().astype(np.int64).tobytes()


class ProbaRecorder:
    """The test-fold probabilities of the candidates in ``strategies``, split by split.

    ``StrategyCandidate`` calls ``split_of`` in ``fit`` (with the numbers of its training rows)
    and ``record`` in ``predict_proba``. It records only in this process: a search whose fits
    run in other processes leaves it empty. Clones share it (``deepcopy`` returns it).
    """

    def __init__(self, splits, strategies=(BASE,)):
        self.splits = [(np.asarray(tr), np.asarray(te)) for tr, te in splits]
        self.strategies = set(strategies)
        self._index = {_rows_key(train): s for s, (train, _) in enumerate(self.splits)}
        self.proba: dict[tuple[str, int], np.ndarray] = {}

    def __deepcopy__(self, memo):
        return self

    def split_of(self, strategy: str, rows) -> int | None:
        """The split whose training rows are ``rows``, if ``strategy`` is recorded."""
        if strategy not in self.strategies or rows is None:
            return None
        return self._index.get(_rows_key(rows))

    def record(self, strategy: str, split: int, proba) -> None:
        """Keep ``proba`` if it is the prediction of split ``split``'s test rows."""
        proba = np.asarray(proba, dtype=np.float64)
        if proba.ndim == 2 and len(proba) == len(self.splits[split][1]):
            self.proba[(strategy, split)] = proba

    def fold_proba(self, strategy: str) -> list[np.ndarray] | None:
        """The probabilities of every split's test rows, or None if a split is missing."""
        folds = [self.proba.get((strategy, s)) for s in range(len(self.splits))]
        return None if any(p is None for p in folds) else folds


class _Fixed(ClassifierMixin, BaseEstimator):
    """Stands in for a fitted candidate on one fold: given decisions and probabilities."""

    def __init__(self, classes=None, proba=None, decisions=None):
        self.classes = classes
        self.proba = proba
        self.decisions = decisions

    def fit(self, X, y):  # pragma: no cover - never fitted, only scored
        return self

    @property
    def classes_(self) -> np.ndarray:
        return self.classes

    def predict_proba(self, X) -> np.ndarray:
        return self.proba

    def predict(self, X) -> np.ndarray:
        return self.decisions


def cost_optimal_threshold(positive, y, cost_matrix, sample_weight=None) -> float:
    """The threshold on ``p(second class)`` of least total cost on these rows.

    Parameters
    ----------
    positive : ndarray of shape (n_samples,)
        Probabilities of the second class.
    y : ndarray of int of shape (n_samples,)
        Column index (0 or 1) of each row's class.
    cost_matrix : ndarray of shape (2, 2)
    sample_weight : ndarray or None

    Returns
    -------
    float
        Predict the second class when ``p >= threshold``. Among thresholds of equal cost, the
        one nearest the cost threshold ``(C01 - C00) / ((C01 - C00) + (C10 - C11))``, placed
        half-way between the neighbouring probabilities.
    """
    weights = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, float)
    order = np.argsort(positive, kind="stable")
    p, cls, w = positive[order], y[order], weights[order]
    negative_cost = cost_matrix[cls, 0] * w  # each row's cost if predicted as the first class
    positive_cost = cost_matrix[cls, 1] * w
    values, first = np.unique(p, return_index=True)
    # threshold at values[k]: rows before first[k] negative, the rest positive; plus "none"
    below = np.concatenate([[0.0], np.cumsum(negative_cost)])[np.append(first, len(p))]
    above = np.concatenate([np.cumsum(positive_cost[::-1])[::-1], [0.0]])[np.append(first, len(p))]
    total = below + above
    # half-way between neighbouring probabilities (0 and 1 outside them); the last cut is above
    # every probability (no row positive)
    cuts = (np.append(0.0, values) + np.append(values, 1.0)) / 2
    cuts[-1] = max(cuts[-1], np.nextafter(values[-1], 2.0))
    false_alarm = cost_matrix[0, 1] - cost_matrix[0, 0]
    bayes = false_alarm / (false_alarm + cost_matrix[1, 0] - cost_matrix[1, 1])
    best = np.flatnonzero(np.isclose(total, total.min(), rtol=1e-12, atol=1e-12))
    return float(cuts[best[np.argmin(np.abs(cuts[best] - bayes))]])


def fit_decision(name: str, proba, y_index, sample_weight, cost_matrix, calibration: str):
    """The fitted calibrator (calibrated cost decision) or threshold (oof-threshold)."""
    if name == "oof-threshold":
        return cost_optimal_threshold(proba[:, 1], y_index, cost_matrix, sample_weight)
    return make_calibrator(calibration, proba.shape[1]).fit(proba, y_index, sample_weight)


def apply_decision(name: str, decision, proba, classes, cost_matrix):
    """``(probabilities, decisions)`` of a derived candidate on some rows."""
    if name == "oof-threshold":
        return proba, classes[(proba[:, 1] >= decision).astype(int)]
    calibrated = decision.transform(proba)
    return calibrated, minimum_cost_predict(calibrated, cost_matrix, classes=classes)


def add_derived(
    search, recorder: ProbaRecorder, derived: list[str], y, sample_weight,
    cost_matrix, classes, calibration: str, verbose: int,
) -> dict[str, Any]:  # fmt: skip
    """Score the ``derived`` candidates fold by fold and append them to ``search.cv_results_``.

    Returns
    -------
    dict
        ``{name: decision}`` fitted on every out-of-fold probability (for the refit), for the
        candidates added; empty when the probabilities were not recorded (a search whose fits
        ran in other processes), with a warning.
    """
    folds = recorder.fold_proba(BASE)
    if folds is None:
        warnings.warn(
            f"compare_weightings: {', '.join(derived)} left out: they need the out-of-fold "
            "probabilities of every fold in this process, and the fits ran elsewhere (n_jobs); "
            "use the fused engine or n_jobs=None for them.",
            UserWarning,
            stacklevel=3,
        )
        return {}
    y = np.asarray(y)
    y_index = np.searchsorted(classes, y)
    splits = recorder.splits
    scorer = check_scoring(None, scoring=search.scoring)
    base = list(search.cv_results_["param_strategy"]).index(BASE)
    finals: dict[str, Any] = {}
    for name in derived:
        start = time.perf_counter()
        folds_decided, finals[name] = cross_fit(
            name, folds, splits, y_index, sample_weight, cost_matrix, classes, calibration
        )
        scores: list[dict[str, float]] = []
        for (_, test), (fold, decided) in zip(splits, folds_decided, strict=True):
            params = {} if sample_weight is None else {"sample_weight": sample_weight[test]}
            stand_in = _Fixed(classes, fold, decided)
            scores.append(scorer(stand_in, np.zeros((len(test), 1)), y[test], **params))
        seconds = (time.perf_counter() - start) / len(splits)
        _append(search.cv_results_, name, scores, base, seconds)
        if verbose:
            print(f"[skweight] {name}: {finals[name]!r} on the out-of-fold rows", flush=True)
    return finals


def cross_fit(
    name: str, folds, splits, y_index, sample_weight, cost_matrix, classes, calibration=None
) -> tuple[list[tuple[np.ndarray, np.ndarray]], Any]:
    """A derived candidate's probabilities and decisions on every split's test rows, each
    split's decision fitted on the other splits' test rows, and the decision fitted on all.

    Parameters
    ----------
    name : str
        One of ``DERIVED``.
    folds : list of ndarray
        The base candidate's probabilities of each split's test rows.
    splits : list of (train, test)
    y_index : ndarray of int
        The column of each row's class (every row of the comparison).
    sample_weight : ndarray or None
    cost_matrix : ndarray
    classes : ndarray
    calibration : str or None
        The calibration map (``"calibrated-cost-decision"``).

    Returns
    -------
    list of (proba, decisions)
        One pair per split.
    decision
        Fitted on every split's test rows.
    """
    decided = []
    for s, (_, test) in enumerate(splits):
        proba, target, weights = _pool(folds, splits, y_index, sample_weight, exclude=test)
        decision = fit_decision(name, proba, target, weights, cost_matrix, calibration)
        decided.append(apply_decision(name, decision, folds[s], classes, cost_matrix))
    proba, target, weights = _pool(folds, splits, y_index, sample_weight, exclude=None)
    return decided, fit_decision(name, proba, target, weights, cost_matrix, calibration)


def _pool(folds, splits, y_index, sample_weight, exclude):
    """Out-of-fold probabilities, classes and weights of every split's test rows not in
    ``exclude``."""
    parts, targets, weights = [], [], []
    for proba, (_, test) in zip(folds, splits, strict=True):
        keep = np.ones(len(test), bool) if exclude is None else ~np.isin(test, exclude)
        parts.append(proba[keep])
        targets.append(y_index[test[keep]])
        weights.append(None if sample_weight is None else sample_weight[test[keep]])
    weight = None if sample_weight is None else np.concatenate(weights)
    return np.concatenate(parts), np.concatenate(targets), weight


def _append(results: dict, name: str, scores: list[dict[str, float]], base: int, seconds: float):
    """Add one candidate's fold scores to ``cv_results_`` (means, spreads and ranks too); its
    fit time is the base network's plus its own."""
    n = len(results["params"])
    for key in list(results):
        if key.startswith("split") and "_test_" in key:
            split, metric = int(key[5 : key.index("_")]), key.split("_test_", 1)[1]
            results[key] = np.append(results[key], scores[split][metric])
    metrics = {key.split("_test_", 1)[1] for key in results if key.startswith("split")}
    for metric in metrics:
        values = np.array([fold[metric] for fold in scores], dtype=float)
        results[f"mean_test_{metric}"] = np.append(results[f"mean_test_{metric}"], values.mean())
        results[f"std_test_{metric}"] = np.append(results[f"std_test_{metric}"], values.std())
        means = results[f"mean_test_{metric}"]
        finite = np.where(np.isfinite(means), means, -np.inf)
        results[f"rank_test_{metric}"] = rankdata(-finite, method="min").astype(np.int32)
    added = {"mean_fit_time": results["mean_fit_time"][base] + seconds}
    for key in ("std_fit_time", "mean_score_time", "std_score_time"):
        added[key] = results[key][base]
    for key, value in added.items():
        results[key] = np.append(results[key], value)
    strategies = np.array([*results["param_strategy"], name], dtype=object)
    results["param_strategy"] = np.ma.MaskedArray(strategies, mask=np.zeros(n + 1, bool))
    results["params"] = [*results["params"], {"strategy": name}]
