"""Resampling strategies: any object with ``fit_resample`` (imbalanced-learn samplers)."""

from __future__ import annotations

import copy
import warnings
from typing import Any

import numpy as np
from sklearn.base import clone

from .._params import Bool, Satisfies
from ..multi_io import MultiInput
from ..rows import LazyRows
from .base import TrainingSet, WeightingStrategy
from .elements import class_totals, row_labels_rarest
from .registry import Candidate, register_strategy


def is_sampler(obj: Any) -> bool:
    """Return True if ``obj`` looks like an imbalanced-learn sampler (has ``fit_resample``)."""
    return callable(getattr(obj, "fit_resample", None)) and not isinstance(obj, type)


def _over(cost_matrix, random_state):
    from imblearn.over_sampling import RandomOverSampler

    return RandomOverSampler(random_state=random_state)


def _under(cost_matrix, random_state):
    from imblearn.under_sampling import RandomUnderSampler

    return RandomUnderSampler(random_state=random_state)


def _examples():
    from imblearn.over_sampling import SMOTE, RandomOverSampler
    from imblearn.under_sampling import RandomUnderSampler

    return [
        Resampler(RandomOverSampler(random_state=0)),
        Resampler(RandomUnderSampler(random_state=0)),
        Resampler(RandomOverSampler(random_state=0), per_epoch=True),
        Resampler(RandomUnderSampler(random_state=0), per_epoch=True),
        Resampler(SMOTE(k_neighbors=3, random_state=0)),
    ]


