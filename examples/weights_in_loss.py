"""How weights enter the loss: Keras 3's formula, the Keras 2 one, and what skweight
adds.

Prints the weighted loss of one batch under both formulas, then checks on
scikit-learn's breast cancer data that skweight's fits behave as documented:
zero-weight rows are left out, weights are normalised to mean 1, class weights
multiply sample weights, and resampling carries the weights of the rows it copies.
Set SKWEIGHT_EXAMPLE_EPOCHS to train for fewer epochs.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from imblearn.over_sampling import RandomOverSampler  # noqa: E402
from sklearn.datasets import load_breast_cancer  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from skweight import WeightedKerasClassifier  # noqa: E402

EPOCHS = int(os.environ.get("SKWEIGHT_EXAMPLE_EPOCHS", "10"))

# --8<-- [start:formula]
y_true = np.array([[1.0], [0.0], [1.0], [0.0]])
y_pred = np.array([[0.9], [0.2], [0.4], [0.7]])
w = np.array([1.0, 3.0, 0.0, 1.0])

per_row = keras.ops.convert_to_numpy(
    keras.losses.binary_crossentropy(y_true, y_pred)
)
keras3 = float(keras.losses.BinaryCrossentropy()(y_true, y_pred, sample_weight=w))
by_sum_of_w = keras.losses.BinaryCrossentropy(reduction="mean_with_sample_weight")
keras2 = float(
    np.mean(per_row * w) / np.mean(w != 0)
)  # score *= w; score /= mean(w != 0)
# --8<-- [end:formula]

print("per-row loss L       :", np.round(per_row, 4))
print("weights w            :", w)
print(f"Keras 3 loss         : {keras3:.4f}")
print(f"  sum(w*L) / 4 rows  : {np.sum(w * per_row) / len(w):.4f}")
nonzero = np.count_nonzero(w)
print(
    f"Keras 2 formula      : {keras2:.4f}  (= sum(w*L) / {nonzero} non-zero weights)"
)
by_sum = float(by_sum_of_w(y_true, y_pred, sample_weight=w))
print(f"mean_with_sample_weight: {by_sum:.4f}", end="")
print(f"  (= sum(w*L) / sum(w) = {np.sum(w * per_row) / w.sum():.4f})")
times_ten = float(
    keras.losses.BinaryCrossentropy()(y_true, y_pred, sample_weight=10 * w)
)
print(f"Keras 3, weights x10 : {times_ten:.4f}")

# ------------------------------------------------------------ skweight on real data
X, y = load_breast_cancer(return_X_y=True)
X = StandardScaler().fit_transform(X)
y = 1 - y  # 1 = malignant
full_batch = dict(
    hidden_layer_sizes=(8,),
    epochs=EPOCHS,
    batch_size=len(y),
    optimizer="sgd",
    optimizer__learning_rate=0.1,
    shuffle=False,
    random_state=0,
)


def proba(sample_weight=None, rows=slice(None), **params):
    """Malignant probabilities on all rows after a full-batch fit."""
    model = WeightedKerasClassifier(**{**full_batch, **params})
    sw = None if sample_weight is None else sample_weight[rows]
    model.fit(X[rows], y[rows], sample_weight=sw)
    return model, model.predict_proba(X)[:, 1]


print()
rng = np.random.default_rng(0)
sample_weight = rng.uniform(0.5, 2.0, len(y))
zeroed = sample_weight.copy()
zeroed[::10] = 0.0
_, with_zeros = proba(zeroed)
_, left_out = proba(zeroed, rows=zeroed > 0)


def differ(a, b):
    return f"max |difference| {np.abs(a - b).max():.1e}"


print(f"weight 0 vs row left out     : {differ(with_zeros, left_out)}")

_, times_1 = proba(sample_weight)
_, times_10 = proba(10 * sample_weight)
_, raw_10 = proba(10 * sample_weight, normalize_weights=False)
print(f"weights x10, normalised      : {differ(times_1, times_10)}")
print(f"weights x10, not normalised  : {differ(times_1, raw_10)}")

counts = np.bincount(y)
balanced = len(y) / (2 * counts)  # scikit-learn's "balanced" rule
combined = sample_weight * balanced[y]
_, by_strategy = proba(sample_weight, weighting="balanced")
_, by_hand = proba(combined / combined.mean(), normalize_weights=False)
print("'balanced' x sample_weight vs their product,")
print(f"  normalised by hand: {differ(by_strategy, by_hand)}")
print()
print(f"class counts (benign, malignant): {counts.tolist()}")
print(f"'balanced' class weights        : {np.round(balanced, 3).tolist()}")
print("class mix the network trains on (training_prior_):")
oversampler = RandomOverSampler(random_state=0)
for name, weighting, sw in [
    ("weighting=None", None, None),
    ("weighting=None, sample_weight", None, sample_weight),
    ("weighting='balanced'", "balanced", None),
    ("weighting='balanced', sample_weight", "balanced", sample_weight),
    ("RandomOverSampler", oversampler, None),
    ("RandomOverSampler, sample_weight", oversampler, sample_weight),
]:
    model, _ = proba(sw, weighting=weighting, epochs=1)
    print(f"  {name:<38} {np.round(model.training_prior_, 3).tolist()}")
