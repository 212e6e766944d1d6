"""Misclassification costs: a cost-matrix metric and the scikit-learn scorer built on it.

A cost matrix ``C`` has one row per true class and one column per predicted class:
``C[i, j]`` is what it costs to predict ``labels[j]`` for a row whose true class is
``labels[i]``. The expected cost of a set of predictions is the (weighted) mean of the cost of
each row. Costs may also depend on the row (example-dependent costs, such as a transaction
amount); see the ``costs`` argument of ``expected_cost``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import make_scorer
from sklearn.utils.validation import _check_sample_weight, column_or_1d

from ._flatten import flatten_scored

__all__ = [
    "align_cost_matrix",
    "check_cost_matrix",
    "expected_cost",
    "make_cost_scorer",
    "zero_one_cost",
]


def zero_one_cost(n_classes: int) -> np.ndarray:
    """The cost when no cost is given: every error costs 1, a correct decision 0."""
    return 1.0 - np.eye(n_classes)


def check_cost_matrix(
    cost_matrix: Any = None,
    labels: Sequence | None = None,
    *,
    fp_cost: float | None = None,
    fn_cost: float | None = None,
    classes: Sequence | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Validate a cost matrix and return it with the labels its rows and columns refer to.

    Parameters
    ----------
    cost_matrix : array-like of shape (n_classes, n_classes), pandas DataFrame or None
        Rows are true classes, columns predicted classes; entries must be finite and
        non-negative, and some row must not be constant (a matrix of zeros, or any matrix under
        which every decision costs the same, is refused). A DataFrame whose index and columns
        name the classes supplies ``labels``.
    labels : sequence or None
        The class of each row and column of ``cost_matrix``. With ``fp_cost``/``fn_cost`` it
        is ``[negative, positive]``. None means ``classes`` (sorted, as scikit-learn orders
        classes).
    fp_cost, fn_cost : float or None
        Binary shorthand for ``[[0, fp_cost], [fn_cost, 0]]``: the cost of predicting the
        positive class for a negative row, and of predicting negative for a positive row.
        Give both, and no ``cost_matrix``.
    classes : sequence or None
        The classes present in the data; used as ``labels`` when those are not given, and to
        check that every class has a row in the matrix.

    Returns
    -------
    cost_matrix : ndarray of shape (n_labels, n_labels)
    labels : ndarray of shape (n_labels,)
    """
    shorthand = fp_cost is not None or fn_cost is not None
    if shorthand:
        if cost_matrix is not None:
            raise ValueError("Pass either cost_matrix or fp_cost/fn_cost, not both.")
        if fp_cost is None or fn_cost is None:
            raise ValueError(
                f"fp_cost and fn_cost go together; got fp_cost={fp_cost!r}, fn_cost={fn_cost!r}."
            )
        cost_matrix = [
            [0.0, _check_cost(fp_cost, "fp_cost")],
            [_check_cost(fn_cost, "fn_cost"), 0.0],
        ]
    elif cost_matrix is None:
        raise ValueError("A cost is needed: pass cost_matrix, or fp_cost and fn_cost.")
    elif labels is None and hasattr(cost_matrix, "index") and hasattr(cost_matrix, "columns"):
        if list(cost_matrix.index) != list(cost_matrix.columns):
            raise ValueError(
                "cost_matrix as a DataFrame must have the same labels, in the same order, as "
                f"index and columns; got {list(cost_matrix.index)} and {list(cost_matrix.columns)}."
            )
        labels = list(cost_matrix.index)

    try:
        matrix = np.asarray(cost_matrix, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"cost_matrix must be a square array of numbers: {exc}") from exc
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.shape[0] < 2:
        raise ValueError(
            "cost_matrix must be square, n_classes x n_classes with n_classes >= 2 (rows: true "
            f"class, columns: predicted class); got shape {matrix.shape}."
        )
    if not np.isfinite(matrix).all():
        raise ValueError("cost_matrix has non-finite entries (NaN or inf).")
    if (matrix < 0).any():
        raise ValueError(
            f"cost_matrix has negative entries {matrix[matrix < 0].tolist()}; costs must be >= 0 "
            "(express a benefit as a lower cost for the other decisions)."
        )
    if labels is None:
        if classes is None:
            raise ValueError(
                "labels are needed to know which class each row of cost_matrix is; pass labels."
            )
        labels = np.asarray(classes)
        if shorthand and len(labels) != 2:
            raise ValueError(
                f"fp_cost/fn_cost describe a binary problem, but there are {len(labels)} "
                f"classes {labels.tolist()}; pass a full cost_matrix instead."
            )
    labels = np.asarray(labels)
    if labels.ndim != 1 or len(labels) != matrix.shape[0]:
        names = "[negative, positive]" if shorthand else "one label per row of cost_matrix"
        raise ValueError(
            f"labels must list {names}: cost_matrix is {matrix.shape[0]} x {matrix.shape[1]} but "
            f"labels has {labels.size} entries ({labels.tolist()}). Pass labels= to say which "
            "class each row and column is."
        )
    if len(np.unique(labels)) != len(labels):
        raise ValueError(f"labels has duplicates: {labels.tolist()}.")
    if classes is not None:
        _check_known(np.asarray(classes), labels, "the data")
    if np.ptp(matrix, axis=1).max() == 0:
        raise ValueError(
            "cost_matrix gives every decision of each true class the same cost (here "
            f"{'zero cost everywhere' if not matrix.any() else matrix.tolist()}): no decision "
            "costs less than another, so every model would tie. Give the errors a cost above the "
            "correct decisions."
        )

    return matrix, labels


