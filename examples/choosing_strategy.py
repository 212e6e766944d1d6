"""Choosing a weighting strategy: judge by cost, not accuracy.

On scikit-learn's breast cancer data (357 benign, 212 malignant: 1.7 to 1) and on a
stronger imbalance made from it (every benign row, every tenth malignant row: 16 to
1), with a missed malignant tumour costing 5 and a false alarm 1, compare_weightings
cross-validates every default strategy (no weighting, "balanced" class weights,
cost-proportional weights, focal loss, random over- and under-sampling) and the
unweighted network deciding by minimum expected cost. It reports accuracy next to the
expected cost, and names the strategy accuracy would pick, the cheapest one, and the
one the one-standard-error rule on cost selects. ComparisonResult.plot draws each
comparison (choosing_strategy-*.png in $SKWEIGHT_FIGURES, by default ./skweight-out).

Set SKWEIGHT_EXAMPLE_EPOCHS to train for fewer epochs.
"""

import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
from sklearn.datasets import load_breast_cancer  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from skweight import WeightedKerasClassifier, compare_weightings  # noqa: E402
from skweight.compare import OneStandardErrorRule  # noqa: E402

EPOCHS = int(os.environ.get("SKWEIGHT_EXAMPLE_EPOCHS", "20"))
FIGURES = Path(os.environ.get("SKWEIGHT_FIGURES", "skweight-out"))
WEIGHTED = ["balanced", "cost-weights", "oversample", "undersample", "focal"]

X, y = load_breast_cancer(return_X_y=True)
y = 1 - y  # 1 = malignant, the positive class
keep = np.sort(
    np.concatenate([np.flatnonzero(y == 0), np.flatnonzero(y == 1)[::10]])
)
datasets = {  # tag: (title, X, y)
    "1.7:1": ("breast cancer (1.7:1)", X, y),
    "16:1": ("breast cancer, every 10th malignant row (16:1)", X[keep], y[keep]),
}
answers = []

model = make_pipeline(
    StandardScaler(),
    WeightedKerasClassifier(hidden_layer_sizes=(16,), epochs=EPOCHS, random_state=0),
)
for tag, (title, X_d, y_d) in datasets.items():
    counts = np.bincount(y_d)
    print(f"== {title}: {counts[0]} benign, {counts[1]} malignant")
    # --8<-- [start:compare]
    result = compare_weightings(
        model,
        X_d,
        y_d,
        fp_cost=1,
        fn_cost=5,  # a missed malignant tumour costs 5 false alarms
        scoring="accuracy",  # reported as "score"; the cost is reported too
        baselines=["cost-decision"],
        cv=3,
        n_repeats=1,
        verbose=0,
        random_state=0,
    )
    # --8<-- [end:compare]
    table = result.table  # one row per strategy, sorted by mean cost
    print(f"{'strategy':<14} {'accuracy':>8} {'cost':>6} {'+/- sd':>6} "
          f"{'recall(1)':>9} {'bal.acc':>7} {'avg.prec':>8}")  # fmt: skip
    for name, row in table.iterrows():
        print(
            f"{name:<14} {row.score_mean:8.3f} {row.cost_mean:6.3f} "
            f"{row.cost_std:6.3f} {row.recall_1_mean:9.3f} "
            f"{row.balanced_accuracy_mean:7.3f} {row.average_precision_mean:8.3f}"
        )
    results = result.search_.cv_results_
    names = [params["strategy"] for params in results["params"]]
    by_cost = names[
        OneStandardErrorRule("cost", table.loc[names, "simplicity"])(results)
    ]
    by_accuracy = table.score_mean.idxmax()
    cheapest = table.cost_mean.idxmin()
    for label, name in [
        ("highest accuracy", by_accuracy),
        ("lowest cost", cheapest),
        ("one-standard-error rule on cost", by_cost),
    ]:
        row = table.loc[name]
        print(f"{label + ':':<33} {name} (accuracy {row.score_mean:.3f}, "
              f"cost {row.cost_mean:.3f})")  # fmt: skip
    print()
    FIGURES.mkdir(parents=True, exist_ok=True)
    result.plot(
        FIGURES / f"choosing_strategy-{tag.replace(':', 'to')}.png", title=title
    )

    cost, accuracy = table.cost_mean, table.score_mean
    weighted = cost[WEIGHTED].idxmin()  # the cheapest way of weighting
    within = "within one standard error of the cheapest"
    if by_cost in WEIGHTED:  # no simpler, unweighted candidate came within one SE
        verdict, why = "yes, weight it", f"no unweighted candidate comes {within}"
    elif by_cost == "cost-decision":
        verdict = "not needed if you decide by cost"
        why = f"deciding by cost, unweighted, is {within}"
    else:
        verdict, why = "no", f"{by_cost}, unweighted, is {within}"
    answers += [
        f"{tag} verdict: {verdict}",
        f"{tag} why: {why}",
        f"{tag} costs: none {cost['none']:.3f}, cost-decision "
        f"{cost['cost-decision']:.3f}, best weighting {weighted} "
        f"{cost[weighted]:.3f}",
        f"{tag} pick: {by_cost} (cost {cost[by_cost]:.3f} per row)",
        f"{tag} balanced vs none: accuracy {accuracy['none']:.3f} -> "
        f"{accuracy['balanced']:.3f}, cost {cost['none']:.3f} -> "
        f"{cost['balanced']:.3f}",
    ]

print("== in short")
print("\n".join(answers))
