"""Per-row weights: recent rows count more, and noisy measurements count less.

1. RecencyWeights: a classification problem whose decision boundary turns over time. Training
   on every row equally learns an average of old and new boundaries; weighting by recency
   (half-life in rows) follows the current one.
2. InverseVarianceWeights: a regression target measured with noise whose standard deviation
   differs by row and is known (a column of X). Weighting by 1 / variance gives a fit closer to
   the noise-free truth.

Set SKWEIGHT_EXAMPLE_EPOCHS to train for fewer epochs.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
from sklearn.metrics import accuracy_score, mean_squared_error  # noqa: E402

from skweight import (  # noqa: E402
    InverseVarianceWeights,
    RecencyWeights,
    WeightedKerasClassifier,
    WeightedKerasRegressor,
)

EPOCHS = int(os.environ.get("SKWEIGHT_EXAMPLE_EPOCHS", "20"))
rng = np.random.default_rng(0)

# ---------------------------------------------------------------- 1. recency
n = 2000
angle = np.linspace(0.0, np.pi / 2, n)  # the boundary turns by 90 degrees, oldest row first
X = rng.normal(size=(n, 2))
y = (X[:, 0] * np.cos(angle) + X[:, 1] * np.sin(angle) > 0).astype(int)
X_now = rng.normal(size=(1000, 2))  # new rows, under the latest boundary
y_now = (X_now[:, 1] > 0).astype(int)

print(f"Recency: rows in time order, the boundary turns 90 degrees over {n} rows")
print(f"{'weighting':<32} accuracy on new rows")
for weighting in (None, RecencyWeights(half_life=300), RecencyWeights(half_life=100)):
    clf = WeightedKerasClassifier(
        hidden_layer_sizes=(16,), epochs=EPOCHS, weighting=weighting, random_state=0
    ).fit(X, y)  # rows in time order: the last row is the most recent
    print(f"{weighting!s:<32} {accuracy_score(y_now, clf.predict(X_now)):.3f}")

# ---------------------------------------------------------------- 2. inverse variance
n = 1500
x = rng.uniform(-2, 2, n)
noise_sd = np.where(rng.uniform(size=n) < 0.5, 0.1, 2.0)  # half the rows are 20x noisier
truth = np.sin(2 * x)
y_reg = truth + rng.normal(scale=noise_sd)
X_reg = np.column_stack([x, noise_sd])  # column 1: each row's known noise standard deviation
x_grid = np.linspace(-2, 2, 200)
X_grid = np.column_stack([x_grid, np.full_like(x_grid, 0.1)])

print()
print("Inverse variance: y = sin(2x) + noise, noise sd 0.1 or 2.0 (known per row)")
print(f"{'weighting':<46} MSE against the noise-free sin(2x)")
for weighting in (None, InverseVarianceWeights(variance=1, std=True)):
    reg = WeightedKerasRegressor(
        hidden_layer_sizes=(32, 32), epochs=EPOCHS, weighting=weighting, random_state=0
    ).fit(X_reg, y_reg)
    mse = mean_squared_error(np.sin(2 * x_grid), reg.predict(X_grid))
    print(f"{weighting!s:<46} {mse:.4f}")
