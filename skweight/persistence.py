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

Parameters that are code rather than data (a build function, callbacks, Keras loss or
optimizer objects, a ``RandomState``) are refused by ``save`` with an error naming them;
leave them out with ``exclude=`` and pass them back to ``load``. Pickle, joblib and
``copy.deepcopy`` also work on fitted estimators, but unpickling runs code from the file: use
them only for files you trust.
"""

from __future__ import annotations

import json
import numbers
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import keras
import numpy as np

from ._fitted_state import fitted_attributes, is_fitted_attribute

__all__ = ["FORMAT", "load", "register_savable", "save"]

#: Identifies skweight's save format in ``skweight.json``.
FORMAT = "skweight-estimator"
_VERSION = 1
_MANIFEST = "skweight.json"
_MODEL = "model.keras"
_MODEL_PARAM = "model_param.keras"
_ARRAY_NAME = re.compile(r"^arrays/[0-9]{1,6}\.npy$")
_MEMBER_NAME = re.compile(
    r"^(skweight\.json|model\.keras|model_param\.keras|arrays/[0-9]{1,6}\.npy)$"
)
#: Estimator classes a saved file may name, filled by ``register_savable``.
_ESTIMATORS: dict[str, type] = {}

_SAMPLERS = {
    "imblearn.over_sampling": ("RandomOverSampler", "SMOTE", "ADASYN", "BorderlineSMOTE",
                               "SVMSMOTE", "KMeansSMOTE", "SMOTENC", "SMOTEN"),
    "imblearn.under_sampling": ("RandomUnderSampler", "NearMiss", "TomekLinks",
                                "EditedNearestNeighbours", "RepeatedEditedNearestNeighbours",
                                "AllKNN", "CondensedNearestNeighbour", "OneSidedSelection",
                                "NeighbourhoodCleaningRule", "InstanceHardnessThreshold",
                                "ClusterCentroids"),
    "imblearn.combine": ("SMOTEENN", "SMOTETomek"),
}  # fmt: skip


def register_savable(cls: type) -> type:
    """Class decorator: allow saved files to name this estimator class (by its public name)."""
    _ESTIMATORS[f"skweight.{cls.__name__}"] = cls
    return cls


def _strategy_name(cls: type) -> str:
    if cls.__module__.startswith("skweight.weighting"):
        return f"skweight.weighting.{cls.__name__}"
    return f"{cls.__module__}.{cls.__qualname__}"


def _allowed_classes() -> dict[str, type]:
    """The classes a saved file may name: registered estimators, strategies and samplers."""
    import importlib

    from .weighting.registry import registered_strategies

    allowed = dict(_ESTIMATORS)
    allowed.update({_strategy_name(e.cls): e.cls for e in registered_strategies()})
    for module_name, names in _SAMPLERS.items():
        try:
            module = importlib.import_module(module_name)  # fixed names, never from the file
        except ImportError:  # pragma: no cover - imbalanced-learn is a dependency
            continue
        for name in names:
            if hasattr(module, name):
                allowed[f"{module_name}.{name}"] = getattr(module, name)
    return allowed


class _Writer:
    """Encode Python values as JSON, writing arrays to ``.npy`` files beside it."""

    def __init__(self, folder: Path):
        self.folder = folder
        from .weighting.registry import registered_strategies

        self.allowed = {cls: name for name, cls in _allowed_classes().items()}
        self.strategies = {entry.cls for entry in registered_strategies()}
        self.n_arrays = 0

    def encode(self, value: Any, where: str) -> Any:
        if isinstance(value, np.generic) and not isinstance(value, np.object_):
            value = value.item()
        if value is None or isinstance(value, (bool, str, numbers.Integral, numbers.Real)):
            return value
        if isinstance(value, np.ndarray):
            return self._array(value, where)
        if isinstance(value, np.dtype):
            if value.hasobject:
                raise TypeError(f"save: {where} is an object dtype; only plain dtypes are saved.")
            return {"$dtype": value.str}
        if isinstance(value, tuple):
            return {"$tuple": [self.encode(v, f"{where}[{i}]") for i, v in enumerate(value)]}
        if isinstance(value, list):
            return [self.encode(v, f"{where}[{i}]") for i, v in enumerate(value)]
        if isinstance(value, dict):
            return {
                "$dict": [
                    [self.encode(k, f"{where} key"), self.encode(v, f"{where}[{k!r}]")]
                    for k, v in value.items()
                ]
            }
        if isinstance(value, keras.Model) and where == "parameter model":
            value.save(self.folder / _MODEL_PARAM)
            return {"$keras_model": _MODEL_PARAM}
        if type(value) in self.allowed:
            return self._object(value, where)
        raise TypeError(
            f"save: {where}={_short(value)} is not plain data (None, numbers, strings, lists, "
            "dicts, arrays, skweight strategies or imbalanced-learn samplers); skweight saves no "
            "code. Leave it out with save(..., exclude=[...]) and pass it to load(), or use "
            "pickle/joblib for files you trust."
        )

    def _array(self, array: np.ndarray, where: str) -> dict[str, Any]:
        as_object = array.dtype == object
        if as_object:
            if not all(isinstance(v, str) for v in array.ravel().tolist()):
                raise TypeError(
                    f"save: {where} is an object array holding non-strings; only numeric and "
                    "string arrays are saved."
                )
            array = array.astype(str)
        name = f"arrays/{self.n_arrays}.npy"
        self.n_arrays += 1
        np.save(self.folder / name, array, allow_pickle=False)
        return {"$array": name, "object": as_object}

    def _object(self, obj: Any, where: str) -> dict[str, Any]:
        params = obj.get_params(deep=False)
        encoded = {
            "$object": self.allowed[type(obj)],
            "params": self.encode(params, f"{where}.params"),
        }
        if type(obj) in self.strategies:  # the fitted state of the estimator's weighting_
            state = {k: v for k, v in fitted_attributes(obj).items() if k not in params}
            encoded["state"] = self.encode(state, f"{where} state")
        return encoded


class _Reader:
    """Decode ``_Writer``'s JSON; names only allow-listed classes, loads no pickles."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.allowed = _allowed_classes()

    def decode(self, value: Any, where: str) -> Any:
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        if isinstance(value, list):
            return [self.decode(v, where) for v in value]
        if not isinstance(value, dict) or len(value) == 0:
            raise ValueError(f"load: {where} holds an unexpected value {_short(value)}.")
        if "$tuple" in value:
            return tuple(self.decode(v, where) for v in value["$tuple"])
        if "$dict" in value:
            return {self._key(k, where): self.decode(v, where) for k, v in value["$dict"]}
        if "$array" in value:
            return self._array(value, where)
        if "$dtype" in value:
            dtype = np.dtype(str(value["$dtype"]))
            if dtype.hasobject:
                raise ValueError(f"load: {where} names an object dtype, which is not allowed.")
            return dtype
        if "$object" in value:
            return self._object(value, where)
        if "$keras_model" in value and where == "parameter model":
            return _load_keras(self.folder / _MODEL_PARAM)
        raise ValueError(f"load: {where} holds an unexpected value {_short(value)}.")

    def _key(self, key: Any, where: str) -> Any:
        key = self.decode(key, where)
        return tuple(key) if isinstance(key, list) else key

    def _array(self, value: dict[str, Any], where: str) -> np.ndarray:
        name = value["$array"]
        if not isinstance(name, str) or not _ARRAY_NAME.match(name):
            raise ValueError(f"load: {where} refers to {name!r}, which is not a saved array.")
        try:
            array = np.load(self.folder / name, allow_pickle=False)
        except ValueError as exc:  # an object array needs pickle: refused
            raise ValueError(
                f"load: {name} ({where}) cannot be read without unpickling, which skweight "
                f"never does: {exc}"
            ) from exc
        return array.astype(object) if value.get("object") else array

    def _object(self, value: dict[str, Any], where: str) -> Any:
        name = value["$object"]
        cls = self.allowed.get(name) if isinstance(name, str) else None
        if cls is None:
            raise ValueError(
                f"load: {where} names the class {name!r}, which is not allowed; a saved file may "
                f"only name {sorted(self.allowed)}."
            )
        params = self.decode(value.get("params", {"$dict": []}), f"{where}.params")
        obj = cls(**params)
        for key, state in self.decode(value.get("state", {"$dict": []}), where).items():
            if not (isinstance(key, str) and key.endswith("_") and key.isidentifier()):
                raise ValueError(f"load: {where} has a state entry {key!r} that is not allowed.")
            setattr(obj, key, state)
        return obj


