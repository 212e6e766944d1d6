"""Fast batched inference.

``keras.Model.predict`` builds a data pipeline and a progress bar at every call, which costs tens
of milliseconds even for one row. skweight calls ``predict_on_batch`` instead, on chunks of a
fixed size. Chunks are padded to a power-of-two row count, at least ``MIN_PREDICT_ROWS``, so
that backends that compile one program per input shape (JAX) compile a handful of programs, not
one per request size, and so that a small request runs the same kernels whatever its size: a
row's prediction does not depend on how many other rows were predicted with it.
"""

from __future__ import annotations

import keras
import numpy as np

#: Rows per call of ``predict_on_batch`` for large inputs.
DEFAULT_PREDICT_BATCH_SIZE = 8192

#: Smallest padded chunk; padding a single row to it costs microseconds on a small network.
MIN_PREDICT_ROWS = 256


def _bucket(n_rows: int, limit: int) -> int:
    """Smallest power of two >= max(n_rows, MIN_PREDICT_ROWS), capped at ``limit``."""
    return min(limit, 1 << int(max(n_rows, MIN_PREDICT_ROWS) - 1).bit_length())


def predict_in_batches(model: keras.Model, X: np.ndarray, batch_size: int | None) -> np.ndarray:
    """Return ``model``'s outputs on ``X`` as a float NumPy array, row for row."""
    limit = int(batch_size or DEFAULT_PREDICT_BATCH_SIZE)
    n_rows = X.shape[0]
    outputs = []
    for start in range(0, n_rows, limit):
        chunk = X[start : start + limit]
        size = chunk.shape[0]
        padded = _bucket(size, limit)
        if padded != size:
            pad = np.zeros((padded - size,) + chunk.shape[1:], dtype=chunk.dtype)
            chunk = np.concatenate([chunk, pad])
        outputs.append(np.asarray(model.predict_on_batch(chunk))[:size])
    if not outputs:
        n_units = model.output_shape[-1]
        return np.empty((0, n_units), dtype=np.float32)
    return np.concatenate(outputs)
