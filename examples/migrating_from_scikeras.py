"""examples/scikeras_before.py moved over to skweight.

The build function is unchanged (skweight passes ``meta`` and ``compile_kwargs``
as SciKeras does, and trains the network as the build function compiled it);
``class_weight`` becomes ``weighting``; ``validation_split`` keeps its name but
holds out a stratified sample and records the validation loss weighted and
unweighted; and the estimator is a scikit-learn classifier, so ``roc_auc`` scoring
works in the search. Set SKWEIGHT_EXAMPLE_EPOCHS to train for fewer epochs.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
from sklearn.base import is_classifier  # noqa: E402
from sklearn.datasets import load_breast_cancer  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from skweight import WeightedKerasClassifier  # noqa: E402

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
clf = WeightedKerasClassifier(
    model=get_model,
    model__hidden_layer_sizes=(32,),
    loss="binary_crossentropy",
    optimizer="adam",
    optimizer__learning_rate=1e-3,
    metrics=["accuracy"],
    weighting="balanced",
    epochs=EPOCHS,
    batch_size=32,
    validation_split=0.2,
    random_state=0,
)
search = GridSearchCV(
    make_pipeline(StandardScaler(), clf),
    {"weightedkerasclassifier__weighting": [None, "balanced"]},
    scoring={"recall": "recall", "roc_auc": "roc_auc"},
    refit="recall",
    cv=3,
)
search.fit(X, y)
# --8<-- [end:script]
print("is_classifier:", is_classifier(clf))
print("best:", search.best_params_)
for weighting, recall, auc in zip(
    search.cv_results_["param_weightedkerasclassifier__weighting"],
    search.cv_results_["mean_test_recall"],
    search.cv_results_["mean_test_roc_auc"],
    strict=True,
):
    print(f"weighting={weighting!s:<9} recall {recall:.3f}  roc_auc {auc:.3f}")
history = search.best_estimator_[-1].history_
print(f"refitted model, last epoch: val_loss {history['val_loss'][-1]:.4f}, "
      f"val_loss_unweighted {history['val_loss_unweighted'][-1]:.4f}, "
      f"accuracy {history['accuracy'][-1]:.3f}")  # fmt: skip
