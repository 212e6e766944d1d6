"""The ``skweight`` command: ``skweight compare`` (also ``python -m skweight compare``).

With no options it compares the weighting strategies on scikit-learn's breast cancer data
(569 tumours, 212 malignant and 357 benign; malignant is the positive class), where missing a
malignant tumour (false negative) is taken to cost 5 and a false alarm 1. It prints the table,
names the winner and writes ``compare.png``, ``compare.csv`` and ``compare.json`` into ``--out``.
``--data digits-images`` and ``--data segmentation`` compare on images instead, with a small
CNN per image or a small U-Net per pixel (``skweight._cli_images``).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from ._cli_data import (
    DEFAULT_FN_COST,
    DEFAULT_FP_COST,
    UsageError,
    load_data,
    parse_cost_matrix,
    resolve_cost,
)
from ._cli_images import (
    DATA_SETS,
    DEFAULT_IMAGE_SIZE,
    NETWORKS,
    check_image_options,
    data_set,
    describe_images,
    image_estimator,
    load_images,
)
from ._validation import FLOAT32_MAX

__all__ = ["UsageError", "build_parser", "check_options", "main", "parse_cost_matrix"]

#: The Keras backends that can train (Keras' numpy backend cannot).
_BACKEND_MODULES = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (``UsageError``), not usage text."""

    def error(self, message: str):
        raise _ParserError(f"{self.prog}: error: {message}")


class _ParserError(Exception):
    """argparse's own refusal of the command line, already formatted as one line."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``skweight`` command."""
    parser = _Parser(
        prog="skweight",
        description="scikit-learn estimators around Keras, weighting made explicit.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    cmp = commands.add_parser(
        "compare",
        help="cross-validate weighting strategies and cost baselines; pick the cheapest",
        description=(
            "Compare weighting strategies by cross-validated expected cost. Without --csv it uses "
            "scikit-learn's breast cancer data (212 malignant, 357 benign; positive class: "
            f"malignant) with FN cost {DEFAULT_FN_COST:g} and FP cost {DEFAULT_FP_COST:g}, or "
            "the images of --data."
        ),
    )
    data = cmp.add_argument_group("data")
    data.add_argument(
        "--data",
        choices=DATA_SETS,
        help="embedded data (default breast-cancer): digit images, the digit 9 against the "
        "rest, with a small CNN; or synthetic segmentation masks compared per pixel with a "
        "small U-Net",
    )
    data.add_argument(
        "--images",
        type=int,
        metavar="N",
        help="image data: how many images (default: all 1797 digits; 300 masks)",
    )
    data.add_argument(
        "--image-size",
        type=int,
        metavar="PIXELS",
        help=f"segmentation: side of the images (default {DEFAULT_IMAGE_SIZE})",
    )
    data.add_argument("--csv", metavar="FILE", help="CSV file with numeric feature columns")
    data.add_argument("--target", metavar="COL", help="the column of --csv holding the class")
    data.add_argument(
        "--pos-label",
        metavar="LABEL",
        help="positive class for --fp-cost/--fn-cost (default: malignant, or the minority class "
        "of a binary --csv or image data set; per pixel for segmentation)",
    )
    cost = cmp.add_argument_group("cost")
    cost.add_argument(
        "--cost-matrix",
        metavar="MATRIX",
        help="rows true class, columns predicted, classes in sorted order: JSON '[[0,1],[5,0]]' "
        "or '0,1;5,0'",
    )
    cost.add_argument(
        "--fp-cost", type=float, help=f"false-positive cost (default {DEFAULT_FP_COST:g})"
    )
    cost.add_argument(
        "--fn-cost", type=float, help=f"false-negative cost (default {DEFAULT_FN_COST:g})"
    )
    run = cmp.add_argument_group("search")
    run.add_argument(
        "--cv", type=int, default=None,
        help="stratified folds (default 5; 3 for the image data sets)",
    )  # fmt: skip
    run.add_argument(
        "--repeats", type=int, default=None,
        help="repetitions of the folds (default 2; 1 for the image data sets)",
    )  # fmt: skip
    run.add_argument(
        "--strategies",
        metavar="NAMES",
        help=f"comma-separated subset of: {', '.join(_strategy_names())} (default: all)",
    )
    run.add_argument(
        "--selection",
        choices=["one_se", "best"],
        default="one_se",
        help="one-standard-error rule (default) or best mean",
    )
    run.add_argument(
        "--threshold-cv",
        type=int,
        default=3,
        help="folds of the tuned-threshold baseline inside each training set (default 3)",
    )
    run.add_argument(
        "--n-jobs", type=int, default=2,
        help="parallel fits, or lanes of the fused engine on JAX's CPU (default 2)",
    )  # fmt: skip
    run.add_argument(
        "--engine",
        choices=["auto", "fused", "sequential"],
        default="auto",
        help="train all networks in one model (fused), one after another, or choose (default)",
    )
    run.add_argument("--random-state", type=int, default=0, help="seed (default 0)")
    net = cmp.add_argument_group("network")
    net.add_argument("--epochs", type=int, default=20, help="training epochs (default 20)")
    net.add_argument("--hidden", help="tabular data: hidden layer sizes, e.g. '32,16' (default 16)")
    net.add_argument(
        "--filters",
        help="image data: filters per convolution level, e.g. '8,16' (default 16,32 for the "
        "digits' CNN, 8,16 for the U-Net)",
    )
    net.add_argument("--batch-size", type=int, default=32, help="batch size (default 32)")
    net.add_argument("--learning-rate", type=float, default=0.003, help="Adam's (default 0.003)")
    net.add_argument(
        "--backend", choices=sorted(_BACKEND_MODULES), help="Keras backend (sets KERAS_BACKEND)"
    )
    cmp.add_argument("--out", default="skweight-out", help="output folder (default ./skweight-out)")
    talk = cmp.add_mutually_exclusive_group()
    talk.add_argument("-q", "--quiet", action="store_true", help="no per-fit progress lines")
    talk.add_argument("-v", "--verbose", action="store_true", help="also show Keras epochs")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args, extra = parser.parse_known_args(argv)
    except _ParserError as exc:
        print(str(exc).replace("\n", " "), file=sys.stderr)
        return 2
    if extra:
        prog = f"skweight {args.command}" if args.command else "skweight"
        print(f"{prog}: error: unrecognized arguments: {' '.join(extra)}", file=sys.stderr)
        return 2
    if args.command is None:
        parser.print_help()
        return 2
    try:
        if args.backend is not None:
            status = _switch_backend(args.backend, argv)
            if status is not None:
                return status
        return _compare(args)
    except UsageError as exc:
        message = str(exc).replace("\n", " ")
        print(f"skweight {args.command}: error: {message}", file=sys.stderr)
        return 2


