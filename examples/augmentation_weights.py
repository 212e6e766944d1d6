"""Do sample weights follow augmented images? Augmentation layers inside the network.

A small CNN on skweight.datasets.load_digit_images (8 x 8 digits, the 9s against the
rest) whose first layers, RandomTranslation and RandomRotation, change every image at
training time, after the batch (images, labels, weights) is drawn. Records the
augmented images of one batch and recomputes the weighted loss Keras reported from
them; compares held-out recall of the 9s without weighting and with "balanced".
Then augments segmentation images, masks and per-pixel weights together as channels
of one array, checks they still line up, and trains on them. Draws
augmentation_weights.png and augmentation_weights-masks.png in $SKWEIGHT_FIGURES (by
default ./skweight-out). Set SKWEIGHT_EXAMPLE_EPOCHS to train for fewer epochs.
"""

import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from sklearn.metrics import recall_score  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

from skweight import WeightedKerasClassifier  # noqa: E402
from skweight.datasets import load_digit_images, make_segmentation  # noqa: E402
from skweight.networks import small_unet  # noqa: E402

EPOCHS = int(os.environ.get("SKWEIGHT_EXAMPLE_EPOCHS", "10"))
FIGURES = Path(os.environ.get("SKWEIGHT_FIGURES", "skweight-out"))
FIGURES.mkdir(parents=True, exist_ok=True)
BATCH = 256  # the rows of the batch whose loss is recomputed

X, y = load_digit_images()  # (1797, 8, 8, 1), 1 for the digit 9


class Seen(keras.layers.Layer):
    """Passes images through; keeps the last training batch it saw."""

    def __init__(self, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.batch_size = batch_size

    def build(self, input_shape):
        shape = (self.batch_size, *input_shape[1:])
        self.images = self.add_weight(
            shape=shape, initializer="zeros", trainable=False
        )

    def call(self, images, training=None):
        if training:
            self.images.assign(images)
        return images


# --8<-- [start:network]
def augmented_cnn(X_shape_, record=0):
    """A small CNN whose first layers augment each image during training only."""
    inputs = keras.Input(X_shape_[1:])
    moved = keras.layers.RandomTranslation(  # up to 1 pixel each way
        0.125, 0.125, fill_mode="constant", seed=1, name="translate"
    )(inputs)
    hidden = keras.layers.RandomRotation(  # up to 18 degrees
        0.05, fill_mode="constant", seed=2, name="rotate"
    )(moved)
    if record:
        hidden = Seen(record, name="seen")(hidden)
    hidden = keras.layers.Conv2D(16, 3, padding="same", activation="relu")(hidden)
    hidden = keras.layers.MaxPooling2D()(hidden)
    hidden = keras.layers.Conv2D(32, 3, padding="same", activation="relu")(hidden)
    hidden = keras.layers.GlobalAveragePooling2D()(hidden)
    return keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(hidden))
    # --8<-- [end:network]


# ---------------------------------------------------------------- one batch, by hand
class Before(keras.callbacks.Callback):
    """The network's weights before its next update."""

    def on_train_begin(self, logs=None):
        self.network = self.model
        self.weights = [w.copy() for w in self.model.get_weights()]


rng = np.random.default_rng(0)
X_b, y_b = X[:BATCH], y[:BATCH]
row_weight = rng.uniform(0.2, 5.0, size=BATCH)  # any per-row weights
clf = WeightedKerasClassifier(
    model=augmented_cnn, model__record=BATCH, weighting="balanced",
    epochs=3 * EPOCHS, batch_size=BATCH, shuffle=False,
    optimizer__learning_rate=0.01, random_state=0,
).fit(X_b, y_b, sample_weight=row_weight)  # fmt: skip
before = Before()
clf.set_params(warm_start=True, epochs=1, callbacks=[before])
reported = clf.fit(X_b, y_b, sample_weight=row_weight).history_["loss"][-1]
network = before.network
augmented = keras.ops.convert_to_numpy(network.get_layer("seen").images)
network.set_weights(before.weights)  # the network that computed this step's loss


