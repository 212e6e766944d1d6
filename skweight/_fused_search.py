"""The fused engine of ``compare_weightings``: every network of the search trained in one pass.

The sequential engine runs a ``GridSearchCV`` in which every candidate's fit trains its own
network(s). The fused engine first lists every network that search trains, as (weighting,
training rows) pairs: each candidate on each outer training fold, and the inner folds of the
tuned threshold, and, for the built-in network (unless the final model averages the fold
networks), each candidate on every row: the winner's final network, trained in the same pass
before the winner is known (the others are dropped), since one more small network costs less
than a second pass. It prepares each one through the estimator's own fit steps
(``skweight._fusable``), trains them all together (``skweight._fused.FusedNetworks``) and
predicts every row with each of them. Then it runs the *same* ``GridSearchCV`` (candidates,
folds, scorers, ``MinimumCostClassifier``, ``TunedThresholdClassifierCV``) on row numbers
instead of rows, with ``TrainedLookup`` standing in for the estimator: its ``fit`` looks up the
network trained on exactly those rows with that weighting, its ``predict_proba`` returns that
network's probabilities. Everything after training is the code the sequential engine runs. The
winner's network on all rows is then already trained, or trained alone (a network of its own,
whose arithmetic outweighs a pass's dispatch; an ordinary fit for the tuned threshold); a cost
decision then wraps it as a ``FrozenEstimator``.
"""

from __future__ import annotations

import numbers
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sklearn
from joblib import effective_n_jobs
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.frozen import FrozenEstimator
from sklearn.model_selection import GridSearchCV, check_cv
from sklearn.utils import _safe_indexing

from ._candidate import BASELINES, StrategyCandidate, weighting_param
from ._fusable import (
    PreparedFit,
    fusable_reason,
    fused_description,
    install_network,
    member_proba,
    prepare_fit,
    split_pipeline,
    train_settings,
    uses_vmap,
)
from ._fused import PASS_RATIO, FusedNetworks
from ._fused_vmap import VmappedNetworks
from ._progress import ComparisonProgress
from ._search_plan import SearchPlan, fit_params
from .fold_average import FoldAverageClassifier
from .weighting import resolve_weighting

ENGINES = ("auto", "fused", "sequential")

#: Progress units (about one optimizer step's time each) of preparing one network's rows.
_PREPARE_UNITS = 4