def _switch_backend(backend: str, argv: list[str]) -> int | None:
    """Run the command again under ``KERAS_BACKEND=backend`` unless Keras already uses it."""
    os.environ["KERAS_BACKEND"] = backend
    if "keras" not in sys.modules:
        return None
    import keras

    if keras.backend.backend() == backend:
        return None
    if importlib.util.find_spec(_BACKEND_MODULES[backend]) is None:
        raise UsageError(
            f"--backend {backend}: the {_BACKEND_MODULES[backend]} package is not installed."
        )
    if os.environ.get("_SKWEIGHT_RESTARTED") == backend:
        raise UsageError(f"--backend {backend}: Keras did not start with this backend.")
    env = {**os.environ, "KERAS_BACKEND": backend, "_SKWEIGHT_RESTARTED": backend}
    return subprocess.call([sys.executable, "-m", "skweight", *argv], env=env)


def _strategy_names() -> list[str]:
    """The candidates ``--strategies`` accepts: the baselines and the registered candidates."""
    from .compare import simplicity_ranks

    return list(simplicity_ranks())


def _strategies(text: str | None):
    from .compare import BASELINES

    if text is None:
        return None, True
    names = [n.strip() for n in text.split(",") if n.strip()]
    valid = _strategy_names()
    unknown = [n for n in names if n not in valid]
    if unknown or not names:
        raise UsageError(
            f"--strategies: unknown {unknown or 'empty list'}; choose from {', '.join(valid)}."
        )
    return [n for n in names if n not in BASELINES], [n for n in names if n in BASELINES]


# ---------------------------------------------------------------------------- the command
def check_options(args) -> tuple[tuple[int, ...], Path]:
    """Check every numeric option and ``--out`` before any data is read or model trained.

    Returns the hidden layer sizes (tabular data) or the image network's filters, and ``--out``.
    Unset ``--cv`` and ``--repeats`` get the data set's defaults (fewer fits for images, whose
    networks take longer to train).
    """
    images = data_set(args) in NETWORKS
    if args.cv is None:
        args.cv = 3 if images else 5
    if args.repeats is None:
        args.repeats = 1 if images else 2
    for name in ("cv", "threshold_cv", "repeats", "epochs", "batch_size"):
        minimum = 2 if "cv" in name else 1
        if getattr(args, name) < minimum:
            raise UsageError(f"--{name.replace('_', '-')} must be >= {minimum}.")
    sizes = check_image_options(args)
    if sizes is None:
        text = "16" if args.hidden is None else args.hidden
        try:
            sizes = tuple(int(v) for v in text.split(",") if v.strip())
        except ValueError as exc:
            raise UsageError(f"--hidden: expected sizes like '32,16'; got {text!r}.") from exc
        if not sizes or min(sizes) < 1:
            raise UsageError(f"--hidden: layer sizes must be integers >= 1; got {text!r}.")
    if args.n_jobs == 0:
        raise UsageError("--n-jobs must not be 0 (1 for one process, -1 for every core).")
    if not 0 <= args.random_state < 2**32:
        raise UsageError(f"--random-state must be in [0, 2**32); got {args.random_state}.")
    rate = args.learning_rate
    if not (np.isfinite(rate) and 0 < rate <= FLOAT32_MAX):
        raise UsageError(f"--learning-rate must be a finite number > 0; got {rate:g}.")
    for flag in ("fp_cost", "fn_cost"):
        value = getattr(args, flag)
        if value is not None and not (np.isfinite(value) and value >= 0):
            raise UsageError(f"--fp-cost/--fn-cost: {flag} must be finite and >= 0; got {value!r}.")
    out = Path(args.out)
    existing = next(p for p in (out, *out.parents) if p.exists())
    if not existing.is_dir():
        raise UsageError(f"--out: {existing} exists and is a file; name a folder.")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UsageError(f"--out: cannot write into {existing}.")
    return sizes, out


