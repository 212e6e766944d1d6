"""Section 6's summaries: per data set (normalised costs, verdicts, ablation) and over all."""

from __future__ import annotations

import statistics
from typing import Any

import numpy as np

#: ``compare_weightings`` arguments of the protocol; None: the library's default.
COMPARE_KEYS = ("compare_cv", "compare_repeats", "compare_threshold_cv")


def _verdict(picked: list[float], other: list[float], n_se: float = 2.0) -> str:
    """'win', 'tie' or 'loss' for ``picked`` vs ``other``: paired fold differences, ``n_se``
    standard errors."""
    diff = np.asarray(picked) - np.asarray(other)
    se = diff.std(ddof=1) / np.sqrt(len(diff)) if len(diff) > 1 else 0.0
    if abs(diff.mean()) <= n_se * se or np.isclose(diff.mean(), 0.0):
        return "tie"
    return "win" if diff.mean() < 0 else "loss"


def set_entry(info: dict[str, Any], rows: list[dict[str, Any]], methods) -> dict[str, Any]:
    """One data set's costs per method (and ablation variant), normalised, with verdicts."""
    constant = [f["constant"] for f in rows]
    entry = {**info, "constant_cost": statistics.mean(constant), "methods": {}}

    def normalised(costs: list[float]) -> dict[str, Any]:
        ratios = [c / k for c, k in zip(costs, constant, strict=True)]
        return {
            "fold_costs": costs,
            "normalised": statistics.mean(costs) / statistics.mean(constant),
            "normalised_fold_std": statistics.stdev(ratios) if len(rows) > 1 else 0.0,
        }

    for method in methods:
        if all(method in f["costs"] for f in rows):
            entry["methods"][method] = normalised([f["costs"][method] for f in rows])
    entry["fold_seconds"] = [round(f["seconds"], 1) for f in rows]
    if "compare_seconds" in rows[0]:
        entry["compare_seconds"] = [round(f["compare_seconds"], 1) for f in rows]
    if "picked" in entry["methods"]:
        entry["picked_per_fold"] = [f["picked"] for f in rows]
        picked = entry["methods"]["picked"]["fold_costs"]
        others = [m for m in entry["methods"] if m != "picked"]
        entry["picked_vs"] = {
            m: _verdict(picked, entry["methods"][m]["fold_costs"]) for m in others
        }
        entry["picked_vs_1se"] = {
            m: _verdict(picked, entry["methods"][m]["fold_costs"], 1.0) for m in others
        }
    if "ablation" in rows[0]:
        entry["ablation"] = {
            variant: {
                **normalised([f["ablation"][variant]["cost"] for f in rows]),
                "picks": [f["ablation"][variant]["pick"] for f in rows],
            }
            for variant in rows[0]["ablation"]
        }
    return entry


def check_same_protocol(old_cfg: dict[str, Any], new_cfg: dict[str, Any]) -> None:
    """Raise ValueError unless two quality configurations differ only in their data sets."""
    keys = ("outer_cv", "inner_cv", "hidden", "epochs", "methods", "fn_cost", "fp_cost")
    keys += ("compare_strategies", "compare_baselines", "peers", "ablation", "final")
    keys += COMPARE_KEYS
    differing = [k for k in keys if old_cfg.get(k) != new_cfg.get(k)]
    if differing:
        raise ValueError(f"cannot merge quality runs whose protocols differ in {differing}")


def _stats(entries: list[dict[str, Any]], key: str) -> dict[str, Any]:
    """Mean normalised cost, worst set and sets above 1.00 of one method (or variant)."""
    values = {e["name"]: e[key] for e in entries}
    worst = max(values, key=values.get)
    return {
        "mean": statistics.mean(values.values()),
        "worst_set": worst,
        "worst": values[worst],
        "above_one": sorted(n for n, v in values.items() if v > 1.0 + 1e-9),
    }


def summarise(per_set: dict[str, Any], cfg: dict[str, Any]) -> dict[str, Any]:
    """Mean normalised cost per method and win/tie/loss of ``picked`` over the data sets."""
    import skweight
    from benchmarks.bench_quality import METHODS, all_methods

    done = {n: e for n, e in per_set.items() if "methods" in e}
    methods = [m for m in all_methods(cfg) if all(m in e["methods"] for e in done.values())]
    summary = {m: statistics.mean(e["methods"][m]["normalised"] for e in done.values())
               for m in methods}  # fmt: skip
    stats = {
        m: _stats([{"name": n, "v": e["methods"][m]["normalised"]} for n, e in done.items()], "v")
        for m in methods
    }
    tally, losses_1se = {}, {}
    if "picked" in methods:
        for m in methods:
            if m == "picked":
                continue
            verdicts = [e["picked_vs"][m] for e in done.values()]
            tally[m] = {v: verdicts.count(v) for v in ("win", "tie", "loss")}
            losses_1se[m] = [n for n, e in done.items() if e["picked_vs_1se"][m] == "loss"]
    ablation = {}
    if done and all("ablation" in e for e in done.values()):
        for variant in next(iter(done.values()))["ablation"]:
            rows = [{"name": n, "v": e["ablation"][variant]["normalised"]} for n, e in done.items()]
            ablation[variant] = _stats(rows, "v")
    picked = summary.get("picked", 1.0)
    peers = [m for m in methods if m not in METHODS]
    return {
        "config": cfg,
        "compare_weightings_available": hasattr(skweight, "compare_weightings"),
        "datasets": per_set,
        "mean_normalised_cost": summary,
        "method_stats": stats,
        "picked_win_tie_loss": tally,
        "picked_losses_beyond_1se": losses_1se,
        "ablation": ablation,
        "goal": "picked: mean normalised cost <= 0.47, no set above 1.00, no loss beyond one "
        "standard error against any peer recipe on more than 2 sets",
        "goal_met": (
            picked <= 0.47
            and not stats["picked"]["above_one"]
            and all(len(losses_1se[m]) <= 2 for m in peers)
        )
        if "picked" in methods
        else None,
    }
