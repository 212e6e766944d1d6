"""Element weights of dense targets: the per-class totals equal those of the full weight map."""

from __future__ import annotations

import numpy as np
import pytest

from skweight._element_labels import _encode_by_search, element_classes, encode_elements
from skweight.weighting.elements import IGNORED, batch_weights, class_totals

pytestmark = pytest.mark.core


def _by_hand(y, sample_weight, class_weight, n_classes, rows=None):
    """Totals from every element's weight, built at once."""
    index = np.arange(len(y)) if rows is None else rows
    labels = y[index]
    weights = batch_weights(labels, None if sample_weight is None else sample_weight[index],
                            class_weight)  # fmt: skip
    weights = np.ones(labels.shape) if weights is None else weights.astype(np.float64)
    keep = (weights > 0) & (labels >= 0)
    counts = np.bincount(labels[keep], minlength=n_classes)
    mass = np.bincount(labels[keep], weights=weights[keep], minlength=n_classes)
    return counts, mass


@pytest.mark.parametrize("seed", range(2))
@pytest.mark.parametrize("weights", ["none", "rows", "elements"])
@pytest.mark.parametrize("factor", [None, "some zero"])
@pytest.mark.parametrize("resampled", [False, True])
@pytest.mark.parametrize("n_classes", [3, 20])  # classes compared one by one, or bincount
def test_class_totals_equal_the_full_weight_map(seed, weights, factor, resampled, n_classes):
    rng = np.random.default_rng(seed)
    n = 600  # more rows than one block
    y = rng.integers(-1, n_classes, size=(n, 5, 4)).astype(np.int8)
    y[:50] = IGNORED  # rows with nothing counted
    sample_weight = {
        "none": None,
        "rows": rng.choice([0.0, 0.5, 2.0], size=n),
        "elements": rng.choice([0.0, 1.0, 3.0], size=y.shape),
    }[weights]
    class_weight = None if factor is None else rng.choice([0.7, 4.0], size=n_classes)
    if class_weight is not None:
        class_weight[1] = 0.0
    rows = rng.integers(0, n, size=900) if resampled else None
    counts, mass = class_totals(y, sample_weight, class_weight, n_classes, rows=rows)
    expected_counts, expected_mass = _by_hand(y, sample_weight, class_weight, n_classes, rows)
    np.testing.assert_array_equal(counts, expected_counts)
    np.testing.assert_allclose(mass, expected_mass, rtol=1e-6)
    if class_weight is not None:
        assert counts[1] == 0 and mass[1] == 0.0  # a class weighted 0 counts nowhere


def test_class_totals_of_unsigned_labels():
    y = np.array([[0, 1, 1], [2, 2, 2]], dtype=np.uint8)
    counts, mass = class_totals(y, np.array([1.0, 0.5]), np.array([1.0, 2.0, 3.0]), 3)
    np.testing.assert_array_equal(counts, [1, 2, 3])
    np.testing.assert_allclose(mass, [1.0, 4.0, 4.5])


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int64, np.uint16])
@pytest.mark.parametrize("ignore_label", [None, 5])
def test_table_encoding_equals_sorted_search(dtype, ignore_label):
    rng = np.random.default_rng(0)
    labels = rng.choice([1, 3, 5, 7], size=(300, 6, 2)).astype(dtype)
    classes = np.array([1, 3, 7, 9], dtype=dtype)  # 9 absent from the labels, 5 not a class
    found = element_classes(labels, ignore_label)
    np.testing.assert_array_equal(found, [1, 3, 7] if ignore_label else [1, 3, 5, 7])
    assert found.dtype == labels.dtype
    encoded, unseen = encode_elements(labels, classes, ignore_label)
    by_search, unseen_by_search = _encode_by_search(labels, classes, ignore_label, encoded.dtype)
    np.testing.assert_array_equal(unseen, unseen_by_search)
    assert unseen.tolist() == ([] if ignore_label else [5])
    known = np.isin(labels, classes) | (labels == ignore_label)
    np.testing.assert_array_equal(encoded[known], by_search[known])
    assert (encoded[labels == ignore_label] == IGNORED).all()


def test_labels_beyond_a_table_are_searched():
    labels = np.array([[0, 10**9], [10**9, 0]])
    encoded, unseen = encode_elements(labels, np.array([0, 10**9]))
    np.testing.assert_array_equal(encoded, [[0, 1], [1, 0]])
    assert len(unseen) == 0
    np.testing.assert_array_equal(element_classes(labels), [0, 10**9])