def align_cost_matrix(
    classes: Sequence,
    cost_matrix: Any = None,
    labels: Sequence | None = None,
    *,
    fp_cost: float | None = None,
    fn_cost: float | None = None,
    zero_one_default: bool = False,
) -> np.ndarray:
    """Return the cost matrix with rows and columns in the order of ``classes``.

    The one resolver of ``(cost_matrix, labels, fp_cost, fn_cost)`` that the decisions, the
    cost-proportional weights, the comparison and the command line use.

    Parameters
    ----------
    classes : sequence
        The classes in the order of the columns of ``predict_proba`` (``estimator.classes_``).
    cost_matrix, labels, fp_cost, fn_cost
        As in ``check_cost_matrix``; ``labels`` defaults to ``classes``. With
        ``fp_cost``/``fn_cost`` the positive class is ``classes[1]`` unless ``labels`` says
        ``[negative, positive]``.
    zero_one_default : bool, default=False
        With no cost at all, return ``zero_one_cost`` (every error costs 1) instead of raising.
    """
    classes = np.asarray(classes)
    if zero_one_default and cost_matrix is None and fp_cost is None and fn_cost is None:
        return zero_one_cost(len(classes))
    matrix, labels = check_cost_matrix(
        cost_matrix, labels, fp_cost=fp_cost, fn_cost=fn_cost, classes=classes
    )
    position = {label: i for i, label in enumerate(labels.tolist())}
    order = [position[c] for c in classes.tolist()]
    return matrix[np.ix_(order, order)]


