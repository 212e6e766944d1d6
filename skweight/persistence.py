"""Save and load fitted estimators in a format that runs no code from the file when loaded.

A saved estimator is a directory (or the same files in a zip archive) holding:

``skweight.json``
    The estimator's class, its constructor and routed parameters, and its fitted attributes,
    as plain JSON. Weighting strategies and imbalanced-learn samplers are stored as a class name
    and their parameters; on load only the classes in an allow-list (skweight's strategies and
    imbalanced-learn's samplers) can be named, and nothing is imported because the file says so.
``arrays/<n>.npy``
    NumPy arrays (``classes_``, ``class_prior_``, ...), read with ``allow_pickle=False``.
``model.keras``
    The trained network in Keras' ``.keras`` format, read with ``safe_mode=True`` (no Lambda
    layer code, no arbitrary module imports) and without its compiled state.

Saving is atomic and refuses to replace an existing save unless ``overwrite=True``; loading
refuses archive members over ``MAX_MEMBER_BYTES`` (1 GiB, see ``load``), corrupt or truncated
files, and contents that contradict each other (a network whose inputs or outputs do not match
the saved estimator), each with a ``ValueError``; see ``skweight._archive``.

Parameters that are code rather than data (a build function, callbacks, Keras loss or
optimizer objects, a ``RandomState``) are refused by ``save`` with an error naming them;
leave them out with ``exclude=`` and pass them back to ``load``. Pickle, joblib and
``copy.deepcopy`` also work on fitted estimators, but unpickling runs code from the file: use
them only for files you trust.
"""

from __future__ import annotations

import json
import numbers
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import keras
import numpy as np

from ._archive import MAX_COMPRESSION_RATIO, MAX_MEMBER_BYTES, extract, publish
from ._codec import ESTIMATORS, Reader, Writer, load_keras, register_savable
from ._fitted_state import fitted_attributes, is_fitted_attribute

__all__ = [
    "FORMAT",
    "MAX_COMPRESSION_RATIO",
    "MAX_MEMBER_BYTES",
    "load",
    "register_savable",
    "save",
]

#: Identifies skweight's save format in ``skweight.json``.
FORMAT = "skweight-estimator"
_VERSION = 1
_MANIFEST = "skweight.json"
_MODEL = "model.keras"


def save(estimator, path, *, exclude: Iterable[str] = (), overwrite: bool = False) -> Path:
    """Save a (fitted or unfitted) skweight estimator to a directory or a ``.zip`` file.

    Parameters
    ----------
    estimator : WeightedKerasClassifier or WeightedKerasRegressor
        The estimator to save.
    path : str or path-like
        A directory to create (it must not exist or be empty), or a file name ending in
        ``.zip`` for a single archive. The files are written beside it and renamed into place,
        so an interrupted save never leaves a half-written save at ``path``.
    exclude : iterable of str, default=()
        Parameters not to save, such as a build function (``model``) or ``callbacks``. They
        take their default values on ``load`` unless passed to it.
    overwrite : bool, default=False
        Replace an existing ``.zip`` file, or a directory holding an earlier save. Without it
        an existing target is refused (``FileExistsError``).

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    TypeError
        If a parameter or fitted attribute is not plain data; the message names it.
    FileExistsError
        If ``path`` exists and ``overwrite`` is False, or it holds files that are not a save.
    """
    if type(estimator) not in ESTIMATORS.values():
        raise TypeError(
            "save: estimator must be a WeightedKerasClassifier or WeightedKerasRegressor; got "
            f"{type(estimator).__name__}."
        )
    if not isinstance(overwrite, bool):
        raise TypeError(f"save: overwrite must be True or False; got {overwrite!r}.")
    path = Path(path)
    exclude = set(exclude)
    params = estimator.get_params(deep=False)
    unknown = exclude.difference(params)
    if unknown:
        raise ValueError(f"save: exclude names unknown parameter(s) {sorted(unknown)}.")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "arrays").mkdir()
        writer = Writer(folder)
        kept = {k: v for k, v in params.items() if k not in exclude}
        manifest = {
            "format": FORMAT,
            "version": _VERSION,
            "estimator": writer.allowed[type(estimator)],
            "keras_backend": keras.backend.backend(),
            "params": {k: writer.encode(v, f"parameter {k}") for k, v in kept.items()},
            "attributes": {
                k: writer.encode(v, f"fitted attribute {k}")
                for k, v in fitted_attributes(estimator).items()
                if k not in params and k != "model_"
            },
            "model": None,
        }
        if hasattr(estimator, "model_"):
            estimator.model_.save(folder / _MODEL)
            manifest["model"] = _MODEL
        (folder / _MANIFEST).write_text(json.dumps(manifest, indent=1))
        publish(folder, path, overwrite=overwrite)
    return path


