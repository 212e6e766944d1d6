"""Multi-label targets: "balanced" weighs each label's positive and negative terms.

A synthetic problem with 5 labels of very different frequency. Prints each label's
positive rate, the per-label weights "balanced" puts into the loss, and per-label
recall and balanced accuracy on held-out rows, without weighting and with "balanced",
and draws recall against label frequency (multilabel.png in $SKWEIGHT_FIGURES, by
default ./skweight-out). Set SKWEIGHT_EXAMPLE_EPOCHS to train for fewer epochs.
"""

import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from sklearn.datasets import make_multilabel_classification  # noqa: E402
from sklearn.metrics import balanced_accuracy_score, recall_score  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from skweight import WeightedKerasClassifier  # noqa: E402

EPOCHS = int(os.environ.get("SKWEIGHT_EXAMPLE_EPOCHS", "20"))
FIGURES = Path(os.environ.get("SKWEIGHT_FIGURES", "skweight-out"))

X, Y = make_multilabel_classification(
    n_samples=1500, n_features=20, n_classes=5, n_labels=1, allow_unlabeled=True,
    random_state=3,
)  # fmt: skip
X = StandardScaler().fit_transform(X)
X_train, X_test, Y_train, Y_test = train_test_split(
    X, Y, test_size=0.3, random_state=0
)
WEIGHTINGS = (None, "balanced")

models = {
    weighting: WeightedKerasClassifier(
        hidden_layer_sizes=(32,), epochs=EPOCHS, weighting=weighting, random_state=0
    ).fit(X_train, Y_train)
    for weighting in WEIGHTINGS
}
positive, negative = models["balanced"].weighting_.label_weights_
rate = Y_train.mean(axis=0)

print(f"training rows: {len(Y_train)}; target_type_: {models[None].target_type_}")
print(f"{'label':>5} {'positive rate':>13} {'w(positive)':>11} {'w(negative)':>11}")
for k in range(Y.shape[1]):
    print(f"{k:>5} {rate[k]:13.3f} {positive[k]:11.3f} {negative[k]:11.3f}")

predicted = {w: models[w].predict(X_test) for w in WEIGHTINGS}
labels = range(Y.shape[1])
recall = {w: [recall_score(Y_test[:, k], predicted[w][:, k]) for k in labels]
          for w in WEIGHTINGS}  # fmt: skip
bal_acc = {w: [balanced_accuracy_score(Y_test[:, k], predicted[w][:, k])
               for k in labels] for w in WEIGHTINGS}  # fmt: skip
print()
print("held-out rows, per label:")
print(f"{'label':>5} {'recall None':>11} {'recall balanced':>15} "
      f"{'bal.acc None':>12} {'bal.acc balanced':>16}")  # fmt: skip
for k in labels:
    print(
        f"{k:>5} {recall[None][k]:11.3f} {recall['balanced'][k]:15.3f} "
        f"{bal_acc[None][k]:12.3f} {bal_acc['balanced'][k]:16.3f}"
    )
print(
    f"mean balanced accuracy over labels: None {np.mean(bal_acc[None]):.3f}, "
    f"balanced {np.mean(bal_acc['balanced']):.3f}"
)
rarest = int(np.argmin(rate))
print(
    f"rarest label: label {rarest} (positive rate {rate[rarest]:.3f}), recall "
    f"{recall[None][rarest]:.3f} unweighted, "
    f"{recall['balanced'][rarest]:.3f} balanced"
)

fig = Figure(figsize=(6.5, 3.8), layout="constrained")
FigureCanvasAgg(fig)
ax = fig.subplots()
order = np.argsort(rate)
for weighting, style in [(None, "o-"), ("balanced", "s-")]:
    ax.plot(rate[order], np.array(recall[weighting])[order], style,
            label=f"weighting={weighting!r}")  # fmt: skip
for k in labels:
    ax.annotate(f"label {k}", (rate[k], recall[None][k]), textcoords="offset points",
                xytext=(4, -12), fontsize=8)  # fmt: skip
ax.set_xlabel("label frequency (positive rate in the training rows)")
ax.set_ylabel("recall on held-out rows")
ax.set_ylim(0, 1.05)
ax.set_title("Per-label recall against label frequency")
ax.legend(frameon=False, loc="lower right")
FIGURES.mkdir(parents=True, exist_ok=True)
fig.savefig(FIGURES / "multilabel.png", dpi=96)
