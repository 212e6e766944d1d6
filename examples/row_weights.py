"""Per-row weights: recent rows count more, and noisy measurements count less.

1. RecencyWeights: a classification problem whose decision boundary turns over time.
   Training on every row equally learns an average of old and new boundaries;
   weighting by recency (half-life in rows) follows the current one.
2. InverseVarianceWeights: a regression target measured with noise whose standard
   deviation differs by row and is known (a column of X). Weighting by 1 / variance
   gives a fit closer to the noise-free truth. Draws both fits against the truth
   (row_weights.png in $SKWEIGHT_FIGURES, by default ./skweight-out).

Set SKWEIGHT_EXAMPLE_EPOCHS to train for fewer epochs.
"""

import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from sklearn.metrics import accuracy_score, mean_squared_error  # noqa: E402

from skweight import (  # noqa: E402
    InverseVarianceWeights,
    RecencyWeights,
    WeightedKerasClassifier,
    WeightedKerasRegressor,
)

EPOCHS = int(os.environ.get("SKWEIGHT_EXAMPLE_EPOCHS", "20"))
FIGURES = Path(os.environ.get("SKWEIGHT_FIGURES", "skweight-out"))
rng = np.random.default_rng(0)

# ---------------------------------------------------------------- 1. recency
n = 2000
angle = np.linspace(0.0, np.pi / 2, n)  # the boundary turns 90 degrees, oldest first
X = rng.normal(size=(n, 2))
y = (X[:, 0] * np.cos(angle) + X[:, 1] * np.sin(angle) > 0).astype(int)
X_now = rng.normal(size=(1000, 2))  # new rows, under the latest boundary
y_now = (X_now[:, 1] > 0).astype(int)

print(f"Recency: rows in time order, the boundary turns 90 degrees over {n} rows")
print(f"{'weighting':<32} accuracy on new rows")
accuracy = {}
for weighting in (
    None,
    RecencyWeights(half_life=300),
    RecencyWeights(half_life=100),
):
    clf = WeightedKerasClassifier(
        hidden_layer_sizes=(16,), epochs=EPOCHS, weighting=weighting, random_state=0
    ).fit(X, y)  # rows in time order: the last row is the most recent
    accuracy[str(weighting)] = accuracy_score(y_now, clf.predict(X_now))
    print(f"{weighting!s:<32} {accuracy[str(weighting)]:.3f}")

# ------------------------------------------------------------ 2. inverse variance
n = 1500
x = rng.uniform(-2, 2, n)
noise_sd = np.where(rng.uniform(size=n) < 0.5, 0.1, 2.0)  # half are 20x noisier
truth = np.sin(2 * x)
y_reg = truth + rng.normal(scale=noise_sd)
X_reg = np.column_stack([x, noise_sd])  # column 1: each row's known noise sd
x_grid = np.linspace(-2, 2, 200)
X_grid = np.column_stack([x_grid, np.full_like(x_grid, 0.1)])

print()
print("Inverse variance: y = sin(2x) + noise, noise sd 0.1 or 2.0 (known per row)")
print(f"{'weighting':<46} MSE against the noise-free sin(2x)")
fits, mse = {}, {}
for weighting in (None, InverseVarianceWeights(variance=1, std=True)):
    reg = WeightedKerasRegressor(
        hidden_layer_sizes=(32, 32),
        epochs=EPOCHS,
        weighting=weighting,
        random_state=0,
    ).fit(X_reg, y_reg)
    fits[str(weighting)] = reg.predict(X_grid)
    mse[str(weighting)] = mean_squared_error(
        np.sin(2 * x_grid), fits[str(weighting)]
    )
    print(f"{weighting!s:<46} {mse[str(weighting)]:.4f}")

print()
recent, weighted = "RecencyWeights(half_life=100)", str(weighting)
print(f"recency: accuracy on new rows {accuracy['None']:.3f} unweighted, "
      f"{accuracy[recent]:.3f} with half_life=100")  # fmt: skip
print(f"inverse variance: MSE {mse['None']:.4f} unweighted, {mse[weighted]:.4f} "
      "with InverseVarianceWeights")  # fmt: skip

fig = Figure(figsize=(7, 3.6), layout="constrained")
FigureCanvasAgg(fig)
ax = fig.subplots()
noisy = noise_sd > 1
ax.scatter(x[noisy], y_reg[noisy], s=3, color="0.8", label="rows with noise sd 2.0")
ax.scatter(
    x[~noisy], y_reg[~noisy], s=3, color="0.45", label="rows with noise sd 0.1"
)
ax.plot(x_grid, np.sin(2 * x_grid), "k--", label="truth sin(2x)")
ax.plot(x_grid, fits["None"], "C1-", label=f"unweighted (MSE {mse['None']:.3f})")
ax.plot(x_grid, fits[weighted], "C0-",
        label=f"InverseVarianceWeights (MSE {mse[weighted]:.3f})")  # fmt: skip
ax.set_ylim(-3, 3)
ax.set_xlabel("x")
ax.set_ylabel("y")
ax.set_title("Noisy rows count less: fits against the noise-free truth")
ax.legend(frameon=False, fontsize=8, loc="lower right")
FIGURES.mkdir(parents=True, exist_ok=True)
fig.savefig(FIGURES / "row_weights.png", dpi=96)
