"""The built-in network's training settings, judged on held-out cost (issue: training defaults).

Section 6's protocol on its 16 KEEL sets (standardised features, outer stratified 5-fold with
shuffle and ``random_state=0``, FN=5, FP=1), with one method: the network trained as the
setting says, deciding by minimum expected cost (threshold ``fp / (fp + fn)`` on its
probability of the positive class, after prior correction where the setting weights). Each
setting changes one thing against ``reference`` (section 6's network: ``(64, 64)``, 30 epochs,
batch 64): size, epochs, weight decay, dropout, early stopping on a stratified validation
split with the best weights restored, an average over seeds or over cross-validation folds
(what ``compare_weightings(final="fold-average")`` predicts with), or a weighting strategy.
Costs are normalised per set as in section 6 (mean cost over mean cost of the best constant).

Run::

    python -m benchmarks.bench_training_defaults          # every setting, from the project root
    python -m benchmarks.bench_training_defaults --settings reference "dropout 0.2"

It writes ``benchmarks/results_training_defaults.json`` (merged with an existing file, by
setting) and prints a table.
"""

from __future__ import annotations

import argparse
import json
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks._quality_summary import _verdict
from benchmarks.bench_quality import DATASETS, expected_cost, load

FN_COST, FP_COST = 5.0, 1.0
REFERENCE = {"hidden_layer_sizes": (64, 64), "epochs": 30, "batch_size": 64}
#: ``{name: estimator parameters that differ from REFERENCE}``; ``seeds`` and ``cv_bag`` are
#: averages over several networks, ``early_stopping`` a patience in epochs.
SETTINGS: dict[str, dict[str, Any]] = {
    "reference": {},
    "estimator defaults (100,), 10 epochs, batch 32": {
        "hidden_layer_sizes": (100,), "epochs": 10, "batch_size": 32,
    },
    "one layer of 32": {"hidden_layer_sizes": (32,)},
    "15 epochs": {"epochs": 15},
    "AdamW, weight decay 0.004": {"optimizer": "adamw"},
    "AdamW, weight decay 0.05": {"optimizer": "adamw", "optimizer__weight_decay": 0.05},
    "dropout 0.2": {"dropout": 0.2},
    "early stopping (100 epochs, patience 10, 20% validation)": {
        "epochs": 100, "early_stopping": 10,
    },
    "average of 5 seeds": {"seeds": 5},
    "average of 5-fold x 2 networks": {"cv_bag": 5},
    "logit-adjusted loss (tau=1, balanced softmax)": {"weighting": "logit-adjusted"},
}  # fmt: skip
OUT = Path(__file__).with_name("results_training_defaults.json")


def _predict(params: dict[str, Any], X_tr, y_tr, X_te) -> np.ndarray:
    """Probability of the positive class of ``X_te``, from the setting's network(s)."""
    import keras
    from sklearn.model_selection import RepeatedStratifiedKFold

    from skweight import WeightedKerasClassifier

    params = {**REFERENCE, "random_state": 0, "prior_correction": True, **params}
    seeds, cv_bag = params.pop("seeds", 1), params.pop("cv_bag", 0)
    patience = params.pop("early_stopping", None)
    if patience:
        params["validation_split"] = 0.2
        params["callbacks"] = [
            keras.callbacks.EarlyStopping(patience=patience, restore_best_weights=True)
        ]
    if cv_bag:
        folds = RepeatedStratifiedKFold(n_splits=cv_bag, n_repeats=2, random_state=0)
        fits = [(rows, params) for rows, _ in folds.split(X_tr, y_tr)]
    else:
        fits = [(slice(None), {**params, "random_state": s}) for s in range(seeds)]
    return np.mean(
        [
            WeightedKerasClassifier(**p).fit(X_tr[rows], y_tr[rows]).predict_proba(X_te)[:, 1]
            for rows, p in fits
        ],
        axis=0,
    )


def _one_fold(job: tuple[str, str, int]) -> dict[str, Any]:
    from benchmarks._common import silence_keras

    silence_keras()
    from sklearn.model_selection import StratifiedKFold
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits

    setting, name, fold = job
    X, y = load(name)
    train, test = list(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y))[fold]
    scaler = StandardScaler().fit(X[train])
    started = time.perf_counter()
    with threadpool_limits(1):
        positive = _predict(SETTINGS[setting], scaler.transform(X[train]), y[train],
                            scaler.transform(X[test]))  # fmt: skip
    y_te = y[test]
    n_pos = int(y_te.sum())
    return {
        "setting": setting, "name": name, "fold": fold,
        "cost": expected_cost(y_te, positive >= FP_COST / (FP_COST + FN_COST), FN_COST, FP_COST),
        "constant": min(FN_COST * n_pos, FP_COST * (len(y_te) - n_pos)) / len(y_te),
        "seconds": time.perf_counter() - started,
    }  # fmt: skip


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Per setting: normalised cost per set, mean, worst set, verdicts against the reference."""
    by = {}
    for row in rows:
        by.setdefault(row["setting"], {}).setdefault(row["name"], []).append(row)
    for folds in (f for sets in by.values() for f in sets.values()):
        folds.sort(key=lambda r: r["fold"])
    out = {}
    for setting, sets in by.items():
        per_set = {
            name: sum(r["cost"] for r in f) / sum(r["constant"] for r in f)
            for name, f in sets.items()
        }
        verdicts = {"win": 0, "tie": 0, "loss": 0}
        for name, folds in sets.items():
            reference = by.get("reference", {}).get(name)
            if reference and setting != "reference":
                ratio = [r["cost"] / r["constant"] for r in folds]
                verdicts[_verdict(ratio, [r["cost"] / r["constant"] for r in reference])] += 1
        worst = max(per_set, key=per_set.get)
        out[setting] = {
            "per_set": per_set, "mean": float(np.mean(list(per_set.values()))),
            "worst": [worst, per_set[worst]], "vs_reference": verdicts,
            "fit_seconds": sum(r["seconds"] for f in sets.values() for r in f),
        }  # fmt: skip
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--settings", nargs="+", choices=list(SETTINGS), default=list(SETTINGS))
    parser.add_argument("--datasets", nargs="+", default=DATASETS)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    jobs = [(s, d, f) for s in args.settings for d in args.datasets for f in range(5)]
    started = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:
        rows = list(pool.map(_one_fold, jobs, chunksize=1))
    old = json.loads(OUT.read_text())["rows"] if OUT.exists() else []
    rows = [r for r in old if r["setting"] not in args.settings] + rows
    summary = summarise(rows)
    OUT.write_text(json.dumps({"rows": rows, "summary": summary}, indent=1) + "\n")
    print(f"{time.perf_counter() - started:.0f} s")
    print("| setting | mean | worst set | vs reference (win/tie/loss) | fit s |")
    print("|---|---|---|---|---|")
    for setting in (s for s in SETTINGS if s in summary):
        s = summary[setting]
        wtl = "/".join(str(s["vs_reference"][k]) for k in ("win", "tie", "loss"))
        print(f"| {setting} | {s['mean']:.3f} | {s['worst'][0]} {s['worst'][1]:.2f} | "
              f"{wtl} | {s['fit_seconds']:.0f} |")  # fmt: skip


if __name__ == "__main__":
    main()