def choose_engine(engine: str, estimator, n_jobs) -> tuple[str, str]:
    """``("fused" or "sequential", why)`` for ``engine=`` and the comparison's estimator."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {list(ENGINES)}; got {engine!r}.")
    if n_jobs is not None and (
        isinstance(n_jobs, bool) or not isinstance(n_jobs, numbers.Integral) or n_jobs == 0
    ):
        raise ValueError(f"n_jobs must be None or a non-zero integer (-1: every core); "
                         f"got {n_jobs!r}.")  # fmt: skip
    if engine == "sequential":
        return "sequential", "engine='sequential' was asked for"
    reason = fusable_reason(estimator)
    if reason is not None:
        if engine == "fused":
            raise ValueError(f"engine='fused' cannot train this estimator: {reason}.")
        return "sequential", reason
    why = fused_description(estimator)
    lanes = _lanes(estimator, n_jobs)
    if lanes > 1:
        why += f"; n_jobs={n_jobs}: each pass in up to {lanes} lanes, one thread each"
    elif n_jobs not in (None, 1):
        why += f"; n_jobs={n_jobs} is not used"
    return "fused", why


def _lanes(estimator, n_jobs) -> int:
    """Threads that train lanes of one pass: ``n_jobs`` for the built-in network on JAX's CPU
    (one XLA program of small networks keeps one core busy), else 1."""
    _, clf = split_pipeline(estimator)
    if n_jobs in (None, 1) or not uses_vmap(clf) or not _builtin(estimator):
        return 1
    import jax

    return effective_n_jobs(n_jobs) if jax.default_backend() == "cpu" else 1


@dataclass
class _Network:
    """What the search needs of one trained network."""

    classes: np.ndarray
    class_prior: np.ndarray
    training_prior: np.ndarray
    prior_correction: bool
    proba: np.ndarray  # on every row of the comparison


def _key(weighting: Any, rows) -> tuple[str, bytes]:
    rows = np.asarray(rows).ravel().astype(np.int64)
    return repr(resolve_weighting(weighting)), rows.tobytes()


class TrainedNetworks:
    """The trained networks of one comparison, by (weighting, training rows)."""

    def __init__(self):
        self.networks: dict[tuple[str, bytes], _Network] = {}

    def __deepcopy__(self, memo):  # shared, never copied, by every clone of the candidates
        return self

    def lookup(self, weighting: Any, rows) -> _Network:
        """The network trained with ``weighting`` on exactly the rows numbered ``rows``."""
        try:
            return self.networks[_key(weighting, rows)]
        except KeyError:
            raise RuntimeError(
                f"The fused engine trained no network with weighting={weighting!r} on these "
                f"{len(rows)} rows; the search asked for a fit it did not plan."
            ) from None


class TrainedLookup(ClassifierMixin, BaseEstimator):
    """A classifier on row numbers whose fits are networks the fused engine trained.

    Parameters
    ----------
    weighting : weighting value
        Which of the networks trained on the fit's rows.
    networks : TrainedNetworks
    """

    def __init__(self, weighting=None, networks=None):
        self.weighting = weighting
        self.networks = networks

    def fit(self, X, y, sample_weight=None):
        """Look up the network trained on the rows numbered ``X[:, 0]`` (with ``sample_weight``)."""
        network = self.networks.lookup(self.weighting, X)
        self.classes_ = network.classes
        self.class_prior_ = network.class_prior
        self.training_prior_ = network.training_prior
        self.prior_correction = network.prior_correction
        self.proba_ = network.proba
        return self

    def predict_proba(self, X) -> np.ndarray:
        """The network's probabilities of the rows numbered ``X[:, 0]``."""
        return self.proba_[np.asarray(X).ravel().astype(np.intp)]

    def predict(self, X) -> np.ndarray:
        """The most probable class of each row."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


def _plan(names, strategies, splits, y, threshold_cv, refit: bool) -> tuple[dict, dict]:
    """``{key: (weighting, rows)}`` of every network, and the keys each (name, split) uses;
    with ``refit``, every candidate's network on all rows too."""
    jobs: dict[tuple[str, bytes], tuple[Any, np.ndarray]] = {}
    uses: dict[tuple[str, int], list] = {}

    def need(weighting, rows) -> tuple[str, bytes]:
        key = _key(weighting, rows)
        jobs.setdefault(key, (weighting, np.asarray(rows)))
        return key

    for s, (train, _) in enumerate(splits):
        for name in names:
            if name == "constant":  # no network
                uses[(name, s)] = []
                continue
            weighting = _weighting_of(name, strategies)
            keys = [need(weighting, train)]
            if name == "tuned-threshold":  # TunedThresholdClassifierCV's inner folds
                inner = check_cv(threshold_cv, y[train], classifier=True)
                keys += [need(None, train[t]) for t, _ in inner.split(train[:, None], y[train])]
            uses[(name, s)] = keys
    if refit:
        for name in names:
            if name not in ("constant", "tuned-threshold"):
                need(_weighting_of(name, strategies), np.arange(len(y)))
    return jobs, uses


def _builtin(estimator) -> bool:
    """Whether ``estimator`` (or its last step) trains the built-in network (small: its steps
    cost about their dispatch)."""
    prefix = weighting_param(estimator)[: -len("weighting")]
    return estimator.get_params()[prefix + "model"] is None


