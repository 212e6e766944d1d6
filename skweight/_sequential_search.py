"""The sequential engine of ``compare_weightings``: one ``GridSearchCV`` over the candidates,
one Keras fit after the other (or ``n_jobs`` at once). ``skweight._fused_search`` is the fused
one."""

from __future__ import annotations

import sklearn
from sklearn.model_selection import GridSearchCV

from ._candidate import StrategyCandidate
from ._progress import ComparisonProgress, register, unregister


def sequential_search(
    model, X, y, sample_weight, setup, matrix, threshold_cv, scorers, rule, splitter, n_jobs,
    verbose,
) -> GridSearchCV:  # fmt: skip
    """The comparison as one ``GridSearchCV``, one fit after the other (or ``n_jobs`` at once).

    In one process and at ``verbose=1`` one progress bar counts the fits (every candidate on
    every fold, then the refit); otherwise each fit prints a line.
    """
    with_bar = verbose == 1 and n_jobs in (None, 1)
    fits = splitter.get_n_splits(X, y) * len(setup.names) + 1
    with ComparisonProgress(fits, "training", enabled=with_bar) as bar:
        token = register(bar) if with_bar else None
        candidate = StrategyCandidate(
            model, strategies=setup.strategies, cost_matrix=matrix, threshold_cv=threshold_cv,
            verbose=int(verbose > 0), progress=token,
        )  # fmt: skip
        search = GridSearchCV(
            candidate, {"strategy": setup.names}, scoring=scorers, refit=rule, cv=splitter,
            n_jobs=n_jobs, verbose=int(verbose > 0 and not with_bar), error_score="raise",
        )  # fmt: skip
        fit_params = {} if sample_weight is None else {"sample_weight": sample_weight}
        try:
            with sklearn.config_context(enable_metadata_routing=False):
                search.fit(X, y, **fit_params)
        finally:
            if token is not None:
                unregister(token)
    search.best_estimator_.set_params(progress=None)
    return search
