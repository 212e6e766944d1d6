"""The skweight command, end to end on the embedded data and on a CSV file, and its errors."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification

from skweight.cli import UsageError, main, parse_cost_matrix

TINY = ["--cv", "2", "--repeats", "1", "--epochs", "2", "--n-jobs", "1", "-q"]


def test_default_data_end_to_end(tmp_path, capsys):
    out = tmp_path / "out"
    status = main(["compare", *TINY, "--strategies", "cost-decision,none,balanced",
                   "--backend", "tensorflow", "--out", str(out)])  # fmt: skip
    printed = capsys.readouterr().out
    assert status == 0
    assert "benign 357, malignant 212; positive class: malignant" in printed
    assert "missing a malignant (FN) costs 5, a false alarm (FP) 1" in printed
    assert "cost_std" in printed and "recall_malignant" in printed
    assert "Winner: " in printed
    assert (out / "compare.png").read_bytes()[:4] == b"\x89PNG"
    table = pd.read_csv(out / "compare.csv", index_col="strategy")
    assert set(table.index) == {"cost-decision", "none", "balanced"}
    assert {"cost_mean", "cost_std", "balanced_accuracy_mean", "average_precision_mean",
            "fit_time_mean", "selected"} <= set(table.columns)  # fmt: skip
    summary = json.loads((out / "compare.json").read_text())
    assert summary["best_strategy"] in table.index
    assert summary["positive_class"] == "malignant"
    assert summary["cost_matrix"] == [[0, 1], [5, 0]]
    assert summary["settings"]["epochs"] == 2


def test_csv_with_cost_matrix(tmp_path, capsys):
    X, y = make_classification(n_samples=120, n_features=4, weights=[0.7], random_state=0)
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    frame["label"] = np.where(y == 1, "yes", "no")
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    status = main(["compare", *TINY, "--csv", str(path), "--target", "label",
                   "--cost-matrix", "0,1;3,0", "--strategies", "none,cost-decision",
                   "--out", str(tmp_path / "o")])  # fmt: skip
    printed = capsys.readouterr().out
    assert status == 0, printed
    assert "classes no 84, yes 36" in printed
    summary = json.loads((tmp_path / "o" / "compare.json").read_text())
    assert summary["cost_matrix"] == [[0, 1], [3, 0]]
    assert summary["positive_class"] == "yes"


@pytest.fixture
def csv_file(tmp_path):
    frame = pd.DataFrame({"x": [1.0, 2, 3, 4, 5, 6], "colour": list("rgbrgb"), "y": [0, 1] * 3})
    path = tmp_path / "bad.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--csv", "nowhere.csv", "--target", "y"], "--csv: file not found: nowhere.csv"),
        (["--csv", "{csv}", "--target", "label"], "--target: no column 'label'"),
        (["--csv", "{csv}", "--target", "y"], "feature column 'colour' is not numeric"),
        (["--csv", "{csv}"], "--csv needs --target"),
        (["--target", "y"], "--target needs --csv"),
        (["--cost-matrix", "0,1,2;1,0,2;1,1,0"], "--cost-matrix: expected 2x2"),
        (["--cost-matrix", "[[0, -1], [1, 0]]"], "negative"),
        (["--cost-matrix", "zero,one"], "cannot read"),
        (["--cost-matrix", "0,1;5,0", "--fn-cost", "3"], "not both"),
        (["--fn-cost", "-2"], "--fp-cost/--fn-cost: fn_cost must be finite and >= 0"),
        (["--strategies", "none,magic"], "--strategies: unknown ['magic']"),
        (["--pos-label", "cat"], "--pos-label: 'cat' is not a class"),
        (["--cv", "1"], "--cv must be >= 2"),
        (["--hidden", "a,b"], "--hidden"),
    ],
)
def test_errors_are_one_line(args, message, csv_file, capsys):
    args = [a.replace("{csv}", str(csv_file)) for a in args]
    assert main(["compare", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("skweight compare: error: ")
    assert "\n" not in err
    assert message in err


def test_parse_cost_matrix_forms():
    classes = np.array(["a", "b"])
    np.testing.assert_array_equal(parse_cost_matrix("[[0, 1], [5, 0]]", classes), [[0, 1], [5, 0]])
    np.testing.assert_array_equal(parse_cost_matrix("0, 1; 5, 0;", classes), [[0, 1], [5, 0]])
    with pytest.raises(UsageError, match="2x2"):
        parse_cost_matrix("[1, 2]", classes)


def test_no_command_prints_help(capsys):
    assert main([]) == 2
    assert "compare" in capsys.readouterr().out


@pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="needs jax")
def test_module_entry_point_and_backend_switch(tmp_path):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run(
        [sys.executable, "-m", "skweight", "compare", "--backend", "jax", "--csv", "none.csv",
         "--target", "y"],
        capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == (
        "skweight compare: error: --csv: file not found: none.csv"
    )
