"""How do I weight pixels for segmentation? Few positive pixels, five ways to train.

Synthetic masks (skweight.datasets.make_segmentation: 300 images of 32 x 32, 60% of
the masks empty, a void ring of label 255 round each disc) and a small U-Net
(skweight.networks.small_unet). Trains with no weighting, "balanced", "focal",
under-sampling of the empty masks and the Dice loss, and decides the unweighted
network's pixels by minimum expected cost (a missed positive pixel costs 5 false
alarms). Prints the pooled pixel counts, the weights "balanced" gives, Dice and cost
per pixel on 100 held-out images, and what the Dice loss does with pixel weights.
Draws pixel_weights.png in $SKWEIGHT_FIGURES (by default ./skweight-out). Set
SKWEIGHT_EXAMPLE_EPOCHS to train for fewer epochs.
"""

import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from imblearn.under_sampling import RandomUnderSampler  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.colors import ListedColormap  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from skweight import (  # noqa: E402
    WeightedKerasClassifier,
    expected_cost,
    minimum_cost_predict,
)
from skweight.datasets import make_segmentation  # noqa: E402
from skweight.networks import small_unet  # noqa: E402
from skweight.overlap import dice_score  # noqa: E402

EPOCHS = int(os.environ.get("SKWEIGHT_EXAMPLE_EPOCHS", "10"))
FIGURES = Path(os.environ.get("SKWEIGHT_FIGURES", "skweight-out"))
VOID = 255  # the label of the uncertain ring round each disc
FP_COST, FN_COST = 1, 5  # a missed positive pixel costs 5 false alarms

X, y = make_segmentation(300, 32, void_border=1, random_state=0)
X_train, y_train, X_test, y_test = X[:200], y[:200], X[200:], y[200:]


# --8<-- [start:fit]
def segmenter(**params):
    """The same U-Net and training for every strategy."""
    return WeightedKerasClassifier(
        model=small_unet, ignore_label=VOID, epochs=EPOCHS, batch_size=16,
        optimizer__learning_rate=0.01, random_state=0, **params,
    )  # fmt: skip


STRATEGIES = {
    "none": {},
    "balanced": {"weighting": "balanced"},
    "focal": {"weighting": "focal"},
    "undersample": {"weighting": RandomUnderSampler()},  # drops empty masks
    "dice loss": {"loss": "dice"},
}
models = {}
for name, params in STRATEGIES.items():
    models[name] = segmenter(**params).fit(X_train, y_train)
predicted = {name: model.predict(X_test) for name, model in models.items()}
# the unweighted network, each pixel decided by least expected cost
unweighted = models["none"]
predicted["none + cost decision"] = minimum_cost_predict(
    unweighted.predict_proba(X_test), fp_cost=FP_COST, fn_cost=FN_COST,
    classes=unweighted.classes_,
)  # fmt: skip
# --8<-- [end:fit]

# ---------------------------------------------------------------- the data
counted = y_train != VOID
counts = np.bincount(y_train[counted], minlength=2)
empty = ~(y_train == 1).any(axis=(1, 2))
print(f"training images: {len(y_train)}, {empty.mean():.0%} of their masks empty")
print(
    f"training pixels: {counts[0]} background, {counts[1]} positive "
    f"({counts[1] / counts.sum():.2%}), {np.sum(~counted)} void (left out)"
)

# ---------------------------------------------------------------- "balanced"
print(
    f"classes_: {models['balanced'].classes_.tolist()} (ignore_label={VOID} is none)"
)
class_weights = models["balanced"].weighting_.class_weights_
print(
    f"class_weights_ of 'balanced': background {class_weights[0]:.3f}, "
    f"positive {class_weights[1]:.2f}"
)
pooled = np.allclose(class_weights, counts.sum() / (2 * counts))
print(f"  = counted pixels / (2 x pixels of the class): {pooled}")
# the weight map "balanced" gives a mask: its class's weight, 0 on the void ring
weight_map = np.where(counted, class_weights[np.where(counted, y_train, 0)], 0.0)
print(
    f"  mean weight over counted training pixels: {weight_map[counted].mean():.3f}"
)
under = models["undersample"]
print(
    f"undersample: positive share of the training pixels "
    f"{under.class_prior_[1]:.2%} -> {under.training_prior_[1]:.2%}"
)

# ---------------------------------------------------------------- held-out scores
held_out = y_test != VOID
print()
print(f"held-out images: {len(y_test)}; {np.sum(~held_out)} void pixels, not scored")
print(f"{'strategy':<22} {'positive pixels':>15} {'Dice':>6} {'cost per pixel':>14}")
truth_share = np.mean(y_test[held_out] == 1)
print(f"{'(true masks)':<22} {truth_share:15.2%}")
dice, cost = {}, {}
for name, pred in predicted.items():
    share = np.mean(pred[held_out] == 1)
    dice[name] = dice_score(y_test, pred, ignore_label=VOID)
    cost[name] = expected_cost(
        y_test, pred, fp_cost=FP_COST, fn_cost=FN_COST, ignore_label=VOID
    )
    print(f"{name:<22} {share:15.2%} {dice[name]:6.3f} {cost[name]:14.4f}")
