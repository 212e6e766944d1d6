"""Small imbalanced data sets, built on this machine (nothing is downloaded).

``load_digit_images``
    scikit-learn's bundled 8 x 8 handwritten digits (1,797 images) as images of shape
    (n, 8, 8, 1) in [0, 1], with one digit as the positive class: about 1 positive in 10 (180
    of the 1,797 rows for the digit 9). ``minority_fraction`` makes it rarer (0.05 is 1:19) or,
    up to 0.5, more common.
``make_segmentation``
    Synthetic binary segmentation shaped like defect or lesion data: grey images with a smooth
    uneven background and pixel noise, most of them empty, the others holding one or a few
    small bright discs. The mask is 1 inside the discs and 0 elsewhere; with the defaults 60%
    of the masks are empty and about 2% of all pixels are positive. A ring of "void" pixels
    (label 255, as in PASCAL VOC) around each disc can mark the uncertain edge, for
    ``ignore_label`` in ``skweight.overlap``.

Both are deterministic for a given ``random_state``.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np
from sklearn.datasets import load_digits

from ._params import Interval, Satisfies, check_params

__all__ = ["load_digit_images", "make_segmentation"]

#: How much brighter a disc is than the background under it.
DISC_CONTRAST = 1.0
#: Standard deviation of the smooth background (of its values at the interpolation knots).
BACKGROUND_STD = 0.5
#: The background is interpolated between this many knots along each side of an image.
BACKGROUND_KNOTS = 4
#: The label of a void pixel (ignored when scoring with ``ignore_label=255``).
VOID_LABEL = 255

_RANDOM_STATE = [
    Interval(numbers.Integral, 0, None),
    Satisfies(lambda value: isinstance(value, np.random.Generator), "a numpy Generator"),
]


def load_digit_images(
    *,
    minority_digit: int = 9,
    minority_fraction: float | None = None,
    random_state: int | np.random.Generator = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Return scikit-learn's handwritten digits as images, one digit against the rest.

    See also the guide page [How do I weight pixels for segmentation?](pixel-weights.md).

    Parameters
    ----------
    minority_digit : int, default=9
        The digit (0 to 9) of the positive class, label 1; every other digit is label 0. Each
        digit has about 180 of the 1,797 images, so about 10% of the rows are positive.
    minority_fraction : float or None, default=None
        None keeps every image. A float in (0, 0.5] makes the positive class that fraction of
        the rows (to within one row): below the natural fraction every negative row is kept
        with a random subset of the positive rows (0.05 gives 1:19); above it every positive
        row is kept with a random subset of the negative rows.
    random_state : int or numpy.random.Generator, default=0
        Seed of the subset that ``minority_fraction`` draws (unused without it).

    Returns
    -------
    X : ndarray of shape (n, 8, 8, 1), dtype float32
        Pixel intensities scaled to [0, 1] (the original 0 to 16 divided by 16).
    y : ndarray of shape (n,), dtype int64
        1 for ``minority_digit``, 0 otherwise. The rows keep scikit-learn's order.
    """
    check_params(
        {
            "minority_digit": minority_digit,
            "minority_fraction": minority_fraction,
            "random_state": random_state,
        },
        {
            "minority_digit": [Interval(numbers.Integral, 0, 9)],
            "minority_fraction": [None, Interval(numbers.Real, 0, 0.5, closed="right")],
            "random_state": _RANDOM_STATE,
        },
        owner="load_digit_images",
    )
    digits = load_digits()
    positive = digits.target == minority_digit
    rows = np.arange(len(positive))
    if minority_fraction is not None:
        rows = _rows_for_fraction(
            positive, float(minority_fraction), np.random.default_rng(random_state), minority_digit
        )
    X = (digits.images[rows] / 16.0).astype(np.float32)[..., np.newaxis]
    return X, positive[rows].astype(np.int64)


