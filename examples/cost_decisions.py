"""Cost-sensitive decisions: a cost scorer, minimum-cost predictions and thresholds.

One unweighted network on scikit-learn's breast cancer data; a missed malignant
tumour costs 5, a false alarm 1. Compares, on a held-out quarter of the data, the
expected cost of predicting the most probable class, of deciding by minimum expected
cost (threshold FP / (FP + FN)), of a threshold tuned by cross-validation, and of
training with cost weights, and draws the cost of each (cost_decisions.png in
$SKWEIGHT_FIGURES, by default ./skweight-out). Set SKWEIGHT_EXAMPLE_EPOCHS to train
for fewer epochs.
"""

import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from sklearn.datasets import load_breast_cancer  # noqa: E402
from sklearn.frozen import FrozenEstimator  # noqa: E402
from sklearn.model_selection import TunedThresholdClassifierCV, train_test_split  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from skweight import (  # noqa: E402
    CostSensitiveWeights,
    MinimumCostClassifier,
    WeightedKerasClassifier,
    cost_threshold,
    expected_cost,
    make_cost_scorer,
)

EPOCHS = int(os.environ.get("SKWEIGHT_EXAMPLE_EPOCHS", "20"))
FIGURES = Path(os.environ.get("SKWEIGHT_FIGURES", "skweight-out"))

X, y = load_breast_cancer(return_X_y=True)
y = 1 - y  # 1 = malignant, the positive class
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)


def network(weighting=None):
    return make_pipeline(
        StandardScaler(),
        WeightedKerasClassifier(
            hidden_layer_sizes=(16,),
            epochs=EPOCHS,
            weighting=weighting,
            random_state=0,
        ),
    )


# --8<-- [start:decisions]
cost = make_cost_scorer(fp_cost=1, fn_cost=5)  # negative expected cost per row
threshold = cost_threshold(fp_cost=1, fn_cost=5)  # FP / (FP + FN) = 1/6

plain = network().fit(X_train, y_train)
by_cost = MinimumCostClassifier(FrozenEstimator(plain), fp_cost=1, fn_cost=5).fit(
    X_train, y_train
)
tuned = TunedThresholdClassifierCV(network(), scoring=cost, cv=3).fit(
    X_train, y_train
)
weighted = network(CostSensitiveWeights(fp_cost=1, fn_cost=5)).fit(X_train, y_train)
weighted_by_cost = MinimumCostClassifier(
    FrozenEstimator(weighted), fp_cost=1, fn_cost=5
).fit(X_train, y_train)
# --8<-- [end:decisions]

print(f"cost_threshold(fp_cost=1, fn_cost=5) = {threshold:.4f}")
print(
    f"tuned threshold (3-fold CV on the training rows) = {tuned.best_threshold_:.4f}"
)
print(
    "MinimumCostClassifier on the cost-weighted network: "
    f"prior_correction_={weighted_by_cost.prior_correction_}"
)
print()
print(f"held-out rows: {len(y_test)} ({int(y_test.sum())} malignant)")
print(f"{'decision':<44} {'FN':>3} {'FP':>3} {'cost/row':>8}")
candidates = {
    "unweighted, most probable class (p >= 0.5)": plain,
    "unweighted, MinimumCostClassifier": by_cost,
    "unweighted, TunedThresholdClassifierCV": tuned,
    "CostSensitiveWeights, most probable class": weighted,
    "CostSensitiveWeights + MinimumCostClassifier": weighted_by_cost,
}
measured = {}  # name: (FN, FP, cost per row)
for name, model in candidates.items():
    predicted = model.predict(X_test)
    fn = int(np.sum((predicted == 0) & (y_test == 1)))
    fp = int(np.sum((predicted == 1) & (y_test == 0)))
    measured[name] = fn, fp, -cost(model, X_test, y_test)
    print(f"{name:<44} {fn:>3} {fp:>3} {measured[name][2]:8.4f}")
most_probable = measured["unweighted, most probable class (p >= 0.5)"][2]
minimum_cost = measured["unweighted, MinimumCostClassifier"][2]
print(
    f"minimum-cost decision vs most probable class: {minimum_cost:.3f} vs "
    f"{most_probable:.3f} per row"
)

fig = Figure(figsize=(8, 3.2), layout="constrained")
FigureCanvasAgg(fig)
ax = fig.subplots()
names = list(measured)[::-1]
bars = ax.barh(names, [measured[n][2] for n in names], color="C0")
ax.bar_label(bars, [f"{measured[n][0]} FN, {measured[n][1]} FP" for n in names],
             padding=3, fontsize=8)  # fmt: skip
ax.set_xlabel("expected cost per held-out row (FN costs 5, FP 1)")
ax.set_xlim(0, 1.25 * max(m[2] for m in measured.values()))
ax.set_title("The same network, five ways of deciding")
FIGURES.mkdir(parents=True, exist_ok=True)
fig.savefig(FIGURES / "cost_decisions.png", dpi=96)

# Costs that depend on the row: the cost matrix entry times a per-row amount.
amount = np.random.default_rng(0).uniform(1, 100, len(y_test))
predicted = by_cost.predict(X_test)
print()
per_row = expected_cost(y_test, predicted, fp_cost=1, fn_cost=5, costs=amount)
print("per-row costs (cost matrix x an amount per row), MinimumCostClassifier:")
print(f"  {per_row:.3f} per row")
