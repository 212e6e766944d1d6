"""Drawing a ``skweight.result.ComparisonResult`` with matplotlib (no pyplot state)."""

from __future__ import annotations

from typing import Any

import numpy as np

#: The constant decision's row: drawn in the cost panel, left out of the precision-recall zoom.
CONSTANT = "constant"


def _figure(n_names: int, width_ratios, sharey: bool = False):
    """A figure of two panels side by side on the Agg canvas (no display, no pyplot)."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("plot() needs matplotlib: pip install 'skweight[plot]'.") from exc
    fig = Figure(figsize=(13, 0.45 * n_names + 3.5), layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.subplots(1, 2, width_ratios=width_ratios, sharey=sharey)


def _cost_panel(ax_cost, result: Any, names: list, color_of: dict, unit: str) -> np.ndarray:
    """Mean cost ± std per strategy, every fold as a dot, the one-SE band; returns the rows."""
    table = result.table
    rows = np.arange(len(names))[::-1]  # cheapest at the top
    best = table.cost_mean.iloc[0]
    ax_cost.axvspan(best, best + table.cost_se.iloc[0], color="0.85", zorder=0,
                    label="lowest mean + 1 SE")  # fmt: skip
    rng = np.random.default_rng(0)
    for row, name in zip(rows, names, strict=True):
        folds = result.fold_costs.loc[name].to_numpy()
        jitter = rng.uniform(-0.18, 0.18, len(folds))
        ax_cost.scatter(folds, row + jitter, s=12, color=color_of[name], alpha=0.45, lw=0)
        mean, std = table.loc[name, ["cost_mean", "cost_std"]]
        chosen = name == result.best_strategy_
        ax_cost.errorbar(mean, row, xerr=std, fmt="D" if chosen else "o", color=color_of[name],
                         ms=9 if chosen else 6, capsize=4, mec="black" if chosen else None,
                         zorder=3)  # fmt: skip
    labels = [f"{n} (selected)" if n == result.best_strategy_ else n for n in names]
    ax_cost.set_yticks(rows, labels)
    ax_cost.set_xlabel(f"expected cost per {unit} (lower is better); mean ± std, dots = folds")
    ax_cost.set_title(f"Cost per strategy, {result.fold_costs.shape[1]} test folds")
    ax_cost.grid(axis="x", alpha=0.3)
    ax_cost.legend(loc="lower right", fontsize=8)
    return rows


def plot_comparison(result: Any, path=None, *, title: str | None = None):
    """Cost per strategy with its fold spread (left) and precision-recall curves (right).

    Uses the Agg canvas directly, so it works without a display and leaves pyplot alone.
    """
    names = list(result.table.index)  # cheapest first
    color_of = dict(zip(names, _colors(len(names)), strict=True))
    fig, (ax_cost, ax_pr) = _figure(len(names), [1.1, 1])
    _cost_panel(ax_cost, result, names, color_of, "row")

    styles = ["-", "--", ":", "-."]
    for i, name in enumerate(names):
        recall, precision = result.pr_curves[name]
        ax_pr.plot(recall, precision, styles[i % len(styles)], color=color_of[name], lw=1.6,
                   label=name)  # fmt: skip
        if name in result.operating_points and name != CONSTANT:
            r, p = result.operating_points[name]
            ax_pr.plot(r, p, "o", color=color_of[name], mec="black", ms=7)
    which = f"'{result.positive}'" if result.positive is not None else "micro-average"
    ax_pr.set_title(f"Precision-recall of {which}, mean over folds")
    ax_pr.set_xlabel(
        "recall" + ("; dots: the strategy's decisions" if result.operating_points else "")
    )
    ax_pr.set_ylabel("precision (best at this recall or above)")
    left = _zoom_left(result)
    ax_pr.set_xlim(left, 1.01)
    # the constant's curve is flat at the prevalence and its decision at recall 0 or 1: left out
    # of the zoom
    shown = [p[r >= left] for n, (r, p) in result.pr_curves.items() if n != CONSTANT]
    shown += [[p] for n, (_, p) in result.operating_points.items() if n != CONSTANT]
    low = min((float(np.min(p)) for p in shown if len(p)), default=0.0)
    ax_pr.set_ylim(max(0.0, low - 0.03), 1.01)
    ax_pr.grid(alpha=0.3)
    ax_pr.legend(loc="lower left", fontsize=8)

    return _finish(fig, result, path, title)


def plot_dense_comparison(result: Any, path=None, *, title: str | None = None):
    """Dense targets: cost per element (left) and Dice score (right) per strategy, with folds.

    Uses the Agg canvas directly, so it works without a display and leaves pyplot alone.
    """
    names = list(result.table.index)  # cheapest first
    color_of = dict(zip(names, _colors(len(names)), strict=True))
    fig, (ax_cost, ax_dice) = _figure(len(names), [1, 1], sharey=True)
    rows = _cost_panel(ax_cost, result, names, color_of, "element")
    rng = np.random.default_rng(1)
    for row, name in zip(rows, names, strict=True):
        folds = result.fold_dice.loc[name].to_numpy()
        mean, std = result.table.loc[name, ["dice_mean", "dice_std"]]
        ax_dice.barh(row, mean, height=0.6, color=color_of[name], alpha=0.35,
                     edgecolor="black" if name == result.best_strategy_ else None)  # fmt: skip
        ax_dice.errorbar(mean, row, xerr=std, fmt="none", ecolor=color_of[name], capsize=4)
        jitter = rng.uniform(-0.18, 0.18, len(folds))
        ax_dice.scatter(folds, row + jitter, s=12, color=color_of[name], alpha=0.7, lw=0)
    ax_dice.set_xlim(0.0, 1.0)
    which = f"class '{result.positive}'" if result.positive is not None else "macro mean"
    ax_dice.set_xlabel("Dice score pooled over elements (higher is better); bar = mean ± std")
    ax_dice.set_title(f"Dice of {which} per strategy, dots = folds")
    ax_dice.grid(axis="x", alpha=0.3)
    return _finish(fig, result, path, title)


def _finish(fig, result: Any, path, title: str | None):
    """Title the figure with the classes and costs; save it to ``path`` (PNG) if given."""
    costs = np.array2string(np.asarray(result.cost_matrix), separator=", ")
    costs = costs.replace("\n", "")
    heading = title or "skweight compare"
    fig.suptitle(
        f"{heading}: classes {[str(c) for c in result.classes]}, cost matrix "
        f"(rows true, columns predicted) {costs}",
        fontsize=11,
    )
    if path is not None:
        fig.savefig(path, dpi=110)
    return fig


def _zoom_left(result: Any) -> float:
    """Left edge of the recall axis: zoom in on high recall when all decisions are there."""
    points = [r for name, (r, _) in result.operating_points.items() if name != CONSTANT]
    if not points:
        return 0.0
    lowest = min(points)
    return float(np.clip(np.floor((lowest - 0.25) * 10) / 10, 0.0, 0.8))


def _colors(n: int) -> list:
    from matplotlib import colormaps

    cmap = colormaps["tab10"] if n <= 10 else colormaps["tab20"]
    return [cmap(i % cmap.N) for i in range(n)]
