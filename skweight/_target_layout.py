"""Whether ``y`` has one target per row or one per element (a dense target).

``TargetLayout`` is a base class of the estimators: it decides from ``y``'s shape and
``dense_target`` whether the target is dense (a mask, labels per timestep) or one value (or one
per label) per row. ``X`` itself is checked by ``skweight._input_rows``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["TargetLayout", "without_channel_axis"]


def without_channel_axis(values) -> np.ndarray:
    """A dense target (rank 3 or more) without its trailing axis of length 1, if it has one:
    a mask (n, h, w, 1) is the mask (n, h, w). Lower ranks come back unchanged."""
    values = np.asarray(values)
    if values.ndim >= 3 and values.shape[-1] == 1:
        return values.reshape(values.shape[:-1])
    return values


class TargetLayout:
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

    def _auto_dense_2d(self, y) -> bool:
        """Whether a 2-D ``y`` is one target per element under ``dense_target="auto"``."""
        return False
