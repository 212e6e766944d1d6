"""Is the validation loss weighted? What Keras does, and what skweight records.

Trains a plain Keras network with class_weight and validation_data and recomputes its val_loss
both ways; then fits skweight's classifier with validation_split and prints loss, val_loss and
val_loss_unweighted, and stops early on the unweighted one. Set SKWEIGHT_EXAMPLE_EPOCHS to
train for fewer epochs.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.datasets import load_breast_cancer  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from skweight import WeightedKerasClassifier  # noqa: E402

EPOCHS = int(os.environ.get("SKWEIGHT_EXAMPLE_EPOCHS", "20"))

X, y = load_breast_cancer(return_X_y=True)
X = StandardScaler().fit_transform(X).astype("float32")
y = 1 - y  # 1 = malignant
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
class_weight = {0: 1.0, 1: 5.0}

# ---------------------------------------------------------------- plain Keras
keras.utils.set_random_seed(0)
model = keras.Sequential(
    [keras.Input((X.shape[1],)), keras.layers.Dense(16, "relu"), keras.layers.Dense(1, "sigmoid")]
)
model.compile("adam", "binary_crossentropy")
history = model.fit(
    X_train, y_train, epochs=EPOCHS, class_weight=class_weight,
    validation_data=(X_val, y_val), verbose=0,
)  # fmt: skip
p_val = model.predict(X_val, verbose=0)
per_row = keras.ops.convert_to_numpy(
    keras.losses.binary_crossentropy(y_val[:, None].astype("float32"), p_val)
)
w_val = np.where(y_val == 1, class_weight[1], class_weight[0])
print(f"Keras fit(class_weight={class_weight}, validation_data=...), last epoch:")
print(f"  val_loss reported by Keras      : {history.history['val_loss'][-1]:.4f}")
print(f"  mean(L) on validation rows      : {per_row.mean():.4f}   <- unweighted")
print(f"  sum(w*L)/n with the class weights: {np.mean(w_val * per_row):.4f}")

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
print(f"  lowest val_loss_unweighted {unweighted[best]:.4f} at epoch {best + 1} (weights restored)")
