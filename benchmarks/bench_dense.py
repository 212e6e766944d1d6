"""Section 8: dense targets, one label per pixel: fit time, peak memory, and SciKeras.

Data: ``skweight.datasets.make_segmentation`` (float32 images (n, s, s, 1), uint8 masks
(n, s, s), a few per cent of positive pixels or less, 60% empty masks); network:
``skweight.networks.small_unet`` built with the same seed for every contender.

Fit time
    skweight with ``weighting="balanced"`` (per-pixel class factors from the pixel counts pooled
    over all masks, applied batch by batch) against plain Keras ``model.fit(X, y[..., None],
    sample_weight=W)``, where ``W`` is the same per-pixel weight map made up front (float32,
    the mask's shape: the normalised class factor of each pixel's label, mean 1). Both compile
    with ``skweight.base.default_compile_kwargs()``, so the ratio measures the data plumbing;
    plain Keras at Keras' default compile settings is timed beside them. Also skweight
    unweighted against plain Keras unweighted. One untimed warm-up fit of each comes first.
Peak memory
    One process per configuration (as in section 3): skweight unweighted, skweight
    ``"balanced"``, plain Keras unweighted, plain Keras with the full weight map (made inside
    the measured part: it is what that fit needs).
SciKeras
    ``KerasClassifier`` with the same U-Net on the masks (with and without the weight map): the
    row records what happens. Where it can run, per-image labels (the mask has an object) with
    ``skweight.networks.small_cnn`` on the same 4-D images: SciKeras, skweight and plain Keras
    at Keras' defaults (as in section 1), with ``"balanced"`` per-image weights.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np

from ._common import equivalent_training_set, have_scikeras, interleaved, timed

ROOT = Path(__file__).resolve().parent.parent

FIT_GOAL = "skweight fit time / plain Keras fit time <= 1.00 at equal compile settings"
MEMORY_GOAL = 'skweight "balanced" (per-pixel) peak within 1.1x of skweight unweighted'


def segmentation(n_images: int, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The benchmark's images and masks (``make_segmentation`` with ``random_state=0``)."""
    from skweight.datasets import make_segmentation

    return make_segmentation(n_images, size, random_state=0)


