"""Section 6 of ``RESULTS.md``: held-out cost on KEEL data, the peers and the ablation."""

from __future__ import annotations

from typing import Any


def _goal(met) -> str:
    return {True: "met", False: "**not met**", None: "not measured"}[met]


def _cell(entry: dict[str, Any], method: str) -> str:
    m = entry["methods"].get(method)
    return "-" if m is None else f"{m['normalised']:.2f} +- {m['normalised_fold_std']:.2f}"


def _per_set(sec: dict[str, Any], methods: list[str], picked_column: bool) -> list[str]:
    head = "| data set | rows | IR | " + " | ".join(methods)
    lines = [
        head + (" | picked (per fold) |" if picked_column else " |"),
        "|---|---|---|" + "---|" * (len(methods) + picked_column),
    ]
    for name, e in sec["datasets"].items():
        if "methods" not in e:
            lines.append(f"| {name} | failed: {e.get('error', '')} |")
            continue
        cells = " | ".join(_cell(e, m) for m in methods)
        row = f"| {name} | {e['rows']} | {e['imbalance_ratio']:.1f} | {cells} |"
        if picked_column:
            row += f" {', '.join(sorted(set(e.get('picked_per_fold', [])))) or '-'} |"
        lines.append(row)
    means = " | ".join(f"**{sec['mean_normalised_cost'][m]:.2f}**" for m in methods)
    return lines + [f"| **mean** | | | {means} |" + (" |" if picked_column else ""), ""]


def _protocol(cfg: dict[str, Any]) -> str:
    def value(key: str, default: str) -> str:
        return default if cfg.get(key) is None else str(cfg[key])

    old_run = "compare_cv" not in cfg  # older runs compared with the inner folds
    compare = (
        f"`compare_weightings(cv={value('inner_cv' if old_run else 'compare_cv', '5')}, "
        f"n_repeats={value('compare_repeats', '2')}, "
        f"threshold_cv={value('compare_threshold_cv', '3')}"
        + (f", final={cfg['final']!r}" if cfg.get("final") else "")
        + ")`"
    )
    defaults = all(cfg.get(k) is None for k in ("compare_cv", "compare_repeats"))
    strategies = cfg.get("compare_strategies")
    return (
        f"{compare} ({'its defaults' if defaults else 'a reduced protocol, not its defaults'}; "
        f"strategies {strategies or 'the default ones'}, baselines "
        f"{cfg.get('compare_baselines') or 'all'})"
    )


def quality(sec: dict[str, Any]) -> list[str]:
    """The section's markdown lines."""
    from benchmarks.bench_quality import METHODS

    cfg = sec["config"]
    methods = list(sec["mean_normalised_cost"])
    ours = [m for m in methods if m in METHODS]
    peers = [m for m in methods if m not in METHODS]
    lines = [
        f"## 6. Expected cost on KEEL data (FN={cfg['fn_cost']:g}, FP={cfg['fp_cost']:g}; "
        f"outer stratified {cfg['outer_cv']}-fold; MLP {cfg['hidden']}, {cfg['epochs']} epochs)",
        "",
        f"{_protocol(cfg)}; the tuned threshold and the peers' grid searches use "
        f"{cfg.get('inner_cv')} inner folds. Cost normalised by the best constant predictor's "
        "cost on each test fold (lower is better; 1.00 = no better than a constant); +- is the "
        "standard deviation over outer folds. `compare_weightings` available: "
        f"{sec['compare_weightings_available']}.",
        "",
        *_per_set(sec, ours, "picked" in ours),
    ]
    if peers:
        lines += ["Peer recipes (scikit-learn), same folds:", "", *_per_set(sec, peers, False)]
    lines += _overall(sec, methods)
    if sec.get("ablation"):
        lines += _ablation(sec)
    wall = sec.get("wall_seconds")
    if wall:
        runs = sec.get("runs")
        split = f" ({' + '.join(f'{r / 60:.0f}' for r in runs if r)} min)" if runs else ""
        lines += [f"Wall time of the section: {wall / 60:.0f} min{split}.", ""]
    lines += [f"Goal: {sec['goal']}: {_goal(sec['goal_met'])}.", ""]
    return lines


def _overall(sec: dict[str, Any], methods: list[str]) -> list[str]:
    stats, tally = sec.get("method_stats", {}), sec["picked_win_tie_loss"]
    losses = sec.get("picked_losses_beyond_1se", {})
    if not stats:  # results of an older run: the win/tie/loss counts only
        lines = [
            "`picked` against each method (per data set, paired fold differences, tie "
            "within 2 standard errors):",
            "",
            "| vs | win | tie | loss |",
            "|---|---|---|---|",
        ]
        lines += [f"| {m} | {t['win']} | {t['tie']} | {t['loss']} |" for m, t in tally.items()]
        return lines + [""]  # fmt: skip
    lines = [
        "Over the data sets: mean normalised cost, the worst set, the sets above 1.00, and "
        "`picked` against each method (per set, paired fold differences: win/tie/loss within 2 "
        "standard errors; losses beyond one standard error):",
        "",
        "| method | mean | worst set | sets above 1.00 | picked win | tie | loss | "
        "losses beyond 1 SE |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for m in methods:
        s = stats.get(m)
        if s is None:
            continue
        t = tally.get(m, {})
        lost = losses.get(m)
        lost_text = (
            "-" if lost is None else f"{len(lost)}" + (f" ({', '.join(lost)})" if lost else "")
        )
        lines.append(
            f"| {m} | {s['mean']:.3f} | {s['worst_set']} {s['worst']:.2f} | "
            f"{len(s['above_one'])} | {t.get('win', '-')} | {t.get('tie', '-')} | "
            f"{t.get('loss', '-')} | {lost_text} |"
        )
    return lines + [""]


def _ablation(sec: dict[str, Any]) -> list[str]:
    lines = [
        "Ablation: the pick among each variant's candidates (the library's selection rule on "
        "the same inner folds), refitted on the outer training part:",
        "",
        "| variant | mean | worst set | sets above 1.00 |",
        "|---|---|---|---|",
    ]
    for variant, s in sec["ablation"].items():
        above = ", ".join(s["above_one"]) or "none"
        lines.append(
            f"| {variant} | {s['mean']:.3f} | {s['worst_set']} {s['worst']:.2f} | {above} |"
        )
    return lines + [""]