def load(path, *, expected: type | None = None, max_member_bytes: int = MAX_MEMBER_BYTES, **params):
    """Load an estimator saved by ``save``, running no code from the file.

    Parameters
    ----------
    path : str or path-like
        The directory or ``.zip`` file written by ``save``.
    expected : class or None
        If given, the saved estimator must be an instance of it.
    max_member_bytes : int, default=MAX_MEMBER_BYTES (1 GiB)
        The largest uncompressed member extracted from a ``.zip``; members that expand more
        than ``MAX_COMPRESSION_RATIO``-fold (100) are refused whatever their size.
    **params
        Parameters to set on the loaded estimator, e.g. those left out with ``exclude=``.

    Returns
    -------
    WeightedKerasClassifier or WeightedKerasRegressor
        With the saved parameters and fitted attributes; ``model_`` is loaded uncompiled, so
        continued training (``warm_start``, ``partial_fit``) compiles it with a fresh optimizer.

    Raises
    ------
    ValueError
        If the file is not a skweight save, names a class, array or model content that is
        not allowed (pickled objects, Lambda layers, unknown classes), is corrupt or
        truncated, holds a member over the limits, or its network does not match the saved
        estimator (its number of features, classes or outputs).
    """
    path = Path(path)
    if path.is_dir():
        return _load_folder(path, expected, params)
    if not path.is_file() or path.suffix != ".zip" and not _looks_like_zip(path):
        raise ValueError(f"load: path={str(path)!r} is neither a saved directory nor a zip file.")
    with tempfile.TemporaryDirectory() as tmp:
        extract(path, Path(tmp), max_member_bytes=max_member_bytes)
        return _load_folder(Path(tmp), expected, params)


def _looks_like_zip(path: Path) -> bool:
    with open(path, "rb") as file:
        return file.read(4) == b"PK\x03\x04"


def _load_folder(folder: Path, expected: type | None, overrides: dict[str, Any]):
    manifest_path = folder / _MANIFEST
    if not manifest_path.is_file():
        raise ValueError(f"load: {folder} has no {_MANIFEST}; it is not a skweight save.")
    try:
        manifest = json.loads(manifest_path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"load: {_MANIFEST} is not valid JSON: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ValueError(f"load: {_MANIFEST} is not a skweight save (format {FORMAT!r}).")
    if manifest.get("version") != _VERSION:
        raise ValueError(
            f"load: the file has format version {manifest.get('version')!r}; this skweight reads "
            f"version {_VERSION}."
        )
    reader = Reader(folder)
    name = manifest.get("estimator")
    cls = ESTIMATORS.get(name) if isinstance(name, str) else None
    if cls is None:
        raise ValueError(f"load: estimator {name!r} is not a skweight estimator; refusing it.")
    if expected is not None and not issubclass(cls, expected):
        raise TypeError(f"load: the file holds a {cls.__name__}, not a {expected.__name__}.")
    params = {
        k: reader.decode(v, f"parameter {k}") for k, v in dict(manifest.get("params", {})).items()
    }
    estimator = cls(**{**params, **overrides})
    for key, value in dict(manifest.get("attributes", {})).items():
        if not is_fitted_attribute(key) or key == "model_":
            raise ValueError(f"load: fitted attribute {key!r} is not allowed.")
        setattr(estimator, key, reader.decode(value, f"fitted attribute {key}"))
    if manifest.get("model") is not None:
        if manifest["model"] != _MODEL:
            raise ValueError(f"load: model {manifest['model']!r} is not {_MODEL!r}.")
        estimator.model_ = load_keras(folder / _MODEL)
        _check_consistent(estimator)
    return estimator


def _check_consistent(estimator) -> None:
    """Raise ``ValueError`` unless the loaded network and fitted attributes agree."""
    from ._network import check_network_shape

    try:
        n_classes = getattr(estimator, "n_classes_", None)
        if not isinstance(n_classes, numbers.Integral):  # several outputs: one entry each
            n_classes = None
        for name in ("classes_", "class_prior_", "training_prior_"):
            value = getattr(estimator, name, None)
            if n_classes is not None and value is not None and np.shape(value) != (n_classes,):
                raise ValueError(
                    f"load: {name} has shape {np.shape(value)} but n_classes_ is {n_classes}; "
                    "the file is inconsistent."
                )
        check_network_shape(estimator, estimator.model_, where="load: ")
    except (AttributeError, TypeError) as exc:
        raise ValueError(f"load: the saved fitted attributes are incomplete: {exc}") from exc
