"""The rows an estimator is fitted on: their shape, and whether ``y`` has one target per element.

``RowChecks`` is a base class of the estimators: it validates ``X`` of any rank >= 2, records
``n_features_in_``, ``X_shape_`` and ``X_dtype_`` at fit (and checks them at predict), and
decides from ``y``'s shape and ``dense_target`` whether the target is dense (a mask, labels per
timestep) or one value (or one per label) per row.
"""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import validate_data

from ._validation import check_features, features_dtype

__all__ = ["RowChecks"]


class RowChecks:
    """Row validation shared by the estimators (see the module docstring)."""

    def _dense_target(self, y, warm: bool) -> bool:
        """Whether ``y`` holds one target per element of each row (masks, per-timestep)."""
        if warm and hasattr(self, "elementwise_"):
            return self.elementwise_
        shape = getattr(y, "shape", None) or np.asarray(y).shape  # array-likes without NumPy's
        ndim = len(shape)  # __array_function__ (scikit-learn's NotAnArray) too
        if ndim >= 3 and self.dense_target is False:
            raise ValueError(
                f"y has shape {tuple(shape)}, one target per element of each row, but "
                "dense_target=False; use dense_target='auto' (or True)."
            )
        if ndim >= 3:
            return True
        if ndim == 2 and self.dense_target is True:
            return True
        return ndim == 2 and self.dense_target == "auto" and self._auto_dense_2d(y)

    def _validate_rows(self, X, reset: bool) -> np.ndarray:
        """Validate ``X`` of any rank >= 2 and record (or check) the shape of its rows."""
        X = check_features(X)
        X = validate_data(
            self, X, reset=reset, dtype=features_dtype(X, self._build_function()),
            accept_sparse=False, allow_nd=True,
        )  # fmt: skip
        self._record_rows(X, reset)
        return X

    def _record_rows(self, X: np.ndarray, reset: bool) -> None:
        if reset:
            self.n_features_in_ = int(X.shape[1])
            self.X_shape_ = tuple(int(d) for d in X.shape)
            self.X_dtype_ = X.dtype
            return
        fitted = getattr(self, "X_shape_", (None, self.n_features_in_))
        if tuple(X.shape[1:]) != tuple(fitted[1:]):
            raise ValueError(
                f"X has rows of shape {tuple(X.shape[1:])}; the estimator was fitted on rows of "
                f"shape {tuple(fitted[1:])} (X_shape_ {tuple(fitted)})."
            )

    def _auto_dense_2d(self, y) -> bool:
        """Whether a 2-D ``y`` is one target per element under ``dense_target="auto"``."""
        return False