def expected_cost(
    y_true,
    y_pred,
    cost_matrix: Any = None,
    *,
    labels: Sequence | None = None,
    fp_cost: float | None = None,
    fn_cost: float | None = None,
    sample_weight=None,
    costs=None,
    ignore_label=None,
) -> float:
    """Return the mean misclassification cost per row (per element of a dense target).

    See also the guide page [How do I decide by cost?](cost-decisions.md).

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,) or (n_samples, ...)
        True and predicted labels: one per row, or one per element of a dense target (a
        mask, a sequence), then every element is one scored item.
    cost_matrix : array-like of shape (n_classes, n_classes) or None
        ``cost_matrix[i, j]`` is the cost of predicting ``labels[j]`` when the truth is
        ``labels[i]``. See ``check_cost_matrix`` for the accepted forms.
    labels : sequence or None
        Order of the rows and columns of the cost matrix; None means the sorted labels of
        ``y_true`` and ``y_pred``.
    fp_cost, fn_cost : float or None
        Binary shorthand for the cost matrix ``[[0, fp_cost], [fn_cost, 0]]``; ``labels`` is then
        ``[negative, positive]`` and defaults to the sorted two labels.
    sample_weight : array-like of shape (n_samples,), of y_true's shape, or None
        Row weights (repeated over a dense row's elements) or element weights; the result is
        ``sum(w * cost) / sum(w)``.
    costs : array-like, or None
        Example-dependent costs. Shape (n_samples,): a per-row factor multiplying the cost
        matrix entry (a transaction amount, say). Shape (n_samples, n_classes): the cost of
        predicting each label for that row (the cost matrix may then be omitted). Shape
        (n_samples, n_classes, n_classes): one cost matrix per row.
    ignore_label : label or None
        Rows (or elements) whose true label is ``ignore_label`` are left out.

    Returns
    -------
    float
        The expected cost per row (lower is better).
    """
    if np.ndim(y_true) >= 2 and np.ndim(y_pred) >= 2:  # dense: every element is scored
        y_true, y_pred, sample_weight = flatten_scored(y_true, y_pred, sample_weight, ignore_label)
    elif ignore_label is not None:
        y_true, y_pred, sample_weight = flatten_scored(
            column_or_1d(y_true), column_or_1d(y_pred), sample_weight, ignore_label
        )
    y_true = column_or_1d(y_true)
    y_pred = column_or_1d(y_pred)
    if len(y_true) != len(y_pred):
        raise ValueError(
            f"y_true and y_pred have different lengths ({len(y_true)} and {len(y_pred)})."
        )
    if len(y_true) == 0:
        raise ValueError("y_true is empty; the expected cost needs at least one row.")
    row_costs = costs is not None and np.ndim(costs) >= 2
    if row_costs and cost_matrix is None and fp_cost is None and fn_cost is None:
        labels = np.unique(np.concatenate([y_true, y_pred])) if labels is None else labels
        labels = np.asarray(labels)
        matrix = None
    else:
        present = None if labels is not None else np.unique(np.concatenate([y_true, y_pred]))
        if present is not None and (fp_cost is not None or fn_cost is not None):
            present = _binary_labels(present)
        matrix, labels = check_cost_matrix(
            cost_matrix, labels, fp_cost=fp_cost, fn_cost=fn_cost, classes=present
        )
    true_idx = _indices(y_true, labels, "y_true")
    pred_idx = _indices(y_pred, labels, "y_pred")
    rows = np.arange(len(y_true))

    if costs is None:
        per_row = matrix[true_idx, pred_idx]
    else:
        costs = _check_costs(costs, len(y_true), len(labels))
        if costs.ndim == 1:
            if matrix is None:
                raise ValueError("costs of shape (n_samples,) scale a cost_matrix; pass one.")
            per_row = matrix[true_idx, pred_idx] * costs
        elif costs.ndim == 2:
            per_row = costs[rows, pred_idx]
        else:
            per_row = costs[rows, true_idx, pred_idx]

    if sample_weight is None:
        return float(per_row.mean())
    weights = _check_sample_weight(sample_weight, per_row, dtype=np.float64)
    if (weights < 0).any() or not weights.any():
        raise ValueError("sample_weight must be non-negative and not all zero.")
    return float(np.average(per_row, weights=weights))