def losses(images):
    """Each row's binary cross-entropy (the augmentation layers are off here)."""
    proba = network(images, training=False)
    truth = y_b[:, None].astype("float32")
    return keras.ops.convert_to_numpy(keras.losses.binary_crossentropy(truth, proba))


weights = clf.weighting_.class_weights_[y_b] * row_weight
weights = weights / weights.mean()  # normalised to mean 1
L_augmented, L_given = losses(augmented), losses(X_b)
changed = np.mean(np.abs(augmented - X_b) > 1e-6)
print(f"one batch of {BATCH} rows, weighting='balanced' x a weight per row:")
print(f"  pixels the augmentation changed: {changed:.0%}")
checks = {
    "row weight x loss of its augmented image": np.mean(weights * L_augmented),
    "row weight x loss of the image as given": np.mean(weights * L_given),
    "shuffled row weights x augmented losses": np.mean(
        rng.permutation(weights) * L_augmented
    ),
    "unweighted, augmented images": np.mean(L_augmented),
}
print(f"  {'loss reported by Keras':<49}: {reported:.6f}")
for label, value in checks.items():
    print(f"  by hand, {label:<40}: {value:.6f}")
same = [k for k, v in checks.items() if np.isclose(v, reported, rtol=1e-5)]
print(f"  Keras' loss equals: {', '.join(same) or 'none of them'}")

# ---------------------------------------------------------------- weighting acts
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=0
)
models = {}
for weighting in (None, "balanced"):
    models[weighting] = WeightedKerasClassifier(
        model=augmented_cnn, weighting=weighting, epochs=EPOCHS,
        optimizer__learning_rate=0.01, random_state=0,
    ).fit(X_train, y_train)  # fmt: skip
recall = {w: recall_score(y_test, m.predict(X_test)) for w, m in models.items()}
accuracy = {w: m.score(X_test, y_test) for w, m in models.items()}
print()
print(f"held-out rows: {len(y_test)}, {y_test.sum()} of them 9s")
for weighting in models:
    print(
        f"  weighting={weighting!r:<11} recall of the 9s {recall[weighting]:.3f}, "
        f"accuracy {accuracy[weighting]:.3f}"
    )
print(
    f"recall of the 9s, augmented: {recall[None]:.3f} unweighted, "
    f"{recall['balanced']:.3f} with 'balanced'"
)

# ---------------------------------------------------------------- the figure: digits
balanced = models["balanced"]
class_weights = balanced.weighting_.class_weights_
shown = [*np.flatnonzero(y_train == 1)[:2], *np.flatnonzero(y_train == 0)[:2]]
layers = [balanced.model_.get_layer(name) for name in ("translate", "rotate")]
DRAWS = 5
fig = Figure(figsize=(8, 6.4), layout="constrained")
FigureCanvasAgg(fig)
axes = fig.subplots(len(shown), DRAWS + 1)
for r, i in enumerate(shown):
    image = X_train[i : i + 1]
    axes[r, 0].imshow(image[0, ..., 0], cmap="gray_r", vmin=0, vmax=1)
    axes[r, 0].set_ylabel(f"y={y_train[i]}\nweight {class_weights[y_train[i]]:.2f}")
    for d in range(1, DRAWS + 1):
        drawn = image
        for layer in layers:
            drawn = layer(drawn, training=True)
        drawn = keras.ops.convert_to_numpy(drawn)
        axes[r, d].imshow(drawn[0, ..., 0], cmap="gray_r", vmin=0, vmax=1)
axes[0, 0].set_title("row as given")
for d in range(1, DRAWS + 1):
    axes[0, d].set_title(f"draw {d}")
for ax in axes.flat:
    ax.set_xticks([])
    ax.set_yticks([])
fig.suptitle("Each draw trains with the weight of its row ('balanced')")
fig.savefig(FIGURES / "augmentation_weights.png", dpi=96)

