"""Fast batched inference.

``keras.Model.predict`` builds a data pipeline and a progress bar at every call, which costs tens
of milliseconds even for one row. skweight calls ``predict_on_batch`` instead, on chunks of a
fixed size. Chunks are padded to a power-of-two row count, at least ``MIN_PREDICT_ROWS``, so
that backends that compile one program per input shape (JAX) compile a handful of programs, not
one per request size, and so that a small request runs the same kernels whatever its size: a
row's prediction does not depend on how many other rows were predicted with it.

``predict_on_batch`` waits for each chunk's result before sending the next. On an accelerator
that wait dominates large inputs, so on the JAX backend inputs of many chunks send their full
chunks through ``model.predict``, whose loop dispatches them without waiting (the same compiled
program on the same chunk size, so the same numbers), and only the remainder goes through
``predict_on_batch``.
"""

from __future__ import annotations

import keras
import numpy as np

#: Rows per call of ``predict_on_batch`` for large inputs.
DEFAULT_PREDICT_BATCH_SIZE = 8192

#: Smallest padded chunk; padding a single row to it costs microseconds on a small network.
MIN_PREDICT_ROWS = 256

#: On JAX, inputs of at least this many full chunks are dispatched by ``model.predict``.
PIPELINED_MIN_CHUNKS = 8


def _bucket(n_rows: int, limit: int) -> int:
    """Smallest power of two >= max(n_rows, MIN_PREDICT_ROWS), capped at ``limit``."""
    return min(limit, 1 << int(max(n_rows, MIN_PREDICT_ROWS) - 1).bit_length())


def predict_in_batches(model: keras.Model, X: np.ndarray, batch_size: int | None) -> np.ndarray:
    """Return ``model``'s outputs on ``X`` as a float NumPy array, row for row."""
    limit = int(batch_size or DEFAULT_PREDICT_BATCH_SIZE)
    n_rows = X.shape[0]
    outputs = []
    n_pipelined = 0
    if keras.backend.backend() == "jax" and n_rows >= PIPELINED_MIN_CHUNKS * limit:
        n_pipelined = n_rows - n_rows % limit
        outputs.append(np.asarray(model.predict(X[:n_pipelined], batch_size=limit, verbose=0)))
    for start in range(n_pipelined, n_rows, limit):
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
