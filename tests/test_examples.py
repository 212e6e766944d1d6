"""Every script in examples/ runs (with few epochs), prints what its docs page relies on
(the lines a page quotes, too) and draws the figures the pages show."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
HAVE_SCIKERAS = importlib.util.find_spec("scikeras") is not None

#: script -> lines (regular expressions) its output must contain
EXPECTED = {
    "larger_than_memory.py": [
        r"^from disk equal to in memory: True$",
        r"^per-epoch under-sampling from the file: 360 rows per epoch, "
        r"training_prior_ \[0\.5, 0\.5\]$",
    ],
    "quickstart.py": [r"^chosen: \{", r"^held-out recall: \d\.\d{3}$"],
    "weights_in_loss.py": [
        r"^Keras 3 loss +: 0\.4947$",
        r"^Keras 2 formula +: 0\.6596 ",
        r"^weight 0 vs row left out +: max \|difference\| 0\.0e\+00$",
        r"^weights x10, normalised +: max \|difference\| 0\.0e\+00$",
        r"normalised by hand: max \|difference\| 0\.0e\+00$",
        r"^  weighting='balanced' +\[0\.5, 0\.5\]$",
    ],
    "validation_loss.py": [
        # Keras' val_loss ignores class_weight: it equals the unweighted mean loss
        r"val_loss reported by Keras +: (\S+)\n +mean\(L\) on validation rows +: \1 "
        r"\(unweighted\)\n +sum\(w\*L\)/n with the class weights: \d\.\d{4} \(weighted\)$",
        r"^  history_ keys: \['loss', 'val_loss', 'val_loss_unweighted'\]$",
        r"^EarlyStopping\(monitor='val_loss_unweighted'\): trained \d+ of",
    ],
    "choosing_strategy.py": [
        r"^== breast cancer \(1\.7:1\): 357 benign, 212 malignant",
        r"^one-standard-error rule on cost: +\S+ \(accuracy \d\.\d{3}, cost \d\.\d{3}\)$",
        r"^1\.7:1 verdict: (yes, weight it|not needed if you decide by cost|no)$",
        r"^1\.7:1 why: .* within one standard error of the cheapest$",
        r"^1\.7:1 costs: none \d\.\d{3}, cost-decision \d\.\d{3}, best weighting \S+ \d\.\d{3}$",
        r"^16:1 pick: \S+ \(cost \d\.\d{3} per row\)$",
        r"^1\.7:1 balanced vs none: accuracy \d\.\d{3} -> \d\.\d{3}, cost \d\.\d{3} -> ",
    ],
    "cost_decisions.py": [
        r"^cost_threshold\(fp_cost=1, fn_cost=5\) = 0\.1667$",
        r"prior_correction_=True$",
        r"^CostSensitiveWeights \+ MinimumCostClassifier +\d+ +\d+ +\d\.\d{4}$",
        r"^minimum-cost decision vs most probable class: \d\.\d{3} vs \d\.\d{3} per row$",
    ],
    "multilabel.py": [
        r"^training rows: \d+; target_type_: multilabel-indicator$",
        r"^rarest label: label \d \(positive rate 0\.\d{3}\), recall \d\.\d{3} unweighted, ",
    ],
    "row_weights.py": [
        r"^RecencyWeights\(half_life=100\) +\d\.\d{3}$",
        r"^InverseVarianceWeights",
        r"^recency: accuracy on new rows \d\.\d{3} unweighted, \d\.\d{3} with half_life=100$",
        r"^inverse variance: MSE \d\.\d{4} unweighted, \d\.\d{4} with InverseVarianceWeights$",
    ],
    "custom_strategy.py": [
        r"^weighting=sqrt_balanced +class weights \[1\.263 1\.637\]",
        r"^bad parameter: PowerBalancedWeights: power must be a float in \[0, 1\]; got 2\.0\.$",
        r"^saved and loaded: PowerBalancedWeights, same predictions: True$",
    ],
    "migrating_from_scikeras.py": [
        r"^is_classifier: True$",
        r"^weighting=balanced +recall",
        r"^two outputs: accuracy malignant \d\.\d{3}, size \d\.\d{3}; 3-fold subset accuracy "
        r"\d\.\d{3}$",
        r"^per-output class weights: \{'malignant': \[\d\.\d+, \d\.\d+\], 'size': \[",
    ],
    "scaling_out.py": [r"^backend 'loky', n_jobs=2: 10 fits in "],
    "scikeras_before.py": [r"^best: \{", r"^two outputs, mean accuracy: 0\.\d+$"],
    "pixel_weights.py": [
        r"^training pixels: \d+ background, \d+ positive \(\d\.\d\d%\), \d+ void",
        r"^  = counted pixels / \(2 x pixels of the class\): True$",
        r"^  mean weight over counted training pixels: 1\.000$",
        r"^held-out Dice: none \d\.\d{3}, balanced \d\.\d{3}, focal \d\.\d{3}, "
        r"undersample \d\.\d{3}, dice loss \d\.\d{3}, none \+ cost decision \d\.\d{3}$",
        r"^all-zero output \(no positive pixel\): ",
        r"^lowest cost per pixel: ",
        # the Dice loss counts void pixels as background; class weights only rescale it
        r"^  the Dice loss equals: void as background x mean pixel weight$",
    ],
    "class_weight_3d.py": [
        r"^  B = 8: \w+Error: ",
        r"^      2  010000       1   5\.000$",
        r"^  rows weighted 5: \[2, 5\]; rows with a 1: \[1, 2, 3, 4, 5, 6, 7\]$",
        r"^  Keras' loss equals: timestep t by the weight of row t$",
        r"^  y of shape \(4, 8, 8\): TypeError: ",
        r"^skweight's reported loss equals the hand computation in: 4 of 4 fits$",
    ],
    "augmentation_weights.py": [
        r"^  Keras' loss equals: row weight x loss of its augmented image$",
        r"^recall of the 9s, augmented: \d\.\d{3} unweighted, \d\.\d{3} with 'balanced'$",
        r"^  mask values after augmentation: \[0, 1\]$",
        r"^  brightness inside the mask minus outside: as given \d\.\d{3}, ",
        r"^  fit on 128 images with sample_weight of shape \(128, 16, 16\): ",
    ],
}

#: script -> the figures it saves in $SKWEIGHT_FIGURES (the docs pages embed them)
FIGURES = {
    "choosing_strategy.py": ["choosing_strategy-1.7to1.png", "choosing_strategy-16to1.png"],
    "cost_decisions.py": ["cost_decisions.png"],
    "multilabel.py": ["multilabel.png"],
    "row_weights.py": ["row_weights.png"],
    "validation_loss.py": ["validation_loss.png"],
    "pixel_weights.py": ["pixel_weights.png"],
    "augmentation_weights.py": [
        "augmentation_weights.png",
        "augmentation_weights-masks.png",
    ],
}


def run_example(name: str, figures: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ, "SKWEIGHT_EXAMPLE_EPOCHS": "2", "TF_CPP_MIN_LOG_LEVEL": "3",
        "SKWEIGHT_FIGURES": str(figures), "MPLBACKEND": "Agg",
    }  # fmt: skip
    return subprocess.run(
        [sys.executable, str(EXAMPLES / name)],
        cwd=EXAMPLES.parent, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    return {name: tmp_path_factory.mktemp(name.removesuffix(".py")) for name in EXPECTED}


@pytest.fixture(scope="module")
def runs(figures, request):
    """Start every selected example at once, two at a time; each test waits for its own
    (``-k NAME`` runs only the examples it selects)."""
    selected = {
        item.callspec.params["name"]
        for item in request.session.items
        if item.originalname == "test_example_runs"
    }
    names = [
        n
        for n in sorted(EXPECTED)
        if n in selected and (n != "scikeras_before.py" or HAVE_SCIKERAS)
    ]
    longest = ("choosing_strategy.py", "pixel_weights.py")
    names.sort(key=lambda n: longest.index(n) if n in longest else len(longest))
    with ThreadPoolExecutor(max_workers=2) as pool:
        yield {name: pool.submit(run_example, name, figures[name]) for name in names}


def test_every_example_is_tested():
    assert sorted(p.name for p in EXAMPLES.glob("*.py")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_runs(name, runs, figures):
    if name not in runs:
        pytest.skip("SciKeras is not installed")
    proc = runs[name].result()
    assert proc.returncode == 0, f"{name} exited with {proc.returncode}:\n{proc.stderr[-3000:]}"
    for pattern in EXPECTED[name]:
        assert re.search(pattern, proc.stdout, re.MULTILINE), f"{name}: no line matches {pattern!r}"
    drawn = sorted(p.name for p in figures[name].glob("*.png"))
    assert drawn == sorted(FIGURES.get(name, [])), f"{name} drew {drawn}"
    for png in drawn:
        assert (figures[name] / png).read_bytes().startswith(b"\x89PNG"), png
