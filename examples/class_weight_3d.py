"""Does class_weight work for 3-D outputs? What Keras 3 does, and what skweight does.

Per-timestep 0/1 labels y of shape (n, T) for a network with a (n, T, 2) softmax
output, and masks y of shape (n, h, w) for a (n, h, w, 1) sigmoid output, all NumPy
arrays, class_weight={0: 1, 1: 5}. Reads the weights Keras applied off the loss it
reports (learning rate 0, so the network does not change), then fits
WeightedKerasClassifier(weighting={0: 1, 1: 5}) on the same data and checks its loss
against the weights computed by hand. Tiny networks, one epoch: runs in seconds.
"""

import os
import re

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from skweight import WeightedKerasClassifier  # noqa: E402

CLASS_WEIGHT = {0: 1, 1: 5}
W = np.array([CLASS_WEIGHT[0], CLASS_WEIGHT[1]], dtype=np.float64)
rng = np.random.default_rng(0)
ROWS = "000000 100000 010000 001000 000100 010011 000001 110000".split()
y_seq = np.array([[int(c) for c in row] for row in ROWS])  # a 0/1 label per timestep
n, T = y_seq.shape
X_seq = rng.normal(size=(n, T, 3)).astype("float32")
X_img = rng.normal(size=(4, 8, 8, 1)).astype("float32")
y_img = (rng.random((4, 8, 8)) < 0.1).astype("int64")  # a 0/1 label per pixel


def tagger(X_shape_):
    """Two softmax units per timestep: output (n, T, 2)."""
    inputs = keras.Input(X_shape_[1:])
    hidden = keras.layers.Dense(8, activation="relu")(inputs)
    return keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(hidden))


def pixel_model(X_shape_):
    """One sigmoid unit per pixel: output (n, h, w, 1)."""
    inputs = keras.Input(X_shape_[1:])
    return keras.Model(
        inputs, keras.layers.Conv2D(1, 1, activation="sigmoid")(inputs)
    )


def sequence_losses(proba):
    """Sparse categorical cross-entropy of every timestep, shape (n, T)."""
    losses = keras.losses.sparse_categorical_crossentropy(y_seq, proba)
    return keras.ops.convert_to_numpy(losses).astype(np.float64)


def pixel_losses(proba):
    """Binary cross-entropy of every pixel, shape (n, h, w)."""
    losses = keras.losses.binary_crossentropy(
        y_img[..., None].astype("float32"), proba
    )
    return keras.ops.convert_to_numpy(losses).astype(np.float64)


def line(label, value):
    print(f"  {label:<46}: {value:.6f}")


# ---------------------------------------------------------------- Keras, sequences
backend = keras.backend.backend()
print(f"measured with: Keras {keras.__version__}, {backend} backend, NumPy arrays")
print(f"y: {y_seq.shape}, a label per timestep; output {(n, T, 2)}")
print(f"model.fit(class_weight={CLASS_WEIGHT}, batch_size=B):")
keras.utils.set_random_seed(0)
model = tagger(X_seq.shape)
model.compile(
    keras.optimizers.SGD(learning_rate=0.0), "sparse_categorical_crossentropy"
)
L = sequence_losses(model(X_seq))  # per timestep; the network never changes (rate 0)
fit = {"epochs": 1, "verbose": 0, "shuffle": False, "class_weight": CLASS_WEIGHT}
first_max = y_seq.argmax(axis=1)  # the position of each row's first 1 (0 if none)
row_weight = np.array([CLASS_WEIGHT.get(int(k), 1.0) for k in first_max])


def first_line(error):
    """The error without the TensorFlow graph node it names."""
    text = str(error)
    shapes = re.search(r"with input shapes: (.*?)\.?$", text)
    text = text.split(" for '")[0].split("\n")[0]
    return f"{text} (input shapes {shapes.group(1)})" if shapes else text


try:
    model.fit(X_seq, y_seq, batch_size=n, **fit)
    print(f"  B = {n}: trained")
except Exception as error:  # what Keras does with it
    print(f"  B = {n}: {type(error).__name__}: {first_line(error)}")

print(
    "  B = 1, one row at a time: the weight Keras gave each row (loss / unweighted)"
)
print("    row  labels   argmax  weight")
for i in range(n):
    alone = model.fit(X_seq[i : i + 1], y_seq[i : i + 1], batch_size=1, **fit)
    weight = alone.history["loss"][0] / L[i].mean()
    labels = "".join(str(v) for v in y_seq[i])
    print(f"    {i:>3}  {labels}  {first_max[i]:>6}  {weight:6.3f}")