def make_cost_scorer(
    cost_matrix: Any = None,
    labels: Sequence | None = None,
    *,
    fp_cost: float | None = None,
    fn_cost: float | None = None,
    ignore_label=None,
):
    """Return a scikit-learn scorer of the negative expected cost per row (greater is better).

    Use it as ``scoring=`` in ``GridSearchCV``, ``cross_validate`` or
    ``TunedThresholdClassifierCV``. It scores ``predict``'s labels with
    ``expected_cost``.

    Row weights and example-dependent costs are metadata. ``GridSearchCV.fit(X, y,
    sample_weight=w)`` passes ``w`` to the scorer even without metadata routing; per-row
    ``costs`` need routing::

        with sklearn.config_context(enable_metadata_routing=True):
            scorer = make_cost_scorer(fp_cost=1, fn_cost=5).set_score_request(
                sample_weight=True, costs=True
            )
            search = GridSearchCV(model.set_fit_request(sample_weight=True), grid,
                                  scoring=scorer).fit(X, y, sample_weight=w, costs=amounts)

    See also the guide page [How do I decide by cost?](cost-decisions.md).

    Parameters
    ----------
    cost_matrix : array-like of shape (n_classes, n_classes), pandas DataFrame, or None
        ``cost_matrix[i, j]`` is the cost of predicting ``labels[j]`` when the truth is
        ``labels[i]``. The costs are validated here, so that mistakes show up before any
        model is trained.
    labels : sequence or None
        Order of the rows and columns of the cost matrix. Without ``labels`` they follow the
        sorted class labels of the data scored.
    fp_cost : float or None
        Binary shorthand for ``[[0, fp_cost], [fn_cost, 0]]``: the cost of a false alarm.
    fn_cost : float or None
        The cost of a missed positive (with ``fp_cost``).
    ignore_label : label or None
        Rows (or elements of a dense target, which are scored one by one) whose true label is
        ``ignore_label`` are left out.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y, sample_weight=None, costs=None)``.
    """
    if fp_cost is not None or fn_cost is not None:
        check_cost_matrix(cost_matrix, [0, 1] if labels is None else labels, fp_cost=fp_cost,
                          fn_cost=fn_cost)  # fmt: skip
    elif cost_matrix is not None:
        probe = labels
        if probe is None and not hasattr(cost_matrix, "columns"):
            probe = range(len(cost_matrix)) if hasattr(cost_matrix, "__len__") else None
        check_cost_matrix(cost_matrix, probe)
    kwargs = {"cost_matrix": cost_matrix, "labels": labels}
    if ignore_label is not None:
        kwargs["ignore_label"] = ignore_label
    if fp_cost is not None or fn_cost is not None:
        kwargs.update(fp_cost=fp_cost, fn_cost=fn_cost)
    return make_scorer(expected_cost, greater_is_better=False, **kwargs)


# ---------------------------------------------------------------------------- helpers
def _check_cost(value, name: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a number; got {value!r}.") from exc
    if not np.isfinite(number) or number < 0:
        raise ValueError(f"{name} must be finite and >= 0; got {value!r}.")
    return number


def _binary_labels(present: np.ndarray) -> np.ndarray:
    if len(present) > 2:
        raise ValueError(
            f"fp_cost/fn_cost describe a binary problem, but the labels are {present.tolist()}; "
            "pass a full cost_matrix with labels."
        )
    if len(present) < 2:
        raise ValueError(
            f"Only the label(s) {present.tolist()} occur, so it is unclear which is positive; "
            "pass labels=[negative, positive]."
        )
    return present


def _check_known(values: np.ndarray, labels: np.ndarray, what: str) -> None:
    missing = np.setdiff1d(values, labels)
    if missing.size:
        raise ValueError(
            f"{what} has label(s) {missing.tolist()} that are not in labels {labels.tolist()}; "
            "every class needs a row and a column of the cost matrix."
        )


def _indices(values: np.ndarray, labels: np.ndarray, name: str) -> np.ndarray:
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    try:
        position = np.clip(np.searchsorted(sorted_labels, values), 0, len(labels) - 1)
    except TypeError as exc:
        raise ValueError(
            f"{name} labels ({values.dtype}) cannot be compared with labels {labels.tolist()}."
        ) from exc
    unknown = sorted_labels[position] != values
    if unknown.any():
        _check_known(np.unique(values[unknown]), labels, name)
    return order[position]


def _check_costs(costs, n_samples: int, n_labels: int) -> np.ndarray:
    try:
        costs = np.asarray(costs, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"costs must be numeric: {exc}") from exc
    expected = {
        1: (n_samples,),
        2: (n_samples, n_labels),
        3: (n_samples, n_labels, n_labels),
    }.get(costs.ndim)
    if expected is None or costs.shape != expected:
        raise ValueError(
            "costs must have shape (n_samples,), (n_samples, n_classes) or (n_samples, "
            f"n_classes, n_classes) = {(n_samples,)}, {(n_samples, n_labels)} or "
            f"{(n_samples, n_labels, n_labels)}; got {costs.shape}."
        )
    if not np.isfinite(costs).all() or (costs < 0).any():
        raise ValueError("costs must be finite and >= 0.")
    return costs
