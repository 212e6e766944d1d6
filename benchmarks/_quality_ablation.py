"""Section 6's ablation: each lever of ``compare_weightings`` on and off, from one comparison.

One ``compare_weightings`` call per outer fold, with every lever on, gives every candidate's
inner fold costs (``result.fold_costs``) and the out-of-fold probabilities of the unweighted
network (``result.oof_proba``). A variant (a lever off, or a different rank or calibration) is
the pick that the library's own selection (``skweight._selection.select``) makes among the
variant's candidates; its held-out cost is that candidate refitted on the outer training part
(by the benchmark: the same network and seed as the library's refit, trained by an ordinary
fit). Extra rows (temperature scaling instead of Platt) are cross-fitted on the same out-of-fold
probabilities with the library's own ``skweight._oof_decisions.cross_fit``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

CONSTANT = "constant"
PLATT = "calibrated-cost-decision"
TEMPERATURE = "calibrated-cost-decision (temperature)"
OOF_THRESHOLD = "oof-threshold"
LOGIT_ADJUSTED = "logit-adjusted cost decision"
LEVERS = (CONSTANT, PLATT, TEMPERATURE, OOF_THRESHOLD, LOGIT_ADJUSTED)
#: Strengths ``tau`` of the post-hoc logit adjustment, chosen out-of-fold by cost.
TAUS = np.round(np.arange(0.0, 2.01, 0.25), 2)

#: Each variant: the lever rows it keeps, whether the constant is a floor, rank overrides and
#: rows it drops besides the levers.
VARIANTS: dict[str, dict[str, Any]] = {
    "no lever (before)": {"keep": ()},
    "+ constant (floor)": {"keep": (CONSTANT,), "floor": True},
    "+ constant (ranked simplest, no floor)": {"keep": (CONSTANT,), "ranks": {CONSTANT: -1}},
    "+ calibrated, Platt": {"keep": (PLATT,)},
    "+ calibrated, temperature": {"keep": (TEMPERATURE,)},
    "+ oof-threshold": {"keep": (OOF_THRESHOLD,)},
    "+ logit adjustment (tau out-of-fold)": {"keep": (LOGIT_ADJUSTED,)},
    "all + logit adjustment": {
        "keep": (CONSTANT, PLATT, OOF_THRESHOLD, LOGIT_ADJUSTED),
        "floor": True,
    },
    "all (Platt, floor)": {"keep": (CONSTANT, PLATT, OOF_THRESHOLD), "floor": True},
    "all - constant": {"keep": (PLATT, OOF_THRESHOLD)},
    "all - calibrated": {"keep": (CONSTANT, OOF_THRESHOLD), "floor": True},
    "all - oof-threshold": {"keep": (CONSTANT, PLATT), "floor": True},
    "all, temperature for Platt": {"keep": (CONSTANT, TEMPERATURE, OOF_THRESHOLD), "floor": True},
    "all, calibrated ranked first": {
        "keep": (CONSTANT, PLATT, OOF_THRESHOLD),
        "floor": True,
        "ranks": {PLATT: -1},
    },
    "all, calibrated instead of cost-decision": {
        "keep": (CONSTANT, PLATT, OOF_THRESHOLD),
        "floor": True,
        "drop": ("cost-decision",),
    },
}


def fold_costs_of(decided, splits, y_index, cost_matrix, classes) -> np.ndarray:
    """Mean cost per test row of each split, from a derived candidate's decisions."""
    return np.array(
        [
            cost_matrix[y_index[test], np.searchsorted(classes, pred)].mean()
            for (_, test), (_, pred) in zip(splits, decided, strict=True)
        ]
    )


def extra_rows(result, y_tr) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Fold costs and fitted decisions of the rows the comparison did not score itself."""
    from skweight._oof_decisions import cross_fit

    classes, matrix = result.classes, result.cost_matrix
    y_index = np.searchsorted(classes, y_tr)
    decided, final = cross_fit(
        PLATT, result.oof_proba, result.splits, y_index, None, matrix, classes, "temperature"
    )
    costs = fold_costs_of(decided, result.splits, y_index, matrix, classes)
    adjusted, tau = logit_adjusted_costs(result, y_index)
    return {TEMPERATURE: costs, LOGIT_ADJUSTED: adjusted}, {TEMPERATURE: final, LOGIT_ADJUSTED: tau}


def logit_adjust(proba, prior, tau: float) -> np.ndarray:
    """Post-hoc logit adjustment (Menon et al., 2021): ``softmax(log p - tau * log prior)``."""
    logits = np.log(np.clip(proba, 1e-12, 1.0)) - tau * np.log(prior)
    logits -= logits.max(axis=1, keepdims=True)
    out = np.exp(logits)
    return out / out.sum(axis=1, keepdims=True)


def _best_tau(proba, y_index, prior, matrix) -> float:
    from skweight.decision import minimum_cost_predict

    totals = [
        matrix[y_index, minimum_cost_predict(logit_adjust(proba, prior, t), matrix)].sum()
        for t in TAUS
    ]
    return float(TAUS[int(np.argmin(totals))])  # ties: the weakest adjustment


def logit_adjusted_costs(result, y_index) -> tuple[np.ndarray, float]:
    """Fold costs of the cost decision on logit-adjusted probabilities, ``tau`` chosen on the
    other folds' out-of-fold rows by cost (cross-fitted as the library's out-of-fold
    baselines), and the ``tau`` chosen on every out-of-fold row."""
    from skweight._oof_decisions import _pool
    from skweight.decision import minimum_cost_predict

    matrix, folds, splits = result.cost_matrix, result.oof_proba, result.splits
    prior = np.bincount(y_index, minlength=matrix.shape[0]) / len(y_index)
    costs = []
    for s, (_, test) in enumerate(splits):
        proba, target, _ = _pool(folds, splits, y_index, None, exclude=test)
        tau = _best_tau(proba, target, prior, matrix)
        pred = minimum_cost_predict(logit_adjust(folds[s], prior, tau), matrix)
        costs.append(matrix[y_index[test], pred].mean())
    proba, target, _ = _pool(folds, splits, y_index, None, exclude=None)
    return np.array(costs), _best_tau(proba, target, prior, matrix)


def variant_picks(result, rows: dict[str, np.ndarray]) -> dict[str, str]:
    """``{variant: the candidate it picks}`` from the comparison's fold costs and ``rows``."""
    from skweight._selection import select

    costs = {name: result.fold_costs.loc[name].to_numpy() for name in result.fold_costs.index}
    costs.update(rows)
    ranks = result.table.simplicity.to_dict()
    ranks[TEMPERATURE] = ranks[LOGIT_ADJUSTED] = ranks.get(PLATT, 0)
    picks = {}
    for variant, spec in VARIANTS.items():
        names = [
            n
            for n in costs
            if (n not in LEVERS or n in spec["keep"]) and n not in spec.get("drop", ())
        ]
        rank = {**ranks, **spec.get("ranks", {})}
        floor = names.index(CONSTANT) if spec.get("floor") and CONSTANT in names else None
        scores = -np.array([costs[n] for n in names])
        chosen, _ = select(scores, [rank[n] for n in names], one_se=True, floor=floor)
        picks[variant] = names[chosen]
    return picks