@register_strategy(
    candidates=[
        Candidate("oversample", simplicity=6, make=_over),
        Candidate("undersample", simplicity=5, make=_under),
    ],
    examples=_examples,
)
class Resampler(WeightingStrategy):
    """Resample the training rows with an imbalanced-learn sampler (or any ``fit_resample``).

    Only the rows the network trains on are resampled: the estimator holds its validation rows
    out first, and ``predict``/``score`` never resample, so cross-validation does not leak.
    ``weighting=<sampler>`` is wrapped in this strategy automatically.

    See also the guide page [How do weights enter the loss?](weights-in-the-loss.md).

    Parameters
    ----------
    sampler : object with ``fit_resample(X, y)``
        Cloned at every fit, never modified. When the estimator has a ``random_state`` it
        seeds the clone's ``random_state`` parameter, if the sampler has one.
    per_epoch : bool, default=False
        Draw a fresh resample at every epoch instead of once. The resample is realised as row
        indices into the training data (the sampler runs on a one-column array of row numbers)
        and batches are gathered from them, so no resampled copy of ``X`` is made and an
        under-sampler shows the network every majority row over the epochs. It needs a
        sampler that selects existing rows and reports them in ``sample_indices_``
        (``RandomOverSampler``, ``RandomUnderSampler``); synthetic samplers such as SMOTE
        cannot be used per epoch.

    Notes
    -----
    ``sample_weight`` follows the rows: rows with weight 0 are removed before resampling (so
    they influence neither the resample nor the fit); each resampled row keeps the weight of
    its original row, found through the sampler's ``sample_indices_``. Samplers without
    ``sample_indices_`` (SMOTE, ADASYN, combined samplers) return rows equal to original rows,
    which keep their weight, and synthetic rows, which get the mean weight of their class among
    the training rows; a warning says so when ``sample_weight`` is not uniform.

    Images, sequences (``X`` of rank > 2), the inputs of a multi-input network (``X`` a
    ``MultiInput``) and dense targets are resampled by row: the sampler runs on row numbers, so
    it must select existing rows (``RandomOverSampler``, ``RandomUnderSampler``); a sampler
    that synthesises feature rows (SMOTE and kin) is refused. A multi-output ``y`` cannot be
    resampled (its rows must stay the same for every output).
    A dense target's row is resampled by the rarest class among its elements (classes ranked
    by their element count over all training rows): a row whose mask is empty has the
    background class, so an under-sampler drops empty masks first.

    The network learns the resampled class mix; the estimator records it in
    ``training_prior_`` (for ``per_epoch``, the mix of one epoch), which ``prior_correction``
    undoes.

    Attributes
    ----------
    class_weights_ : ndarray of shape (n_classes,)
        The factor by which resampling multiplied each class's total weight; validation rows
        are weighted by it.
    """

    needs_classes = True
    supports_multilabel = False
    supports_dense_targets = True
    resamples_rows = True
    balances_classes = True

    _parameter_constraints = {
        "sampler": [
            Satisfies(
                lambda s: is_sampler(s),
                "an object with a fit_resample(X, y) method, such as an imbalanced-learn sampler",
            )
        ],
        "per_epoch": [Bool],
    }

    def __init__(self, sampler: Any, per_epoch: bool = False):
        self.sampler = sampler
        self.per_epoch = per_epoch

    # ------------------------------------------------------------------ helpers
    def _fresh_sampler(self, random_state: int | None) -> Any:
        try:
            sampler = clone(self.sampler)
        except TypeError:
            sampler = copy.deepcopy(self.sampler)
        if random_state is not None and hasattr(sampler, "get_params"):
            if "random_state" in sampler.get_params(deep=False):
                sampler.set_params(random_state=random_state)
        return sampler

    def _resample(self, sampler: Any, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, ...]:
        try:
            result = sampler.fit_resample(X, y)
            X_res, y_res = result
        except Exception as exc:  # noqa: BLE001 - any sampler failure becomes a clear error
            raise ValueError(
                f"weighting={self.sampler!r} failed to resample the {len(y)} training rows "
                f"(class counts {np.bincount(y).tolist()}): {type(exc).__name__}: {exc}"
            ) from exc
        X_res, y_res = np.asarray(X_res), np.asarray(y_res)
        problem = _malformed(X, y, X_res, y_res, getattr(sampler, "sample_indices_", None))
        if problem:
            raise ValueError(
                f"weighting={self.sampler!r} returned {problem}. A sampler's fit_resample(X, y) "
                f"must return a 2-D X of finite values with the {X.shape[1]} columns it was "
                "given, and a y with one label per row, from the classes it was given."
            )
        return X_res, y_res

    # ------------------------------------------------------------------ strategy interface
    def _fit_rows(self, rows, *, classes, random_state) -> TrainingSet:
        sampler = self._fresh_sampler(random_state)
        labels = (
            row_labels_rarest(rows.y, rows.sample_weight, len(classes)) if rows.dense else rows.y
        )
        if self.per_epoch:
            train = self._prepare_per_epoch(sampler, rows, labels, random_state)
        elif rows.dense or rows.X.ndim != 2 or isinstance(rows.X, LazyRows):
            train = self._prepare_by_row(sampler, rows, labels)
        else:
            train = self._prepare_once(sampler, rows)
        self._record_class_ratio(rows, train, len(classes))
        return train

    def _prepare_by_row(self, sampler: Any, rows: TrainingSet, labels: np.ndarray):
        """Resample row numbers (images, sequences, dense targets): rows are taken whole."""
        row_numbers = np.arange(len(labels)).reshape(-1, 1)
        self._resample(sampler, row_numbers, labels)
        index = getattr(sampler, "sample_indices_", None)
        if index is None:
            if isinstance(rows.X, MultiInput):
                where = f"X is a MultiInput of {len(rows.X.arrays)} inputs (a multi-input network)"
            else:
                lazy = " (rows on disk)" if isinstance(rows.X, LazyRows) else ""
                where = f"X has shape {rows.X.shape}{lazy}"
            raise ValueError(
                f"weighting={self.sampler!r} synthesises feature rows, which needs a 2-D X of "
                f"features in memory and one label per row; here {where} and y "
                f"{rows.y.shape}. Use a sampler that selects rows (RandomOverSampler, "
                "RandomUnderSampler), or class weights."
            )
        index = np.asarray(index, dtype=np.intp)
        weights = None if rows.sample_weight is None else rows.sample_weight[index]
        return TrainingSet(rows.X[index], rows.y[index], weights, dense=rows.dense)

    def _prepare_once(self, sampler: Any, rows: TrainingSet) -> TrainingSet:
        X_res, y_res = self._resample(sampler, rows.X, rows.y)
        X_res = X_res.astype(rows.X.dtype, copy=False)
        y_res = y_res.astype(rows.y.dtype, copy=False)
        if rows.sample_weight is None:
            return TrainingSet(X_res, y_res, None)
        index = getattr(sampler, "sample_indices_", None)
        if index is not None:
            return TrainingSet(X_res, y_res, rows.sample_weight[np.asarray(index)])
        return TrainingSet(X_res, y_res, _carry_weights(rows, X_res, y_res, self.sampler))

    def _prepare_per_epoch(
        self, sampler: Any, rows: TrainingSet, labels: np.ndarray, random_state: int | None
    ) -> TrainingSet:
        base_seed = (
            int(np.random.SeedSequence().generate_state(1)[0])
            if random_state is None
            else random_state
        )
        epoch_rows = _EpochRows(self, sampler, labels, base_seed)
        epoch_rows(0)  # fail early, with a clear error, if the sampler cannot select rows
        return TrainingSet(
            rows.X, rows.y, rows.sample_weight, epoch_rows=epoch_rows, dense=rows.dense
        )

    def _record_class_ratio(self, before: TrainingSet, after: TrainingSet, n_classes: int):
        if before.dense:  # the class mass of the elements, before and after
            after_rows = None if after.epoch_rows is None else after.epoch_rows(0)
            _, mass_before = class_totals(before.y, before.sample_weight, None, n_classes)
            _, mass_after = class_totals(
                after.y, after.sample_weight, None, n_classes, rows=after_rows
            )
            self.class_weights_ = np.divide(
                mass_after / mass_after.sum(), mass_before / mass_before.sum(),
                out=np.ones(n_classes), where=mass_before > 0,
            )  # fmt: skip
            return
        y, weights = after.epoch_targets(0)
        mass_after = np.bincount(y, weights=weights, minlength=n_classes)
        mass_before = np.bincount(before.y, weights=before.sample_weight, minlength=n_classes)
        self.class_weights_ = np.divide(
            mass_after, mass_before, out=np.ones(n_classes), where=mass_before > 0
        )

    def row_weights(self, X, y) -> np.ndarray | None:
        """Validation rows weigh what resampling multiplied their class's weight by."""
        ratio = getattr(self, "class_weights_", None)
        return None if ratio is None or y.ndim != 1 else ratio[y]


