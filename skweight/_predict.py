"""Fast batched prediction: the network's outputs on ``X``, row for row.

``keras.Model.predict`` builds a data pipeline and a progress bar at every call, which costs tens
of milliseconds even for one row. skweight calls ``predict_on_batch`` instead, on chunks of a
fixed size (8192 rows, fewer for large rows such as images), padded to a power-of-two row count
(at least ``MIN_PREDICT_ROWS``), so that backends that compile one program per input shape
(JAX) compile a handful of programs, and a row's prediction does not depend on how many other
rows were predicted with it. On JAX, inputs of many chunks send their full chunks through
``model.predict``, whose loop dispatches them without waiting for each result (the same program
on the same chunk size, so the same numbers).

``X`` is an array, rows on disk (``LazyRows``) or the inputs of a multi-input network
(``MultiInput``, chunked and padded input by input); a network with several outputs gives
their outputs in its own structure (a list, or a dict by name), each concatenated over the
chunks.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from ._batches import take_rows
from ._multi_rows import keras_inputs
from .multi_io import MultiInput
from .rows import LazyRows

__all__ = ["MIN_PREDICT_ROWS", "predict_in_batches"]

#: Rows per call of ``predict_on_batch`` for large inputs.
DEFAULT_PREDICT_BATCH_SIZE = 8192

#: Smallest padded chunk; padding a single row to it costs microseconds on a small network.
MIN_PREDICT_ROWS = 256

#: On JAX, inputs of at least this many full chunks are dispatched by ``model.predict``.
PIPELINED_MIN_CHUNKS = 8

#: Without ``predict__batch_size``, a chunk holds at most this many bytes of input (large rows,
#: such as images, go in fewer rows per chunk, so their activations fit in memory).
PREDICT_CHUNK_BYTES = 32 * 2**20


def _bucket(n_rows: int, limit: int) -> int:
    """Smallest power of two >= max(n_rows, MIN_PREDICT_ROWS), capped at ``limit``."""
    return min(limit, 1 << int(max(n_rows, MIN_PREDICT_ROWS) - 1).bit_length())


def _row_bytes(X) -> int:
    arrays = X.arrays if isinstance(X, MultiInput) else (X,)
    return sum(4 * int(np.prod(a.shape[1:], dtype=np.int64)) for a in arrays)


def _default_chunk_rows(X) -> int:
    fitting = max(MIN_PREDICT_ROWS, PREDICT_CHUNK_BYTES // max(_row_bytes(X), 1))
    return min(DEFAULT_PREDICT_BATCH_SIZE, 1 << (int(fitting).bit_length() - 1))


def _padded(chunk, rows: int):
    """``chunk`` with zero rows appended up to ``rows`` (input by input for a MultiInput)."""
    if isinstance(chunk, MultiInput):
        return type(chunk)._of(chunk.names, tuple(_padded(a, rows) for a in chunk.arrays))
    if len(chunk) == rows:
        return chunk
    pad = np.zeros((rows - len(chunk),) + chunk.shape[1:], dtype=chunk.dtype)
    return np.concatenate([chunk, pad])


def _each(outputs: Any, function) -> Any:
    """``function`` applied to every output array (one array, a list or a dict of them)."""
    if isinstance(outputs, dict):
        return {key: function(value) for key, value in outputs.items()}
    if isinstance(outputs, (list, tuple)):
        return [function(value) for value in outputs]
    return function(outputs)


def _joined(parts: list) -> Any:
    """The chunks' outputs concatenated, output by output."""
    first = parts[0]
    if isinstance(first, dict):
        return {key: np.concatenate([part[key] for part in parts]) for key in first}
    if isinstance(first, list):
        return [np.concatenate([part[i] for part in parts]) for i in range(len(first))]
    return np.concatenate(parts)


def predict_in_batches(model: keras.Model, X, batch_size: int | None) -> Any:
    """Return ``model``'s outputs on ``X`` as float NumPy arrays, row for row.

    One array for a network with one output; a list (or a dict by name) for several.
    """
    limit = int(batch_size or _default_chunk_rows(X))
    n_rows = len(X)
    outputs = []
    n_pipelined = 0
    lazy = isinstance(X, LazyRows)
    if not lazy and keras.backend.backend() == "jax" and n_rows >= PIPELINED_MIN_CHUNKS * limit:
        n_pipelined = n_rows - n_rows % limit
        raw = model.predict(keras_inputs(X[:n_pipelined]), batch_size=limit, verbose=0)
        outputs.append(_each(raw, np.asarray))
    starts = list(range(n_pipelined, n_rows, limit)) or ([] if outputs else [0])
    for start in starts:
        stop = min(start + limit, n_rows)
        chunk = take_rows(X, np.arange(start, stop) if lazy else slice(start, stop))
        size = len(chunk)
        raw = model.predict_on_batch(keras_inputs(_padded(chunk, _bucket(size, limit))))
        outputs.append(_each(raw, lambda value, size=size: np.asarray(value)[:size]))
    return _joined(outputs)
