"""Checks of class labels: one type of label, and ``partial_fit``'s ``classes``."""

from __future__ import annotations

import numpy as np

__all__ = ["check_classes", "check_label_types"]


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
