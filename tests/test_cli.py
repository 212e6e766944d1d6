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


def test_default_positive_class_is_the_minority_and_is_printed(tmp_path, capsys):
    """With 'a' the minority and first in sorted order, missing an 'a' costs --fn-cost."""
    X, y = make_classification(n_samples=100, n_features=4, weights=[0.3], random_state=0)
    frame = pd.DataFrame(X, columns=["a1", "b1", "c1", "d1"])
    frame["label"] = np.where(y == 0, "a", "b")
    frame.to_csv(tmp_path / "data.csv", index=False)
    status = main(["compare", *TINY, "--csv", str(tmp_path / "data.csv"), "--target", "label",
                   "--strategies", "none", "--out", str(tmp_path / "o")])  # fmt: skip
    printed = capsys.readouterr().out
    assert status == 0, printed
    assert "classes a 30, b 70; positive class: a (the minority class" in printed
    assert "missing a a (FN) costs 5" in printed
    summary = json.loads((tmp_path / "o" / "compare.json").read_text())
    assert summary["positive_class"] == "a"
    assert summary["cost_matrix"] == [[0, 5], [1, 0]]  # rows true a, b: a missed a costs 5


IMAGES = ["--epochs", "1", "--batch-size", "8", "--cv", "2", "--repeats", "1", "--n-jobs", "1",
          "-q", "--strategies", "cost-decision,none"]  # fmt: skip


def test_digit_images_end_to_end(tmp_path, capsys):
    out = tmp_path / "out"
    status = main(["compare", "--data", "digits-images", "--images", "80", "--filters", "4",
                   *IMAGES, "--out", str(out)])  # fmt: skip
    printed = capsys.readouterr().out
    assert status == 0, printed
    assert "80 images of 8x8x1; classes 0 72, 1 8; positive class: 1" in printed
    assert "small_cnn filters (4,)" in printed and "Winner: " in printed
    assert (out / "compare.png").read_bytes()[:4] == b"\x89PNG"
    table = pd.read_csv(out / "compare.csv", index_col="strategy")
    assert set(table.index) == {"cost-decision", "none"}
    assert "average_precision_mean" in table.columns
    settings = json.loads((out / "compare.json").read_text())["settings"]
    assert settings["network"] == "small_cnn" and settings["images"] == 80


@pytest.mark.slow
def test_segmentation_end_to_end(tmp_path, capsys):
    out = tmp_path / "out"
    status = main(["compare", "--data", "segmentation", "--images", "24", "--image-size", "16",
                   "--filters", "4,8", *IMAGES, "--out", str(out)])  # fmt: skip
    printed = capsys.readouterr().out
    assert status == 0, printed
    assert "24 images of 16x16x1, one label per pixel" in printed
    assert "Cost: per pixel, missing a 1 (FN) costs 5" in printed
    assert "expected cost per element" in printed
    assert (out / "compare.png").read_bytes()[:4] == b"\x89PNG"
    table = pd.read_csv(out / "compare.csv", index_col="strategy")
    assert set(table.index) == {"cost-decision", "none"}
    assert {"cost_mean", "cost_se", "dice_mean", "dice_std", "jaccard_mean",
            "recall_1_mean"} <= set(table.columns)  # fmt: skip
    summary = json.loads((out / "compare.json").read_text())
    assert summary["dense_target"] and summary["settings"]["network"] == "small_unet"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """CSV files with one mistake each (and a plain file where a folder is expected)."""
    folder = tmp_path_factory.mktemp("cli")
    X, y = make_classification(n_samples=80, n_features=4, weights=[0.8], random_state=0)
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    rows = np.arange(len(y))
    pd.DataFrame({"x": [1.0, 2, 3, 4, 5, 6], "colour": list("rgbrgb"), "y": [0, 1] * 3}).to_csv(
        folder / "bad.csv", index=False
    )
    frame.assign(label=y, a=frame["a"].where(rows != 3)).to_csv(folder / "nan.csv", index=False)
    frame.assign(one="only").to_csv(folder / "one.csv", index=False)
    frame.assign(gappy=pd.Series(y).where(rows % 7 != 0)).to_csv(folder / "gappy.csv", index=False)
    frame.assign(label=y + 0.5).to_csv(folder / "fractions.csv", index=False)
    frame.assign(label=y, a=frame["a"].where(rows != 5, np.inf)).to_csv(
        folder / "inf.csv", index=False
    )
    frame.assign(label=y, b=frame["b"].where(rows != 5, 1e39)).to_csv(
        folder / "huge.csv", index=False
    )
    frame.assign(label=rows % 3).to_csv(folder / "three.csv", index=False)
    (folder / "empty.csv").write_text("")
    (folder / "header.csv").write_text("a,b,label\n")
    (folder / "a-file").write_text("not a folder")
    return folder


