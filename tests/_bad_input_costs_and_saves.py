"""Bad-input rows: costs, scorers, decisions, compare_weightings, saving and loading."""

from __future__ import annotations

import numpy as np
from sklearn.svm import LinearSVC

from skweight import (
    FocalLoss,
    MinimumCostClassifier,
    compare_weightings,
    cost_threshold,
    expected_cost,
    make_cost_scorer,
    minimum_cost_predict,
)
from skweight.decision import expected_decision_costs
from skweight.persistence import load, save
from tests._bad_input_support import (
    _bomb,
    _case,
    _folder,
    _load_tampered,
    _saved,
    _three_outputs,
    _truncate,
    _truncate_array,
)

CASES = [
    # ---------------------------------------------------------------- costs, scorers, decisions
    _case(
        "scorer-cost_matrix-shape",
        lambda c: make_cost_scorer([[0, 1, 2], [1, 0, 2]]),
        ValueError,
        "cost_matrix must be square",
    ),
    _case(
        "scorer-cost_matrix-negative",
        lambda c: make_cost_scorer([[0, -1], [1, 0]]),
        ValueError,
        "cost_matrix has negative entries",
    ),
    _case(
        "scorer-cost_matrix-nan",
        lambda c: make_cost_scorer([[0, np.nan], [1, 0]]),
        ValueError,
        "cost_matrix has non-finite entries",
    ),
    _case(
        "scorer-fp_cost-alone",
        lambda c: make_cost_scorer(fp_cost=1),
        ValueError,
        "fp_cost and fn_cost go together",
    ),
    _case(
        "expected_cost-label-missing",
        lambda c: expected_cost([0, 1, 2], [0, 1, 1], [[0, 1], [1, 0]], labels=[0, 1]),
        ValueError,
        r"y_true has label\(s\) \[2\] that are not in labels",
    ),
    _case(
        "expected_cost-costs-shape",
        lambda c: expected_cost([0, 1], [0, 1], [[0, 1], [1, 0]], costs=np.ones(3)),
        ValueError,
        "costs must have shape",
    ),
    _case(
        "expected_cost-fn_cost-negative",
        lambda c: expected_cost([0, 1], [0, 1], fp_cost=1, fn_cost=-1),
        ValueError,
        "fn_cost must be finite and >= 0",
    ),
    _case(
        "minimum_cost_predict-proba-1d",
        lambda c: minimum_cost_predict([0.2, 0.8], [[0, 1], [1, 0]]),
        ValueError,
        "proba must have shape",
    ),
    _case(
        "cost_threshold-3x3",
        lambda c: cost_threshold(np.ones((3, 3))),
        ValueError,
        "cost_threshold needs a 2 x 2 cost_matrix",
    ),
    _case(
        "MinimumCostClassifier-no-predict_proba",
        lambda c: MinimumCostClassifier(LinearSVC()).fit(c.X, c.y),
        TypeError,
        "LinearSVC has no predict_proba",
    ),
    _case(
        "MinimumCostClassifier-all-zero-costs",
        lambda c: MinimumCostClassifier(c.clf(), cost_matrix=[[0, 0], [0, 0]]).fit(c.X, c.y),
        ValueError,
        "cost_matrix gives every decision of each true class the same cost .*zero cost",
    ),
    _case(
        "MinimumCostClassifier-zero-fp-fn",
        lambda c: MinimumCostClassifier(c.clf(), fp_cost=0, fn_cost=0).fit(c.X, c.y),
        ValueError,
        "same cost .*zero cost everywhere",
    ),
    _case(
        "minimum_cost_predict-all-zero-costs",
        lambda c: minimum_cost_predict(np.full((3, 2), 0.5), [[0, 0], [0, 0]]),
        ValueError,
        "same cost .*zero cost everywhere",
    ),
    _case(
        "scorer-all-zero-costs",
        lambda c: make_cost_scorer([[0, 0], [0, 0]]),
        ValueError,
        "same cost .*zero cost everywhere",
    ),
    _case(
        "scorer-constant-costs",
        lambda c: make_cost_scorer([[1, 1], [1, 1]]),
        ValueError,
        r"same cost \(here \[\[1.0, 1.0\], \[1.0, 1.0\]\]\)",
    ),
    _case(
        "expected_cost-all-zero-costs",
        lambda c: expected_cost([0, 1], [1, 0], [[0, 0], [0, 0]]),
        ValueError,
        "same cost .*zero cost everywhere",
    ),
    _case(
        "compare-all-zero-costs",
        lambda c: c.compare(cost_matrix=[[0, 0], [0, 0]]),
        ValueError,
        "same cost .*zero cost everywhere",
    ),
    _case(
        "minimum_cost_predict-nan-proba",
        lambda c: minimum_cost_predict([[np.nan, 0.5], [0.5, 0.5]], [[0, 1], [1, 0]]),
        ValueError,
        "proba has NaN or infinite entries",
    ),
    _case(
        "minimum_cost_predict-negative-proba",
        lambda c: minimum_cost_predict([[-0.2, 1.2], [0.5, 0.5]], [[0, 1], [1, 0]]),
        ValueError,
        r"proba has entries from -0.2 to 1.2; it must hold probabilities in \[0, 1\]",
    ),
    _case(
        "minimum_cost_predict-logits",
        lambda c: minimum_cost_predict([[3.0, -2.0], [0.1, 0.9]], [[0, 1], [5, 0]]),
        ValueError,
        "logits or scores need a sigmoid or softmax first",
    ),
    _case(
        "expected_decision_costs-inf-proba",
        lambda c: expected_decision_costs([[np.inf, 0.0]], [[0, 1], [1, 0]]),
        ValueError,
        "proba has NaN or infinite entries",
    ),
    _case(
        "MinimumCostClassifier-labels-missing",
        lambda c: MinimumCostClassifier(
            c.clf(), cost_matrix=[[0, 1], [1, 0]], labels=["a", "b"]
        ).fit(c.X, c.y),
        ValueError,
        r"label\(s\) \[0, 1\] that are not in labels",
    ),
    # ---------------------------------------------------------------- compare_weightings
    _case(
        "compare-regressor",
        lambda c: compare_weightings(c.reg(), c.X, c.y),
        TypeError,
        "estimator must be a classifier",
    ),
    _case(
        "compare-one-class",
        lambda c: compare_weightings(c.clf(), c.X, np.zeros(80)),
        ValueError,
        "y has a single class",
    ),
    _case("compare-cv", lambda c: c.compare(cv=1), ValueError, "cv must be >= 2"),
    _case(
        "compare-n_jobs",
        lambda c: c.compare(n_jobs=0),
        ValueError,
        r"n_jobs must be None or a non-zero integer \(-1: every core\); got 0",
    ),
    _case(
        "compare-n_jobs-type",
        lambda c: c.compare(n_jobs="two"),
        ValueError,
        "n_jobs must be None or a non-zero integer",
    ),
    _case(
        "compare-selection",
        lambda c: c.compare(selection="worst"),
        ValueError,
        "selection must be 'one_se' or 'best'",
    ),
    _case(
        "compare-unknown-strategy",
        lambda c: c.compare(strategies=["magic"]),
        ValueError,
        r"strategies\['magic'\].*valid names are",
    ),
    _case(
        "compare-baselines",
        lambda c: c.compare(baselines=["magic"]),
        ValueError,
        r"baselines \['magic'\] unknown",
    ),
    _case(
        "compare-cost_matrix-shape",
        lambda c: c.compare(cost_matrix=np.ones((3, 3))),
        ValueError,
        "cost_matrix is 3 x 3",
    ),
    _case(
        "compare-sample_weight-length",
        lambda c: c.compare(sample_weight=np.ones(3)),
        ValueError,
        r"sample_weight.shape == \(3,\)",
    ),
    _case(
        "compare-sample_weight-strings",
        lambda c: c.compare(sample_weight=np.array(["w"] * 80)),
        ValueError,
        "sample_weight must hold numbers",
    ),
    _case(
        "compare-sample_weight-all-zero",
        lambda c: c.compare(sample_weight=np.zeros(80)),
        ValueError,
        "Sample weights must contain at least one non-zero number",
    ),
    _case(
        "compare-strategy-bad-focal",
        lambda c: c.compare(strategies={"focal": FocalLoss(gamma=np.inf)}),
        ValueError,
        r"strategies\['focal'\]: FocalLoss: gamma must be",
    ),
    # ---------------------------------------------------------------- saving and loading
    _case(
        "save-over-existing-zip",
        lambda c: save(c.fitted, _saved(c, "exists.zip")),
        FileExistsError,
        "exists; pass overwrite=True to replace it",
    ),
    _case(
        "save-over-existing-save-folder",
        lambda c: save(c.fitted, _saved(c, "exists-folder")),
        FileExistsError,
        "is not an empty directory; pass overwrite=True",
    ),
    _case(
        "save-folder-onto-a-file",
        lambda c: save(c.fitted, c.folder / "a-file.txt"),
        FileExistsError,
        "exists and is a file",
    ),
    _case(
        "save-zip-onto-a-folder",
        lambda c: save(c.fitted, _folder(c, "folder.zip"), overwrite=True),
        FileExistsError,
        "is a directory, not a .zip file",
    ),
    _case(
        "save-overwrite-not-bool",
        lambda c: save(c.fitted, c.folder / "x.zip", overwrite="yes"),
        TypeError,
        "overwrite must be True or False",
    ),
    _case(
        "load-truncated-zip",
        lambda c: _load_tampered(c, "truncated.zip", _truncate),
        ValueError,
        "is a corrupt or truncated zip archive",
    ),
    _case(
        "load-truncated-array",
        lambda c: _load_tampered(c, "truncated-array", _truncate_array),
        ValueError,
        r"arrays/0.npy \(fitted attribute .*\) is corrupt or truncated",
    ),
    _case(
        "load-zip-bomb-member",
        lambda c: _load_tampered(c, "bomb.zip", _bomb),
        ValueError,
        "member 'arrays/99.npy' expands .*-fold",
    ),
    _case(
        "load-member-over-limit",
        lambda c: load(_saved(c, "limit.zip"), max_member_bytes=100),
        ValueError,
        "larger than 100 bytes uncompressed.*max_member_bytes",
    ),
    _case(
        "load-max_member_bytes-zero",
        lambda c: load(_saved(c, "limit0.zip"), max_member_bytes=0),
        ValueError,
        "max_member_bytes must be an int >= 1",
    ),
    _case(
        "load-three-outputs-in-two-class-save",
        lambda c: _load_tampered(c, "three-outputs", _three_outputs),
        ValueError,
        r"load: The model's output has shape \(3,\) per row.*\(2 classes\)",
    ),
    _case(
        "load-not-a-zip",
        lambda c: load(c.folder / "a-file.txt"),
        ValueError,
        "is neither a saved directory nor a zip file",
    ),
    _case(
        "compare-pos_label",
        lambda c: c.compare(pos_label="cat"),
        ValueError,
        "pos_label='cat' is not a class",
    ),
]