print()
print("held-out Dice: " + ", ".join(f"{n} {d:.3f}" for n, d in dice.items()))
stalled = [n for n, p in predicted.items() if not (p[held_out] == 1).any()]
print(f"all-zero output (no positive pixel): {', '.join(stalled) or 'none of them'}")
print(f"lowest cost per pixel: {min(cost, key=cost.get)} {min(cost.values()):.4f}")


# ---------------------------------------------------------------- the Dice loss
class Before(keras.callbacks.Callback):
    """The network's output before its first update."""

    def on_train_begin(self, logs=None):
        self.proba = keras.ops.convert_to_numpy(self.model(X_batch))[..., 0]


X_batch, y_batch = X_train[:16], y_train[:16]
before = Before()
model = segmenter(loss="dice", weighting="balanced", callbacks=[before])
reported = model.set_params(epochs=1).fit(X_batch, y_batch).history_["loss"][0]
p, t = before.proba, (y_batch == 1).astype(float)
kept = y_batch != VOID
labels = np.where(kept, y_batch, 0)
batch_weights = np.where(kept, model.weighting_.class_weights_[labels], 0)
mean_weight = np.mean(batch_weights / batch_weights[kept].mean())  # void 0, others 1
dice_void_as_0 = 1 - 2 * np.sum(t * p) / (t.sum() + p.sum())
dice_void_out = 1 - 2 * np.sum(t * p * kept) / (np.sum(t * kept) + np.sum(p * kept))
print()
print("loss='dice', weighting='balanced', one batch of 16 training images:")
print(f"  loss reported by Keras: {reported:.6f}")
print(
    f"  1 - Dice of the batch, void as background, times the mean pixel weight "
    f"{mean_weight:.4f}: {dice_void_as_0 * mean_weight:.6f}"
)
print(f"  1 - Dice of the batch, void left out: {dice_void_out:.6f}")
candidates = {
    "void as background x mean pixel weight": dice_void_as_0 * mean_weight,
    "void left out": dice_void_out,
}
same = [k for k, v in candidates.items() if np.isclose(v, reported, rtol=1e-5)]
print(f"  the Dice loss equals: {', '.join(same) or 'none of them'}")

# ---------------------------------------------------------------- the figure
rows = [*np.flatnonzero((y_test == 1).any(axis=(1, 2)))[:3]]
rows.append(int(np.flatnonzero(~(y_test == 1).any(axis=(1, 2)))[0]))
columns = ["image", "mask", "weights\n'balanced'", *predicted]
TITLES = {"dice loss": "dice\nloss", "none + cost decision": "none +\ncost decision"}
fig = Figure(figsize=(11, 5.6), layout="constrained")
FigureCanvasAgg(fig)
axes = fig.subplots(len(rows), len(columns))
OUTCOME = {  # true negative, true positive, false positive, false negative, void
    "tn": (0.05, 0.05, 0.05), "tp": (1, 1, 1), "fp": (0.9, 0.25, 0.2),
    "fn": (0.25, 0.55, 1), "void": (0.5, 0.5, 0.5),
}  # fmt: skip
WEIGHT_COLOURS = ListedColormap([OUTCOME["void"], (0.2, 0.35, 0.6), (1.0, 0.7, 0.2)])


def outcome_image(truth, pred):
    image = np.empty(truth.shape + (3,))
    image[(truth == 0) & (pred == 0)] = OUTCOME["tn"]
    image[(truth == 1) & (pred == 1)] = OUTCOME["tp"]
    image[(truth == 0) & (pred == 1)] = OUTCOME["fp"]
    image[(truth == 1) & (pred == 0)] = OUTCOME["fn"]
    image[truth == VOID] = OUTCOME["void"]
    return image


for r, i in enumerate(rows):
    mask = y_test[i]
    level = np.select([mask == VOID, mask == 1], [0, 2], 1)
    shown = {"interpolation": "nearest"}
    axes[r, 0].imshow(X_test[i, ..., 0], cmap="gray", **shown)
    grey = {"cmap": "gray", "vmin": 0, "vmax": 1}
    axes[r, 1].imshow(np.where(mask == VOID, 0.5, mask), **grey, **shown)
    axes[r, 2].imshow(level, cmap=WEIGHT_COLOURS, vmin=0, vmax=2, **shown)
    for c, name in enumerate(predicted, start=3):
        axes[r, c].imshow(outcome_image(mask, predicted[name][i]), **shown)
for c, title in enumerate(columns):
    axes[0, c].set_title(TITLES.get(title, title), fontsize=9)
for ax in axes.flat:
    ax.set_xticks([])
    ax.set_yticks([])
legend = [
    Patch(facecolor=OUTCOME["tp"], edgecolor="black", label="true positive"),
    Patch(color=OUTCOME["fp"], label="false positive"),
    Patch(color=OUTCOME["fn"], label="missed positive"),
    Patch(color=OUTCOME["void"], label="void (255): weight 0"),
    Patch(color=WEIGHT_COLOURS(1), label=f"weight {class_weights[0]:.2f}"),
    Patch(color=WEIGHT_COLOURS(2), label=f"weight {class_weights[1]:.1f}"),
]
fig.legend(handles=legend, loc="outside lower center", ncols=6, frameon=False)
FIGURES.mkdir(parents=True, exist_ok=True)
fig.savefig(FIGURES / "pixel_weights.png", dpi=96)