def weight_map(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The per-pixel weights skweight's ``"balanced"`` trains on, for every pixel at once.

    Returns
    -------
    W : ndarray of float32, y's shape
        The normalised class factor of each pixel's label (mean 1 over the pixels).
    class_weight : ndarray of float64, shape (n_classes,)
        The normalised class factors.
    """
    from skweight.weighting import resolve_weighting

    classes = np.unique(y)
    encoded = np.searchsorted(classes, y).astype(np.int8)
    train = resolve_weighting("balanced").prepare(
        X, encoded, None, classes=classes, random_state=0, dense=True
    )
    return train.class_weight[encoded].astype(np.float32), train.class_weight


def unet(shape, filters, n_classes: int = 2):
    """``small_unet`` for images of ``shape`` (also SciKeras' build function)."""
    from skweight.networks import small_unet

    return small_unet(tuple(shape), n_classes, filters=tuple(filters))


def cnn(shape, filters, n_classes: int = 2):
    """``small_cnn`` for images of ``shape`` (also SciKeras' build function)."""
    from skweight.networks import small_cnn

    return small_cnn(tuple(shape), n_classes, filters=tuple(filters))


def plain_fit(X, y_keras, weights, cfg, compile_kwargs) -> None:
    """What a Keras user writes: the same U-Net, seeded, fitted on the arrays."""
    import keras

    keras.utils.set_random_seed(0)
    model = unet(X.shape, cfg["filters"])
    model.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy(), **compile_kwargs)
    model.fit(
        X, y_keras, sample_weight=weights, epochs=cfg["epochs"], batch_size=cfg["batch_size"],
        verbose=0,
    )  # fmt: skip


def skweight_fit(X, y, weighting, cfg):
    """The same U-Net through ``WeightedKerasClassifier`` (random_state=0 seeds it alike)."""
    from skweight import WeightedKerasClassifier
    from skweight.networks import small_unet

    return WeightedKerasClassifier(
        model=small_unet, model__filters=tuple(cfg["filters"]), weighting=weighting,
        epochs=cfg["epochs"], batch_size=cfg["batch_size"], random_state=0,
    ).fit(X, y)  # fmt: skip


def _fit_times(X, y, W, cfg) -> tuple[dict[str, Any], Any]:
    """Interleaved fit times; also the first "balanced" skweight estimator fitted."""
    from skweight.base import default_compile_kwargs

    y_keras = y[..., None].astype("float32")
    own = default_compile_kwargs()
    fitted: dict[str, Any] = {}

    def skweight(weighting):
        def fit():
            est = skweight_fit(X, y, weighting, cfg)
            fitted.setdefault(weighting, est)

        return fit

    contenders = {
        "plain_keras balanced": lambda: plain_fit(X, y_keras, W, cfg, own),
        "skweight balanced": skweight("balanced"),
        "plain_keras balanced, Keras default compile": lambda: plain_fit(X, y_keras, W, cfg, {}),
        "plain_keras unweighted": lambda: plain_fit(X, y_keras, None, cfg, own),
        "skweight unweighted": skweight(None),
    }
    if cfg.get("warmup", True):  # library start-up and first tracing, untimed
        warm, warm_cfg = min(len(X), 2 * cfg["batch_size"]), {**cfg, "epochs": 1}
        skweight_fit(X[:warm], y[:warm], "balanced", warm_cfg)
        plain_fit(X[:warm], y_keras[:warm], weight_map(X[:warm], y[:warm])[0], warm_cfg, own)
    timings = interleaved(
        contenders, cfg["repeats"], "plain_keras balanced",
        references={"skweight unweighted": "plain_keras unweighted"},
    )  # fmt: skip
    return timings, fitted.get("balanced")


def _same_weights(est, y: np.ndarray, W: np.ndarray) -> float:
    """Largest difference between ``W`` and the fitted strategy's factors, normalised."""
    encoded = np.searchsorted(est.classes_, y)
    weights = est.weighting_.class_weights_[encoded]
    return float(np.max(np.abs(weights / weights.mean() - W)))


# ---------------------------------------------------------------------------- SciKeras
def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


def _scikeras_masks(X, y, W, cfg) -> dict[str, Any]:
    """What ``KerasClassifier`` does with the masks, unweighted and with the weight map."""
    from scikeras.wrappers import KerasClassifier

    out = {}
    attempts = {
        "masks y (n, h, w)": {},
        "masks y (n, h, w), per-pixel sample_weight": {"sample_weight": W},
    }
    for label, kwargs in attempts.items():
        clf = KerasClassifier(
            model=unet, model__shape=X.shape, model__filters=tuple(cfg["filters"]),
            loss="binary_crossentropy", optimizer="adam", epochs=cfg["epochs"],
            batch_size=cfg["batch_size"], verbose=0, random_state=0,
        )  # fmt: skip
        try:
            seconds, _ = timed(lambda c=clf, k=kwargs: c.fit(X, y, **k))
        except Exception as exc:  # noqa: BLE001 - the failure is the result
            out[label] = {"result": _first_line(exc)}
        else:
            out[label] = {"result": "ran", "seconds": seconds}
        print(f"  scikeras {label}: {out[label]['result']}", flush=True)
    return out


def _per_image(X, y, cfg) -> dict[str, Any]:
    """Per-image labels with a CNN on the 4-D images: SciKeras, skweight, plain Keras."""
    import keras

    from skweight import WeightedKerasClassifier
    from skweight.networks import small_cnn

    labels = (y.reshape(len(y), -1).max(axis=1) > 0).astype(np.int64)
    X_t, y_t, w, loss = equivalent_training_set("balanced", X, labels)
    y_t = y_t.astype("float32").reshape(-1, 1)
    filters, epochs, batch = tuple(cfg["cnn_filters"]), cfg["epochs"], cfg["batch_size"]

    def plain():
        keras.utils.set_random_seed(0)
        model = cnn(X.shape, filters)
        model.compile(optimizer="adam", loss=loss)
        model.fit(X_t, y_t, sample_weight=w, epochs=epochs, batch_size=batch, verbose=0)

    def skweight():
        WeightedKerasClassifier(
            model=small_cnn, model__filters=filters, weighting="balanced", epochs=epochs,
            batch_size=batch, random_state=0,
        ).fit(X, labels)  # fmt: skip

    contenders = {"plain_keras": plain, "skweight": skweight}
    try:
        from scikeras.wrappers import KerasClassifier

        clf = KerasClassifier(
            model=cnn, model__shape=X.shape, model__filters=filters, loss=loss,
            optimizer="adam", epochs=1, batch_size=batch, verbose=0, random_state=0,
        )  # fmt: skip
        clf.fit(X_t[: 2 * batch], y_t[: 2 * batch].ravel())  # can it run at all? (and warm-up)
    except Exception as exc:  # noqa: BLE001 - the failure is the result
        return {"result": _first_line(exc)}

    def scikeras():
        KerasClassifier(
            model=cnn, model__shape=X.shape, model__filters=filters, loss=loss,
            optimizer="adam", epochs=epochs, batch_size=batch, verbose=0, random_state=0,
        ).fit(X_t, y_t.ravel(), sample_weight=None if w is None else w.copy())  # fmt: skip

    contenders["scikeras"] = scikeras
    timings = interleaved(contenders, cfg["repeats"], "plain_keras")
    print(
        f"  per-image CNN: skweight/plain = {timings['skweight']['ratio']:.2f}, "
        f"scikeras/plain = {timings['scikeras']['ratio']:.2f}",
        flush=True,
    )
    return {"result": "ran", "positive_images": int(labels.sum()), "timings": timings}


# ---------------------------------------------------------------------------- memory
MEMORY_CONFIGS = {
    "skweight unweighted": {"kind": "skweight", "weighted": False},
    'skweight "balanced" (per-pixel, batch by batch)': {"kind": "skweight", "weighted": True},
    "plain Keras unweighted": {"kind": "plain", "weighted": False},
    "plain Keras, full weight map": {"kind": "plain", "weighted": True},
}


def _memory_child(spec: dict[str, Any]) -> dict[str, Any]:
    """Run one memory configuration in this process and return its figures."""
    import gc
    import resource

    import psutil

    from benchmarks._common import silence_keras
    from benchmarks.bench_memory import _peak_rss, _reset_peak

    silence_keras()
    from skweight.base import default_compile_kwargs

    X, y = segmentation(spec["n_images"], spec["size"])
    own = default_compile_kwargs()
    # Import and trace everything once on a few images, so the baseline includes the libraries.
    if spec.get("warmup", True):
        warm, warm_cfg = min(len(X), 2 * spec["batch_size"]), {**spec, "epochs": 1}
        skweight_fit(X[:warm], y[:warm], "balanced", warm_cfg)
        plain_fit(X[:warm], y[:warm, ..., None].astype("float32"), None, warm_cfg, own)
    gc.collect()
    peak_was_reset = _reset_peak()
    baseline = psutil.Process().memory_info().rss
    if spec["kind"] == "skweight":
        skweight_fit(X, y, "balanced" if spec["weighted"] else None, spec)
    else:
        W = weight_map(X, y)[0] if spec["weighted"] else None
        plain_fit(X, y[..., None].astype("float32"), W, spec, own)
    peak = _peak_rss() if peak_was_reset else None
    if peak is None:  # no resettable high-water mark: the lifetime peak (an upper bound)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    return {
        "peak_is_fit_only": peak_was_reset,
        "baseline_mib": baseline / 2**20,
        "peak_mib": peak / 2**20,
        "increase_mib": (peak - baseline) / 2**20,
        "data_mib": (X.nbytes + y.nbytes) / 2**20,
    }


