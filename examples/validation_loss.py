"""Is the validation loss weighted? What Keras does, and what skweight records.

Trains a plain Keras network with class_weight and validation_data and recomputes its
val_loss both ways; then fits skweight's classifier with validation_split and prints
loss, val_loss and val_loss_unweighted, and stops early on the unweighted one. Draws
the loss curves of both (validation_loss.png in $SKWEIGHT_FIGURES, by default
./skweight-out). Set SKWEIGHT_EXAMPLE_EPOCHS to train for fewer epochs.
"""

import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402
from sklearn.datasets import load_breast_cancer  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from skweight import WeightedKerasClassifier  # noqa: E402

EPOCHS = int(os.environ.get("SKWEIGHT_EXAMPLE_EPOCHS", "20"))
FIGURES = Path(os.environ.get("SKWEIGHT_FIGURES", "skweight-out"))

X, y = load_breast_cancer(return_X_y=True)
X = StandardScaler().fit_transform(X).astype("float32")
y = 1 - y  # 1 = malignant
X_train, X_val, y_train, y_val = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
class_weight = {0: 1.0, 1: 5.0}
w_val = np.where(y_val == 1, class_weight[1], class_weight[0])


def validation_losses(model):
    """Per-row binary cross-entropy of ``model`` on the validation rows."""
    p_val = keras.ops.convert_to_numpy(model(X_val, training=False))
    per_row = keras.losses.binary_crossentropy(
        y_val[:, None].astype("float32"), p_val
    )
    return keras.ops.convert_to_numpy(per_row)


class WeightedValidationLoss(keras.callbacks.Callback):
    """Records the validation loss, weighted like the training loss, each epoch."""

    def __init__(self):
        super().__init__()
        self.values = []

    def on_epoch_end(self, epoch, logs=None):
        self.values.append(float(np.mean(w_val * validation_losses(self.model))))


# ---------------------------------------------------------------- plain Keras
keras.utils.set_random_seed(0)
model = keras.Sequential(
    [
        keras.Input((X.shape[1],)),
        keras.layers.Dense(16, "relu"),
        keras.layers.Dense(1, "sigmoid"),
    ]
)
model.compile("adam", "binary_crossentropy")
recorder = WeightedValidationLoss()
history = model.fit(
    X_train, y_train, epochs=EPOCHS, class_weight=class_weight,
    validation_data=(X_val, y_val), callbacks=[recorder], verbose=0,
)  # fmt: skip
per_row = validation_losses(model)
print(f"Keras fit(class_weight={class_weight}, validation_data=...), last epoch:")
weighted = np.mean(w_val * per_row)
print(f"  val_loss reported by Keras       : {history.history['val_loss'][-1]:.4f}")
print(f"  mean(L) on validation rows       : {per_row.mean():.4f} (unweighted)")
print(f"  sum(w*L)/n with the class weights: {weighted:.4f} (weighted)")

# ---------------------------------------------------------------- skweight
clf = WeightedKerasClassifier(
    hidden_layer_sizes=(16,), weighting=class_weight, epochs=EPOCHS,
    validation_split=0.25, random_state=0,
).fit(X, y)  # fmt: skip
h = clf.history_
print()
print(f"WeightedKerasClassifier(weighting={class_weight}, validation_split=0.25):")
print(f"  history_ keys: {sorted(h)}")
print("  epoch   loss  val_loss  val_loss_unweighted")
for epoch in sorted({0, len(h["loss"]) // 2, len(h["loss"]) - 1}):
    print(
        f"  {epoch + 1:>5} {h['loss'][epoch]:6.4f}  {h['val_loss'][epoch]:8.4f}"
        f"  {h['val_loss_unweighted'][epoch]:19.4f}"
    )

# ---------------------------------------------------------------- the curves
fig = Figure(figsize=(10, 3.6), layout="constrained")
FigureCanvasAgg(fig)
keras_ax, skweight_ax = fig.subplots(1, 2, sharey=True)
epochs = np.arange(1, EPOCHS + 1)
keras_ax.plot(epochs, history.history["loss"], "C0-", label="loss (weighted)")
keras_ax.plot(epochs, recorder.values, "C0--", label="validation, weighted")
keras_ax.plot(
    epochs, history.history["val_loss"], "C1-", label="val_loss (unweighted)"
)
keras_ax.set_title("Keras fit(class_weight=...)")
skweight_ax.plot(epochs, h["loss"], "C0-", label="loss")
skweight_ax.plot(epochs, h["val_loss"], "C0--", label="val_loss (weighted)")
skweight_ax.plot(
    epochs, h["val_loss_unweighted"], "C1-", label="val_loss_unweighted"
)
skweight_ax.set_title("WeightedKerasClassifier(weighting=...)")
for ax in (keras_ax, skweight_ax):
    ax.set_xlabel("epoch")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(frameon=False)
keras_ax.set_ylabel("binary cross-entropy")
FIGURES.mkdir(parents=True, exist_ok=True)
fig.savefig(FIGURES / "validation_loss.png", dpi=96)

# --8<-- [start:early-stopping]
stopper = keras.callbacks.EarlyStopping(
    monitor="val_loss_unweighted", mode="min", patience=5, restore_best_weights=True
)
clf = WeightedKerasClassifier(
    hidden_layer_sizes=(64,),
    optimizer__learning_rate=0.01,
    weighting="balanced",
    epochs=5 * EPOCHS,
    validation_split=0.25,
    callbacks=[stopper],
    random_state=0,
).fit(X, y)
# --8<-- [end:early-stopping]
unweighted = clf.history_["val_loss_unweighted"]
best = int(np.argmin(unweighted))
print()
stopped = f"trained {len(unweighted)} of {5 * EPOCHS} epochs"
print(f"EarlyStopping(monitor='val_loss_unweighted'): {stopped}")
print(f"  lowest val_loss_unweighted {unweighted[best]:.4f} at epoch {best + 1}")
print("  (restore_best_weights=True: the model keeps that epoch's weights)")
