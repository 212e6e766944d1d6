"""Section 3: peak memory of over-sampling on 1:9 data.

Each configuration runs in a fresh Python process, so peaks do not mix. The child loads the
data, runs a warm-up fit on a few rows (so library start-up is not counted), resets the kernel's
peak-memory mark (``/proc/self/clear_refs``), records its resident memory (the baseline), fits,
and reads the peak (``VmHWM``). The figures are the fit's *increase* over the baseline and the
total peak. Where the mark cannot be reset, the lifetime peak (``ru_maxrss``) is used and the
result says so.

Configurations: unweighted; ``"balanced"`` weights; RandomOverSampler materialised by hand
(``fit_resample`` then fit, what users do today); RandomOverSampler passed as ``weighting=``
and ``skweight.weighting.Resampler(..., per_epoch=True)`` when skweight accepts them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _configs() -> dict[str, dict[str, Any]]:
    from imblearn.over_sampling import RandomOverSampler

    from skweight import weighting as wmod

    configs = {
        "unweighted": {"kind": "none"},
        "balanced": {"kind": "balanced"},
        "RandomOverSampler materialised (fit_resample, then fit)": {"kind": "materialised"},
    }
    try:
        wmod.resolve_weighting(RandomOverSampler(random_state=0))
        configs["weighting=RandomOverSampler()"] = {"kind": "sampler"}
    except (TypeError, ValueError):
        pass
    if hasattr(wmod, "Resampler"):
        configs["Resampler(RandomOverSampler(), per_epoch=True)"] = {"kind": "per_epoch"}
    return configs


def _reset_peak() -> bool:
    """Reset this process's peak resident memory (Linux ``VmHWM``); False if not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        return False
    return _peak_rss() is not None


def _peak_rss() -> int | None:
    """Peak resident memory in bytes since the last reset (Linux ``VmHWM``), or None."""
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _child(spec: dict[str, Any]) -> dict[str, Any]:
    """Run one configuration in this process and return its memory figures."""
    import gc
    import resource

    import psutil
    from imblearn.over_sampling import RandomOverSampler

    from benchmarks._common import make_data, silence_keras

    silence_keras()
    from skweight import WeightedKerasClassifier
    from skweight import weighting as wmod

    X, y = make_data(spec["n_rows"], spec["n_features"], minority=0.1)
    # Import and trace everything once on a few rows, so the baseline includes the libraries.
    WeightedKerasClassifier(hidden_layer_sizes=(8,), epochs=1).fit(X[:64], y[:64])
    gc.collect()
    peak_was_reset = _reset_peak()
    baseline = psutil.Process().memory_info().rss
    kind = spec["kind"]
    weighting = {
        "none": None,
        "balanced": "balanced",
        "sampler": RandomOverSampler(random_state=0),
        "per_epoch": (
            wmod.Resampler(RandomOverSampler(random_state=0), per_epoch=True)
            if kind == "per_epoch"
            else None
        ),
    }.get(kind)
    X_fit, y_fit = X, y
    if kind == "materialised":
        X_fit, y_fit = RandomOverSampler(random_state=0).fit_resample(X, y)
    est = WeightedKerasClassifier(
        hidden_layer_sizes=tuple(spec["hidden"]),
        weighting=weighting,
        epochs=spec["epochs"],
        batch_size=spec["batch_size"],
        random_state=0,
    )
    est.fit(X_fit, y_fit)
    peak = _peak_rss() if peak_was_reset else None
    if peak is None:  # no resettable high-water mark: the lifetime peak (an upper bound)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    return {
        "peak_is_fit_only": peak_was_reset,
        "baseline_mib": baseline / 2**20,
        "peak_mib": peak / 2**20,
        "increase_mib": (peak - baseline) / 2**20,
        "data_mib": X.nbytes / 2**20,
    }


def run(cfg: dict[str, Any]) -> dict[str, Any]:
    """Measure every configuration in its own process.

    Parameters
    ----------
    cfg : dict
        ``n_rows``, ``n_features``, ``hidden``, ``epochs``, ``batch_size``.

    Returns
    -------
    dict
        Per configuration: baseline, peak and increase in MiB, and the increase and peak as
        ratios to the unweighted fit.
    """
    results: dict[str, Any] = {}
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
    for label, config in _configs().items():
        spec = {**cfg, **config}
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_memory", json.dumps(spec)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
        if proc.returncode != 0 or not lines:
            results[label] = {"error": proc.stderr.strip().splitlines()[-1:]}
            continue
        results[label] = json.loads(lines[-1])
        print(f"  memory {label}: +{results[label]['increase_mib']:.0f} MiB", flush=True)
    reference = results.get("unweighted", {})
    for figures in results.values():
        if "increase_mib" in figures and "increase_mib" in reference:
            figures["increase_ratio"] = figures["increase_mib"] / reference["increase_mib"]
            figures["peak_ratio"] = figures["peak_mib"] / reference["peak_mib"]
    per_epoch = [v for k, v in results.items() if "per_epoch" in k and "peak_ratio" in v]
    return {
        "config": cfg,
        "results": results,
        "goal": "per-epoch over-sampling peak within 1.1x of an unweighted fit",
        "goal_met": (per_epoch[0]["peak_ratio"] <= 1.1) if per_epoch else None,
    }


if __name__ == "__main__":
    print(json.dumps(_child(json.loads(sys.argv[1]))), flush=True)
