"""Section 4: GridSearchCV over weighting strategies.

The search's wall time is compared with the sum of the single fits it stands for, timed one by
one on the same folds (fit on the training part, score on the held-out part, then refit the
best on all rows). The ratio is the search's own overhead. ``n_jobs=2`` is then timed against
``n_jobs=1``.
"""

from __future__ import annotations

from typing import Any

from ._common import make_data, timed


def _strategies(n: int) -> list[Any]:
    """Up to ``n`` distinct ``weighting=`` values skweight accepts (names, samplers, dicts)."""
    from .bench_fit import candidate_strategies

    values = list(candidate_strategies().values())
    for weight in (2.0, 3.0, 5.0, 9.0, 20.0):
        if len(values) >= n:
            break
        values.append({1: weight})
    return values[:n]


def run(cfg: dict[str, Any]) -> dict[str, Any]:
    """Time the search and the equivalent single fits.

    Parameters
    ----------
    cfg : dict
        ``n_rows``, ``n_features``, ``hidden``, ``epochs``, ``batch_size``, ``n_strategies``,
        ``cv``, ``repeats``, ``n_jobs`` (the parallel setting to compare with 1).

    Returns
    -------
    dict
        Seconds of the search (``n_jobs=1`` and parallel), of the single fits, and the ratios.
    """
    from sklearn.base import clone
    from sklearn.metrics import get_scorer
    from sklearn.model_selection import GridSearchCV, StratifiedKFold

    from skweight import WeightedKerasClassifier

    X, y = make_data(cfg["n_rows"], cfg["n_features"], minority=0.1)
    strategies = _strategies(cfg["n_strategies"])
    estimator = WeightedKerasClassifier(
        hidden_layer_sizes=tuple(cfg["hidden"]),
        epochs=cfg["epochs"],
        batch_size=cfg["batch_size"],
        random_state=0,
    )
    cv = StratifiedKFold(cfg["cv"], shuffle=True, random_state=0)
    scoring = "balanced_accuracy"
    scorer = get_scorer(scoring)

    def by_hand():
        scores = []
        for weighting in strategies:
            fold_scores = []
            for train, test in cv.split(X, y):
                est = clone(estimator).set_params(weighting=weighting).fit(X[train], y[train])
                fold_scores.append(scorer(est, X[test], y[test]))
            scores.append(sum(fold_scores) / len(fold_scores))
        best = strategies[max(range(len(scores)), key=scores.__getitem__)]
        clone(estimator).set_params(weighting=best).fit(X, y)

    def search(n_jobs):
        GridSearchCV(
            estimator, {"weighting": strategies}, scoring=scoring, cv=cv, n_jobs=n_jobs
        ).fit(X, y)

    rows = []
    for _ in range(cfg["repeats"]):
        single = timed(by_hand)[0]
        serial = timed(lambda: search(None))[0]
        parallel = timed(lambda: search(cfg["n_jobs"]))[0]
        rows.append((single, serial, parallel))
        print(
            f"  search: single fits {single:.1f}s, n_jobs=1 {serial:.1f}s, "
            f"n_jobs={cfg['n_jobs']} {parallel:.1f}s",
            flush=True,
        )
    overhead = sorted(s / f for f, s, _ in rows)[len(rows) // 2]
    speedup = sorted(s / p for _, s, p in rows)[len(rows) // 2]
    return {
        "config": cfg,
        "strategies": [repr(s) for s in strategies],
        "n_fits": len(strategies) * cfg["cv"] + 1,
        "seconds": {
            "single_fits_sum": [r[0] for r in rows],
            "gridsearch_n_jobs_1": [r[1] for r in rows],
            f"gridsearch_n_jobs_{cfg['n_jobs']}": [r[2] for r in rows],
        },
        "overhead_ratio": overhead,
        "parallel_speedup": speedup,
        "goal": "GridSearchCV wall time / sum of single fits <= 1.05",
        "goal_met": overhead <= 1.05,
    }
