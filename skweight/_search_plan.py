"""What both engines of ``compare_weightings`` run: the search, the candidates added after it,
the pick, and the winner's refit.

Each engine fits a ``GridSearchCV`` over the candidates that train (``refit=False``); then
``SearchPlan.finish`` adds the candidates tuned on out-of-fold probabilities to its
``cv_results_`` (``skweight._oof_decisions``), ``SearchPlan.rule`` picks among all of them, and
the engine refits the winner with its fitted decision.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import sklearn
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV

from ._candidate import StrategyCandidate
from ._oof_decisions import ProbaRecorder
from ._progress import ComparisonProgress, register, unregister
from ._selection import OneStandardErrorRule


@dataclass
class SearchPlan:
    """The comparison's candidates, folds and scorers, and what happens after the search.

    Attributes
    ----------
    names : list of str
        The candidates the search fits.
    strategies : dict
        ``{name: weighting}``.
    cost_matrix : ndarray
    threshold_cv : int
    scorers : dict
    rule : OneStandardErrorRule
        Picks the winner among every row of ``cv_results_``.
    splits : list of (train, test)
    recorder : ProbaRecorder or None
        Keeps the out-of-fold probabilities that ``finish`` reads.
    finish : callable
        ``finish(search) -> {name: decision}``: adds the out-of-fold candidates to the search.
    final : str
        ``"refit"`` (the winner trained anew on every row) or ``"fold-average"`` (the winner's
        fold networks averaged; the fused engine).
    """

    names: list[str]
    strategies: dict[str, Any]
    cost_matrix: np.ndarray
    threshold_cv: int
    scorers: dict
    rule: OneStandardErrorRule
    splits: list
    recorder: ProbaRecorder | None
    finish: Callable[[GridSearchCV], dict[str, Any]]
    final: str = "refit"

    def candidate(self, estimator, verbose: int = 0) -> StrategyCandidate:
        """The search's candidate template around ``estimator``."""
        return StrategyCandidate(
            estimator, strategies=self.strategies, cost_matrix=self.cost_matrix,
            threshold_cv=self.threshold_cv, verbose=verbose, recorder=self.recorder,
        )  # fmt: skip

    def search(self, candidate, n_jobs=None, verbose: int = 0) -> GridSearchCV:
        """The unfitted search over ``names``, without a refit."""
        return GridSearchCV(
            candidate, {"strategy": self.names}, scoring=self.scorers, refit=False,
            cv=self.splits, n_jobs=n_jobs, verbose=verbose, error_score="raise",
        )  # fmt: skip

    def pick(self, search: GridSearchCV) -> StrategyCandidate:
        """Add the out-of-fold candidates, choose the winner; its unfitted candidate.

        Sets ``search.decisions_``, ``best_index_`` and ``best_params_``.
        """
        search.decisions_ = self.finish(search)
        search.best_index_ = self.rule(search.cv_results_)
        search.best_params_ = search.cv_results_["params"][search.best_index_]
        name = search.best_params_["strategy"]
        return StrategyCandidate(
            None, strategy=name, strategies=self.strategies, cost_matrix=self.cost_matrix,
            threshold_cv=self.threshold_cv, decision=search.decisions_.get(name),
        )  # fmt: skip


def fit_params(n_rows: int, sample_weight) -> dict[str, Any]:
    """The search's fit parameters: the rows' numbers (for the recorder) and the weights."""
    params: dict[str, Any] = {"rows": np.arange(n_rows)}
    if sample_weight is not None:
        params["sample_weight"] = sample_weight
    return params


def sequential_search(model, X, y, sample_weight, plan: SearchPlan, n_jobs, verbose):
    """The comparison as one ``GridSearchCV``, one fit after the other (or ``n_jobs`` at once),
    then the winner refitted on every row.

    In one process and at ``verbose=1`` one progress bar counts the fits (every candidate on
    every fold, then the refit); otherwise each fit prints a line.
    """
    with_bar = verbose == 1 and n_jobs in (None, 1)
    fits = len(plan.splits) * len(plan.names) + 1
    with ComparisonProgress(fits, "training", enabled=with_bar) as bar:
        token = register(bar) if with_bar else None
        try:
            candidate = plan.candidate(model, int(verbose > 0)).set_params(progress=token)
            search = plan.search(candidate, n_jobs, int(verbose > 0 and not with_bar))
            with sklearn.config_context(enable_metadata_routing=False):
                search.fit(X, y, **fit_params(len(y), sample_weight))
            winner = plan.pick(search).set_params(
                estimator=clone(model), verbose=int(verbose > 0), progress=token
            )
            start = time.perf_counter()
            weights = {} if sample_weight is None else {"sample_weight": sample_weight}
            search.best_estimator_ = winner.fit(X, y, **weights).set_params(progress=None)
            search.refit_time_ = time.perf_counter() - start
        finally:
            if token is not None:
                unregister(token)
    return search
