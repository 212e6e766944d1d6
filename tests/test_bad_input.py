"""Bad input across the public API: one table, each row a clear error that names the parameter.

Every row calls the public API with one mistake and expects the error type and a message naming
the parameter (or the sampler, or the file) at fault. Estimator rows also check that no network
was trained. The rows live in four modules by family (``tests/_bad_input_data.py``,
``_bad_input_params.py``, ``_bad_input_strategies.py``, ``_bad_input_costs_and_saves.py``) with
their helpers in ``_bad_input_support.py``. Cases covered elsewhere count towards the total:

- tests/test_model_building.py: ``test_bad_parameters_get_clear_errors`` (14 rows: epochs,
  batch_size, validation_split, random_state, unknown weighting name, weighting dict with an
  unknown class or a negative weight, fit__class_weight, loss, optimizer, model not a model, build
  function returning a non-model, output size mismatch, unknown build argument),
  ``test_bad_sample_weight_gets_clear_errors`` (4: negative, NaN, wrong length, all zero),
  ``test_bad_targets_get_clear_errors`` (3: one class, continuous y, y of the wrong length) and
  the unseen label of ``test_partial_fit_continues_and_needs_all_classes`` (1): 22 in all.
- tests/test_cli.py: ``USAGE_ERRORS`` (62 command-line mistakes, every usage error of
  ``skweight compare``), each run by ``test_every_usage_error_is_one_line_with_status_2``.
- tests/test_save_safety.py: 2 more (``overwrite=True`` onto a folder that is not a save, a saved
  network with the wrong number of input features).

This table has 153 rows (``len(CASES)``) in these families: X, y and sample_weight values and
types (weights that overflow or underflow float32 included); weighting strategies, focal loss
parameters and samplers that return malformed output; the estimator's own and routed
parameters (ignored ``model__*``, ``fit__*``, ``compile__*``, ``predict__*``, learning rates);
what the network outputs (a loss contradicting the last activation); partial_fit's classes;
prediction; costs, scorers and decisions (constant cost matrices, non-probabilities);
compare_weightings; saving and loading. So 153 + 22 + 62 + 2 = 239 bad inputs are tested in all.
"""

from __future__ import annotations

import pytest
from sklearn.datasets import make_classification

from skweight import WeightedKerasClassifier
from tests import (
    _bad_input_costs_and_saves,
    _bad_input_data,
    _bad_input_params,
    _bad_input_strategies,
)
from tests._bad_input_support import TINY, Context

#: Every row, by family (each module holds the rows of a few families).
CASES = [
    *_bad_input_data.CASES,
    *_bad_input_params.CASES,
    *_bad_input_strategies.CASES,
    *_bad_input_costs_and_saves.CASES,
]


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    X, y = make_classification(
        n_samples=80, n_features=4, n_informative=3, n_redundant=0, weights=[0.8], random_state=0
    )
    fitted = WeightedKerasClassifier(**TINY).fit(X, y)
    folder = tmp_path_factory.mktemp("bad_input")
    (folder / "a-file.txt").write_text("not a save")
    return Context(X, y, fitted, folder)


@pytest.mark.parametrize("call, error, match", CASES)
def test_bad_input_gets_a_clear_error(ctx, call, error, match):
    ctx.estimators.clear()
    with pytest.raises(error, match=match):
        call(ctx)
    for est in ctx.estimators:  # nothing trained silently
        assert not hasattr(est, "model_")


def test_the_table_is_large_enough():
    from tests.test_cli import USAGE_ERRORS

    assert len({case.id for case in CASES}) == len(CASES) == 153  # the count in the docstring
    assert len(USAGE_ERRORS) == 62
    assert len(CASES) + 22 + len(USAGE_ERRORS) + 2 >= 150
