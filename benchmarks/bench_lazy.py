"""Section: training on images that stay on disk (HDF5), against the same rows in memory.

1. A float32 HDF5 file of 64x64x3 images at 1:20 imbalance is written (``n_images`` of them:
   6 GB at the default 122,000), one chunk per image.
2. Peak memory: in a fresh process, 3-fold ``cross_validate`` of ``small_cnn`` with per-epoch
   under-sampling on the whole file (``skweight.LazyRows``); the peak resident memory of the
   whole run (``ru_maxrss``) against the file's size.
3. Throughput: training samples per second on the first ``ratio_rows`` rows, read from the file
   against held in memory, in the same process, interleaved, median of ``repeats``.
4. Reading: rows per second of random batches (sorted within a batch) against contiguous ones,
   for one-image chunks and 64-image chunks, to choose the default shuffling.

The file is deleted at the end.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SIZE = 64


def write_images(path: Path, n_images: int, chunk_rows: int = 1, seed: int = 0) -> np.ndarray:
    """Write ``n_images`` float32 images to an HDF5 file; return their labels (1 in 21)."""
    import h5py

    rng = np.random.default_rng(seed)
    y = (rng.random(n_images) < 1 / 21).astype(np.int64)
    block = 2048
    with h5py.File(path, "w") as handle:
        data = handle.create_dataset(
            "X", shape=(n_images, SIZE, SIZE, 3), dtype="float32",
            chunks=(chunk_rows, SIZE, SIZE, 3),
        )  # fmt: skip
        for start in range(0, n_images, block):
            labels = y[start : start + block]
            images = rng.standard_normal((len(labels), SIZE, SIZE, 3), dtype=np.float32)
            images[labels == 1, 24:40, 24:40, 0] += 1.5  # a bright square marks class 1
            data[start : start + len(labels)] = images
    return y


def _estimator(epochs: int):
    from imblearn.under_sampling import RandomUnderSampler

    from skweight import Resampler, WeightedKerasClassifier
    from skweight.networks import small_cnn

    return WeightedKerasClassifier(
        small_cnn, model__filters=(8, 16), epochs=epochs, batch_size=64, random_state=0,
        weighting=Resampler(RandomUnderSampler(), per_epoch=True),
    )  # fmt: skip


def _child_peak(path: str, labels_path: str, epochs: int, folds: int) -> dict[str, Any]:
    """Cross-validate on the whole file in this process; return time and peak memory."""
    import h5py
    from sklearn.model_selection import StratifiedKFold, cross_validate

    from benchmarks._common import silence_keras
    from skweight import LazyRows

    silence_keras()
    y = np.load(labels_path)
    start = time.perf_counter()
    with h5py.File(path, "r") as handle:
        X = LazyRows(handle["X"])
        scores = cross_validate(
            _estimator(epochs), X, y, cv=StratifiedKFold(folds), scoring="balanced_accuracy"
        )
    return {
        "seconds": time.perf_counter() - start,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "balanced_accuracy": float(np.mean(scores["test_score"])),
    }


def _throughput(path: Path, y: np.ndarray, rows: int, epochs: int, repeats: int) -> dict:
    import h5py

    from skweight import LazyRows

    with h5py.File(path, "r") as handle:
        view = LazyRows(handle["X"])[:rows]
        in_memory = np.asarray(view)
        labels = y[:rows]
        trained = int(2 * np.bincount(labels).min() * epochs)  # under-sampled to 1:1
        times: dict[str, list[float]] = {"disk": [], "memory": []}
        for _ in range(repeats + 1):  # the first round warms up both
            for name, X in (("disk", view), ("memory", in_memory)):
                model = _estimator(epochs)
                start = time.perf_counter()
                model.fit(X, labels)
                times[name].append(time.perf_counter() - start)
    disk, memory = (statistics.median(times[k][1:]) for k in ("disk", "memory"))
    return {
        "rows": rows,
        "samples_trained": trained,
        "disk_samples_per_s": trained / disk,
        "memory_samples_per_s": trained / memory,
        "disk_over_memory": memory / disk,
    }


def _reading(folder: Path, n_images: int, batch: int = 64, n_batches: int = 40) -> dict:
    import h5py

    from skweight.rows import read_rows

    result = {}
    rng = np.random.default_rng(1)
    for chunk_rows in (1, 64):
        path = folder / f"read-{chunk_rows}.h5"
        write_images(path, n_images, chunk_rows=chunk_rows)
        with h5py.File(path, "r") as handle:
            data = handle["X"]
            for order in ("random", "contiguous"):
                start = time.perf_counter()
                for i in range(n_batches):
                    if order == "random":
                        rows = np.sort(rng.choice(n_images, batch, replace=False))
                    else:
                        rows = np.arange(i * batch, (i + 1) * batch) % n_images
                    read_rows(data, rows)
                result[f"chunk {chunk_rows} row(s), {order} batches: rows/s"] = (
                    batch * n_batches / (time.perf_counter() - start)
                )
        path.unlink()
    return result


def run(cfg: dict[str, Any]) -> dict[str, Any]:
    """Run the section; ``cfg``: n_images, ratio_rows, epochs, folds, repeats, read_images."""
    folder = Path(tempfile.mkdtemp(prefix="skweight-lazy-", dir=cfg.get("dir")))
    path = folder / "images.h5"
    labels_path = folder / "y.npy"
    try:
        start = time.perf_counter()
        y = write_images(path, cfg["n_images"])
        np.save(labels_path, y)
        written = time.perf_counter() - start
        file_mib = path.stat().st_size / 2**20
        env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
        code = (
            "import json, sys; from benchmarks.bench_lazy import _child_peak; "
            f"print(json.dumps(_child_peak({str(path)!r}, {str(labels_path)!r}, "
            f"{cfg['epochs']}, {cfg['folds']})))"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        peak = json.loads(out.stdout.strip().splitlines()[-1])
        peak["file_mib"] = file_mib
        peak["file_over_peak"] = file_mib / peak["peak_rss_mib"]
        result = {
            "config": cfg,
            "write_seconds": written,
            "cross_validate_on_disk": peak,
            "throughput": _throughput(path, y, cfg["ratio_rows"], cfg["epochs"], cfg["repeats"]),
            "reading": _reading(folder, cfg["read_images"]),
        }
    finally:
        for leftover in folder.glob("*"):
            leftover.unlink()
        folder.rmdir()
    return result


QUICK = {"n_images": 122_000, "ratio_rows": 20_000, "epochs": 1, "folds": 3, "repeats": 2,
         "read_images": 4096}  # fmt: skip
TINY = {"n_images": 600, "ratio_rows": 300, "epochs": 1, "folds": 2, "repeats": 1,
        "read_images": 256}  # fmt: skip


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    figures = run(TINY if args.tiny else QUICK)
    text = json.dumps(figures, indent=2)
    print(text)
    if args.out is not None:
        args.out.write_text(text)
