"""The result of ``skweight.compare.compare_weightings``: a table, the winner, a plot."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._compare_dense import OVERLAP_METRICS
from ._scoring import RECALL_GRID, fold_scores, pr_keys, recall_key
from ._selection import select


@dataclass
class ComparisonResult:
    """What ``skweight.compare.compare_weightings`` found.

    See also the guide page [Which strategy should I choose?](choosing-a-strategy.md).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per strategy (index), sorted by mean expected cost: ``cost_mean``,
        ``cost_std`` (across folds), ``cost_se`` (standard error of the mean), the same mean/std
        pairs for balanced accuracy, the recall of each class and average precision,
        ``fit_time_mean``/``fit_time_std`` (seconds), ``simplicity`` (rank used by the
        one-standard-error rule), ``within_1se`` and ``selected``. For a dense target the
        cost is per element and the mean/std pairs are of the pooled Dice and Jaccard scores
        (``dice``, ``jaccard``) and the recall of each class over elements.
    best_strategy_ : str
        The selected strategy.
    search_ : GridSearchCV
        The fitted search (candidates are ``skweight.compare.StrategyCandidate``).
    fold_costs : pandas.DataFrame
        Expected cost of every strategy (rows) on every test fold (columns).
    pr_curves : dict
        ``{strategy: (recall, precision)}``: precision at each recall level, averaged over
        folds (binary: the positive class; multiclass: micro-averaged). Empty for a dense
        target.
    operating_points : dict
        Binary only: ``{strategy: (recall, precision)}`` of the hard predictions, averaged.
        Empty for a dense target.
    cost_matrix : ndarray
        The costs, rows and columns in the order of ``classes``.
    classes : ndarray
        The classes, sorted.
    positive : label or None
        The positive class (binary problems).
    metric : str
        What the winner was selected by: ``"cost"`` or ``"score"`` (the ``scoring`` given).
    selection : str
        How: ``"one_se"`` (the one-standard-error rule) or ``"best"``.
    dense : bool
        Whether ``y`` had one label per element of each row (masks): costs and scores are
        per element.
    fold_dice : pandas.DataFrame or None
        Dense targets: the Dice score of every strategy (rows) on every test fold (columns).
    decisions : dict
        ``{strategy: decision}`` of the candidates tuned on out-of-fold probabilities, each
        fitted on every out-of-fold probability of ``"cost-decision"``: the calibrator
        (``skweight.calibration``) of ``"calibrated-cost-decision"``, the threshold of
        ``"oof-threshold"``. The refitted winner uses its own.
    splits : list of (train, test)
        The row numbers of every fold of the comparison.
    oof_proba : list of ndarray or None
        When out-of-fold baselines were compared: the probabilities ``"cost-decision"``'s
        network gave each fold's test rows (``oof_proba[k]`` for ``splits[k][1]``; columns in
        the order of ``classes``), on which they were tuned.
    """

    table: pd.DataFrame
    best_strategy_: str
    search_: Any
    fold_costs: pd.DataFrame
    pr_curves: dict = field(repr=False)
    operating_points: dict = field(repr=False)
    cost_matrix: np.ndarray = field(repr=False)
    classes: np.ndarray = field(repr=False)
    positive: Any = None
    metric: str = "cost"
    selection: str = "one_se"
    dense: bool = False
    fold_dice: pd.DataFrame | None = field(default=None, repr=False)
    decisions: dict = field(default_factory=dict, repr=False)
    splits: list = field(default_factory=list, repr=False)
    oof_proba: list | None = field(default=None, repr=False)

    @classmethod
    def from_search(
        cls, search, *, names, simplicity, cost_matrix, classes, positive, metric, selection,
        dense=False, decisions=None, splits=None, oof_proba=None,
    ) -> ComparisonResult:  # fmt: skip
        """Summarise a fitted comparison search (``dense``: a target per element)."""
        results = search.cv_results_
        costs = -fold_scores(results, "cost")
        n_folds = costs.shape[1]
        columns: dict[str, Any] = {
            "cost_mean": costs.mean(axis=1),
            "cost_std": costs.std(axis=1, ddof=1) if n_folds > 1 else np.zeros(len(names)),
        }
        columns["cost_se"] = columns["cost_std"] / np.sqrt(n_folds)
        reported = (["score"] if metric == "score" else []) + (
            [*OVERLAP_METRICS, *[recall_key(c) for c in classes]]
            if dense
            else ["balanced_accuracy", *[recall_key(c) for c in classes], "average_precision"]
        )
        for key in reported:
            values = fold_scores(results, key)
            columns[f"{key}_mean"] = values.mean(axis=1)
            columns[f"{key}_std"] = values.std(axis=1, ddof=1) if n_folds > 1 else 0.0
        columns["fit_time_mean"] = results["mean_fit_time"]
        columns["fit_time_std"] = results["std_fit_time"]
        columns["simplicity"] = simplicity
        table = pd.DataFrame(columns, index=pd.Index(names, name="strategy"))

        chosen = names[search.best_index_]
        _, within = select(fold_scores(results, metric), simplicity, one_se=selection == "one_se")
        table["within_1se"] = within
        table["selected"] = [name == chosen for name in names]
        table = table.sort_values(["cost_mean", "simplicity"])

        index, folds = pd.Index(names, name="strategy"), [f"fold{i}" for i in range(n_folds)]
        fold_costs = pd.DataFrame(costs, index=index, columns=folds)
        if dense:
            return cls(
                table=table, best_strategy_=chosen, search_=search, fold_costs=fold_costs,
                pr_curves={}, operating_points={}, cost_matrix=np.asarray(cost_matrix),
                classes=np.asarray(classes), positive=positive, metric=metric,
                selection=selection, dense=True,
                fold_dice=pd.DataFrame(fold_scores(results, "dice"), index=index, columns=folds),
            )  # fmt: skip
        precision = np.stack([fold_scores(results, k).mean(axis=1) for k in pr_keys()], axis=1)
        pr_curves = {name: (RECALL_GRID.copy(), precision[i]) for i, name in enumerate(names)}
        operating = {}
        if positive is not None:
            recall = fold_scores(results, recall_key(positive)).mean(axis=1)
            prec = fold_scores(results, "precision").mean(axis=1)
            operating = {name: (recall[i], prec[i]) for i, name in enumerate(names)}
        return cls(
            table=table, best_strategy_=chosen, search_=search, fold_costs=fold_costs,
            pr_curves=pr_curves, operating_points=operating, cost_matrix=np.asarray(cost_matrix),
            classes=np.asarray(classes), positive=positive, metric=metric, selection=selection,
            decisions=dict(decisions or {}), splits=list(splits or []), oof_proba=oof_proba,
        )  # fmt: skip

    @property
    def best_estimator_(self):
        """The selected strategy's model, refitted on all rows."""
        return self.search_.best_estimator_.model_

    def summary(self, digits: int = 3) -> str:
        """The table's main columns as text, and a sentence naming the winner."""
        recalls = [f"{recall_key(c)}_mean" for c in self.classes]
        scores = (
            ["dice_mean", "jaccard_mean", *recalls]
            if self.dense
            else ["balanced_accuracy_mean", *recalls, "average_precision_mean"]
        )
        cols = ["cost_mean", "cost_std", *scores, "fit_time_mean", "within_1se"]
        shown = self.table[cols].rename(columns=lambda c: c.replace("_mean", ""))
        text = shown.to_string(float_format=lambda v: f"{v:.{digits}f}")
        row = self.table.loc[self.best_strategy_]
        lowest = self.table.index[0]
        rule = (
            "simplest strategy within one standard error of the lowest mean cost"
            if self.selection == "one_se"
            else "lowest mean"
        )
        per = " per element" if self.dense else ""
        note = f"Winner: {self.best_strategy_} (expected cost{per} {row.cost_mean:.{digits}f} "
        note += f"+/- {row.cost_std:.{digits}f} across {self.fold_costs.shape[1]} folds; {rule}"
        if "constant" in self.table.index:
            note += ", or the constant decision when that costs more"
        if lowest != self.best_strategy_:
            note += f"; lowest mean: {lowest} at {self.table.cost_mean.iloc[0]:.{digits}f}"
        return f"{text}\n\n{note})."

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary: winner, costs, classes and the table's records.

        For a dense target also ``dense_target`` (True) and ``fold_dice``.
        """
        table = self.table.reset_index()
        summary = {
            "best_strategy": self.best_strategy_,
            "selection": self.selection,
            "metric": self.metric,
            "classes": [_plain(c) for c in self.classes],
            "positive_class": _plain(self.positive),
            "cost_matrix": self.cost_matrix.tolist(),
            "n_folds": int(self.fold_costs.shape[1]),
            "table": [
                {k: _plain(v) for k, v in record.items()} for record in table.to_dict("records")
            ],
            "fold_costs": {k: [float(x) for x in v] for k, v in self.fold_costs.iterrows()},
        }
        if self.dense:
            summary["dense_target"] = True
            summary["fold_dice"] = {k: [float(x) for x in v] for k, v in self.fold_dice.iterrows()}
        return summary

    def plot(self, path=None, *, title: str | None = None):
        """Draw cost per strategy (with every fold) and precision-recall curves.

        For a dense target: cost per element and Dice score per strategy, each with its folds.

        Parameters
        ----------
        path : str, path, or None
            Save the figure there as PNG.
        title : str or None
            Figure title.

        Returns
        -------
        matplotlib.figure.Figure
        """
        from ._plot import plot_comparison, plot_dense_comparison

        draw = plot_dense_comparison if self.dense else plot_comparison
        return draw(self, path, title=title)


def _plain(value):
    """NumPy scalars to Python ones, for JSON."""
    if isinstance(value, np.generic):
        return value.item()
    return value
