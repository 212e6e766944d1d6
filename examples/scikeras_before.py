"""The SciKeras script that examples/migrating_from_scikeras.py moves to skweight.

Needs SciKeras (``pip install scikeras``), which skweight does not depend on.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
from scikeras.wrappers import KerasClassifier  # noqa: E402
from sklearn.datasets import load_breast_cancer  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

EPOCHS = int(os.environ.get("SKWEIGHT_EXAMPLE_EPOCHS", "20"))


# --8<-- [start:script]
def get_model(meta, compile_kwargs, hidden_layer_sizes):
    model = keras.Sequential([keras.Input((meta["n_features_in_"],))])
    for units in hidden_layer_sizes:
        model.add(keras.layers.Dense(units, activation="relu"))
    model.add(keras.layers.Dense(1, activation="sigmoid"))
    # the optimizer, loss and metrics the estimator was given, as objects
    model.compile(**compile_kwargs)
    return model


X, y = load_breast_cancer(return_X_y=True)
y = 1 - y  # 1 = malignant
clf = KerasClassifier(
    model=get_model,
    model__hidden_layer_sizes=(32,),
    loss="binary_crossentropy",
    optimizer="adam",
    optimizer__learning_rate=1e-3,
    metrics=["accuracy"],
    class_weight="balanced",
    epochs=EPOCHS,
    batch_size=32,
    validation_split=0.2,
    verbose=0,
    random_state=0,
)
search = GridSearchCV(
    make_pipeline(StandardScaler(), clf),
    {"kerasclassifier__class_weight": [None, "balanced"]},
    scoring="recall",
    cv=3,
)
search.fit(X, y)
print("best:", search.best_params_)
history = search.best_estimator_[-1].history_
print("refitted model, last epoch: val_loss", history["val_loss"][-1],
      "accuracy", history["accuracy"][-1])  # fmt: skip
# --8<-- [end:script]
