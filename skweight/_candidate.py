"""One candidate of ``skweight.compare_weightings`` as a classifier that a search can fit.

``StrategyCandidate(estimator, strategy=name)`` trains ``estimator`` the ``name`` way: with a
weighting strategy, or unweighted and deciding by minimum expected cost, or unweighted with a
threshold tuned by ``TunedThresholdClassifierCV``; or it fits the cheapest constant decision.
The candidates tuned on out-of-fold probabilities (``skweight._oof_decisions``) are scored
after the search; refitted, they are the unweighted estimator with the calibration or threshold
given as ``decision``.
"""

from __future__ import annotations

import time

import numpy as np
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.model_selection import FixedThresholdClassifier, TunedThresholdClassifierCV
from sklearn.utils.validation import check_is_fitted

from . import _progress
from ._compare_dense import check_dense_target, target_classes
from .constant import ConstantCostClassifier
from .cost import make_cost_scorer
from .decision import MinimumCostClassifier

#: Candidates that train without weighting and act on the decision instead, with their
#: simplicity ranks: deciding by cost changes nothing in training and has no fitted knob; a
#: calibration or a tuned threshold fits a number or two (the plain model, rank 1, ignores
#: costs). The constant decision trains nothing; it ranks last, and ``compare_weightings``
#: picks it whenever the pick of the one-standard-error rule costs more than it.
BASELINE_SIMPLICITY = {
    "cost-decision": 0,
    "calibrated-cost-decision": 0,
    "tuned-threshold": 2,
    "oof-threshold": 2,
    "constant": 99,
}
BASELINES = tuple(BASELINE_SIMPLICITY)
#: Baselines tuned on the out-of-fold probabilities of ``"cost-decision"`` after the search.
OOF_BASELINES = ("calibrated-cost-decision", "oof-threshold")


def weighting_param(estimator) -> str:
    """The name of ``estimator``'s weighting parameter (``weighting`` or ``step__weighting``)."""
    names = [k for k in estimator.get_params(deep=True) if k.split("__")[-1] == "weighting"]
    if "weighting" in names:
        return "weighting"
    if len(names) != 1:
        raise ValueError(
            f"estimator must have exactly one weighting parameter (e.g. a "
            f"WeightedKerasClassifier, alone or as a pipeline step); found {names or 'none'}."
        )
    return names[0]


