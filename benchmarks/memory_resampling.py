"""Peak memory of over-sampling: per-epoch (index-based) vs materialised vs no weighting.

Each mode fits a :class:`skweight.WeightedKerasClassifier` in a fresh process on the same data
(1:9 imbalance) and reports the process's peak resident memory (``ru_maxrss``) and the
peak above the memory in use just before ``fit`` (Python, TensorFlow and the data loaded).

    python benchmarks/memory_resampling.py [--rows 300000] [--features 100] [--epochs 2]

Modes: ``unweighted`` (weighting=None), ``materialised`` (weighting=RandomOverSampler(): a
resampled copy of X, 1.8x its rows) and ``per_epoch``
(``Resampler(RandomOverSampler(), per_epoch=True)``: row indices, batches gathered by index).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

MODES = ("unweighted", "materialised", "per_epoch")


def _rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def run_mode(mode: str, rows: int, features: int, epochs: int) -> dict:
    import numpy as np
    from imblearn.over_sampling import RandomOverSampler

    from skweight import Resampler, WeightedKerasClassifier

    rng = np.random.default_rng(0)
    y = (rng.random(rows) < 0.1).astype(np.int64)
    X = rng.standard_normal((rows, features), dtype=np.float32)
    X[:, 0] += 1.5 * y
    weighting = {
        "unweighted": None,
        "materialised": RandomOverSampler(),
        "per_epoch": Resampler(RandomOverSampler(), per_epoch=True),
    }[mode]
    model = WeightedKerasClassifier(
        weighting=weighting, hidden_layer_sizes=(32,), epochs=epochs, batch_size=1024,
        random_state=0,
    )  # fmt: skip
    before = _rss_mib()
    start = time.perf_counter()
    model.fit(X, y)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "mode": mode,
        "peak_rss_mib": round(peak, 1),
        "before_fit_mib": round(before, 1),
        "fit_peak_above_before_mib": round(peak - before, 1),
        "X_mib": round(X.nbytes / 2**20, 1),
        "fit_seconds": round(seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--features", type=int, default=100)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--mode", choices=MODES)
    args = parser.parse_args()
    if args.mode:
        print(json.dumps(run_mode(args.mode, args.rows, args.features, args.epochs)))
        return
    results = []
    for mode in MODES:
        command = [sys.executable, __file__, "--mode", mode, "--rows", str(args.rows),
                   "--features", str(args.features), "--epochs", str(args.epochs)]  # fmt: skip
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        results.append(json.loads(output.strip().splitlines()[-1]))
    base = results[0]["peak_rss_mib"]
    print(
        f"{args.rows} rows x {args.features} float32 features, 1:9 imbalance, {args.epochs} epochs"
    )
    header = f"{'mode':<14}{'peak RSS MiB':>14}{'vs unweighted':>15}"
    print(header + f"{'fit peak - before':>19}{'fit s':>8}")
    for r in results:
        print(
            f"{r['mode']:<14}{r['peak_rss_mib']:>14.1f}{r['peak_rss_mib'] / base:>14.2f}x"
            f"{r['fit_peak_above_before_mib']:>19.1f}{r['fit_seconds']:>8.1f}"
        )
    print(f"(X itself: {results[0]['X_mib']} MiB)")


if __name__ == "__main__":
    main()
