"""examples/scikeras_before.py moved over to skweight.

The build function is unchanged (skweight passes ``meta`` and ``compile_kwargs``
as SciKeras does, and trains the network as the build function compiled it);
``class_weight`` becomes ``weighting``; ``validation_split`` keeps its name but
holds out a stratified sample and records the validation loss weighted and
unweighted; and the estimator is a scikit-learn classifier, so ``roc_auc`` scoring
works in the search. The two-output model needs no target encoder: ``y`` is one
array per output, each output gets class weights from its own labels, and
cross-validation splits the targets held in a ``MultiOutput``. Set
SKWEIGHT_EXAMPLE_EPOCHS to train for fewer epochs.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.base import is_classifier  # noqa: E402
from sklearn.datasets import load_breast_cancer  # noqa: E402
from sklearn.model_selection import GridSearchCV, KFold, cross_validate  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from skweight import MultiOutput, WeightedKerasClassifier  # noqa: E402

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


# --8<-- [start:multi]
# Two outputs: malignant or not, and the tumour's size (tertiles of its mean
# radius, which leaves X). y is one array per output: no target encoder.
size = np.digitize(X[:, 0], np.quantile(X[:, 0], [1 / 3, 2 / 3]))
X_rest = X[:, 1:]


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
    WeightedKerasClassifier(
        model=get_two_output_model,
        loss=["binary_crossentropy", "sparse_categorical_crossentropy"],
        optimizer="adam",
        metrics=[["accuracy"], ["accuracy"]],
        weighting="balanced",  # each output: class weights from its own labels
        epochs=EPOCHS,
        random_state=0,
    ),
)
two.fit(X_rest, [y, size])
malignant, size_predicted = two.predict(X_rest)
folds = KFold(3, shuffle=True, random_state=0)  # stratified folds need one y
scores = cross_validate(two, X_rest, MultiOutput([y, size]), cv=folds)
# --8<-- [end:multi]
print(f"two outputs: accuracy malignant {np.mean(malignant == y):.3f}, "
      f"size {np.mean(size_predicted == size):.3f}; 3-fold subset accuracy "
      f"{scores['test_score'].mean():.3f}")  # fmt: skip
print("per-output class weights:", {
    name: np.round(w.class_weights_, 3).tolist()
    for name, w in zip(["malignant", "size"], two[-1].weighting_, strict=True)
})  # fmt: skip