def _fused_models(
    prepared: Sequence[PreparedFit], lanes: int = 1
) -> list[tuple[FusedNetworks, list[int]]]:
    """One ``FusedNetworks`` (``VmappedNetworks`` for fits prepared for ``jax.vmap``, each pass
    in up to ``lanes`` lanes) per architecture (preprocessing may change the feature count),
    with the indices of its fits; networks of one's own train members of equal steps per pass
    only."""
    by_spec: dict[Any, list[int]] = {}
    for i, fit in enumerate(prepared):
        by_spec.setdefault(fit.spec, []).append(i)
    models = []
    for spec, index in by_spec.items():
        first = prepared[index[0]]
        members, settings = [prepared[i].member for i in index], train_settings(first.classifier)
        ratio = PASS_RATIO if _builtin(first.classifier) else 1.0
        if first.template is None:
            models.append((FusedNetworks(spec, members, settings, ratio), index))
        else:
            models.append((VmappedNetworks(spec, members, settings, first.template, ratio, lanes),
                           index))  # fmt: skip
    return models


def fused_search(
    model, X, y, sample_weight, plan: SearchPlan, *, verbose: int, n_jobs=None
) -> GridSearchCV:
    """Run the comparison's search with every network trained in one pass (split into lanes
    trained by ``n_jobs`` threads where ``choose_engine`` says so).

    Returns
    -------
    GridSearchCV
        Fitted on row numbers over ``TrainedLookup`` candidates: ``cv_results_`` as the
        sequential engine's (``mean_fit_time`` is each candidate's share of the fused training),
        the out-of-fold candidates added by ``plan.finish``, ``best_index_`` chosen by
        ``plan.rule`` and ``best_estimator_`` the winner with its network on all rows (or its
        fold networks averaged, ``plan.final``).

    Raises
    ------
    NotFusableError
        When a strategy's loss cannot be fused (before any training).
    """
    names, strategies, splits = plan.names, plan.strategies, plan.splits
    threshold_cv = plan.threshold_cv
    y = np.asarray(y)
    templates: dict = {}  # networks for jax.vmap, built once per seed, row shape and classes
    ahead = plan.final == "refit" and _builtin(model)  # the final networks in the same pass
    jobs, uses = _plan(names, strategies, splits, y, threshold_cv, ahead)
    param = weighting_param(model)
    n_rows = len(y)
    with ComparisonProgress(len(jobs) * _PREPARE_UNITS, "preparing", enabled=verbose > 0) as bar:
        prepared, seconds = [], []
        for weighting, rows in jobs.values():
            start = time.perf_counter()
            weights = None if sample_weight is None else sample_weight[rows]
            estimator = clone(model).set_params(**{param: weighting})
            prepared.append(
                prepare_fit(estimator, _safe_indexing(X, rows), y[rows], weights, templates)
            )
            seconds.append(time.perf_counter() - start)
            bar.advance(_PREPARE_UNITS)
        trained = _fused_models(prepared, _lanes(model, n_jobs))
        bar.grow(sum(f.total_steps for f, _ in trained) + len(names) * len(splits))
        bar.phase(f"training {len(jobs)} networks")
        networks = TrainedNetworks()
        keys = list(jobs)
        for fused, index in trained:
            fused.fit(bar.advance)
            features = _features([prepared[i] for i in index], [keys[i][1] for i in index], X)
            for j, (i, outputs) in enumerate(zip(index, fused.predict(features), strict=True)):
                clf = prepared[i].classifier
                seconds[i] += fused.member_seconds(j)
                networks.networks[keys[i]] = _Network(
                    clf.classes_, clf.class_prior_, clf.training_prior_,
                    clf.prior_correction is True, member_proba(outputs, clf),
                )  # fmt: skip
        bar.phase("scoring")
        search = plan.search(plan.candidate(TrainedLookup(networks=networks)))
        with sklearn.config_context(enable_metadata_routing=False):
            search.fit(np.arange(n_rows).reshape(-1, 1), y, **fit_params(n_rows, sample_weight))
        spent = dict(zip(keys, seconds, strict=True))
        _set_fit_times(search.cv_results_, names, len(splits), uses, spent)
        winner = plan.pick(search).set_params(estimator=model)
        bar.advance(len(names) * len(splits))
        start = time.perf_counter()
        found = _Found(keys, prepared, trained)
        if winner.strategy in ("tuned-threshold", "constant"):
            bar.phase("refitting the winner")
            weights = {} if sample_weight is None else {"sample_weight": sample_weight}
            search.best_estimator_ = winner.fit(X, y, **weights)
        else:
            weighting = _weighting_of(winner.strategy, winner.strategies)
            if plan.final == "fold-average":
                bar.phase("averaging the winner's fold networks")
                fitted = FoldAverageClassifier([found(weighting, t) for t, _ in splits]).fit()
            elif ahead:
                fitted = found(weighting, np.arange(n_rows))
            else:
                bar.phase("refitting the winner")
                fitted = _train_alone(winner.estimator, weighting, X, y, sample_weight,
                                      templates, bar)  # fmt: skip
            winner.classes_ = np.unique(y)
            winner.model_ = _decide(winner, fitted, X, y)
            search.best_estimator_ = winner
        search.refit_time_ = time.perf_counter() - start
        bar.finish()
    return search