class StrategyCandidate(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """One candidate of ``compare_weightings``: ``estimator`` trained the ``strategy`` way.

    Parameters
    ----------
    estimator : classifier with a ``weighting`` parameter
    strategy : str
        A key of ``strategies``, ``"cost-decision"`` (unweighted, then
        ``skweight.decision.MinimumCostClassifier``), ``"tuned-threshold"`` (unweighted, in
        ``TunedThresholdClassifierCV`` scored by cost), ``"constant"``
        (``skweight.constant.ConstantCostClassifier``), or, with ``decision``,
        ``"calibrated-cost-decision"`` (a ``MinimumCostClassifier`` with that calibrator) or
        ``"oof-threshold"`` (a ``FixedThresholdClassifier`` at that threshold).
    strategies : dict
        ``{name: weighting value}``.
    cost_matrix : ndarray
        Costs in the order of the classes of ``y``.
    threshold_cv : int
        Folds of the threshold tuning.
    verbose : int
        Print one line per fit when > 0 and there is no ``progress`` bar to advance.
    decision : calibrator, float or None
        The fitted calibrator or the threshold of an out-of-fold candidate.
    recorder : skweight._oof_decisions.ProbaRecorder or None
        Keeps the test-fold probabilities of the candidates it records (``fit`` then needs
        ``rows``, the numbers of the training rows).
    progress : str or None
        Token of the comparison's progress bar (``skweight._progress.register``); each fit
        advances it by one.
    """

    def __init__(
        self, estimator, strategy="none", strategies=None, cost_matrix=None, threshold_cv=3,
        verbose=0, decision=None, recorder=None, progress=None,
    ):  # fmt: skip
        self.estimator = estimator
        self.strategy = strategy
        self.strategies = strategies
        self.cost_matrix = cost_matrix
        self.threshold_cv = threshold_cv
        self.verbose = verbose
        self.decision = decision
        self.recorder = recorder
        self.progress = progress

    def _build(self, classes: np.ndarray):
        if self.strategy == "constant":
            return ConstantCostClassifier(cost_matrix=self.cost_matrix, labels=classes)
        model = clone(self.estimator)
        param = weighting_param(model)
        strategies = self.strategies or {}
        if self.strategy in BASELINES:
            model.set_params(**{param: None})
            return self.decide(model, classes)
        if self.strategy not in strategies:
            raise ValueError(
                f"strategy={self.strategy!r} is not one of {list(strategies) + list(BASELINES)}."
            )
        return model.set_params(**{param: strategies[self.strategy]})

    def decide(self, model, classes: np.ndarray):
        """The baseline's decision around the unweighted ``model`` (fitted or not)."""
        if self.strategy in OOF_BASELINES and self.decision is None:
            raise ValueError(
                f"strategy={self.strategy!r} is tuned on out-of-fold probabilities after the "
                "search; fitting it needs its decision (a calibrator or threshold)."
            )
        if self.strategy == "cost-decision":
            return MinimumCostClassifier(model, cost_matrix=self.cost_matrix, labels=classes)
        if self.strategy == "calibrated-cost-decision":
            return MinimumCostClassifier(
                model, cost_matrix=self.cost_matrix, labels=classes, calibrator=self.decision
            )
        if self.strategy == "oof-threshold":
            return FixedThresholdClassifier(
                model, threshold=float(self.decision), pos_label=classes[1],
                response_method="predict_proba",
            )  # fmt: skip
        scorer = make_cost_scorer(self.cost_matrix, labels=classes)
        return TunedThresholdClassifierCV(model, scoring=scorer, cv=self.threshold_cv)

    def fit(self, X, y, sample_weight=None, rows=None):
        """Build the candidate model and fit it (``rows``: the training rows' numbers, for the
        recorder)."""
        start = time.perf_counter()
        self.split_ = None if self.recorder is None else self.recorder.split_of(self.strategy, rows)
        # a dense target's classes are its elements' labels, without the estimator's ignore_label
        self.classes_ = target_classes(y, check_dense_target(self.estimator, y)[1])
        model = self._build(self.classes_)
        if sample_weight is None:
            model.fit(X, y)
        else:
            # route the weights to every step that takes them (pipelines, the threshold tuner and
            # its scorer accept fit metadata only through routing)
            with sklearn.config_context(enable_metadata_routing=True):
                _request_sample_weight(model)
                if isinstance(model, TunedThresholdClassifierCV):
                    model.scoring.set_score_request(sample_weight=True)
                model.fit(X, y, sample_weight=sample_weight)
        self.model_ = model
        if not _progress.advance(self.progress) and self.verbose:
            print(
                f"[skweight] {self.strategy:<16} fitted on {len(y)} rows in "
                f"{time.perf_counter() - start:5.1f}s",
                flush=True,
            )
        return self

    def predict(self, X):
        """Predictions of the fitted candidate."""
        check_is_fitted(self, "model_")
        return self.model_.predict(X)

    def predict_proba(self, X):
        """Class probabilities of the fitted candidate."""
        check_is_fitted(self, "model_")
        proba = self.model_.predict_proba(X)
        if getattr(self, "split_", None) is not None:
            self.recorder.record(self.strategy, self.split_, proba)
        return proba


def _request_sample_weight(estimator) -> None:
    """Ask every consumer in ``estimator`` (pipeline steps included) for ``sample_weight``."""
    parts = [estimator, *estimator.get_params(deep=True).values()]
    for part in parts:
        if hasattr(part, "set_fit_request") and isinstance(part, BaseEstimator):
            part.set_fit_request(sample_weight=True)
