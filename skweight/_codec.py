"""Plain-JSON encoding of a save's parameters and fitted attributes; no code is ever loaded.

``Writer`` turns Python values into JSON, writing arrays to ``.npy`` files and a ``keras.Model``
parameter to a ``.keras`` file beside it; ``Reader`` decodes them, naming only the classes in an
allow-list (registered estimators, skweight's strategies and imbalanced-learn's samplers) and
reading arrays and networks without pickle or code.
"""

from __future__ import annotations

import numbers
import re
from pathlib import Path
from typing import Any

import keras
import numpy as np

from ._fitted_state import fitted_attributes

MODEL_PARAM = "model_param.keras"
_ARRAY_NAME = re.compile(r"^arrays/[0-9]{1,6}\.npy$")

#: Estimator classes a saved file may name, filled by ``register_savable``.
ESTIMATORS: dict[str, type] = {}

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
    ESTIMATORS[f"skweight.{cls.__name__}"] = cls
    return cls


def _strategy_name(cls: type) -> str:
    if cls.__module__.startswith("skweight.weighting"):
        return f"skweight.weighting.{cls.__name__}"
    return f"{cls.__module__}.{cls.__qualname__}"


def allowed_classes() -> dict[str, type]:
    """The classes a saved file may name: registered estimators, strategies and samplers."""
    import importlib

    from .weighting.registry import registered_strategies

    allowed = dict(ESTIMATORS)
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


def allowed_functions() -> dict[str, Any]:
    """The build functions a save may name: skweight's own networks (``skweight.networks``)."""
    from . import networks

    return {f"skweight.networks.{name}": getattr(networks, name) for name in networks.__all__}


class Writer:
    """Encode Python values as JSON, writing arrays to ``.npy`` files beside it."""

    def __init__(self, folder: Path):
        self.folder = folder
        from .weighting.registry import registered_strategies

        self.allowed = {cls: name for name, cls in allowed_classes().items()}
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
            value.save(self.folder / MODEL_PARAM)
            return {"$keras_model": MODEL_PARAM}
        if type(value) in self.allowed:
            return self._object(value, where)
        for name, function in allowed_functions().items():
            if value is function:
                return {"$function": name}
        raise TypeError(
            f"save: {where}={_short(value)} is not plain data (None, numbers, strings, lists, "
            "dicts, arrays, skweight strategies, imbalanced-learn samplers or skweight.networks "
            "build functions); skweight saves no "
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


class Reader:
    """Decode ``_Writer``'s JSON; names only allow-listed classes, loads no pickles."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.allowed = allowed_classes()

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
        if "$function" in value:
            functions = allowed_functions()
            if value["$function"] not in functions:
                raise ValueError(
                    f"load: {where} names the function {value['$function']!r}, which is not one "
                    "of skweight.networks' build functions."
                )
            return functions[value["$function"]]
        if "$keras_model" in value and where == "parameter model":
            return load_keras(self.folder / MODEL_PARAM)
        raise ValueError(f"load: {where} holds an unexpected value {_short(value)}.")

    def _key(self, key: Any, where: str) -> Any:
        key = self.decode(key, where)
        return tuple(key) if isinstance(key, list) else key

    def _array(self, value: dict[str, Any], where: str) -> np.ndarray:
        name = value["$array"]
        if not isinstance(name, str) or not _ARRAY_NAME.match(name):
            raise ValueError(f"load: {where} refers to {name!r}, which is not a saved array.")
        file = self.folder / name
        if _needs_pickle(file):
            raise ValueError(
                f"load: {name} ({where}) holds Python objects and cannot be read without "
                "unpickling, which skweight never does."
            )
        try:
            array = np.load(file, allow_pickle=False)
        except (ValueError, EOFError, OSError) as exc:
            raise ValueError(
                f"load: {name} ({where}) is corrupt or truncated ({type(exc).__name__}: {exc}); "
                "save the estimator again."
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


def _needs_pickle(file: Path) -> bool:
    """True if the ``.npy`` file's header declares an object dtype (None: unreadable header)."""
    try:
        with open(file, "rb") as handle:
            version = np.lib.format.read_magic(handle)
            read_header = (
                np.lib.format.read_array_header_1_0
                if version == (1, 0)
                else np.lib.format.read_array_header_2_0
            )
            _, _, dtype = read_header(handle)
    except (ValueError, EOFError, OSError):
        return False  # np.load reports it as corrupt
    return bool(dtype.hasobject)


def load_keras(path: Path) -> keras.Model:
    try:
        return keras.saving.load_model(path, compile=False, safe_mode=True)
    except Exception as exc:  # noqa: BLE001 - any refusal or corruption becomes one clear error
        raise ValueError(
            f"load: the Keras model {path.name} cannot be loaded in safe mode (skweight never "
            f"runs code from a file; Lambda layers and unregistered classes are refused): "
            f"{type(exc).__name__}: {exc}"
        ) from exc


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
