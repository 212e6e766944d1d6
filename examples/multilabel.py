"""Multi-label targets: "balanced" weighs each label's positive and negative terms on its own.

A synthetic problem with 5 labels of very different frequency. Prints each label's positive
rate, the per-label weights "balanced" puts into the loss, and per-label recall and balanced
accuracy on held-out rows, without weighting and with "balanced". Set SKWEIGHT_EXAMPLE_EPOCHS
to train for fewer epochs.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
from sklearn.datasets import make_multilabel_classification  # noqa: E402
from sklearn.metrics import balanced_accuracy_score, recall_score  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from skweight import WeightedKerasClassifier  # noqa: E402

EPOCHS = int(os.environ.get("SKWEIGHT_EXAMPLE_EPOCHS", "20"))

X, Y = make_multilabel_classification(
    n_samples=1500, n_features=20, n_classes=5, n_labels=1, allow_unlabeled=True, random_state=3
)
X = StandardScaler().fit_transform(X)
X_train, X_test, Y_train, Y_test = train_test_split(X, Y, test_size=0.3, random_state=0)

models = {
    weighting: WeightedKerasClassifier(
        hidden_layer_sizes=(32,), epochs=EPOCHS, weighting=weighting, random_state=0
    ).fit(X_train, Y_train)
    for weighting in (None, "balanced")
}
positive, negative = models["balanced"].weighting_.label_weights_

print(f"training rows: {len(Y_train)}; target_type_: {models[None].target_type_}")
print(f"{'label':>5} {'positive rate':>13} {'w(positive)':>11} {'w(negative)':>11}")
for k in range(Y.shape[1]):
    print(f"{k:>5} {Y_train[:, k].mean():13.3f} {positive[k]:11.3f} {negative[k]:11.3f}")
print()
print("held-out rows, per label:")
print(f"{'label':>5} {'recall None':>11} {'recall balanced':>15} {'bal.acc None':>12} "
      f"{'bal.acc balanced':>16}")  # fmt: skip
predicted = {name: model.predict(X_test) for name, model in models.items()}
for k in range(Y.shape[1]):
    recalls = [recall_score(Y_test[:, k], predicted[w][:, k]) for w in (None, "balanced")]
    bal = [balanced_accuracy_score(Y_test[:, k], predicted[w][:, k]) for w in (None, "balanced")]
    print(f"{k:>5} {recalls[0]:11.3f} {recalls[1]:15.3f} {bal[0]:12.3f} {bal[1]:16.3f}")
mean_bal = {
    w: np.mean([balanced_accuracy_score(Y_test[:, k], predicted[w][:, k]) for k in range(5)])
    for w in (None, "balanced")
}
print(
    f"mean balanced accuracy over labels: None {mean_bal[None]:.3f}, "
    f"balanced {mean_bal['balanced']:.3f}"
)