def _train_alone(model, weighting, X, y, sample_weight, templates, bar):
    """``model`` with ``weighting`` fitted on every row by the fused engine, alone."""
    estimator = clone(model).set_params(**{weighting_param(model): weighting})
    prepared = prepare_fit(estimator, X, y, sample_weight, templates)
    [(fused, _)] = _fused_models([prepared])
    bar.grow(fused.total_steps)
    fused.fit(bar.advance)
    return install_network(prepared, fused.weights(0), fused.history(0))


def _weighting_of(name: str, strategies: dict) -> Any:
    """The weighting of candidate ``name``'s network (none for the baselines)."""
    return None if name in BASELINES else strategies[name]


class _Found:
    """The trained networks as fitted estimators (preprocessing included), by (weighting,
    rows)."""

    def __init__(self, keys, prepared, trained):
        self.position = {key: i for i, key in enumerate(keys)}
        self.prepared = prepared
        self.where = {i: (fused, j) for fused, index in trained for j, i in enumerate(index)}

    def __call__(self, weighting, rows):
        i = self.position[_key(weighting, rows)]
        fused, j = self.where[i]
        return install_network(self.prepared[i], fused.weights(j), fused.history(j))


def _decide(candidate: StrategyCandidate, fitted, X, y):
    """The candidate's model around an already fitted estimator (a baseline's decision around
    the frozen network)."""
    if candidate.strategy not in BASELINES:
        return fitted
    return candidate.decide(FrozenEstimator(fitted), candidate.classes_).fit(X, y)


def _features(prepared: Sequence[PreparedFit], rows: Sequence[bytes], X) -> list[np.ndarray]:
    """Every row as each network sees it: one transform per training set (the preprocessing
    fitted on the same rows is the same)."""
    cache: dict[bytes, np.ndarray] = {}
    out = []
    for fit, key in zip(prepared, rows, strict=True):
        if key not in cache:
            cache[key] = fit.features(X)
        out.append(cache[key])
    return out


def _set_fit_times(results, names, n_splits, uses, seconds) -> None:
    """Each candidate's fit time per fold: its networks' preparation and share of training
    (a candidate without a network, the constant, keeps the search's own measure)."""
    for i, name in enumerate(names):
        if any(uses[(name, s)] for s in range(n_splits)):
            times = [sum(seconds[k] for k in uses[(name, s)]) for s in range(n_splits)]
            results["mean_fit_time"][i] = np.mean(times)
            results["std_fit_time"][i] = np.std(times)