def _compare(args) -> int:
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from ._params import InvalidParameterError
    from .classifier import WeightedKerasClassifier
    from .compare import compare_weightings

    sizes, out = check_options(args)
    data = data_set(args)
    images = data in NETWORKS
    X, y, source, positive = load_images(args) if images else load_data(args)
    classes, counts = np.unique(y, return_counts=True)
    if images:
        facts = describe_images(X, y, positive, args.cv)
    else:
        if counts.min() < args.cv:
            raise UsageError(f"--cv {args.cv}: the smallest class has only {counts.min()} rows.")
        mix = ", ".join(f"{c} {n}" for c, n in zip(classes, counts, strict=True))
        facts = f"{X.shape[0]} rows, {X.shape[1]} features; classes {mix}"
    matrix, cost_text = resolve_cost(args, classes, positive)
    if data == "segmentation":
        cost_text = f"per pixel, {cost_text}"
    strategies, baselines = _strategies(args.strategies)

    default_positive = args.pos_label is None and data != "breast-cancer"
    print(
        f"Data: {source}: {facts}"
        + (f"; positive class: {positive}" if positive is not None else "")
        + (" (the minority class; --pos-label to change)" if positive is not None
           and default_positive else "")
    )  # fmt: skip
    print(
        f"Cost: {cost_text}; matrix (rows true, columns predicted, {list(map(str, classes))}): "
        f"{matrix.tolist()}"
    )
    import keras

    folds = "CV stratified by whether a mask holds an object" if y.ndim > 1 else "stratified CV"
    network = f"{NETWORKS[data]} filters {sizes}" if images else f"hidden layers {sizes}"
    print(
        f"Search: {args.cv}-fold {folds} x {args.repeats} repeats, {args.epochs} epochs, "
        f"Keras backend {keras.backend.backend()}, {network}, n_jobs={args.n_jobs}, "
        f"random_state={args.random_state}"
    )

    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if images:
        estimator = image_estimator(args, sizes)
    else:
        estimator = make_pipeline(
            StandardScaler(),
            WeightedKerasClassifier(
                hidden_layer_sizes=sizes,
                epochs=args.epochs,
                batch_size=args.batch_size,
                optimizer__learning_rate=args.learning_rate,
                random_state=args.random_state,
            ),
        )
    start = time.perf_counter()
    try:
        result = compare_weightings(
            estimator,
            X,
            y,
            strategies=strategies,
            cost_matrix=matrix,
            labels=classes,
            pos_label=positive,
            baselines=baselines,
            cv=args.cv,
            n_repeats=args.repeats,
            selection=args.selection,
            threshold_cv=args.threshold_cv,
            n_jobs=args.n_jobs,
            engine=args.engine,
            verbose=0 if args.quiet else 2 if args.verbose else 1,
            random_state=args.random_state,
        )
    except InvalidParameterError as exc:  # checked before any fit
        raise UsageError(str(exc)) from exc
    elapsed = time.perf_counter() - start

    out.mkdir(parents=True, exist_ok=True)
    result.table.to_csv(out / "compare.csv")
    summary = result.to_dict()
    summary["settings"] = {
        "data": source,
        "cost": cost_text,
        "cv": args.cv,
        "repeats": args.repeats,
        "threshold_cv": args.threshold_cv,
        "epochs": args.epochs,
        **(
            {"network": NETWORKS[data], "filters": list(sizes), "images": int(len(y))}
            if images
            else {"hidden_layer_sizes": list(sizes)}
        ),
        "n_jobs": args.n_jobs,
        "random_state": args.random_state,
        "seconds": round(elapsed, 1),
    }
    (out / "compare.json").write_text(json.dumps(summary, indent=2, default=str))
    result.plot(out / "compare.png", title=f"skweight compare on {Path(source).name}")
    print()
    print(result.summary())
    print(
        f"\nFinished in {elapsed:.0f}s. Wrote {out / 'compare.png'}, {out / 'compare.csv'}, "
        f"{out / 'compare.json'}"
    )
    return 0