def _rows_for_fraction(
    positive: np.ndarray, fraction: float, rng: np.random.Generator, digit: int
) -> np.ndarray:
    """Sorted row indices whose positives are ``fraction`` of the rows (to within one row)."""
    minority = np.flatnonzero(positive)
    majority = np.flatnonzero(~positive)
    if fraction <= len(minority) / len(positive):
        n_minority = round(fraction * len(majority) / (1.0 - fraction))
        if n_minority < 1:
            raise ValueError(
                f"load_digit_images: minority_fraction={fraction!r} keeps no image of the digit "
                f"{digit} next to the {len(majority)} others; use minority_fraction >= "
                f"{1.0 / (len(majority) + 1):.2g} (one image)."
            )
        minority = rng.choice(minority, size=n_minority, replace=False)
    else:
        n_majority = round(len(minority) * (1.0 - fraction) / fraction)
        majority = rng.choice(majority, size=n_majority, replace=False)
    return np.sort(np.concatenate([minority, majority]))


def _radius_range(value) -> tuple[float, float] | None:
    """``(low, high)`` from a radius or a pair of radii, or None if it is no valid range."""
    if isinstance(value, (str, bytes)):
        return None
    pair = list(value) if isinstance(value, Sequence | np.ndarray) else [value, value]
    at_least_one = Interval(numbers.Real, 1, None)
    if len(pair) != 2 or not all(at_least_one.holds(v) for v in pair) or pair[0] > pair[1]:
        return None
    return float(pair[0]), float(pair[1])


