"""Section 6's peer recipes: what a user could pick instead of ``compare_weightings``.

Three scikit-learn model families (``LogisticRegression``, ``MLPClassifier((64, 64))``,
``HistGradientBoostingClassifier``), each

* unweighted (``predict``),
* ``"balanced"`` (``class_weight="balanced"``; for the MLP, which has no ``class_weight``,
  ``sample_weight`` of the balanced class weights),
* deciding by cost: the unweighted model's ``p(positive) >= fp / (fp + fn)``,
* a by-hand ``GridSearchCV`` scored by the cost: random over-, under- or no sampling
  (imbalanced-learn pipeline), times ``class_weight`` None or ``"balanced"`` where the model has
  one; the refitted best predicts with ``predict``.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

#: The peer families; each gives the methods ``{family}``, ``{family}_balanced``,
#: ``{family}_cost`` and ``{family}_grid``.
FAMILIES = ("lr", "mlp", "hgb")
RECIPES = ("", "_balanced", "_cost", "_grid")


def peer_methods(families) -> list[str]:
    """The method names of ``families``, in the order of ``FAMILIES`` and ``RECIPES``."""
    return [f + r for f in FAMILIES if f in families for r in RECIPES]


def _model(family: str):
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier

    if family == "lr":
        return LogisticRegression(max_iter=2000)
    if family == "mlp":
        return MLPClassifier(hidden_layer_sizes=(64, 64), random_state=0)
    return HistGradientBoostingClassifier(random_state=0)


def peer_predictions(families, X_tr, y_tr, X_te, cfg: dict[str, Any]) -> dict[str, np.ndarray]:
    """Each peer recipe fitted on the training part; its predictions of the test part."""
    from imblearn.over_sampling import RandomOverSampler
    from imblearn.pipeline import Pipeline
    from imblearn.under_sampling import RandomUnderSampler
    from sklearn.base import clone
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.metrics import make_scorer
    from sklearn.model_selection import GridSearchCV, StratifiedKFold
    from sklearn.utils.class_weight import compute_sample_weight

    from benchmarks.bench_quality import expected_cost

    fn_cost, fp_cost = cfg["fn_cost"], cfg["fp_cost"]
    threshold = fp_cost / (fp_cost + fn_cost)
    scorer = make_scorer(expected_cost, greater_is_better=False, fn_cost=fn_cost, fp_cost=fp_cost)
    inner = StratifiedKFold(cfg["inner_cv"], shuffle=True, random_state=0)
    out: dict[str, np.ndarray] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for family in [f for f in FAMILIES if f in families]:
            plain = clone(_model(family)).fit(X_tr, y_tr)
            out[family] = plain.predict(X_te)
            out[f"{family}_cost"] = (plain.predict_proba(X_te)[:, 1] >= threshold).astype(int)
            if family == "mlp":
                weights = compute_sample_weight("balanced", y_tr)
                balanced = clone(_model(family)).fit(X_tr, y_tr, sample_weight=weights)
            else:
                balanced = clone(_model(family)).set_params(class_weight="balanced")
                balanced.fit(X_tr, y_tr)
            out[f"{family}_balanced"] = balanced.predict(X_te)
            grid: dict[str, list] = {
                "sampler": [
                    "passthrough",
                    RandomOverSampler(random_state=0),
                    RandomUnderSampler(random_state=0),
                ]
            }
            if family != "mlp":
                grid["model__class_weight"] = [None, "balanced"]
            pipe = Pipeline([("sampler", "passthrough"), ("model", _model(family))])
            search = GridSearchCV(pipe, grid, scoring=scorer, cv=inner, error_score="raise")
            out[f"{family}_grid"] = search.fit(X_tr, y_tr).predict(X_te)
    return out
