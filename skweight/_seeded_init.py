"""The built-in network's seeded kernels, drawn by NumPy.

Keras' ``GlorotUniform(seed=s)`` draws with the backend's own generator: other numbers on
TensorFlow, JAX and PyTorch for the same seed and, on JAX, one compiled program per kernel shape
(0.11-0.16 s each, paid by the first fit of every process and by every fused comparison).
``SeededGlorotUniform`` draws from the same distribution, uniform in
``+-sqrt(6 / (fan_in + fan_out))``, with ``numpy.random.default_rng(seed)``: the same kernels on
every backend, and nothing to compile.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import keras
import numpy as np


def glorot_uniform(shape: Sequence[int], seed: int | None) -> np.ndarray:
    """A float32 Glorot-uniform draw of ``shape`` (fans as Keras counts them) from ``seed``."""
    shape = tuple(int(n) for n in shape)
    receptive = math.prod(shape[:-2]) if len(shape) > 2 else 1
    fan_in = shape[-2] * receptive if len(shape) > 1 else shape[0]
    fan_out = shape[-1] * receptive
    limit = math.sqrt(6.0 / max(1.0, fan_in + fan_out))
    return np.random.default_rng(seed).uniform(-limit, limit, size=shape).astype(np.float32)


@keras.saving.register_keras_serializable(package="skweight")
class SeededGlorotUniform(keras.initializers.Initializer):
    """Keras' Glorot-uniform initializer, drawn by NumPy from ``seed`` (see the module).

    Parameters
    ----------
    seed : int
        The draw's seed: the same kernel for the same seed and shape, on every backend.
    """

    def __init__(self, seed: int):
        self.seed = int(seed)

    def __call__(self, shape, dtype=None):
        values = keras.ops.convert_to_tensor(glorot_uniform(shape, self.seed))
        dtype = keras.backend.standardize_dtype(dtype or keras.config.floatx())
        return values if dtype == "float32" else keras.ops.cast(values, dtype)

    def get_config(self) -> dict:
        return {"seed": self.seed}
