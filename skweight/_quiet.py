"""Silence one misleading TensorFlow warning.

Every fitted network has its own compiled train and predict functions, made by the same Keras
code. TensorFlow counts their first traces as "retracing" and warns after five fits, which a
grid search reaches at once. The warning is about the wrong thing here, so skweight drops that
message (and only that one) from the ``tensorflow`` logger.
"""

from __future__ import annotations

import logging


class _DropRetracingWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "triggered tf.function retracing" not in record.getMessage()


def silence_retracing_warning() -> None:
    """Install the filter once on the ``tensorflow`` logger (no TensorFlow import needed)."""
    logger = logging.getLogger("tensorflow")
    if not any(isinstance(f, _DropRetracingWarning) for f in logger.filters):
        logger.addFilter(_DropRetracingWarning())
