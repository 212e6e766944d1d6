"""The targets of a multi-output network: what each output's ``y`` is, and how it is encoded.

``y`` is a ``MultiOutput`` (or a list or dict of arrays): one target per output, each with one
entry per row. For a classifier every output is a classification target of its own: labels of
any one type, one per row (binary or multiclass), or a 0/1 indicator matrix (multi-label); for
a regressor, one value or several per row. A target with one entry per element of a row (a
mask) is not taken in a multi-output ``y``.

``encode_outputs`` validates and encodes each output (its own classes, as
``WeightedKerasClassifier`` encodes one ``y``) and records, at fit, one spec per output in
``outputs_`` (plain data: its key, kind, classes, width) with the public facts mirrored in the
structure of ``y``: ``classes_`` and ``n_classes_`` as a dict by output name, or a list.
The other functions read a spec: the output units a network may have for it, its default loss,
the array Keras trains it on, and what ``predict_proba`` and ``predict`` return for it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_array

from ._labels import check_label_types
from ._outputs import outputs_to_proba
from .multi_io import MultiOutput

__all__ = [
    "allowed_units",
    "default_loss",
    "encode_outputs",
    "keras_target",
    "mirrored",
    "prediction",
    "probabilities",
    "several_outputs",
    "summary",
]

_REGRESSION = ("continuous", "continuous-multioutput")


def several_outputs(estimator) -> bool:
    """True if the estimator is (being) fitted on the targets of several outputs."""
    return getattr(estimator, "outputs_", None) is not None


def mirrored(estimator, values: list) -> list | dict:
    """``values`` (one per output, in ``y``'s order) as a dict by name or a list, as ``y`` was."""
    keys = [spec["key"] for spec in estimator.outputs_]
    if isinstance(keys[0], str):
        return dict(zip(keys, values, strict=True))
    return list(values)


def encode_outputs(estimator, y: MultiOutput, *, reset: bool, classes=None) -> MultiOutput:
    """Validate and encode every output's target; record (``reset``) or check the specs."""
    classifier = is_classifier(estimator)
    if reset:
        keys = [key for key, _ in y.items()]
        arrays, labels = y.arrays, y.labels
    else:
        _check_same_outputs(estimator, y)
        keys = [spec["key"] for spec in estimator.outputs_]
        arrays = y.arrays if y.names is None else tuple(y[key] for key in keys)
        labels = [spec["label"] for spec in estimator.outputs_]
    targets = [_as_target(a, label, classifier) for a, label in zip(arrays, labels, strict=True)]
    given = _per_output_classes(classes, y)
    if reset:
        specs = [
            _new_spec(key, label, target, classifier)
            for key, label, target in zip(keys, labels, targets, strict=True)
        ]
        for spec, target, fixed in zip(specs, targets, given, strict=True):
            _set_classes(spec, target, fixed)
        _record(estimator, specs, y)
    else:
        _check_given_classes(estimator.outputs_, given)
    encoded = tuple(
        _encode(spec, target, classifier)
        for spec, target in zip(estimator.outputs_, targets, strict=True)
    )
    return MultiOutput._of(None if y.names is None else tuple(keys), encoded)


def _check_given_classes(specs: list[dict[str, Any]], given: list) -> None:
    for spec, fixed in zip(specs, given, strict=True):
        if fixed is not None and not np.array_equal(np.unique(fixed), spec["classes"]):
            raise ValueError(
                f"classes for {spec['label']} are {np.unique(fixed).tolist()}; they differ from "
                f"its classes {spec['classes'].tolist()} set by the first partial_fit call."
            )


def _as_target(array: np.ndarray, label: str, classifier: bool) -> np.ndarray:
    array = check_array(
        array, ensure_2d=False, allow_nd=True, dtype=None if classifier else "numeric",
        input_name=f"y's {label}",
    )  # fmt: skip
    if array.ndim > 2 or (array.ndim == 2 and array.shape[1] == 0):
        raise ValueError(
            f"y's {label} has shape {array.shape}; each output of a multi-output network takes "
            "one target per row (a label, a row of 0/1 labels, or regression values), not one "
            "per element of a row. Train a dense target (a mask) as a network's only output."
        )
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    return array


def _new_spec(key, label: str, array: np.ndarray, classifier: bool) -> dict[str, Any]:
    spec = {"key": key, "label": label, "kind": None, "classes": None, "width": 0, "dtype": None}
    if not classifier:
        spec["kind"] = "continuous" if array.ndim == 1 else "continuous-multioutput"
        spec["width"] = 1 if array.ndim == 1 else int(array.shape[1])
        return spec
    check_label_types(array, f"y's {label}")
    kind = type_of_target(array, input_name=f"y's {label}")
    if kind not in ("binary", "multiclass", "multilabel-indicator"):
        raise ValueError(
            f"y's {label} is {kind!r}; each output of WeightedKerasClassifier takes binary or "
            "multiclass labels (one per row) or a 0/1 indicator matrix (multi-label). For "
            "regression targets use WeightedKerasRegressor."
        )
    spec["kind"] = kind
    if kind == "multilabel-indicator":
        spec["dtype"] = np.dtype(array.dtype)
    return spec


def _per_output_classes(classes, y: MultiOutput) -> list:
    """``partial_fit``'s ``classes`` for each output: a dict by name or a list, or None."""
    if classes is None:
        return [None] * len(y.arrays)
    if isinstance(classes, dict) and y.names is not None and set(classes) == set(y.names):
        return [classes[name] for name in y.names]
    if isinstance(classes, (list, tuple)) and y.names is None and len(classes) == len(y.arrays):
        if all(np.ndim(c) == 1 for c in classes):
            return list(classes)
    raise ValueError(
        "classes must give every output's classes, as y gives its targets: a dict by output "
        f"name ({sorted(y.names) if y.names else 'y is a list'}) or a list of "
        f"{len(y.arrays)} arrays of labels."
    )


def _set_classes(spec: dict[str, Any], array: np.ndarray, fixed) -> None:
    if spec["kind"] in _REGRESSION:
        return
    if spec["kind"] == "multilabel-indicator":
        spec["classes"], spec["width"] = np.arange(array.shape[1]), int(array.shape[1])
        return
    check_classification_targets(array)
    labels = np.unique(array if fixed is None else np.asarray(fixed))
    if len(labels) < 2:
        raise ValueError(
            f"y's {spec['label']} contains only one class ({labels.tolist()}); each "
            "classification output needs at least two (pass classes= to partial_fit to train "
            "on one class per batch)."
        )
    spec["classes"], spec["width"] = labels, len(labels)
    spec["kind"] = "binary" if len(labels) == 2 else "multiclass"


def _record(estimator, specs: list[dict[str, Any]], y: MultiOutput) -> None:
    estimator.outputs_ = specs
    estimator.output_names_ = [str(s["key"]) if y.names else f"output_{s['key']}" for s in specs]
    estimator.n_outputs_ = len(specs)
    estimator.elementwise_ = False
    estimator.target_shape_ = ()
    if is_classifier(estimator):
        estimator.target_type_ = "multiclass-multioutput"
        estimator.classes_ = mirrored(estimator, [s["classes"] for s in specs])
        estimator.n_classes_ = mirrored(estimator, [s["width"] for s in specs])
    else:
        estimator.target_type_ = "continuous-multioutput"


def _check_same_outputs(estimator, y: MultiOutput) -> None:
    keys = [spec["key"] for spec in estimator.outputs_]
    by_name = isinstance(keys[0], str)
    if by_name and (y.names is None or set(y.names) != set(keys)):
        given = "a list" if y.names is None else f"named {sorted(y.names)}"
        raise ValueError(
            f"y's outputs are {given}; the estimator was fitted on outputs named "
            f"{sorted(keys)}. Give y as a dict (or MultiOutput) with those names."
        )
    if not by_name and (y.names is not None or len(y.arrays) != len(keys)):
        given = f"named {sorted(y.names)}" if y.names else f"{len(y.arrays)} arrays"
        raise ValueError(
            f"y's outputs are {given}; the estimator was fitted on a list of {len(keys)} "
            "outputs. Give y as a list (or MultiOutput) of that many arrays, in that order."
        )


def _encode(spec: dict[str, Any], array: np.ndarray, classifier: bool) -> np.ndarray:
    label, kind = spec["label"], spec["kind"]
    if kind in _REGRESSION:
        width = 1 if array.ndim == 1 else array.shape[1]
        if width != spec["width"] or (kind == "continuous") != (array.ndim == 1):
            raise ValueError(
                f"y's {label} has {width} column(s); the estimator was fitted on "
                f"{spec['width']} for it."
            )
        return np.asarray(array, dtype="float32")
    if kind == "multilabel-indicator":
        if array.ndim != 2 or array.shape[1] != spec["width"]:
            raise ValueError(
                f"y's {label} has shape {array.shape}; the estimator was fitted on "
                f"{spec['width']} labels for it."
            )
        return np.asarray(array, dtype=np.int64)
    if array.ndim != 1:
        raise ValueError(
            f"y's {label} has shape {array.shape}; the estimator was fitted on one label per "
            "row for it."
        )
    classes = spec["classes"]
    encoded = np.clip(np.searchsorted(classes, array), 0, len(classes) - 1)
    unseen = classes[encoded] != array
    if unseen.any():
        raise ValueError(
            f"y's {label} has label(s) {np.unique(array[unseen]).tolist()} not among its classes "
            f"{classes.tolist()}; pass every class to the first partial_fit call."
        )
    return encoded


# ---------------------------------------------------------------------------- one output's spec
def allowed_units(spec: dict[str, Any]) -> tuple[int, ...]:
    """The numbers of output units a network may have for this output."""
    if spec["kind"] == "binary":
        return (1, 2)
    return (spec["width"],)


def summary(spec: dict[str, Any]) -> str:
    """What the output's target is, for messages."""
    kind, width = spec["kind"], spec["width"]
    if kind == "multilabel-indicator":
        return f"{width} labels (one sigmoid unit per label)"
    if kind == "binary":
        return "2 classes (one sigmoid unit, or two softmax units)"
    if kind == "multiclass":
        return f"{width} classes ({width} softmax units)"
    return f"{width} regression target(s)"


def default_loss(spec: dict[str, Any], units: int | None) -> str:
    """The loss an output trains with when ``loss=None`` (``units`` None: the usual head)."""
    kind = spec["kind"]
    if kind in _REGRESSION:
        return "mse"
    if kind == "multilabel-indicator" or (kind == "binary" and units in (None, 1)):
        return "binary_crossentropy"
    return "sparse_categorical_crossentropy"


def keras_target(spec: dict[str, Any], y: np.ndarray, units: int, one_hot: bool) -> np.ndarray:
    """What Keras trains the output on: float targets, class indices, or one-hot rows."""
    kind = spec["kind"]
    if kind in _REGRESSION:
        return y.reshape(len(y), -1)
    if kind == "multilabel-indicator":
        return y.astype("float32")
    if one_hot and units > 1:
        return np.eye(units, dtype="float32")[y]
    if units == 1:
        return y.astype("float32")[:, None]
    return y.astype("int32")


def probabilities(spec: dict[str, Any], outputs: np.ndarray, logits: bool) -> np.ndarray:
    """``predict_proba`` of a classification output: (n, n_classes), or (n, n_labels)."""
    return outputs_to_proba(
        outputs, logits=logits, multilabel=spec["kind"] == "multilabel-indicator"
    )


def prediction(spec: dict[str, Any], values: np.ndarray) -> np.ndarray:
    """``predict`` of an output, from its probabilities (classifier) or outputs (regressor)."""
    kind = spec["kind"]
    if kind in _REGRESSION:
        values = np.asarray(values, dtype=np.float64)
        return values[:, 0] if kind == "continuous" else values
    if kind == "multilabel-indicator":
        return (values >= 0.5).astype(spec["dtype"])
    return spec["classes"][np.argmax(values, axis=-1)]
