"""What ``skweight.compare.compare_weightings`` does differently for dense targets (masks).

A dense ``y`` (one label per element of each row: masks of shape (n, h, w), per-timestep
labels) changes three things in a comparison:

- *Classes*: the labels of the elements, leaving out the estimator's ``ignore_label``.
- *Folds*: a splitter cannot stratify on masks, so it is given one label per row instead,
  the rarest class among the row's elements (the convention of the row resamplers: for a
  binary mask, whether the mask holds any positive element), and every fold gets its share
  of empty and non-empty masks (``RowStrata``).
- *Scorers*: every element is one scored item: the expected cost per element, the recall of
  each class over elements, and the pooled Dice and Jaccard scores of ``skweight.overlap``
  (binary: of the positive class; multiclass: the macro mean). Average precision and the
  precision-recall curve are not computed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import make_scorer, recall_score
from sklearn.utils.multiclass import type_of_target

from ._element_labels import encode_elements
from ._flatten import flatten_scored
from ._scoring import recall_key
from ._target_layout import without_channel_axis
from .cost import make_cost_scorer
from .overlap import make_overlap_scorer
from .weighting.elements import row_labels_rarest

#: The overlap scores reported for dense targets, in the table's order.
OVERLAP_METRICS = ("dice", "jaccard")

#: Stands for an estimator without a ``model`` parameter.
_NO_MODEL = object()


def estimator_param(estimator, name: str, default: Any = None) -> Any:
    """The value of ``estimator``'s parameter ``name`` (or ``step__name`` in a pipeline)."""
    params = estimator.get_params(deep=True)
    if name in params:
        return params[name]
    found = [v for k, v in params.items() if k.split("__")[-1] == name]
    return found[0] if len(found) == 1 else default


def is_dense_target(estimator, y) -> bool:
    """Whether ``estimator`` treats ``y`` as one label per element of each row.

    As the estimator's ``dense_target`` decides: a ``y`` of rank >= 3 always; a 2-D ``y`` with
    ``dense_target=True``, or with ``"auto"`` unless it is a 0/1 multi-label indicator.
    """
    ndim = np.ndim(y)
    if ndim >= 3:
        return True
    if ndim != 2:
        return False
    dense = estimator_param(estimator, "dense_target", "auto")
    if dense is True:
        return True
    if dense != "auto" or np.shape(y)[1] <= 1:
        return False
    return type_of_target(y) != "multilabel-indicator"


def check_dense_target(estimator, y) -> tuple[bool, Any]:
    """``(dense, ignore_label)`` of ``y`` for ``estimator``; refuse the built-in network.

    ``ignore_label`` is the estimator's for a dense ``y`` and None otherwise.
    """
    if not is_dense_target(estimator, y):
        return False, None
    if estimator_param(estimator, "model", _NO_MODEL) is None:
        raise ValueError(
            f"y has one label per element ({describe_rows(y)}); the built-in network "
            "(model=None) predicts one label per row: pass a network with one output per "
            "element as model=, e.g. skweight.networks.small_unet."
        )
    return True, estimator_param(estimator, "ignore_label")


def dense_note(left_out: bool) -> str:
    """What the comparison says (``verbose``) about a dense target."""
    note = (
        "dense target (one label per element): costs and scores per element, folds stratified "
        "by each row's rarest class"
    )
    if left_out:
        note += (
            "; baselines 'tuned-threshold', 'calibrated-cost-decision', 'oof-threshold' and "
            "'constant' left out (they need one label per row)"
        )
    return note


def target_classes(y, ignore_label: Any = None) -> np.ndarray:
    """The sorted labels of ``y``'s elements, without ``ignore_label``."""
    classes = np.unique(np.asarray(y))
    if ignore_label is not None:
        classes = classes[classes != ignore_label]
    return classes


def row_strata(y, classes: np.ndarray, ignore_label: Any = None) -> np.ndarray:
    """One label per row of a dense ``y``: the rarest class among its elements.

    Rarity is pooled over all rows; a row whose elements are all of the most common class (an
    empty mask) gets that class. Elements labelled ``ignore_label`` are not counted.
    """
    encoded, _ = encode_elements(without_channel_axis(y), np.asarray(classes), ignore_label)
    return np.asarray(classes)[row_labels_rarest(encoded, None, len(classes))]


class RowStrata:
    """A splitter for dense targets: ``splitter`` splits on each row's label (``row_strata``).

    Parameters
    ----------
    splitter : cross-validation splitter
        Receives ``row_strata(y)`` in place of ``y`` (splitters that ignore ``y``, such as
        ``KFold``, split as they would).
    classes : ndarray
        The classes of the elements.
    ignore_label : label or None
        Elements left out of the row labels.
    """

    def __init__(self, splitter, classes, ignore_label=None):
        self.splitter = splitter
        self.classes = np.asarray(classes)
        self.ignore_label = ignore_label

    def split(self, X, y, groups=None):
        """Yield ``(train, test)`` row indices, stratified by the row labels."""
        strata = row_strata(y, self.classes, self.ignore_label)
        yield from self.splitter.split(X, strata, groups)

    def get_n_splits(self, X=None, y=None, groups=None):
        """The number of splits of ``splitter``."""
        return self.splitter.get_n_splits(X, y, groups)

    def __repr__(self) -> str:
        return f"RowStrata({self.splitter!r})"


def element_recall(y_true, y_pred, *, label, ignore_label=None, sample_weight=None) -> float:
    """Recall of class ``label`` over the elements of every row (0 where it has none)."""
    truth, pred, weights = flatten_scored(y_true, y_pred, sample_weight, ignore_label)
    return float(
        recall_score(
            truth, pred, labels=[label], average="macro", sample_weight=weights, zero_division=0.0
        )
    )


def dense_scorers(
    cost_matrix: np.ndarray,
    classes: np.ndarray,
    positive: Any,
    ignore_label: Any = None,
    scoring: Any = None,
) -> dict[str, Any]:
    """Return the multi-metric ``scoring`` dict of a comparison on a dense target.

    Parameters
    ----------
    cost_matrix : ndarray
        Costs in the order of ``classes``.
    classes : ndarray
        The sorted classes of the elements.
    positive : label or None
        The positive class of a binary target, whose Dice and Jaccard scores are reported
        (None: multiclass, the macro mean over ``classes``).
    ignore_label : label or None
        Elements with this true label are left out of every score.
    scoring : None, str or scorer
        An extra scorer stored as ``"score"``.
    """
    scorers: dict[str, Any] = {
        "cost": make_cost_scorer(cost_matrix, labels=classes, ignore_label=ignore_label)
    }
    overlap = (
        {"pos_label": positive, "average": "binary"}
        if positive is not None
        else {"labels": list(classes), "average": "macro"}
    )
    for metric in OVERLAP_METRICS:
        scorers[metric] = make_overlap_scorer(metric, ignore_label=ignore_label, **overlap)
    for label in classes:
        scorers[recall_key(label)] = make_scorer(
            element_recall, label=label, ignore_label=ignore_label
        )
    if scoring is not None:
        scorers["score"] = scoring
    return scorers


def describe_rows(y) -> str:
    """``"24 rows of 16x16 labels"``: the rows and the shape of one row's target."""
    shape = "x".join(str(d) for d in np.shape(y)[1:])
    return f"{len(y)} rows of {shape} labels"
