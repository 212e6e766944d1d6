"""The data and the costs of ``skweight compare``: the embedded data or a CSV file, checked.

Every mistake in a CSV file or a cost option is a ``UsageError`` (one line, exit status 2) that
names the option, raised before any training. For binary data the positive class of
``--fp-cost``/``--fn-cost`` is ``--pos-label`` or else the minority class (imbalanced-learn's
convention; the command prints which).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._validation import FLOAT32_MAX

#: The stated default cost of the embedded data: a missed malignant tumour costs 5 false alarms.
DEFAULT_FP_COST = 1.0
DEFAULT_FN_COST = 5.0

#: The largest float32: features beyond it become infinite where Keras computes.


class UsageError(Exception):
    """Bad input from the command line; reported as one line, exit status 2."""


def load_data(args) -> tuple[pd.DataFrame, np.ndarray, str, Any]:
    """Return features, labels, a description and the positive class (None: not binary)."""
    if args.csv is None:
        if args.target is not None:
            raise UsageError("--target needs --csv (the embedded data has its own target).")
        from sklearn.datasets import load_breast_cancer

        data = load_breast_cancer(as_frame=True)
        y = np.where(data.target.to_numpy() == 0, "malignant", "benign")
        positive = args.pos_label or "malignant"
        return data.data, y, "scikit-learn breast cancer data", _check_pos(positive, y)
    if args.target is None:
        raise UsageError("--csv needs --target COL, the column holding the class.")
    path = Path(args.csv)
    if not path.is_file():
        raise UsageError(f"--csv: file not found: {path}")
    if path.stat().st_size == 0 or not path.read_bytes().strip():
        raise UsageError(f"--csv: {path} is empty; it needs a header row and data rows.")
    try:
        frame = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise UsageError(f"--csv: cannot read {path}: {exc}".replace("\n", " ")) from exc
    if len(frame) == 0:
        raise UsageError(f"--csv: {path} has a header but no data rows.")
    if args.target not in frame.columns:
        raise UsageError(
            f"--target: no column {args.target!r} in {path} "
            f"(columns: {', '.join(map(str, frame.columns))})"
        )
    target = frame.pop(args.target)
    if target.isna().any():
        raise UsageError(
            f"--target: column {args.target!r} has {int(target.isna().sum())} missing values."
        )
    _check_target(target, args.target)
    if frame.shape[1] == 0:
        raise UsageError(f"--csv: {path} has no feature columns besides {args.target!r}.")
    for column in frame.columns:
        values = frame[column]
        if values.dtype == bool:
            frame[column] = values.astype(float)
        elif not pd.api.types.is_numeric_dtype(values):
            example = values.dropna().iloc[0] if values.notna().any() else ""
            raise UsageError(
                f"--csv: feature column {column!r} is not numeric (e.g. {example!r}); encode it as "
                "numbers or drop it."
            )
        if frame[column].isna().any():
            raise UsageError(
                f"--csv: feature column {column!r} has {int(frame[column].isna().sum())} missing "
                "values; impute or drop them."
            )
        values = frame[column].to_numpy(dtype=np.float64)
        bad = ~np.isfinite(values) | (np.abs(values) > FLOAT32_MAX)
        if bad.any():
            raise UsageError(
                f"--csv: feature column {column!r} has {int(bad.sum())} value(s) that are "
                f"infinite or beyond float32's range (e.g. {values[bad][0]:g}), in which the "
                "network computes; rescale or drop them."
            )
    y = target.to_numpy()
    classes, counts = np.unique(y, return_counts=True)
    if len(classes) < 2:
        raise UsageError(f"--target: column {args.target!r} has a single class {classes.tolist()}.")
    if args.pos_label is not None and len(classes) != 2:
        raise UsageError(
            f"--pos-label: the data has {len(classes)} classes; a positive class is only for two "
            "classes (use --cost-matrix)."
        )
    positive = None
    if len(classes) == 2:
        minority = classes[::-1][np.argmin(counts[::-1])]  # a tie: the last sorted class
        positive = _check_pos(args.pos_label, y) if args.pos_label is not None else minority
    return frame.astype("float32"), y, str(path), positive


def _check_target(target: pd.Series, name: str) -> None:
    """Refuse a target column that does not hold classes (fractions, mixed types)."""
    if pd.api.types.is_float_dtype(target.dtype):
        values = target.to_numpy(dtype=np.float64)
        fractional = ~np.isfinite(values) | (values != np.round(values))
        if fractional.any():
            raise UsageError(
                f"--target: column {name!r} holds numbers such as {values[fractional][0]:g}, not "
                "class labels; skweight compare needs classes (integers or names)."
            )
    elif target.dtype == object:
        kinds = {type(v).__name__ for v in target.tolist()}
        if len(kinds) > 1:
            raise UsageError(
                f"--target: column {name!r} mixes label types ({', '.join(sorted(kinds))})."
            )


def _check_pos(label: str | None, y: np.ndarray):
    classes = np.unique(y)
    matches = [c for c in classes if str(c) == str(label)]
    if not matches:
        raise UsageError(f"--pos-label: {label!r} is not a class ({[str(c) for c in classes]}).")
    return matches[0]


def parse_cost_matrix(text: str, classes: np.ndarray) -> np.ndarray:
    """Parse ``--cost-matrix`` (JSON or ``'a,b;c,d'``) and check it fits ``classes``."""
    try:
        if text.strip().startswith("["):
            rows = json.loads(text)
        else:
            rows = [
                [float(v) for v in row.split(",")] for row in text.strip().strip(";").split(";")
            ]
        matrix = np.asarray(rows, dtype=np.float64)
    except (ValueError, TypeError) as exc:
        raise UsageError(
            f"--cost-matrix: cannot read {text!r} as a matrix of numbers ({exc})."
        ) from exc
    k = len(classes)
    if matrix.shape != (k, k):
        raise UsageError(
            f"--cost-matrix: expected {k}x{k} for classes {[str(c) for c in classes]} (rows true, "
            f"columns predicted); got shape {matrix.shape}."
        )
    return matrix


def resolve_cost(args, classes: np.ndarray, positive) -> tuple[np.ndarray, str]:
    """The cost matrix in the order of ``classes``, and a sentence stating it."""
    from .decision import align_cost_matrix

    shorthand = args.fp_cost is not None or args.fn_cost is not None
    if args.cost_matrix is not None and shorthand:
        raise UsageError("give either --cost-matrix or --fp-cost/--fn-cost, not both.")
    try:
        if args.cost_matrix is not None:
            matrix = parse_cost_matrix(args.cost_matrix, classes)
            return align_cost_matrix(classes, matrix, classes), "cost matrix from --cost-matrix"
        if positive is None:
            if shorthand:
                raise UsageError("--fp-cost/--fn-cost need two classes; use --cost-matrix.")
            return 1.0 - np.eye(len(classes)), "every error costs 1 (no cost given)"
        fp = DEFAULT_FP_COST if args.fp_cost is None else args.fp_cost
        fn = DEFAULT_FN_COST if args.fn_cost is None else args.fn_cost
        negative = [c for c in classes if c != positive][0]
        matrix = align_cost_matrix(classes, fp_cost=fp, fn_cost=fn, labels=[negative, positive])
    except ValueError as exc:
        flag = "--cost-matrix" if args.cost_matrix is not None else "--fp-cost/--fn-cost"
        raise UsageError(f"{flag}: {exc}") from exc
    return matrix, f"missing a {positive} (FN) costs {fn:g}, a false alarm (FP) {fp:g}"
