"""The one-standard-error rule: the one place that decides which candidate a comparison picks.

``OneStandardErrorRule`` (the ``refit`` of the comparison's search) and the ``within_1se``
column of ``skweight.result.ComparisonResult`` both call ``select``, so the table can never
disagree with the pick, on ties and NaN scores included.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ._scoring import fold_scores, standard_error


def select(
    scores: np.ndarray, simplicity: Sequence[int], *, one_se: bool = True, floor: int | None = None
) -> tuple[int, np.ndarray]:
    """Return the chosen candidate and which candidates are within one SE of the best.

    Parameters
    ----------
    scores : ndarray of shape (n_candidates, n_folds)
        Greater is better. A candidate with a NaN score on any fold is never chosen, nor
        within one standard error.
    simplicity : sequence of int
        One rank per candidate; lower is simpler.
    one_se : bool
        True picks the simplest candidate (then the best mean, then the first) whose mean is
        within one standard error of the best mean; False picks the best mean (the first on
        ties).
    floor : int or None
        A candidate (the constant decision) that the pick must not be worse than: when the
        candidate chosen above has a lower mean score than ``floor``, ``floor`` is chosen.
    """
    scores = np.asarray(scores, dtype=float)
    means = scores.mean(axis=1)
    finite = np.flatnonzero(np.isfinite(means))
    if finite.size == 0:
        raise ValueError("Every candidate has a NaN score on some fold; none can be selected.")
    best = int(finite[np.argmax(means[finite])])
    with np.errstate(invalid="ignore"):
        within = np.isfinite(means) & (means >= means[best] - standard_error(scores[best]))
    chosen = (
        min(np.flatnonzero(within), key=lambda i: (simplicity[i], -means[i], i)) if one_se else best
    )
    if floor is not None and np.isfinite(means[floor]) and means[floor] > means[chosen]:
        chosen = floor
    return int(chosen), within


class OneStandardErrorRule:
    """``refit`` callable for ``GridSearchCV``: the simplest candidate within one SE of the best.

    Parameters
    ----------
    metric : str
        The scorer name in ``cv_results_`` (greater is better).
    simplicity : sequence of int
        One rank per candidate; lower is simpler.
    one_se : bool, default=True
        False picks the best mean score instead.
    floor : str or None, default=None
        The name (``param_strategy``) of a candidate the pick must not be worse than.
    """

    def __init__(
        self, metric: str, simplicity: Sequence[int], one_se: bool = True, floor: str | None = None
    ):
        self.metric = metric
        self.simplicity = list(simplicity)
        self.one_se = one_se
        self.floor = floor

    def __call__(self, cv_results: Mapping[str, Any]) -> int:
        scores = fold_scores(cv_results, self.metric)
        floor = self.index(cv_results)
        chosen, _ = select(scores, self.simplicity, one_se=self.one_se, floor=floor)
        return chosen

    def index(self, cv_results: Mapping[str, Any]) -> int | None:
        """The row of ``floor`` in ``cv_results``, or None."""
        names = list(cv_results.get("param_strategy", []))
        return names.index(self.floor) if self.floor in names else None
