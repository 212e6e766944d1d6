"""Writing a weighting strategy: one class, one registration, it works everywhere.

A per-class strategy implements one method, ``class_weight_vector``;
``@register_strategy`` gives it a ``weighting=`` name (and, optionally, a place among
``compare_weightings``' default candidates). The template method
``WeightingStrategy.prepare`` does the rest: it checks the parameters declared in
``_parameter_constraints``, refuses targets the class does not support, drops
zero-weight rows, calls the strategy and normalises the weights. The strategy below,
square-root balancing, sits between no weighting and ``"balanced"``: class ``c``
weighs ``(n / n_c) ** power``, with ``power=0.5`` by default.

Set SKWEIGHT_EXAMPLE_EPOCHS to train for fewer epochs.
"""

import numbers
import os
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
from sklearn.datasets import load_breast_cancer  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from skweight import WeightedKerasClassifier  # noqa: E402
from skweight.weighting import (  # noqa: E402
    Interval,
    PerClassWeights,
    register_strategy,
)

EPOCHS = int(os.environ.get("SKWEIGHT_EXAMPLE_EPOCHS", "20"))


# --8<-- [start:strategy]
@register_strategy(
    names={"sqrt_balanced": lambda: PowerBalancedWeights(0.5)},
    examples=lambda: [PowerBalancedWeights(0.5)],
)
class PowerBalancedWeights(PerClassWeights):
    """Weight class ``c`` by ``(n / n_c) ** power``: 0 is none, 1 is "balanced"."""

    _parameter_constraints = {"power": [Interval(numbers.Real, 0, 1, closed="both")]}

    def __init__(self, power: float = 0.5):
        self.power = power

    def class_weight_vector(self, y, classes):
        counts = np.bincount(y, minlength=len(classes)).astype(float)
        present = counts > 0
        weights = np.ones(len(classes))
        weights[present] = (counts[present].sum() / counts[present]) ** self.power
        return weights


# --8<-- [end:strategy]


X, y = load_breast_cancer(return_X_y=True)
y = 1 - y  # malignant (212 rows) is class 1
X = StandardScaler().fit_transform(X)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)

settings = {"hidden_layer_sizes": (16,), "epochs": EPOCHS, "random_state": 0}
for weighting in [None, "sqrt_balanced", "balanced"]:
    model = WeightedKerasClassifier(weighting=weighting, **settings)
    model.fit(X_train, y_train)
    weights = getattr(model.weighting_, "class_weights_", np.ones(2))
    recall = np.mean(model.predict(X_test)[y_test == 1] == 1)
    print(f"weighting={weighting!s:<14} class weights {np.round(weights, 3)}  "
          f"malignant recall {recall:.3f}")  # fmt: skip

# The declared constraint refuses a bad power before any network is built ...
try:
    too_strong = PowerBalancedWeights(2.0)
    WeightedKerasClassifier(weighting=too_strong, **settings).fit(X, y)
except ValueError as error:
    print(f"bad parameter: {error}")

# ... and a fitted model saves and loads, the strategy and its class weights too.
with tempfile.TemporaryDirectory() as folder:
    model.set_params(weighting="sqrt_balanced").fit(X_train, y_train)
    loaded = WeightedKerasClassifier.load(model.save(f"{folder}/m"))
    same = np.array_equal(loaded.predict_proba(X_test), model.predict_proba(X_test))
    strategy = type(loaded.weighting_).__name__
    print(f"saved and loaded: {strategy}, same predictions: {same}")
