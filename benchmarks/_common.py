"""Shared helpers for the benchmark sections: data, models, timing and the machine description.

Every section compares skweight with plain Keras (and SciKeras where it applies) *in the same
run*, and reports ratios: the machine is shared and noisy, so absolute seconds vary from run to
run while ratios taken side by side are much more stable.
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np


def make_data(
    n_rows: int, n_features: int, minority: float = 0.1, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Return a float32 binary classification problem with a ``minority`` share of class 1.

    Parameters
    ----------
    n_rows, n_features : int
        Shape of ``X``.
    minority : float
        Fraction of rows in class 1.
    seed : int
        Seed of the generator.

    Returns
    -------
    X : ndarray of shape (n_rows, n_features), float32
    y : ndarray of shape (n_rows,), int64
    """
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_rows, n_features), dtype=np.float32)
    coef = rng.standard_normal(n_features).astype(np.float32)
    score = X @ coef / np.sqrt(n_features) + 0.5 * rng.standard_normal(n_rows)
    y = (score > np.quantile(score, 1.0 - minority)).astype(np.int64)
    return X, y


def plain_mlp(n_features: int, hidden: Sequence[int], n_units: int = 1):
    """Build the network a Keras user would write: Dense layers, sigmoid (or softmax) output."""
    import keras

    inputs = keras.Input(shape=(n_features,))
    hidden_out = inputs
    for units in hidden:
        hidden_out = keras.layers.Dense(units, activation="relu")(hidden_out)
    activation = "sigmoid" if n_units == 1 else "softmax"
    outputs = keras.layers.Dense(n_units, activation=activation)(hidden_out)
    return keras.Model(inputs, outputs)


def equivalent_training_set(weighting: Any, X: np.ndarray, y: np.ndarray, seed: int = 0):
    """Rows, targets, weights and loss a plain Keras user needs to reproduce a skweight fit.

    Uses the strategy's public ``prepare`` and ``make_loss`` methods, then applies skweight's
    defaults (zero-weight rows dropped, weights scaled to mean 1).

    Returns
    -------
    X, y : ndarray
        Training rows (resampled if the strategy resamples) and 0/1 targets.
    weights : ndarray or None
    loss : keras loss
    """
    import keras

    from skweight.weighting import resolve_weighting

    strategy = resolve_weighting(weighting)
    classes = np.unique(y)
    encoded = np.searchsorted(classes, y)
    train = strategy.prepare(X, encoded, None, classes=classes, random_state=seed)
    X_t, y_t, w = train.X, train.y, train.sample_weight
    epoch_rows = getattr(train, "epoch_rows", None)
    if epoch_rows is not None:  # per-epoch resampling: one epoch's rows, materialised
        index = epoch_rows(0)
        X_t, y_t, w = X_t[index], y_t[index], None if w is None else w[index]
    if w is not None:
        keep = w > 0
        X_t, y_t, w = X_t[keep], y_t[keep], w[keep]
        w = None if np.ptp(w) == 0 else (w / w.mean()).astype("float32")
    loss = strategy.make_loss(keras.losses.BinaryCrossentropy(), target_type="binary")
    return X_t, y_t, w, loss


def timed(func: Callable[[], Any]) -> tuple[float, Any]:
    """Run ``func`` once and return (seconds, result)."""
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def median_call_time(func: Callable[[], Any], n_calls: int, warmup: int = 3) -> float:
    """Median seconds of ``n_calls`` calls of ``func`` after ``warmup`` untimed calls."""
    for _ in range(warmup):
        func()
    times = []
    for _ in range(n_calls):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def interleaved(
    contenders: dict[str, Callable[[], Any]],
    repeats: int,
    reference: str,
    references: dict[str, str] | None = None,
) -> dict[str, dict[str, float]]:
    """Time each contender ``repeats`` times, rotating the order, and ratio it to ``reference``.

    Each repeat runs every contender once, so a slow spell on the machine hits them alike; the
    ratio is taken within a repeat and the median over repeats is reported. ``references``
    gives some contenders another contender to be ratioed to (their entry then names it).

    Returns
    -------
    dict
        ``{name: {"seconds": median seconds, "ratio": median ratio to reference,
        "ratio_min": ..., "ratio_max": ..., "repeats": n}}``.
    """
    names = list(contenders)
    seconds: dict[str, list[float]] = {name: [] for name in names}
    for rep in range(repeats):
        order = names[rep % len(names) :] + names[: rep % len(names)]
        for name in order:
            seconds[name].append(timed(contenders[name])[0])
    out = {}
    for name in names:
        own_reference = (references or {}).get(name, reference)
        ratios = [s / r for s, r in zip(seconds[name], seconds[own_reference], strict=True)]
        out[name] = {
            "seconds": statistics.median(seconds[name]),
            "ratio": statistics.median(ratios),
            "ratio_min": min(ratios),
            "ratio_max": max(ratios),
            "repeats": repeats,
        }
        if own_reference != reference:
            out[name]["reference"] = own_reference
    return out


def have_scikeras() -> bool:
    """Return True if SciKeras can be imported."""
    try:
        import scikeras.wrappers  # noqa: F401
    except Exception:  # noqa: BLE001 - any import failure means "not available"
        return False
    return True


def machine() -> dict[str, Any]:
    """Describe the machine and library versions the benchmark ran on."""
    import keras
    import sklearn

    info: dict[str, Any] = {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "keras": keras.__version__,
        "keras_backend": keras.backend.backend(),
        "scikit_learn": sklearn.__version__,
        "numpy": np.__version__,
    }
    try:
        with open("/proc/cpuinfo") as handle:
            names = [line.split(":", 1)[1].strip() for line in handle if "model name" in line]
        info["cpu"] = names[0] if names else platform.processor()
    except OSError:
        info["cpu"] = platform.processor()
    try:
        import psutil

        info["memory_gib"] = round(psutil.virtual_memory().total / 2**30, 1)
        info["load_average_at_start"] = [round(x, 2) for x in os.getloadavg()]
    except ImportError:
        pass
    for module in ("tensorflow", "jax", "imblearn", "scikeras"):
        try:
            info[module] = __import__(module).__version__
        except Exception:  # noqa: BLE001 - optional
            info[module] = None
    return info


def silence_keras() -> None:
    """Quieten TensorFlow's and absl's start-up chatter."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