def make_segmentation(
    n_images: int = 200,
    size: int = 32,
    *,
    empty_fraction: float = 0.6,
    max_objects: int = 2,
    radius: float | tuple[float, float] = (2, 4),
    noise: float = 0.3,
    void_border: int = 0,
    random_state: int | np.random.Generator = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Return a synthetic binary segmentation set: images with few small bright discs.

    See also the guide page [How do I weight pixels for segmentation?](pixel-weights.md).

    Each image is a smooth random background (Gaussian values on a coarse grid of knots,
    standard deviation ``BACKGROUND_STD``, interpolated smoothly between them) plus Gaussian
    pixel noise of standard deviation ``noise``. A fraction ``empty_fraction`` of the images
    hold nothing; each of the others holds 1 to ``max_objects`` discs (uniformly many, which may
    overlap), every one ``DISC_CONTRAST`` brighter than the background under it, with a radius
    drawn uniformly from ``radius`` and lying wholly inside the image. The discs are brighter
    than their surroundings but not than every background pixel, so one threshold on the
    pixel value does not find them: a model needs the neighbourhood.

    Parameters
    ----------
    n_images : int, default=200
        Number of images, at least 1.
    size : int, default=32
        Height and width of each image in pixels, at least 3 and at least ``2 * high + 1`` for
        the largest radius ``high``, so that a disc fits.
    empty_fraction : float, default=0.6
        Fraction in [0, 1] of the images with no disc (an empty mask), rounded to a whole
        number of images.
    max_objects : int, default=2
        Largest number of discs in an image that has any, at least 1.
    radius : float or tuple of (float, float), default=(2, 4)
        Range ``(low, high)`` of the disc radii in pixels, with ``1 <= low <= high``; one number
        fixes the radius.
    noise : float, default=0.3
        Standard deviation of the pixel noise, >= 0.
    void_border : int, default=0
        With a value above 0, the pixels outside the discs but within that many pixels of a
        disc's edge (a ring) get the label ``VOID_LABEL`` (255) instead of 0.
    random_state : int or numpy.random.Generator, default=0
        Seed of everything drawn: the same seed gives the same arrays.

    Returns
    -------
    X : ndarray of shape (n_images, size, size, 1), dtype float32
        The images.
    y : ndarray of shape (n_images, size, size), dtype uint8
        The masks: 1 inside a disc, 0 elsewhere, 255 on the void rings (with ``void_border``).
    """
    check_params(
        {
            "n_images": n_images,
            "size": size,
            "empty_fraction": empty_fraction,
            "max_objects": max_objects,
            "radius": radius,
            "noise": noise,
            "void_border": void_border,
            "random_state": random_state,
        },
        {
            "n_images": [Interval(numbers.Integral, 1, None)],
            "size": [Interval(numbers.Integral, 3, None)],
            "empty_fraction": [Interval(numbers.Real, 0, 1)],
            "max_objects": [Interval(numbers.Integral, 1, None)],
            "radius": [
                Satisfies(
                    lambda value: _radius_range(value) is not None,
                    "a number >= 1 or a pair (low, high) of numbers with 1 <= low <= high",
                )
            ],
            "noise": [Interval(numbers.Real, 0, None)],
            "void_border": [Interval(numbers.Integral, 0, None)],
            "random_state": _RANDOM_STATE,
        },
        owner="make_segmentation",
    )
    low, high = _radius_range(radius)
    if 2 * high + 1 > size:
        raise ValueError(
            f"make_segmentation: a disc of radius {high:g} does not fit in an image of size "
            f"{size}; use a size >= {int(np.ceil(2 * high + 1))} or a smaller radius."
        )
    n, m = int(n_images), int(max_objects)
    rng = np.random.default_rng(random_state)

    empty = np.zeros(n, dtype=bool)
    empty[rng.permutation(n)[: round(float(empty_fraction) * n)]] = True
    counts = np.where(empty, 0, rng.integers(1, m + 1, size=n))
    present = np.arange(m) < counts[:, np.newaxis]  # (n, m): which discs exist
    radii = rng.uniform(low, high, size=(n, m))
    span = (size - 1 - 2 * radii)[..., np.newaxis]
    centres = radii[..., np.newaxis] + rng.uniform(size=(n, m, 2)) * span  # (n, m, [row, col])
    images = _smooth_background(rng, n, int(size))
    images += float(noise) * rng.standard_normal((n, size, size), dtype=np.float32)

    # Distance from each pixel to the nearest disc's edge (negative inside a disc).
    grid = np.arange(size, dtype=np.float32)
    centres, radii = centres.astype(np.float32), radii.astype(np.float32)
    edge = np.full((n, size, size), np.inf, dtype=np.float32)
    for j in range(m):  # a few discs; the pixels are vectorised
        rows = (grid[np.newaxis, :, np.newaxis] - centres[:, j, 0, None, None]) ** 2
        cols = (grid[np.newaxis, np.newaxis, :] - centres[:, j, 1, None, None]) ** 2
        distance = np.sqrt(rows + cols) - radii[:, j, None, None]
        np.minimum(edge, np.where(present[:, j, None, None], distance, np.inf), out=edge)
    inside = edge <= 0
    images[inside] += DISC_CONTRAST
    masks = inside.astype(np.uint8)
    if void_border > 0:
        masks[(edge > 0) & (edge <= void_border)] = VOID_LABEL
    return images[..., np.newaxis], masks


def _smooth_background(rng: np.random.Generator, n: int, size: int) -> np.ndarray:
    """``n`` float32 images of Gaussian knot values, interpolated smoothly between the knots."""
    knots = rng.normal(0.0, BACKGROUND_STD, size=(n, BACKGROUND_KNOTS, BACKGROUND_KNOTS))
    position = np.linspace(0.0, BACKGROUND_KNOTS - 1, size)
    left = np.minimum(position.astype(int), BACKGROUND_KNOTS - 2)
    step = position - left
    step = step * step * (3.0 - 2.0 * step)  # smoothstep: no kinks at the knots
    weights = np.zeros((size, BACKGROUND_KNOTS))
    weights[np.arange(size), left] = 1.0 - step
    weights[np.arange(size), left + 1] = step
    return (weights @ knots @ weights.T).astype(np.float32)