#: Every usage error of ``skweight compare``: (arguments, what the one-line message says).
USAGE_ERRORS = [
    # data
    (["--csv", "nowhere.csv", "--target", "y"], "--csv: file not found: nowhere.csv"),
    (["--csv", "{dir}/bad.csv", "--target", "label"], "--target: no column 'label'"),
    (["--csv", "{dir}/bad.csv", "--target", "y"], "feature column 'colour' is not numeric"),
    (["--csv", "{dir}/bad.csv"], "--csv needs --target"),
    (["--target", "y"], "--target needs --csv"),
    (["--csv", "{dir}/nan.csv", "--target", "label"], "--csv: feature column 'a' has 1 missing"),
    (["--csv", "{dir}/one.csv", "--target", "one"], "--target: column 'one' has a single class"),
    (["--csv", "{dir}/gappy.csv", "--target", "gappy"],
     "--target: column 'gappy' has 12 missing values"),
    (["--csv", "{dir}/empty.csv", "--target", "label"], "--csv: {dir}/empty.csv is empty"),
    (["--csv", "{dir}/header.csv", "--target", "label"], "has a header but no data rows"),
    (["--csv", "{dir}/fractions.csv", "--target", "label"],
     "--target: column 'label' holds numbers such as 0.5, not class labels"),
    (["--csv", "{dir}/inf.csv", "--target", "label"],
     "--csv: feature column 'a' has 1 value(s) that are infinite or beyond float32's range"),
    (["--csv", "{dir}/huge.csv", "--target", "label"],
     "feature column 'b' has 1 value(s) that are infinite or beyond float32's range (e.g. 1e+39)"),
    (["--csv", "{dir}/three.csv", "--target", "label", "--pos-label", "1"],
     "--pos-label: the data has 3 classes"),
    (["--pos-label", "cat"], "--pos-label: 'cat' is not a class"),
    (["--data", "digits-images", "--csv", "{dir}/bad.csv", "--target", "y"],
     "--csv and --data digits-images both name the data"),
    (["--data", "segmentation", "--target", "y"], "--target needs --csv"),
    (["--data", "pictures"], "argument --data: invalid choice: 'pictures'"),
    (["--images", "50"], "--images is for --data digits-images or segmentation"),
    (["--filters", "8"], "--filters is for --data digits-images or segmentation"),
    (["--data", "digits-images", "--hidden", "8"], "--hidden is for tabular data"),
    (["--data", "digits-images", "--image-size", "16"], "--image-size is for --data segmentation"),
    (["--data", "digits-images", "--images", "2000"], "--images must be in [1, 1797]"),
    (["--data", "segmentation", "--images", "0"], "--images must be >= 1"),
    (["--data", "segmentation", "--filters", "4,x"], "--filters: expected sizes like '8,16'"),
    (["--data", "segmentation", "--image-size", "18", "--filters", "4,8,16"],
     "--image-size 18: a U-Net of 3 levels (--filters) needs a side divisible by 4"),
    (["--data", "segmentation", "--image-size", "6"], "--image-size/--images: "),
    (["--data", "segmentation", "--strategies", "none,tuned-threshold"],
     "tuned-threshold needs one label per row"),
    (["--data", "segmentation", "--images", "4"], "--cv 3: only"),
    (["--data", "digits-images", "--images", "20"], "--cv 3: the smallest class has only 2 images"),
    # costs
    (["--cost-matrix", "0,1,2;1,0,2;1,1,0"], "--cost-matrix: expected 2x2"),
    (["--cost-matrix", "[[0, -1], [1, 0]]"], "negative"),
    (["--cost-matrix", "zero,one"], "cannot read"),
    (["--cost-matrix", "0,0;0,0"], "--cost-matrix: cost_matrix gives every decision"),
    (["--cost-matrix", "0,1;5,0", "--fn-cost", "3"], "not both"),
    (["--fn-cost", "-2"], "--fp-cost/--fn-cost: fn_cost must be finite and >= 0"),
    (["--fn-cost", "inf"], "--fp-cost/--fn-cost: fn_cost must be finite and >= 0; got inf"),
    (["--fp-cost", "nan"], "--fp-cost/--fn-cost: fp_cost must be finite and >= 0; got nan"),
    (["--fp-cost", "0", "--fn-cost", "0"], "every decision of each true class the same cost"),
    # search and network
    (["--strategies", "none,magic"], "--strategies: unknown ['magic']"),
    (["--strategies", ","], "--strategies: unknown empty list"),
    (["--cv", "1"], "--cv must be >= 2"),
    (["--cv", "two"], "argument --cv: invalid int value: 'two'"),
    (["--repeats", "0"], "--repeats must be >= 1"),
    (["--threshold-cv", "1"], "--threshold-cv must be >= 2"),
    (["--epochs", "0"], "--epochs must be >= 1"),
    (["--batch-size", "0"], "--batch-size must be >= 1"),
    (["--hidden", "a,b"], "--hidden: expected sizes like '32,16'"),
    (["--hidden", "0"], "--hidden: layer sizes must be integers >= 1; got '0'"),
    (["--hidden", ","], "--hidden: layer sizes must be integers >= 1"),
    (["--n-jobs", "0"], "--n-jobs must not be 0"),
    (["--random-state", "-1"], "--random-state must be in [0, 2**32); got -1"),
    (["--learning-rate", "nan"], "--learning-rate must be a finite number > 0; got nan"),
    (["--learning-rate", "-1"], "--learning-rate must be a finite number > 0; got -1"),
    (["--learning-rate", "inf"], "--learning-rate must be a finite number > 0; got inf"),
    (["--learning-rate", "1e39"], "--learning-rate must be a finite number > 0; got 1e+39"),
    (["--backend", "numpy"], "argument --backend: invalid choice: 'numpy'"),
    (["--selection", "worst"], "argument --selection: invalid choice: 'worst'"),
    (["--out", "{dir}/a-file"], "--out: {dir}/a-file exists and is a file"),
    (["--out", "{dir}/a-file/inside"], "--out: {dir}/a-file exists and is a file"),
    (["--no-such-option"], "unrecognized arguments: --no-such-option"),
    (["-q", "-v"], "argument -v/--verbose: not allowed with argument -q/--quiet"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message"), USAGE_ERRORS)
def test_every_usage_error_is_one_line_with_status_2(args, message, folder, capsys):
    """No traceback, nothing trained: one line on stderr, exit status 2, naming the option."""
    args = [a.replace("{dir}", str(folder)) for a in args]
    out = [] if "--out" in args else ["--out", str(folder / "out")]
    assert main(["compare", *out, *args]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert err.startswith("skweight compare: error: ")
    assert "\n" not in err and "Traceback" not in err
    assert message.replace("{dir}", str(folder)) in err
    assert "Search:" not in captured.out  # stopped before any training
    assert not (folder / "out").exists()


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