class _EpochRows:
    """``epoch -> row indices``: the sampler run on row numbers with a per-epoch seed."""

    def __init__(self, owner: Resampler, sampler: Any, y: np.ndarray, seed: int):
        self.owner = owner
        self.sampler = sampler
        self.y = y
        self.seed = seed
        self._cache: tuple[int, np.ndarray] | None = None

    def __call__(self, epoch: int) -> np.ndarray:
        if self._cache is not None and self._cache[0] == epoch:
            return self._cache[1]
        sampler = clone(self.sampler)
        if "random_state" in sampler.get_params(deep=False):
            sampler.set_params(random_state=(self.seed + 7919 * epoch) % 2**32)
        row_numbers = np.arange(len(self.y)).reshape(-1, 1)
        X_res, _ = self.owner._resample(sampler, row_numbers, self.y)
        index = getattr(sampler, "sample_indices_", None)
        if index is None:
            raise ValueError(
                f"weighting=Resampler({self.owner.sampler!r}, per_epoch=True) needs a sampler "
                "that selects existing rows and sets sample_indices_ (RandomOverSampler, "
                "RandomUnderSampler); this one creates or edits rows. Use per_epoch=False."
            )
        index = np.asarray(index, dtype=np.intp)
        self._cache = (epoch, index)
        return index


def _malformed(X, y, X_res, y_res, index) -> str:
    """What is wrong with a sampler's output (empty if nothing)."""
    if X_res.ndim != 2:
        return f"a {X_res.ndim}-D X of shape {X_res.shape}"
    if X_res.shape[1] != X.shape[1]:
        return f"X with {X_res.shape[1]} columns for {X.shape[1]}"
    if X_res.shape[0] == 0:
        return "no rows"
    if X_res.dtype.kind not in "biuf":
        return f"X of dtype {X_res.dtype}"
    if not np.isfinite(X_res).all():
        return f"X with {int((~np.isfinite(X_res)).any(axis=1).sum())} row(s) of NaN or infinity"
    if y_res.ndim != 1 or len(y_res) != len(X_res):
        return f"y of shape {y_res.shape} for {len(X_res)} rows of X"
    if y_res.dtype.kind not in "biuf":
        return f"y of dtype {y_res.dtype}"
    invented = np.setdiff1d(y_res, np.unique(y))
    if invented.size:
        return f"label(s) {invented.tolist()} that are not among the classes it was given"
    if index is not None:
        index = np.asarray(index)
        if index.shape != (len(y_res),) or index.dtype.kind not in "iu":
            return f"sample_indices_ of shape {index.shape} for {len(y_res)} rows"
        if index.size and (index.min() < 0 or index.max() >= len(y)):
            return f"sample_indices_ outside 0..{len(y) - 1}"
    return ""


def _carry_weights(
    rows: TrainingSet, X_res: np.ndarray, y_res: np.ndarray, sampler: Any
) -> np.ndarray:
    """Weights for a sampler without ``sample_indices_``.

    Rows identical to an original row (same features and class) keep its weight; synthetic
    rows get the mean weight of their class.
    """
    weights = rows.sample_weight
    n_classes = int(max(rows.y.max(), y_res.max())) + 1
    mass = np.bincount(rows.y, weights=weights, minlength=n_classes)
    count = np.bincount(rows.y, minlength=n_classes)
    class_mean = np.divide(mass, count, out=np.ones(n_classes), where=count > 0)
    result = class_mean[y_res].astype(np.float64)
    n = len(rows.y)
    if len(y_res) >= n and np.array_equal(X_res[:n], rows.X) and np.array_equal(y_res[:n], rows.y):
        result[:n] = weights  # SMOTE-like: the original rows first, then the synthetic ones
        synthetic = len(y_res) > n
    else:
        lookup = {
            (label, row.tobytes()): w
            for row, label, w in zip(rows.X, rows.y.tolist(), weights.tolist(), strict=True)
        }
        matched = [
            lookup.get((label, row.tobytes()))
            for row, label in zip(X_res, y_res.tolist(), strict=True)
        ]
        found = np.array([m is not None for m in matched], dtype=bool)
        result[found] = [m for m in matched if m is not None]
        synthetic = not found.all()
    if synthetic and np.ptp(weights) > 0:
        warnings.warn(
            f"weighting={sampler!r} creates synthetic rows, which have no sample_weight of their "
            "own; each gets the mean sample_weight of its class.",
            UserWarning,
            stacklevel=6,
        )
    return result