def save(estimator, path, *, exclude: Iterable[str] = ()) -> Path:
    """Save a (fitted or unfitted) skweight estimator to a directory or a ``.zip`` file.

    Parameters
    ----------
    estimator : WeightedKerasClassifier or WeightedKerasRegressor
        The estimator to save.
    path : str or path-like
        A directory to create (it must not exist or be empty), or a file name ending in
        ``.zip`` for a single archive.
    exclude : iterable of str, default=()
        Parameters not to save, such as a build function (``model``) or ``callbacks``. They
        take their default values on ``load`` unless passed to it.

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    TypeError
        If a parameter or fitted attribute is not plain data; the message names it.
    """
    if type(estimator) not in _ESTIMATORS.values():
        raise TypeError(
            "save: estimator must be a WeightedKerasClassifier or WeightedKerasRegressor; got "
            f"{type(estimator).__name__}."
        )
    path = Path(path)
    exclude = set(exclude)
    params = estimator.get_params(deep=False)
    unknown = exclude.difference(params)
    if unknown:
        raise ValueError(f"save: exclude names unknown parameter(s) {sorted(unknown)}.")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "arrays").mkdir()
        writer = _Writer(folder)
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
        _publish(folder, path)
    return path


def load(path, *, expected: type | None = None, **params):
    """Load an estimator saved by ``save``, running no code from the file.

    Parameters
    ----------
    path : str or path-like
        The directory or ``.zip`` file written by ``save``.
    expected : class or None
        If given, the saved estimator must be an instance of it.
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
        If the file is not a skweight save, or names a class, array or model content that is
        not allowed (pickled objects, Lambda layers, unknown classes).
    """
    path = Path(path)
    if path.is_dir():
        return _load_folder(path, expected, params)
    if not zipfile.is_zipfile(path):
        raise ValueError(f"load: path={str(path)!r} is neither a saved directory nor a zip file.")
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(path) as archive:
        for member in archive.infolist():
            if member.is_dir():
                continue
            if not _MEMBER_NAME.match(member.filename):
                raise ValueError(
                    f"load: {path} contains {member.filename!r}, which is not part of a skweight "
                    "save."
                )
            target = Path(tmp) / member.filename
            target.parent.mkdir(exist_ok=True)
            with archive.open(member) as source, open(target, "wb") as out:
                shutil.copyfileobj(source, out)
        return _load_folder(Path(tmp), expected, params)


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
    reader = _Reader(folder)
    name = manifest.get("estimator")
    cls = _ESTIMATORS.get(name) if isinstance(name, str) else None
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
        estimator.model_ = _load_keras(folder / _MODEL)
    return estimator


def _load_keras(path: Path) -> keras.Model:
    try:
        return keras.saving.load_model(path, compile=False, safe_mode=True)
    except Exception as exc:  # noqa: BLE001 - any refusal or corruption becomes one clear error
        raise ValueError(
            f"load: the Keras model {path.name} cannot be loaded in safe mode (skweight never "
            f"runs code from a file; Lambda layers and unregistered classes are refused): "
            f"{type(exc).__name__}: {exc}"
        ) from exc


def _publish(folder: Path, path: Path) -> None:
    """Move the files written in ``folder`` to ``path`` (a directory, or a ``.zip`` archive)."""
    if path.suffix == ".zip":
        path.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for file in sorted(folder.rglob("*")):
                if file.is_file():
                    archive.write(file, file.relative_to(folder).as_posix())
        return
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise FileExistsError(f"save: path={str(path)!r} exists and is not an empty directory.")
    path.mkdir(parents=True, exist_ok=True)
    for file in folder.iterdir():
        shutil.move(str(file), path / file.name)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
