"""The image data sets of ``skweight compare``: ``--data digits-images`` and ``segmentation``.

``digits-images``
    scikit-learn's 8 x 8 digits as images, the digit 9 (label 1, about 1 in 10) against the
    rest, compared with ``skweight.networks.small_cnn`` (one prediction per image).
``segmentation``
    ``skweight.datasets.make_segmentation``: grey images with a few small bright discs, 60%
    of them empty, about 2% of the pixels positive (label 1), compared per pixel with
    ``skweight.networks.small_unet``; ``--fp-cost``/``--fn-cost`` are costs per pixel.

Every misuse of the image options is a ``UsageError`` raised before any data is made.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._cli_data import UsageError

#: The embedded data sets of ``--data``; the first is the default.
DATA_SETS = ("breast-cancer", "digits-images", "segmentation")
IMAGE_DATA = DATA_SETS[1:]

#: The network of each image data set, and its default ``--filters``.
NETWORKS = {"digits-images": "small_cnn", "segmentation": "small_unet"}
DEFAULT_FILTERS = {"digits-images": (16, 32), "segmentation": (8, 16)}
#: ``--images`` when not given (None: all 1,797 digits) and the segmentation's ``--image-size``.
DEFAULT_IMAGES = {"digits-images": None, "segmentation": 300}
DEFAULT_IMAGE_SIZE = 32
N_DIGITS = 1797


def data_set(args) -> str:
    """The data named by ``--data`` (or its default); ``"csv"`` for ``--csv``."""
    if args.csv is not None:
        if args.data is not None:
            raise UsageError(
                f"--csv and --data {args.data} both name the data; give one (--csv reads a "
                "table of numeric features, not images)."
            )
        return "csv"
    return args.data or DATA_SETS[0]


def check_image_options(args) -> tuple[int, ...] | None:
    """Check the options that only some data sets take; the image network's filters or None."""
    data = data_set(args)
    images = data in IMAGE_DATA
    if not images:
        for flag, value in (("--images", args.images), ("--filters", args.filters),
                            ("--image-size", args.image_size)):  # fmt: skip
            if value is not None:
                raise UsageError(f"{flag} is for --data digits-images or segmentation.")
        return None
    if args.target is not None:
        raise UsageError("--target needs --csv (the embedded data has its own target).")
    if args.hidden is not None:
        raise UsageError(f"--hidden is for tabular data; --data {data} takes --filters.")
    if args.image_size is not None and data != "segmentation":
        raise UsageError("--image-size is for --data segmentation (the digits are 8x8).")
    most = N_DIGITS if data == "digits-images" else None
    if args.images is not None and (args.images < 1 or (most and args.images > most)):
        limit = f"in [1, {most}]" if most else ">= 1"
        raise UsageError(f"--images must be {limit} for --data {data}; got {args.images}.")
    filters = DEFAULT_FILTERS[data]
    if args.filters is not None:
        try:
            filters = tuple(int(v) for v in args.filters.split(",") if v.strip())
        except ValueError as exc:
            raise UsageError(
                f"--filters: expected sizes like '8,16'; got {args.filters!r}."
            ) from exc
        if not filters or min(filters) < 1:
            raise UsageError(f"--filters must be integers >= 1; got {args.filters!r}.")
    if data == "segmentation":
        size = DEFAULT_IMAGE_SIZE if args.image_size is None else args.image_size
        factor = 2 ** (len(filters) - 1)
        if size % factor:
            raise UsageError(
                f"--image-size {size}: a U-Net of {len(filters)} levels (--filters) needs a side "
                f"divisible by {factor}."
            )
        named = [n.strip() for n in (args.strategies or "").split(",")]
        if "tuned-threshold" in named:
            raise UsageError(
                "--strategies: tuned-threshold needs one label per row; --data segmentation "
                "has one per pixel."
            )
    return filters


def load_images(args) -> tuple[np.ndarray, np.ndarray, str, Any]:
    """Images, labels (per image or per pixel), a description and the positive class."""
    from ._cli_data import _check_pos
    from .datasets import load_digit_images, make_segmentation

    data = data_set(args)
    if data == "digits-images":
        X, y = load_digit_images()
        if args.images is not None and args.images < len(y):
            rows = _stratified_rows(y, args.images, args.random_state)
            X, y = X[rows], y[rows]
        source = "scikit-learn digits as images (the digit 9 against the rest)"
    else:
        n = DEFAULT_IMAGES[data] if args.images is None else args.images
        size = DEFAULT_IMAGE_SIZE if args.image_size is None else args.image_size
        try:
            X, y = make_segmentation(n, size, random_state=args.random_state)
        except ValueError as exc:
            raise UsageError(f"--image-size/--images: {exc}") from exc
        source = "synthetic segmentation (skweight.datasets.make_segmentation)"
    classes, counts = np.unique(y, return_counts=True)
    if len(classes) < 2:
        raise UsageError(f"--images {len(y)}: the images hold a single class {classes.tolist()}.")
    minority = classes[::-1][np.argmin(counts[::-1])]
    positive = _check_pos(args.pos_label, y) if args.pos_label is not None else minority
    return X, y, source, positive


def _stratified_rows(y: np.ndarray, n: int, seed: int) -> np.ndarray:
    """``n`` row numbers with the classes in their proportions, in the data's order."""
    from sklearn.model_selection import train_test_split

    rows, _ = train_test_split(np.arange(len(y)), train_size=n, stratify=y, random_state=seed)
    return np.sort(rows)


def describe_images(X: np.ndarray, y: np.ndarray, positive, cv: int) -> str:
    """The ``Data:`` facts of images; refuse ``--cv`` beyond what the rows can stratify."""
    shape = "x".join(map(str, X.shape[1:]))
    classes, counts = np.unique(y, return_counts=True)
    if y.ndim == 1:
        if counts.min() < cv:
            raise UsageError(f"--cv {cv}: the smallest class has only {counts.min()} images.")
        mix = ", ".join(f"{c} {n}" for c, n in zip(classes, counts, strict=True))
        return f"{len(y)} images of {shape}; classes {mix}"
    holding = int((y == positive).any(axis=tuple(range(1, y.ndim))).sum())
    if min(holding, len(y) - holding) < cv:
        raise UsageError(
            f"--cv {cv}: only {holding} of the {len(y)} masks hold class {positive} and "
            f"{len(y) - holding} do not; each fold needs some of both (more --images)."
        )
    share = ", ".join(f"{c} {n} ({n / y.size:.1%})" for c, n in zip(classes, counts, strict=True))
    return (
        f"{len(y)} images of {shape}, one label per pixel; pixel classes {share}; "
        f"{holding} of {len(y)} masks hold class {positive}"
    )


def image_estimator(args, filters: tuple[int, ...]):
    """The image network of ``--data``: ``small_cnn`` per image, ``small_unet`` per pixel."""
    from . import networks
    from .classifier import WeightedKerasClassifier

    return WeightedKerasClassifier(
        model=getattr(networks, NETWORKS[data_set(args)]),
        model__filters=filters,
        epochs=args.epochs,
        batch_size=args.batch_size,
        optimizer__learning_rate=args.learning_rate,
        random_state=args.random_state,
    )