print(
    f"  rows weighted 5: {np.flatnonzero(row_weight == 5).tolist()}; "
    f"rows with a 1: {np.flatnonzero(y_seq.any(axis=1)).tolist()}"
)

print(f"  B = T = {T}, rows 0 to {T - 1} in one batch:")
reported = model.fit(X_seq[:T], y_seq[:T], batch_size=T, **fit).history["loss"][0]
L6, y6, w6 = L[:T], y_seq[:T], row_weight[:T]
candidates = {
    "unweighted": L6.mean(),
    "each timestep by its own label": np.mean(W[y6] * L6),
    "each row by class_weight[argmax]": np.mean(w6[:, None] * L6),
    "timestep t by the weight of row t": np.mean(w6[None, :] * L6),
}
line("loss reported by Keras", reported)
for label, value in candidates.items():
    line(f"by hand, {label}", value)
same = [k for k, v in candidates.items() if np.isclose(v, reported, rtol=1e-5)]
print(f"  Keras' loss equals: {', '.join(same) or 'none of them'}")

# ---------------------------------------------------------------- Keras, masks
print()
print(f"y: masks {y_img.shape}; output {(4, 8, 8, 1)}")
keras.utils.set_random_seed(0)
model = pixel_model(X_img.shape)
model.compile("sgd", "binary_crossentropy")
for y in (y_img, y_img[..., None]):
    try:
        model.fit(X_img, y, batch_size=4, **fit)
        print(f"  y of shape {y.shape}: trained")
    except Exception as error:  # what Keras does with it
        print(f"  y of shape {y.shape}: {type(error).__name__}: {error}")


# ---------------------------------------------------------------- skweight
class Before(keras.callbacks.Callback):
    """The network's output on the training rows before the first update."""

    def __init__(self, X):
        super().__init__()
        self.X = X

    def on_train_begin(self, logs=None):
        self.proba = keras.ops.convert_to_numpy(self.model(self.X))


def check(what, build, X, y, weights, losses, sample_weight=None):
    """Fit one epoch of one batch; print its loss, and sum(w * L) / N by hand with
    the element weights ``weights`` normalised to mean 1."""
    before = Before(X)
    clf = WeightedKerasClassifier(
        model=build, weighting=CLASS_WEIGHT, dense_target=True, epochs=1,
        batch_size=len(X), callbacks=[before], random_state=0,
    )  # fmt: skip
    clf.fit(X, y, sample_weight=sample_weight)
    line(f"{what}, loss reported", clf.history_["loss"][0])
    by_hand = np.mean(weights / weights.mean() * losses(before.proba))
    line(f"{what}, by hand", by_hand)
    agrees.append(np.isclose(clf.history_["loss"][0], by_hand, rtol=1e-5))
    return clf


agrees = []


print()
print(f"WeightedKerasClassifier(model=..., weighting={CLASS_WEIGHT}), same data:")
print("  weight of an element = class_weight[its label] x its sample_weight")
clf = check("(n, T) labels", tagger, X_seq, y_seq, W[y_seq], sequence_losses)
print(f"  elementwise_={clf.elementwise_}, target_shape_={clf.target_shape_}")
per_row = rng.uniform(0.5, 2.0, size=n)
check(
    "  with sample_weight (n,)", tagger, X_seq, y_seq, W[y_seq] * per_row[:, None],
    sequence_losses, sample_weight=per_row,
)  # fmt: skip
per_element = rng.uniform(0.5, 2.0, size=(n, T))
check(
    "  with sample_weight (n, T)", tagger, X_seq, y_seq, W[y_seq] * per_element,
    sequence_losses, sample_weight=per_element,
)  # fmt: skip
check("(n, h, w) masks", pixel_model, X_img, y_img, W[y_img], pixel_losses)
print(
    "skweight's reported loss equals the hand computation in: "
    f"{sum(agrees)} of {len(agrees)} fits"
)

try:
    WeightedKerasClassifier(model=tagger, weighting=CLASS_WEIGHT).fit(X_seq, y_seq)
except ValueError as error:
    print(
        f"dense_target='auto' reads a 0/1 y of shape (n, T) as multi-label: {error}"
    )
