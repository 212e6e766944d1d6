"""Per-class weights: ``"balanced"`` and explicit ``{class: weight}`` dictionaries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import keras
import numpy as np
from sklearn.utils.class_weight import compute_class_weight

from .._params import Options, Satisfies
from .base import PerClassWeights, TrainingSet
from .multilabel import PerLabelBinaryCrossentropy, balanced_label_weights
from .registry import Candidate, register_strategy


@register_strategy(
    names={"balanced": lambda: ClassWeights("balanced")},
    candidates=[
        Candidate("balanced", simplicity=3, make=lambda cost_matrix, random_state: "balanced")
    ],
    examples=lambda: [ClassWeights("balanced"), ClassWeights({0: 1.0, 1: 3.0})],
)
class ClassWeights(PerClassWeights):
    """Weight every row by a weight that depends on its class.

    See also the guide pages [How do weights enter the loss?](weights-in-the-loss.md) and [Why
    does class_weight do nothing?](class-weight-does-nothing.md).

    Parameters
    ----------
    class_weight : "balanced" or dict, default="balanced"
        ``"balanced"`` gives class ``c`` the weight ``n_samples / (n_classes * count_c)``
        (scikit-learn's rule). A dict maps class labels to non-negative weights; classes left out
        weigh 1, and a label that is not a class of ``y`` is an error.

    Notes
    -----
    For multi-label targets (an indicator matrix ``y``) only ``"balanced"`` applies, per label:
    label ``k``'s positive term weighs ``n / (2 P_k)`` and its negative term ``n / (2 N_k)``
    (``P_k``, ``N_k``: rows with and without the label). Row weights cannot do that, so the
    binary cross-entropy is replaced by
    ``skweight.weighting.multilabel.PerLabelBinaryCrossentropy`` (hence ``changes_loss``).
    """

    supports_multilabel = True
    changes_loss = True

    _parameter_constraints = {
        "class_weight": [
            Options(("balanced",)),
            Satisfies(lambda v: isinstance(v, Mapping), "a {class: weight} dict"),
        ]
    }

    def __init__(self, class_weight: str | Mapping = "balanced"):
        self.class_weight = class_weight

    def class_weight_vector(self, y: np.ndarray, classes: np.ndarray) -> np.ndarray:
        """Return the weight of each class, in the order of ``classes``."""
        n_classes = len(classes)
        if isinstance(self.class_weight, str):
            present = np.unique(y)
            weights = np.ones(n_classes)
            weights[present] = compute_class_weight("balanced", classes=present, y=y)
            return weights
        index = {label: i for i, label in enumerate(classes.tolist())}
        weights = np.ones(n_classes)
        for label, weight in self.class_weight.items():
            key = label.item() if isinstance(label, np.generic) else label
            if key not in index:
                raise ValueError(
                    f"weighting dict names class {label!r}, which is not among the classes "
                    f"of y: {classes.tolist()}."
                )
            try:
                value = float(weight)
            except (TypeError, ValueError):
                value = np.nan
            if not np.isfinite(value) or value < 0:
                raise ValueError(
                    f"weighting dict gives class {label!r} the weight {weight!r}; weights must "
                    "be finite and non-negative."
                )
            weights[index[key]] = value
        return weights

    def class_weight_from_counts(self, counts: np.ndarray, classes: np.ndarray) -> np.ndarray:
        """``"balanced"`` from the counts by scikit-learn's rule; a dict needs no counts."""
        if not isinstance(self.class_weight, str):
            return self.class_weight_vector(np.empty(0, dtype=np.int64), classes)
        present = counts > 0
        weights = np.ones(len(classes))
        weights[present] = counts.sum() / (present.sum() * counts[present])
        return weights

    def _fit_rows(self, rows, *, classes, random_state) -> TrainingSet:
        if rows.y.ndim == 1 or rows.dense:
            return super()._fit_rows(rows, classes=classes, random_state=random_state)
        if self.class_weight != "balanced":
            raise ValueError(
                "weighting for a multi-label y must be 'balanced' (per label), 'focal', None or "
                f"a per-row strategy; got a class-weight dict {self.class_weight!r}. If the 2-D "
                "0/1 y is one label per element (per-timestep labels), pass dense_target=True."
            )
        self.label_weights_ = balanced_label_weights(rows.y)
        return rows  # the label weights live in the loss

    def _make_loss(self, default_loss: Any, *, target_type: str) -> Any:
        if not hasattr(self, "label_weights_"):
            return default_loss
        if not isinstance(default_loss, keras.losses.BinaryCrossentropy):
            raise ValueError(
                "weighting='balanced' for a multi-label y weights the terms of binary "
                f"cross-entropy; loss={getattr(default_loss, 'name', default_loss)!r} is not "
                "binary cross-entropy. Use loss=None."
            )
        positive, negative = self.label_weights_
        return PerLabelBinaryCrossentropy(
            positive, negative, from_logits=default_loss.get_config().get("from_logits", False)
        )
