"""Class labels: checks (one type of label, ``partial_fit``'s ``classes``) and their encoding
into class indices, one per row, one per element (``skweight._element_labels``) or a
multi-label indicator (``LabelEncoding``, a base class of the classifier)."""

from __future__ import annotations

import numpy as np
from sklearn.utils.multiclass import check_classification_targets, type_of_target

from ._element_labels import element_classes, encode_elements
from ._target_layout import without_channel_axis

__all__ = ["LabelEncoding", "check_classes", "check_label_types"]


def check_label_types(labels, name: str) -> None:
    """Raise naming ``name`` when labels mix strings with numbers (NumPy cannot sort them)."""
    values = np.asarray(labels)
    if values.dtype != object or values.size == 0:
        return
    kinds = {
        "string" if isinstance(v, (str, np.str_)) else "number" for v in values.ravel().tolist()
    }
    if len(kinds) > 1:
        raise ValueError(
            f"{name} mixes strings and numbers as labels (e.g. {values.ravel()[:4].tolist()}); "
            "use labels of one type, e.g. all strings."
        )


def check_classes(classes, fitted: np.ndarray | None) -> np.ndarray:
    """Validate ``partial_fit``'s ``classes``: two or more, and equal to ``classes_`` later on."""
    check_label_types(classes, "classes")
    values = np.asarray(classes)
    if values.ndim != 1:
        raise ValueError(f"classes must be a 1-D list of labels; got shape {values.shape}.")
    labels = np.unique(values)
    if fitted is None and len(labels) < 2:
        raise ValueError(
            f"classes={labels.tolist()} lists fewer than two classes; a classifier needs at "
            "least two. List every class the data may contain."
        )
    if fitted is not None and not np.array_equal(labels, fitted):
        raise ValueError(
            f"classes={labels.tolist()} differs from classes_ {fitted.tolist()} set by the first "
            "partial_fit call."
        )
    return labels


class LabelEncoding:
    """``_encode_target``: the classifier's labels as class indices; sets ``classes_``,
    ``n_classes_``, ``n_outputs_``, ``target_type_`` (and ``elementwise_``, ``target_shape_``)
    when ``reset``. Needs ``ignore_label``, ``_multilabel`` and ``_dense_target``
    (``skweight._target_layout.TargetLayout``)."""

    def _encode_target(self, y, *, reset: bool, classes=None) -> np.ndarray:
        check_label_types(y, "y")
        if reset:
            self.elementwise_ = False
            self.target_shape_ = tuple(np.shape(y)[1:])
        if (
            np.ndim(y) >= 3
            or getattr(self, "elementwise_", False)
            or (reset and self._dense_target(y, warm=False))
        ):
            return self._encode_dense(y, reset=reset, classes=classes)
        check_classification_targets(y)
        if y.ndim == 2 or (self._multilabel and not reset):
            return self._encode_indicator(y, reset=reset)
        if classes is not None:
            classes = check_classes(classes, None if reset else self.classes_)
        if reset:
            target_type = type_of_target(y, input_name="y")
            if target_type not in ("binary", "multiclass"):
                raise ValueError(
                    f"y is {target_type!r}; WeightedKerasClassifier expects binary or multiclass "
                    "labels, one per row."
                )
            labels = np.unique(y) if classes is None else classes
            if len(labels) < 2:
                raise ValueError(
                    f"y contains only one class ({labels.tolist()}); a classifier needs at "
                    "least two classes (pass classes= to partial_fit to train on one class "
                    "per batch)."
                )
            self.classes_ = labels
            self.n_classes_ = len(labels)
            self.n_outputs_ = 1
            self.target_type_ = "binary" if len(labels) == 2 else "multiclass"
        encoded = np.searchsorted(self.classes_, y)
        encoded = np.clip(encoded, 0, self.n_classes_ - 1)
        unseen = self.classes_[encoded] != y
        if unseen.any():
            where = (
                f"classes={self.classes_.tolist()}"
                if reset and classes is not None
                else (f"classes_ {self.classes_.tolist()}")
            )
            raise ValueError(
                f"y has label(s) {np.unique(y[unseen]).tolist()} not among {where}; pass all "
                "classes to the first partial_fit call."
            )
        return encoded

    def _encode_dense(self, y, *, reset: bool, classes=None) -> np.ndarray:
        """Class indices per element (``IGNORED`` for ``ignore_label``), trailing 1 dropped."""
        y = np.asarray(y)
        if y.dtype.kind == "f" and not np.array_equal(y, np.round(y)):
            raise ValueError(
                "y has non-integer float values; a classifier's dense target holds class "
                "labels per element (for continuous targets use WeightedKerasRegressor)."
            )
        core = without_channel_axis(y)
        if classes is not None:
            classes = check_classes(classes, None if reset else self.classes_)
        if reset:
            labels = element_classes(core, self.ignore_label) if classes is None else classes
            if len(labels) < 2:
                raise ValueError(
                    f"y contains only {labels.tolist()} (ignore_label={self.ignore_label!r} "
                    "left out); a classifier needs at least two classes."
                )
            self.classes_ = labels
            self.n_classes_ = len(labels)
            self.n_outputs_ = 1
            self.target_type_ = "binary" if len(labels) == 2 else "multiclass"
            self.elementwise_ = True
            self.target_shape_ = tuple(y.shape[1:])
        elif tuple(y.shape[1:]) != self.target_shape_:
            raise ValueError(
                f"y has rows of shape {tuple(y.shape[1:])}; the estimator was fitted on "
                f"{self.target_shape_}."
            )
        encoded, unseen = encode_elements(core, self.classes_, self.ignore_label)
        if len(unseen):
            raise ValueError(
                f"y has label(s) {unseen.tolist()} not among classes_ "
                f"{self.classes_.tolist()} (set ignore_label= for a label to leave out)."
            )
        return encoded

    def _encode_indicator(self, y, *, reset: bool) -> np.ndarray:
        if reset:
            self.classes_ = np.arange(y.shape[1])
            self.n_classes_ = self.n_outputs_ = y.shape[1]
            self.target_type_ = "multilabel-indicator"
            self.indicator_dtype_ = y.dtype
        elif y.ndim != 2 or y.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has shape {y.shape}; the fitted network predicts "
                + (f"{self.n_outputs_} labels." if self._multilabel else "one label per row.")
            )
        return np.asarray(y, dtype=np.int64)