# ---------------------------------------------------------------- segmentation
X_seg, y_seg = make_segmentation(64, 16, radius=(1.5, 3), random_state=1)
mask = y_seg.astype("float32")
edge = np.zeros_like(mask)  # pixels whose 4 neighbours differ: weight 3, others 1
for axis in (1, 2):
    for step in (1, -1):
        edge = np.maximum(edge, mask != np.roll(mask, step, axis=axis))
pixel_weight = 1 + 2 * edge

# --8<-- [start:together]
# image, mask and pixel weights as channels of one array: one draw moves all three
stack = np.concatenate([X_seg, mask[..., None], pixel_weight[..., None]], axis=-1)
flip = keras.layers.RandomFlip(seed=3)
shift = keras.layers.RandomTranslation(
    0.25, 0.25, fill_mode="constant", interpolation="nearest", seed=4
)  # shifted-in pixels get 0: image 0, background, weight 0
moved = keras.ops.convert_to_numpy(shift(flip(stack, training=True), training=True))
X_aug, y_aug, w_aug = moved[..., :1], moved[..., 1].astype("uint8"), moved[..., 2]
# --8<-- [end:together]

alone = keras.layers.RandomTranslation(  # the mask alone, drawn separately
    0.25, 0.25, fill_mode="constant", interpolation="nearest", seed=5
)
y_alone = keras.ops.convert_to_numpy(alone(mask[..., None], training=True))[..., 0]


def contrast(images, masks):
    """Mean brightness inside the masks minus outside."""
    inside = masks == 1
    return images[..., 0][inside].mean() - images[..., 0][~inside].mean()


print()
print(f"segmentation: {len(X_seg)} images of 16 x 16, flipped and shifted together")
print(f"  mask values after augmentation: {np.unique(y_aug).tolist()}")
print(f"  images changed: {np.mean(np.any(moved != stack, axis=(1, 2, 3))):.0%}")
print(
    f"  brightness inside the mask minus outside: "
    f"as given {contrast(X_seg, y_seg):.3f}, "
    f"augmented together {contrast(X_aug, y_aug):.3f}, "
    f"mask augmented alone {contrast(X_aug, y_alone):.3f}"
)
segmenter = WeightedKerasClassifier(
    model=small_unet, weighting="balanced", epochs=1, random_state=0
)
X_both = np.concatenate([X_seg, X_aug])
y_both = np.concatenate([y_seg, y_aug])
w_both = np.concatenate([pixel_weight, w_aug])
segmenter.fit(X_both, y_both, sample_weight=w_both)
print(
    f"  fit on {len(X_both)} images with sample_weight of shape {w_both.shape}: "
    f"predict gives {segmenter.predict(X_aug).shape}"
)

fig = Figure(figsize=(8, 3.1), layout="constrained")
FigureCanvasAgg(fig)
axes = fig.subplots(2, 6)
titles = [
    "image",
    "mask",
    "weights",
    "image, moved",
    "mask, moved",
    "weights, moved",
]
low, high = X_seg.min(), X_seg.max()
for r, i in enumerate(np.flatnonzero(y_seg.any(axis=(1, 2)))[:2]):
    panels = [X_seg[i, ..., 0], y_seg[i], pixel_weight[i],
              X_aug[i, ..., 0], y_aug[i], w_aug[i]]  # fmt: skip
    for c, panel in enumerate(panels):
        style = [{"cmap": "gray", "vmin": low, "vmax": high},
                 {"cmap": "gray", "vmin": 0, "vmax": 1},
                 {"cmap": "viridis", "vmin": 0, "vmax": 3}][c % 3]  # fmt: skip
        axes[r, c].imshow(panel, interpolation="nearest", **style)
        axes[r, c].set_xticks([])
        axes[r, c].set_yticks([])
        axes[0, c].set_title(titles[c], fontsize=9)
fig.savefig(FIGURES / "augmentation_weights-masks.png", dpi=96)
