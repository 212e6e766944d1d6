"""Run the skweight benchmarks and write ``results.json`` and ``RESULTS.md``.

Usage::

    python benchmarks/run.py --quick              # default, about 2 hours on 2 cores
    python benchmarks/run.py --full               # more repeats, larger quality models
    python benchmarks/run.py --tiny --out-dir /tmp/bench   # seconds; what the smoke test runs
    python benchmarks/run.py --sections fit predict

Sections: fit (1), predict (2), memory (3), search (4), gpu (5, only with ``--gpu``; needs a
GPU and runs ``bench_gpu.py`` in its own process with the JAX backend), quality (6), fused (7:
the fused comparison engine against the sequential one), dense (8: masks with a small U-Net,
per-pixel weights).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._common import machine, silence_keras  # noqa: E402

SECTIONS = ("fit", "jax", "predict", "memory", "search", "gpu", "quality", "fused", "dense")

_SWEEP = [
    {"steps_per_execution": 1, "jit_compile": False},
    {"steps_per_execution": 8, "jit_compile": False},
    {"steps_per_execution": 32, "jit_compile": False},
    {"steps_per_execution": 128, "jit_compile": False},
    {"steps_per_execution": 32, "jit_compile": True},
]
_MLP = {"n_rows": 20_000, "n_features": 30, "hidden": [64, 64], "epochs": 5, "batch_size": 32}
_QUALITY = {
    "fn_cost": 5.0,
    "fp_cost": 1.0,
    "outer_cv": 5,
    "batch_size": 64,
    "methods": ["none", "balanced", "cost_implied_threshold", "tuned_threshold",
                "calibrated_cost", "oof_threshold", "constant_decision", "picked"],
    "threads": 1,  # per worker process
}  # fmt: skip
#: ``--quality-reduced``: compare_weightings with 3 folds, one repeat (a quicker first look)
_REDUCED = {"compare_cv": 3, "compare_repeats": 1, "compare_threshold_cv": 3}

_FUSED_SEARCH = {"n_rows": 4000, "n_features": 30, "hidden": [64, 64], "epochs": 5,
                 "batch_size": 32, "n_strategies": 6, "cv": 5, "repeats": 3}  # fmt: skip
_FUSED = {"backends": ["tensorflow", "jax"], "cli_args": [], "search": _FUSED_SEARCH,
          "keel": ["haberman", "pima"], "keel_repeats": 1,
          "images_args": ["--data", "digits-images"]}  # fmt: skip
_DENSE = {"n_images": 2000, "size": 64, "filters": [8, 16], "cnn_filters": [16, 32], "epochs": 2,
          "batch_size": 32, "repeats": 3,
          "memory": {"n_images": 2000, "size": 64, "epochs": 1}}  # fmt: skip

CONFIGS = {
    "tiny": {
        "dense": {
            **_DENSE,
            "n_images": 64,
            "size": 16,
            "epochs": 1,
            "repeats": 1,
            "warmup": False,
            "memory": {
                "n_images": 64,
                "size": 16,
                "epochs": 1,
                "configs": [
                    "skweight unweighted",
                    'skweight "balanced" (per-pixel, batch by batch)',
                ],
            },
        },
        "fused": {
            "backends": ["tensorflow"],
            "cli_args": [
                "--epochs",
                "1",
                "--cv",
                "2",
                "--repeats",
                "1",
                "--strategies",
                "cost-decision,none,undersample",
            ],
            "search": {
                **_FUSED_SEARCH,
                "n_rows": 400,
                "hidden": [8],
                "epochs": 1,
                "n_strategies": 2,
                "cv": 2,
                "repeats": 2,  # the medians' code, at the least cost
            },
            "keel": [],
            "keel_repeats": 1,
        },  # fmt: skip
        "fit": {
            **_MLP,
            "n_rows": 1000,
            "hidden": [8],
            "epochs": 1,
            "repeats": 1,
            "strategies": 1,
            "sweep": [],
        },
        "jax": {**_MLP, "n_rows": 256, "hidden": [8], "epochs": 1, "repeats": 1},
        "predict": {
            "n_train": 1000,
            "n_features": 30,
            "hidden": [8],
            "latency_rows": [1],
            "latency_calls": 10,
            "slow_calls": 2,
            "throughput_rows": [2000],
            "throughput_repeats": 1,
            "scikeras_max_rows": 2000,
        },
        "memory": {"n_rows": 2000, "n_features": 10, "hidden": [8], "epochs": 1, "batch_size": 256},
        "search": {
            **_MLP,
            "n_rows": 400,
            "hidden": [8],
            "epochs": 1,
            "n_strategies": 2,
            "cv": 2,
            "repeats": 1,
            "n_jobs": 1,
        },
        "quality": {
            **_QUALITY,
            "datasets": ["haberman"],
            "outer_cv": 2,
            "inner_cv": 2,
            "hidden": [8],
            "epochs": 2,
            "n_jobs": 1,
            "compare_cv": 2,
            "compare_repeats": 1,
            "compare_threshold_cv": 2,
            "compare_strategies": ["none", "balanced"],
            "methods": [
                "none",
                "balanced",
                "cost_implied_threshold",
                "constant_decision",
                "calibrated_cost",
                "oof_threshold",
                "picked",
            ],
            "peers": ["lr"],
            "ablation": True,
        },
    },
    "quick": {
        "dense": _DENSE,
        "fused": _FUSED,
        "fit": {**_MLP, "repeats": 3, "strategies": None, "sweep": _SWEEP},
        "jax": {**_MLP, "n_rows": 4096, "epochs": 2, "repeats": 2},
        "predict": {
            "n_train": 20_000,
            "n_features": 30,
            "hidden": [64, 64],
            "latency_rows": [1, 100],
            "latency_calls": 500,
            "slow_calls": 20,
            "throughput_rows": [20_000, 1_000_000],
            "throughput_repeats": 3,
            "scikeras_max_rows": 20_000,
        },
        "memory": {
            "n_rows": 300_000,
            "n_features": 50,
            "hidden": [64, 64],
            "epochs": 1,
            "batch_size": 256,
        },
        "search": {**_MLP, "n_rows": 4000, "n_strategies": 6, "cv": 5, "repeats": 1, "n_jobs": 2},
        "quality": {
            **_QUALITY,
            "datasets": None,  # all of bench_quality.DATASETS
            "inner_cv": 3,  # the tuned threshold's folds and the peers' grid searches
            "hidden": [64, 64],
            "epochs": 30,
            "n_jobs": 2,
            # compare_weightings at its defaults: 5 folds, 2 repeats, every default candidate
            "compare_cv": None,
            "compare_repeats": None,
            "compare_threshold_cv": None,
            "peers": ["lr", "mlp", "hgb"],
            "ablation": True,
        },
    },
    "full": {
        "dense": {**_DENSE, "repeats": 5},
        "fused": {**_FUSED, "keel_repeats": 2},
        "fit": {
            **_MLP,
            "repeats": 5,
            "strategies": None,
            "sweep": _SWEEP
            + [
                {"steps_per_execution": 64, "jit_compile": False},
                {"steps_per_execution": 128, "jit_compile": True},
            ],
        },
        "jax": {**_MLP, "repeats": 3},
        "predict": {
            "n_train": 20_000,
            "n_features": 30,
            "hidden": [64, 64],
            "latency_rows": [1, 100],
            "latency_calls": 2000,
            "slow_calls": 50,
            "throughput_rows": [20_000, 1_000_000],
            "throughput_repeats": 5,
            "scikeras_max_rows": 1_000_000,
        },
        "memory": {
            "n_rows": 500_000,
            "n_features": 50,
            "hidden": [64, 64],
            "epochs": 2,
            "batch_size": 256,
        },
        "search": {**_MLP, "n_rows": 4000, "n_strategies": 6, "cv": 5, "repeats": 3, "n_jobs": 2},
        "quality": {
            **_QUALITY,
            "datasets": None,  # all of bench_quality.DATASETS
            "inner_cv": 5,
            "hidden": [64, 64],
            "epochs": 50,
            "n_jobs": 2,
            "compare_cv": None,
            "compare_repeats": None,
            "compare_threshold_cv": None,
            "peers": ["lr", "mlp", "hgb"],
            "ablation": True,
        },
    },
}


def _run_gpu(out_dir: Path) -> dict:
    out = out_dir / "results_gpu.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_gpu.py"), "--out", str(out)],
        cwd=ROOT,
        check=False,
    )
    if proc.returncode != 0 or not out.exists():
        return {"status": f"failed (exit code {proc.returncode})"}
    return json.loads(out.read_text())


def main(argv=None) -> dict:
    """Parse the command line, run the sections, write the results; return them."""
    parser = argparse.ArgumentParser(description="skweight benchmarks")
    mode = parser.add_mutually_exclusive_group()
    for name in ("tiny", "quick", "full"):
        mode.add_argument(f"--{name}", dest="mode", action="store_const", const=name)
    parser.add_argument("--sections", nargs="+", choices=SECTIONS, default=None)
    parser.add_argument("--gpu", action="store_true", help="also run section 5 (needs a GPU)")
    parser.add_argument("--out-dir", default=str(ROOT / "benchmarks"))
    parser.add_argument(
        "--merge",
        action="store_true",
        help="keep the other sections of an existing results.json (and its quality data sets)",
    )
    parser.add_argument("--datasets", nargs="+", help="KEEL data sets for the quality section")
    parser.add_argument(
        "--quality-reduced",
        action="store_true",
        help="quality: compare_weightings with cv=3, n_repeats=1 instead of its defaults",
    )
    parser.add_argument(
        "--quality-final",
        choices=["refit", "fold-average"],
        help="quality: the final model of compare_weightings (default: its own, refit)",
    )
    parser.add_argument(
        "--fresh-quality",
        action="store_true",
        help="with --merge: start the quality section anew (a changed protocol)",
    )
    args = parser.parse_args(argv)
    mode = args.mode or "quick"
    sections = args.sections or [s for s in SECTIONS if s != "gpu" or args.gpu]
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    silence_keras()
    from benchmarks import (
        bench_dense,
        bench_fit,
        bench_fused,
        bench_jax,
        bench_memory,
        bench_predict,
        bench_quality,
        bench_search,
    )
    from benchmarks.report import write_markdown

    modules = {
        "fit": bench_fit,
        "jax": bench_jax,
        "predict": bench_predict,
        "memory": bench_memory,
        "search": bench_search,
        "quality": bench_quality,
        "fused": bench_fused,
        "dense": bench_dense,
    }
    command = "python benchmarks/run.py " + " ".join(argv if argv is not None else sys.argv[1:])
    results = {"command": command.strip(), "mode": mode, "machine": machine(), "sections": {}}
    previous = out_dir / "results.json"
    if args.merge and previous.exists():
        old = json.loads(previous.read_text())
        results["sections"] = old.get("sections", {})
        results["command"] = old.get("command", "") + " ; " + results["command"]
    started = time.time()
    for section in sections:
        print(f"[{section}]", flush=True)
        t0 = time.perf_counter()
        if section == "gpu":
            results["sections"]["gpu"] = _run_gpu(out_dir)
            continue
        cfg = dict(CONFIGS[mode][section])
        merge_quality = section == "quality" and args.merge and "quality" in results["sections"]
        merge_quality = merge_quality and not args.fresh_quality
        if section == "quality":
            cfg["datasets"] = args.datasets or cfg["datasets"] or bench_quality.DATASETS
            if args.quality_reduced:
                cfg.update(_REDUCED)
            if args.quality_final:
                cfg["final"] = args.quality_final
        if merge_quality:  # before the run, not after an hour of it
            bench_quality.check_same_protocol(results["sections"]["quality"]["config"], cfg)
        section_results = modules[section].run(cfg)
        if merge_quality:
            section_results = bench_quality.merge(results["sections"]["quality"], section_results)
        results["sections"][section] = section_results
        results["sections"][section]["section_seconds"] = time.perf_counter() - t0
    gpu_file = out_dir / "results_gpu.json"  # written by bench_gpu.py on a GPU machine
    if "fit" not in results["sections"].get("gpu", {}) and gpu_file.exists():
        results["sections"]["gpu"] = json.loads(gpu_file.read_text())
    results["sections"].setdefault("gpu", {"status": "not measured: no GPU lent to this run"})
    results["total_seconds"] = time.time() - started
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["finished_utc"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    (out_dir / "results.json").write_text(json.dumps(results, indent=2, default=str))
    write_markdown(results, out_dir / "RESULTS.md")
    print(f"wrote {out_dir / 'results.json'} and {out_dir / 'RESULTS.md'}", flush=True)
    return results


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
