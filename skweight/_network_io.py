"""How a network's inputs and outputs line up with ``X`` and ``y``.

Inputs
    ``X`` as one array goes to a network with one input. ``X`` as a ``MultiInput`` goes to a
    network with as many inputs: a dict by the names of the network's inputs (the ``name=`` of
    each ``keras.Input``), or a list in their order (a network that takes a dict needs a dict).
Outputs
    ``y`` as one target trains a network with one output; a regressor's 2-D ``y`` may also
    train a network with several outputs, one block of columns each (the outputs' units, in
    order, add up to ``y``'s columns). ``y`` as a ``MultiOutput`` trains a network with as many
    outputs: a dict by the network's output names (its output layers' names, or the keys of a
    network that returns a dict), or a list in their order. Each output's units must fit its
    target (``skweight._multi_target``).

``check_network_io`` raises, naming both sides, where they do not line up, and records what
training and prediction need: ``network_outputs_`` (how ``y``'s outputs map onto the
network's) or ``output_blocks_`` (the units of each block of columns).
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
from sklearn.base import is_classifier

from ._multi_rows import fitted_on_inputs, keras_inputs
from ._multi_target import allowed_units, several_outputs, summary
from .multi_io import MultiInput

__all__ = [
    "check_network_inputs",
    "check_network_outputs",
    "describe_rows",
    "from_network",
    "probe_rows",
    "to_network",
]


def input_layout(model: keras.Model) -> tuple[str, list[str]]:
    """``(structure, names)`` of the network's inputs: ``"dict"``, ``"list"``, ``"single"``, or
    ``"unknown"`` (a subclassed network, whose inputs are known only once it is called)."""
    try:
        structure = model.input
    except (AttributeError, ValueError):
        try:
            inputs = list(model.inputs or ())
        except (AttributeError, TypeError, ValueError):
            return "unknown", []
        if not inputs:
            return "unknown", []
        return ("single" if len(inputs) == 1 else "list"), [t.name for t in inputs]
    if isinstance(structure, dict):
        return "dict", list(structure)
    if isinstance(structure, (list, tuple)):
        return "list", [t.name for t in structure]
    return "single", [getattr(structure, "name", "input")]


def describe_rows(estimator) -> str:
    """The shape of a row (or of each input's row), for messages."""
    fitted = getattr(estimator, "X_shape_", (None, getattr(estimator, "n_features_in_", 0)))
    if isinstance(fitted, dict):
        return "{" + ", ".join(f"{k!r}: {tuple(v[1:])}" for k, v in fitted.items()) + "}"
    if isinstance(fitted, list):
        return "[" + ", ".join(str(tuple(v[1:])) for v in fitted) + "]"
    return f"{tuple(fitted[1:])} (X_shape_[1:])"


def check_network_inputs(estimator, model: keras.Model, where: str = "") -> None:
    """Raise unless the network has one input per array of ``X``, named as ``X`` names them."""
    structure, names = input_layout(model)
    fitted = getattr(estimator, "X_shape_", None)
    if not fitted_on_inputs(estimator):
        if len(names) > 1:
            raise ValueError(
                f"{where}The network has {len(names)} inputs ({names}); X is one array. Give X "
                "as a skweight.MultiInput (or a list or dict of arrays) with one array per "
                "input: a dict by these names, or a list in this order."
            )
        return
    if structure == "unknown":
        return
    if len(names) != len(fitted):
        raise ValueError(
            f"{where}The network has {len(names)} input(s) ({names}); X has {len(fitted)} "
            f"({describe_rows(estimator)}). Give X one array per input of the network."
        )
    if isinstance(fitted, dict) and set(fitted) != set(names) and structure != "single":
        raise ValueError(
            f"{where}X's inputs are named {sorted(fitted)}; the network's inputs are named "
            f"{names}. Name the arrays after the network's inputs (keras.Input(name=...)), or "
            "give X as a list in the order of the inputs."
        )
    if isinstance(fitted, list) and structure == "dict":
        raise ValueError(
            f"{where}The network takes its inputs by name ({names}); give X as a dict (or "
            "MultiInput) by those names."
        )


def probe_rows(estimator) -> Any:
    """One row of zeros per input, shaped and typed as at fit, as Keras takes them."""
    fitted = getattr(estimator, "X_shape_", (None, getattr(estimator, "n_features_in_", 0)))
    dtypes = getattr(estimator, "X_dtype_", np.dtype("float32"))

    def zeros(shape, dtype) -> np.ndarray:
        kind = np.dtype(dtype).kind
        return np.zeros((1, *shape[1:]), dtype=dtype if kind in "iu" else "float32")

    if isinstance(fitted, dict):
        arrays = tuple(zeros(fitted[name], dtypes[name]) for name in fitted)
        return keras_inputs(MultiInput._of(tuple(fitted), arrays))
    if isinstance(fitted, list):
        arrays = tuple(zeros(s, d) for s, d in zip(fitted, dtypes, strict=True))
        return keras_inputs(MultiInput._of(None, arrays))
    return zeros(fitted, dtypes)


def _entries(raw: Any) -> tuple[str, list, list[tuple[int, ...]]]:
    """``(structure, keys, per-row shapes)`` of a network's outputs on a probe."""

    def shape(value) -> tuple[int, ...]:
        return tuple(int(d) for d in keras.ops.shape(value)[1:])

    if isinstance(raw, dict):
        return "dict", list(raw), [shape(v) for v in raw.values()]
    if isinstance(raw, (list, tuple)):
        return "list", list(range(len(raw))), [shape(v) for v in raw]
    return "single", [0], [shape(raw)]


def check_network_outputs(estimator, model: keras.Model, raw: Any, where: str = "") -> bool:
    """Check the network's outputs on a probe against several targets (or column blocks).

    Returns True when it checked everything (several outputs, or a regressor's blocks of
    columns); False leaves the check of one output to the caller.
    """
    structure, keys, shapes = _entries(raw)
    if several_outputs(estimator):
        _check_several(estimator, model, structure, keys, shapes, where)
        return True
    if hasattr(estimator, "output_blocks_"):
        del estimator.output_blocks_
    if len(keys) == 1:
        return False
    names = _output_names(model, structure, keys)
    columns = getattr(estimator, "target_type_", "") == "continuous-multioutput"
    blocks = columns and not is_classifier(estimator)
    if not blocks:
        raise ValueError(
            f"{where}The network has {len(keys)} outputs ({names}); y is one target. Give y "
            "as a list (or a dict by output name) of one target per output, or as a "
            "skweight.MultiOutput for cross-validation."
        )
    units = [s[0] if len(s) == 1 else None for s in shapes]
    if structure != "list" or None in units or sum(units) != estimator.n_outputs_:
        raise ValueError(
            f"{where}The network has {len(keys)} outputs ({names}) of shapes "
            f"{[tuple(s) for s in shapes]} per row; y has {estimator.n_outputs_} columns. As "
            "blocks of y's columns, the outputs must be a list of (units,) outputs whose units "
            "add up to y's columns; otherwise give y as a list or dict of per-output targets."
        )
    estimator.output_blocks_ = [int(u) for u in units]
    return True


def _output_names(model: keras.Model, structure: str, keys: list) -> list[str] | None:
    if structure == "dict":
        return [str(k) for k in keys]
    names = getattr(model, "output_names", None)
    return list(names) if names is not None and len(names) == len(keys) else None


def _check_several(estimator, model, structure: str, keys: list, shapes: list, where: str):
    specs = estimator.outputs_
    labels = [spec["label"] for spec in specs]
    names = _output_names(model, structure, keys)
    if len(keys) != len(specs):
        raise ValueError(
            f"{where}The network has {len(keys)} output(s){f' ({names})' if names else ''}; "
            f"y has {len(specs)} ({', '.join(labels)}). Give the network one output per "
            "target (keras.Model(inputs, [output_a, output_b])), or y one target per output."
        )
    by_name = isinstance(specs[0]["key"], str)
    if structure == "dict" and not by_name:
        raise ValueError(
            f"{where}The network returns its outputs as a dict ({names}); give y as a dict "
            "(or MultiOutput) by those names."
        )
    if by_name and structure != "single":
        wanted = [spec["key"] for spec in specs]
        if names is None or set(names) != set(wanted):
            raise ValueError(
                f"{where}y's outputs are named {sorted(wanted)}; the network's outputs are "
                f"{'named ' + str(names) if names else 'not named'} (the names of its output "
                "layers, Dense(..., name=...)). Name y's arrays after the network's outputs, "
                "or give y as a list in the order of the outputs."
            )
        positions = [names.index(key) for key in wanted]
    else:
        positions = list(range(len(specs)))
    for spec, position in zip(specs, positions, strict=True):
        shape = tuple(shapes[position])
        fits = [(units,) for units in allowed_units(spec)]
        if shape not in fits:
            raise ValueError(
                f"{where}The network's output {names[position] if names else position} has "
                f"shape {shape} per row, but y's {spec['label']} ({summary(spec)}) needs "
                f"{' or '.join(map(str, fits))}."
            )
    if names is not None and not by_name:
        estimator.output_names_ = [names[p] for p in positions]
    estimator.network_outputs_ = {
        "structure": structure,
        "positions": positions,
        "units": [int(shapes[p][0]) for p in positions],
    }


def to_network(estimator, values: list) -> Any:
    """Per-output values (in ``y``'s order) in the structure the network outputs."""
    layout = estimator.network_outputs_
    if layout["structure"] == "single":
        return values[0]
    if layout["structure"] == "dict":
        return {spec["key"]: value for spec, value in zip(estimator.outputs_, values, strict=True)}
    ordered = [None] * len(values)
    for position, value in zip(layout["positions"], values, strict=True):
        ordered[position] = value
    return ordered


def from_network(estimator, raw: Any) -> list:
    """The network's outputs (its own structure) as a list in ``y``'s order."""
    layout = estimator.network_outputs_
    if layout["structure"] == "single":
        return [raw]
    if layout["structure"] == "dict":
        return [raw[spec["key"]] for spec in estimator.outputs_]
    return [raw[position] for position in layout["positions"]]
