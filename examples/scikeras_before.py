"""The SciKeras script that examples/migrating_from_scikeras.py moves to skweight.

Needs SciKeras (``pip install scikeras``), which skweight does not depend on.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from scikeras.wrappers import KerasClassifier  # noqa: E402
from sklearn.base import BaseEstimator, TransformerMixin  # noqa: E402
from sklearn.datasets import load_breast_cancer  # noqa: E402
from sklearn.metrics import accuracy_score  # noqa: E402
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


# --8<-- [start:multi]
# Two outputs: malignant or not, and the tumour's size (tertiles of its mean
# radius, which leaves X). SciKeras takes y as one 2-D array, so a target
# encoder splits it for the network and joins the predictions back.
size = np.digitize(X[:, 0], np.quantile(X[:, 0], [1 / 3, 2 / 3]))
X_rest = X[:, 1:]


class TwoTargets(BaseEstimator, TransformerMixin):
    def fit(self, y):
        self.n_classes_ = [2, len(np.unique(y[:, 1]))]
        self.n_outputs_expected_ = 2
        return self

    def transform(self, y):
        return [y[:, 0], y[:, 1]]

    def inverse_transform(self, y):
        malignant = (np.asarray(y[0])[:, 0] > 0.5).astype(int)
        return np.column_stack([malignant, np.argmax(y[1], axis=1)])

    def get_metadata(self):
        return {
            "n_classes_": self.n_classes_,
            "n_outputs_expected_": self.n_outputs_expected_,
        }


class TwoOutputClassifier(KerasClassifier):
    @property
    def target_encoder(self):
        return TwoTargets()

    @staticmethod
    def scorer(y_true, y_pred, **kwargs):
        return np.mean([accuracy_score(y_true[:, i], y_pred[:, i]) for i in (0, 1)])


def get_two_output_model(meta, compile_kwargs):
    inputs = keras.Input((meta["n_features_in_"],))
    hidden = keras.layers.Dense(32, activation="relu")(inputs)
    malignant = keras.layers.Dense(1, activation="sigmoid", name="malignant")(hidden)
    n_sizes = meta["n_classes_"][1]
    size_out = keras.layers.Dense(n_sizes, activation="softmax", name="size")(hidden)
    model = keras.Model(inputs, [malignant, size_out])
    model.compile(**compile_kwargs)  # one loss per output, from loss=[...]
    return model


two = make_pipeline(
    StandardScaler(),
    TwoOutputClassifier(
        model=get_two_output_model,
        loss=["binary_crossentropy", "sparse_categorical_crossentropy"],
        optimizer="adam",
        epochs=EPOCHS,
        verbose=0,
        random_state=0,
    ),
)
two.fit(X_rest, np.column_stack([y, size]))
print("two outputs, mean accuracy:", two.score(X_rest, np.column_stack([y, size])))
# --8<-- [end:multi]
