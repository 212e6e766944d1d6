"""The embedded data sets: shapes, balance, determinism, the void ring, and bad parameters."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from skweight.datasets import load_digit_images, make_segmentation


# ---------------------------------------------------------------------------- digit images
def test_digit_images_shapes_dtypes_and_range():
    X, y = load_digit_images()
    assert X.shape == (1797, 8, 8, 1) and X.dtype == np.float32
    assert y.shape == (1797,) and y.dtype.kind == "i"
    assert X.min() == 0.0 and X.max() == 1.0
    assert set(np.unique(y)) == {0, 1}
    assert y.sum() == 180  # the digit 9, about 10%


def test_digit_images_positive_is_the_minority_digit():
    from sklearn.datasets import load_digits

    digits = load_digits()
    X, y = load_digit_images(minority_digit=3)
    np.testing.assert_array_equal(y, (digits.target == 3).astype(int))
    np.testing.assert_allclose(X[..., 0], digits.images / 16.0, rtol=1e-6)


@pytest.mark.parametrize("fraction", [0.01, 0.05, 0.1, 0.2, 0.5])
def test_minority_fraction_within_one_row(fraction):
    X, y = load_digit_images(minority_fraction=fraction)
    assert len(X) == len(y)
    assert abs(y.sum() - fraction * len(y)) <= 1
    if fraction <= 0.1:
        assert (y == 0).sum() == 1617  # every other digit kept
    else:
        assert y.sum() == 180  # every nine kept


def test_minority_fraction_is_deterministic_and_seeded():
    X1, y1 = load_digit_images(minority_fraction=0.05, random_state=1)
    X2, y2 = load_digit_images(minority_fraction=0.05, random_state=1)
    X3, _ = load_digit_images(minority_fraction=0.05, random_state=2)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert X1.shape == X3.shape and not np.array_equal(X1, X3)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"minority_digit": 10}, "minority_digit"),
        ({"minority_digit": 1.5}, "minority_digit"),
        ({"minority_fraction": 0.0}, "minority_fraction"),
        ({"minority_fraction": 0.6}, "minority_fraction"),
        ({"minority_fraction": 1e-5}, "minority_fraction"),
        ({"minority_fraction": "0.1"}, "minority_fraction"),
        ({"random_state": -1}, "random_state"),
    ],
)
def test_digit_images_bad_parameters_name_the_parameter(kwargs, name):
    with pytest.raises(ValueError, match=f"load_digit_images: {name}"):
        load_digit_images(**kwargs)


# ---------------------------------------------------------------------------- segmentation
def test_segmentation_shapes_dtypes_and_labels():
    X, y = make_segmentation(20, 16)
    assert X.shape == (20, 16, 16, 1) and X.dtype == np.float32
    assert y.shape == (20, 16, 16) and y.dtype == np.uint8
    assert np.isfinite(X).all()
    assert set(np.unique(y)) <= {0, 1}


def test_segmentation_is_deterministic_and_seeded():
    first = make_segmentation(10, 16, random_state=3)
    again = make_segmentation(10, 16, random_state=3)
    other = make_segmentation(10, 16, random_state=4)
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], other[0])


def test_segmentation_accepts_a_generator():
    X1, y1 = make_segmentation(5, 16, random_state=np.random.default_rng(7))
    X2, y2 = make_segmentation(5, 16, random_state=np.random.default_rng(7))
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)


@pytest.mark.parametrize("empty_fraction", [0.0, 0.3, 0.6, 1.0])
def test_empty_fraction_is_respected(empty_fraction):
    _, y = make_segmentation(100, 16, empty_fraction=empty_fraction)
    n_empty = int((y.reshape(100, -1).max(axis=1) == 0).sum())
    assert abs(n_empty - empty_fraction * 100) <= 2


def test_positives_are_a_few_percent_and_objects_are_brighter():
    X, y = make_segmentation()
    assert 0.005 < (y == 1).mean() < 0.05
    image = X[..., 0]
    lift = image[y == 1].mean() - image[y == 0].mean()
    assert 0.7 < lift < 1.3  # brighter, by about the disc contrast
    assert image[y == 0].max() > image[y == 1].mean()  # but no threshold is perfect


def test_object_counts_and_sizes():
    _, y = make_segmentation(60, 24, empty_fraction=0.0, max_objects=3, radius=(2, 3))
    for mask in y:
        _, n_objects = ndimage.label(mask)
        assert 1 <= n_objects <= 3  # overlapping discs may merge
        assert 9 <= mask.sum() <= 3 * 37  # a disc of radius 2 to 3 covers 9 to 37 pixels


def test_fixed_radius_discs_lie_inside_the_image():
    _, y = make_segmentation(30, 9, empty_fraction=0.0, max_objects=1, radius=4)
    assert (y.sum(axis=(1, 2)) >= 45).all()  # a whole disc of radius 4, none cut by the edge


@pytest.mark.parametrize("border", [1, 2])
def test_void_ring_surrounds_the_discs_and_never_enters_them(border):
    _, plain = make_segmentation(40, 24, void_border=0, random_state=5)
    _, void = make_segmentation(40, 24, void_border=border, random_state=5)
    assert set(np.unique(void)) == {0, 1, 255}
    np.testing.assert_array_equal(void == 1, plain == 1)  # same discs, none overwritten
    assert (void[plain == 1] == 1).all()
    for disc, labels in zip(plain, void, strict=True):
        ring = labels == 255
        if not disc.any():
            assert not ring.any()
            continue
        distance = ndimage.distance_transform_edt(disc == 0)  # to the nearest disc pixel
        assert (distance[ring] <= border + 1.5).all()
        touching = ndimage.binary_dilation(disc == 1) & (disc == 0)
        assert ring[touching].all()  # every outside neighbour of a disc is void


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"n_images": 0}, "n_images"),
        ({"n_images": 2.0}, "n_images"),
        ({"size": 2}, "size"),
        ({"empty_fraction": 1.5}, "empty_fraction"),
        ({"empty_fraction": float("nan")}, "empty_fraction"),
        ({"max_objects": 0}, "max_objects"),
        ({"radius": (4, 2)}, "radius"),
        ({"radius": 0.5}, "radius"),
        ({"radius": (1, 2, 3)}, "radius"),
        ({"radius": "3"}, "radius"),
        ({"noise": -0.1}, "noise"),
        ({"void_border": -1}, "void_border"),
        ({"void_border": True}, "void_border"),
        ({"random_state": "seed"}, "random_state"),
    ],
)
def test_segmentation_bad_parameters_name_the_parameter(kwargs, name):
    with pytest.raises(ValueError, match=f"make_segmentation: {name} must be"):
        make_segmentation(**kwargs)


def test_segmentation_disc_must_fit_the_image():
    with pytest.raises(ValueError, match="radius 4 does not fit in an image of size 8"):
        make_segmentation(size=8, radius=(2, 4))
