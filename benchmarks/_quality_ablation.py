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
LEVERS = (CONSTANT, PLATT, TEMPERATURE, OOF_THRESHOLD)

#: Each variant: the lever rows it keeps, whether the constant is a floor, rank overrides and
#: rows it drops besides the levers.
VARIANTS: dict[str, dict[str, Any]] = {
    "no lever (before)": {"keep": ()},
    "+ constant (floor)": {"keep": (CONSTANT,), "floor": True},
    "+ constant (ranked simplest, no floor)": {"keep": (CONSTANT,), "ranks": {CONSTANT: -1}},
    "+ calibrated, Platt": {"keep": (PLATT,)},
    "+ calibrated, temperature": {"keep": (TEMPERATURE,)},
    "+ oof-threshold": {"keep": (OOF_THRESHOLD,)},
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
    return {TEMPERATURE: costs}, {TEMPERATURE: final}


def variant_picks(result, rows: dict[str, np.ndarray]) -> dict[str, str]:
    """``{variant: the candidate it picks}`` from the comparison's fold costs and ``rows``."""
    from skweight._selection import select

    costs = {name: result.fold_costs.loc[name].to_numpy() for name in result.fold_costs.index}
    costs.update(rows)
    ranks = result.table.simplicity.to_dict()
    ranks[TEMPERATURE] = ranks.get(PLATT, 0)
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