def _memory(cfg: dict[str, Any]) -> dict[str, Any]:
    results: dict[str, Any] = {}
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
    chosen = cfg.get("configs") or list(MEMORY_CONFIGS)
    for label in chosen:
        spec = {**cfg, **MEMORY_CONFIGS[label]}
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_dense", json.dumps(spec)],
            cwd=ROOT, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
        if proc.returncode != 0 or not lines:
            results[label] = {"error": proc.stderr.strip().splitlines()[-1:]}
            continue
        results[label] = json.loads(lines[-1])
        print(
            f"  memory {label}: peak {results[label]['peak_mib']:.0f} MiB, "
            f"+{results[label]['increase_mib']:.0f} MiB",
            flush=True,
        )
    reference = results.get("skweight unweighted", {})
    for figures in results.values():
        if "increase_mib" in figures and "increase_mib" in reference:
            figures["increase_ratio"] = figures["increase_mib"] / reference["increase_mib"]
            figures["peak_ratio"] = figures["peak_mib"] / reference["peak_mib"]
    return results


# ---------------------------------------------------------------------------- the section
def run(cfg: dict[str, Any]) -> dict[str, Any]:
    """Time the fits, measure the peaks, try SciKeras.

    Parameters
    ----------
    cfg : dict
        ``n_images``, ``size``, ``filters`` (U-Net), ``cnn_filters`` (per-image CNN),
        ``epochs``, ``batch_size``, ``repeats``, ``warmup`` (an untimed fit of each kind
        first; default True), ``memory`` (``n_images``, ``size``, ``epochs``, ``configs``: the
        labels of ``MEMORY_CONFIGS`` to run, None for all; the other settings as for the fit).

    Returns
    -------
    dict
        ``fit`` (seconds and ratios per contender), ``memory`` (per configuration),
        ``scikeras`` (``masks``: the result per attempt; ``per_image``: timings), the goals.
    """
    from skweight.base import default_compile_kwargs

    X, y = segmentation(cfg["n_images"], cfg["size"])
    W, class_weight = weight_map(X, y)
    fit, est = _fit_times(X, y, W, cfg)
    for name, t in fit.items():
        print(f"  dense fit {name}: {t['seconds']:.1f} s, ratio {t['ratio']:.2f}", flush=True)
    scikeras: dict[str, Any] = {"status": "not installed"}
    if have_scikeras():
        scikeras = {"masks": _scikeras_masks(X, y, W, cfg), "per_image": _per_image(X, y, cfg)}
    memory_cfg = {**{k: v for k, v in cfg.items() if k != "memory"}, **cfg["memory"]}
    memory = _memory(memory_cfg)

    fit_ratios = [fit["skweight balanced"]["ratio"], fit["skweight unweighted"]["ratio"]]
    balanced_peak = memory.get('skweight "balanced" (per-pixel, batch by batch)', {})
    goals_met = {
        "fit": max(fit_ratios) <= 1.0,
        "memory": (balanced_peak["peak_ratio"] <= 1.1) if "peak_ratio" in balanced_peak else None,
    }
    return {
        "config": cfg,
        "default_compile_kwargs": default_compile_kwargs(),
        "positive_pixel_fraction": float(np.mean(y > 0)),
        "empty_mask_fraction": float(np.mean(y.reshape(len(y), -1).max(axis=1) == 0)),
        "class_weight": class_weight.tolist(),
        "weight_map_max_difference": None if est is None else _same_weights(est, y, W),
        "fit": fit,
        "memory": memory,
        "scikeras": scikeras,
        "goals": {"fit": FIT_GOAL, "memory": MEMORY_GOAL},
        "goals_met": goals_met,
        "goal_met": None if None in goals_met.values() else all(goals_met.values()),
    }


if __name__ == "__main__":
    print(json.dumps(_memory_child(json.loads(sys.argv[1]))), flush=True)
