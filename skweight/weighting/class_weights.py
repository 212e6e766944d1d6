"""Per-class weights: ``"balanced"`` and explicit ``{class: weight}`` dictionaries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from sklearn.utils.class_weight import compute_class_weight

from .base import PerClassWeights, TrainingSet, drop_zero_weight_rows
from .multilabel import PerLabelBinaryCrossentropy, balanced_label_weights


class ClassWeights(PerClassWeights):
    """Weight every row by a weight that depends on its class.

    See also the guide pages [How do weights enter the loss?](weights-in-the-loss.md) and [Why
    does class_weight do nothing?](class-weight-does-nothing.md).

    Parameters
    ----------
    class_weight : "balanced" or dict
        ``"balanced"`` gives class ``c`` the weight ``n_samples / (n_classes * count_c)``
        (scikit-learn's rule). A dict maps class labels to non-negative weights; classes left out
        weigh 1, and a label that is not a class of ``y`` is an error.

    Notes
    -----
    For multi-label targets (an indicator matrix ``y``) only ``"balanced"`` applies, per label:
    label ``k``'s positive term weighs ``n / (2 P_k)`` and its negative term ``n / (2 N_k)``
    (``P_k``, ``N_k``: rows with and without the label). Row weights cannot do that, so the
    binary cross-entropy is replaced by
    ``skweight.weighting.multilabel.PerLabelBinaryCrossentropy``.
    """

    def __init__(self, class_weight: str | Mapping = "balanced"):
        self.class_weight = class_weight

    def class_weight_vector(self, y: np.ndarray, classes: np.ndarray) -> np.ndarray:
        """Return the weight of each class, in the order of ``classes``."""
        if classes is None:
            raise ValueError(
                "weighting by class needs a classifier; the regressor has no classes. "
                "Use sample_weight or a per-row strategy instead."
            )
        n_classes = len(classes)
        if isinstance(self.class_weight, str):
            if self.class_weight != "balanced":
                raise ValueError(
                    f"class_weight={self.class_weight!r}: expected 'balanced' or a dict."
                )
            present = np.unique(y)
            weights = np.ones(n_classes)
            weights[present] = compute_class_weight("balanced", classes=present, y=y)
            return weights
        if not isinstance(self.class_weight, Mapping):
            raise TypeError(
                "weighting as class weights must be 'balanced' or a {class: weight} dict; "
                f"got {type(self.class_weight).__name__}."
            )
        index = {label: i for i, label in enumerate(classes.tolist())}
        weights = np.ones(n_classes)
        for label, weight in self.class_weight.items():
            key = label.item() if isinstance(label, np.generic) else label
            if key not in index:
                raise ValueError(
                    f"weighting dict names class {label!r}, which is not among the classes "
                    f"of y: {classes.tolist()}."
                )
            value = float(weight)
            if not np.isfinite(value) or value < 0:
                raise ValueError(
                    f"weighting dict gives class {label!r} the weight {weight!r}; weights must "
                    "be finite and non-negative."
                )
            weights[index[key]] = value
        return weights

    def weigh(self, X, y, sample_weight, classes) -> np.ndarray | None:
        if y.ndim == 2:  # multi-label: the label weights live in the loss
            return sample_weight
        return super().weigh(X, y, sample_weight, classes)

    def prepare(self, X, y, sample_weight, *, classes, random_state) -> TrainingSet:
        if classes is None:
            self.class_weight_vector(y, classes)  # raises: the regressor has no classes
        if y.ndim == 1:
            return super().prepare(X, y, sample_weight, classes=classes, random_state=random_state)
        if not (isinstance(self.class_weight, str) and self.class_weight == "balanced"):
            raise ValueError(
                "weighting for a multi-label y must be 'balanced' (per label), 'focal', None or "
                f"a per-row strategy; got a class-weight dict {self.class_weight!r}."
            )
        rows = drop_zero_weight_rows(X, y, sample_weight)
        self.label_weights_ = balanced_label_weights(rows.y)
        return rows

    def make_loss(self, default_loss: Any, *, target_type: str) -> Any:
        loss = super().make_loss(default_loss, target_type=target_type)
        if not hasattr(self, "label_weights_"):
            return loss
        import keras

        if not isinstance(loss, keras.losses.BinaryCrossentropy):
            raise ValueError(
                "weighting='balanced' for a multi-label y weights the terms of binary "
                f"cross-entropy; loss={getattr(loss, 'name', loss)!r} is not binary "
                "cross-entropy. Use loss=None."
            )
        positive, negative = self.label_weights_
        return PerLabelBinaryCrossentropy(
            positive, negative, from_logits=loss.get_config().get("from_logits", False)
        )
