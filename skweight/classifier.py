"""A scikit-learn classifier around a Keras 3 network."""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets, type_of_target

from .base import BaseWeightedKeras
from .prior import correct_prior
from .weighting import TrainingSet


class WeightedKerasClassifier(ClassifierMixin, BaseWeightedKeras):
    """Keras 3 classifier with weighting as a hyperparameter.

    Binary targets train one sigmoid unit with binary cross-entropy; multiclass targets train
    a softmax layer with sparse categorical cross-entropy. A custom model may also end in two
    softmax units for a binary target. Labels may be of any type (ints, strings, ...).

    See :class:`skweight.base.BaseWeightedKeras` for the parameters.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    n_classes_ : int
    n_outputs_ : int
    target_type_ : str
        ``"binary"`` or ``"multiclass"``.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when ``X`` had string column names.
    model_ : keras.Model
        The trained network.
    weighting_ : WeightingStrategy
        The strategy the last fit used.
    history_ : dict of list
        Per-epoch loss and metrics (``val_*`` when ``validation_split`` > 0).
    class_prior_ : ndarray of shape (n_classes,)
        Class frequencies of the training rows as given (``sample_weight`` counted).
    training_prior_ : ndarray of shape (n_classes,)
        Class frequencies the network was trained on, after weighting or resampling. Where it
        differs from ``class_prior_`` the network's probabilities carry the shifted prior.
    """

    _stratify_validation = True
    _target_validation_kwargs = {"multi_output": False}

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train for one epoch, continuing from the current network if there is one.

        ``classes`` must list every class on the first call if ``y`` may not contain them all.
        """
        return self._fit(X, y, sample_weight, epochs=1, warm=True, classes=classes)

    def predict_proba(self, X) -> np.ndarray:
        """Return class probabilities of shape (n_samples, n_classes)."""
        outputs = self._forward(X).astype(np.float64)
        if outputs.shape[1] == 1:
            positive = np.clip(outputs[:, 0], 0.0, 1.0)
            outputs = np.column_stack([1.0 - positive, positive])
        if self.prior_correction:
            return correct_prior(outputs, self.class_prior_, self.training_prior_)
        return outputs

    def predict(self, X) -> np.ndarray:
        """Return the most probable class of each row."""
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    # ------------------------------------------------------------------ hooks
    def _encode_target(self, y, *, reset: bool, classes=None) -> np.ndarray:
        check_classification_targets(y)
        if reset:
            target_type = type_of_target(y, input_name="y")
            if target_type not in ("binary", "multiclass"):
                raise ValueError(
                    f"y is {target_type!r}; WeightedKerasClassifier expects binary or multiclass "
                    "labels, one per row."
                )
            labels = np.unique(y) if classes is None else np.unique(np.asarray(classes))
            if len(labels) < 2:
                raise ValueError(
                    f"y contains only one class ({labels.tolist()}); a classifier needs at "
                    "least two classes."
                )
            self.classes_ = labels
            self.n_classes_ = len(labels)
            self.n_outputs_ = 1
            self.target_type_ = "binary" if len(labels) == 2 else "multiclass"
        encoded = np.searchsorted(self.classes_, y)
        encoded = np.clip(encoded, 0, self.n_classes_ - 1)
        unseen = self.classes_[encoded] != y
        if unseen.any():
            raise ValueError(
                f"y has label(s) {np.unique(y[unseen]).tolist()} not among classes_ "
                f"{self.classes_.tolist()}; pass all classes to the first partial_fit call."
            )
        return encoded

    def _check_training_rows(self, train: TrainingSet) -> None:
        super()._check_training_rows(train)
        if len(np.unique(train.y)) < 2:
            raise ValueError(
                "Only one class has rows with positive weight; a classifier needs at least two "
                "classes to train on. Check sample_weight and weighting."
            )

    def _record_training_mix(self, original: TrainingSet, train: TrainingSet) -> None:
        self.class_prior_ = _class_mix(original, self.n_classes_)
        self.training_prior_ = _class_mix(train, self.n_classes_)

    def _output_spec(self) -> tuple[int, str]:
        if self.n_classes_ == 2:
            return 1, "sigmoid"
        return self.n_classes_, "softmax"

    def _allowed_output_units(self) -> tuple[int, ...]:
        return (1, 2) if self.n_classes_ == 2 else (self.n_classes_,)

    def _target_summary(self) -> str:
        return f"{self.n_classes_} classes"

    def _default_loss(self) -> str:
        return (
            "binary_crossentropy"
            if self.model_.output_shape[-1] == 1
            else ("sparse_categorical_crossentropy")
        )

    def _keras_target(self, y: np.ndarray, one_hot: bool) -> np.ndarray:
        n_units = self.model_.output_shape[-1]
        if one_hot and n_units > 1:
            return np.eye(n_units, dtype="float32")[y]
        if n_units == 1:
            return y.astype("float32").reshape(-1, 1)
        return y.astype("int32")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = True
        return tags


def _class_mix(rows: TrainingSet, n_classes: int) -> np.ndarray:
    """Weighted class frequencies of ``rows`` (they sum to 1)."""
    y, weights = rows.epoch_targets(0)  # per-epoch resampling: the mix of one epoch
    counts = np.bincount(y, weights=weights, minlength=n_classes)
    return counts / counts.sum()
