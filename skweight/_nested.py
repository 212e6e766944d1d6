"""Objects configured by nested routed parameters, in SciKeras' notation.

A parameter such as ``callbacks`` or ``metrics`` may hold classes given uninstantiated, alone
or in a list or dict; routed parameters below its name configure them:

``callbacks=[keras.callbacks.EarlyStopping], callbacks__0__monitor="loss"``
    the first entry of the list is made as ``EarlyStopping(monitor="loss")``;
``callbacks__patience=2``
    (no further ``__``) goes to every class in the list or dict;
``callbacks={"stop": keras.callbacks.EarlyStopping}, callbacks__stop__patience=2``
    an entry of a dict, by its key;
``optimizer__learning_rate=ExponentialDecay, optimizer__learning_rate__decay_steps=10``
    an argument that is itself a class is made from the parameters below its own name;
``metrics__0__0=0.5``
    a number as the last part is a positional argument.

A parameter that reaches nothing (an index past the end of the list, a key the dict lacks,
an argument no class takes, a parameter for an object that is already made) is an error that
names it: it would otherwise be ignored without a word.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["configure", "configure_arguments"]


def _split(params: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """``({name: value} without further routing, {head: {rest: value}})``."""
    own: dict[str, Any] = {}
    below: dict[str, dict[str, Any]] = {}
    for key, value in params.items():
        head, sep, rest = key.partition("__")
        if sep:
            below.setdefault(head, {})[rest] = value
        else:
            own[key] = value
    return own, below


def configure(
    value: Any,
    params: Mapping[str, Any],
    name: str,
    *,
    resolve: Callable[[Any], Any] | None = None,
) -> Any:
    """``value`` with its classes made from ``params`` (routed names below ``name``).

    Parameters
    ----------
    value : Any
        A class, an object, or a list, tuple or dict of them.
    params : mapping of str to Any
        The routed parameters below ``name``, without the ``name__`` prefix.
    name : str
        The parameter's name, for error messages (``"callbacks"``).
    resolve : callable or None
        Turns an entry into a class when it has parameters (e.g. a metric's name).

    Returns
    -------
    Any
        The same structure with every class instantiated; entries that are not classes are
        passed through unchanged.
    """
    return _configure(value, dict(params), name, {}, resolve)


def _configure(value, params, name, base, resolve):
    if isinstance(value, (list, tuple, Mapping)):
        return _configure_container(value, params, name, resolve)
    if (params or base) and resolve is not None:
        value = resolve(value)
    if inspect.isclass(value):
        return _instantiate(value, params, name, base, resolve)
    if params or base:
        full = f"{name}__{sorted(params)[0]}" if params else f"{name}'s {sorted(base)}"
        raise ValueError(
            f"{full} would be ignored: {name} is {value!r}, an object already made (or not a "
            "class), which takes no parameters. Give the class itself (uninstantiated) to "
            "configure it with routed parameters, or set its arguments where you make it."
        )
    return value


def _configure_container(value, params, name, resolve):
    shared, below = _split(params)
    if isinstance(value, Mapping):
        keys = [str(k) for k in value]
        entries = list(value.items())
    else:
        keys = [str(i) for i in range(len(value))]
        entries = list(enumerate(value))
    unknown = sorted(set(below) - set(keys))
    if unknown:
        what = "keys " + repr(keys) if isinstance(value, Mapping) else f"{len(value)} entries"
        first = next(iter(below[unknown[0]]))
        raise ValueError(
            f"{name}__{unknown[0]}__{first} would be ignored: {name} has no entry "
            f"{unknown[0]!r} (it has {what})."
        )
    if shared and not any(inspect.isclass(_resolved(v, resolve)) for _, v in entries):
        raise ValueError(
            f"{name}__{sorted(shared)[0]} would be ignored: {name} holds no class to pass it "
            "to (its entries are already made). Give the classes uninstantiated, or set the "
            "argument where you make each object."
        )
    made = []
    for (key, item), label in zip(entries, keys, strict=True):
        own = below.get(label, {})
        item_base = shared if inspect.isclass(_resolved(item, resolve)) else {}
        made.append((key, _configure(item, own, f"{name}__{label}", item_base, resolve)))
    if isinstance(value, Mapping):
        return dict(made)
    return type(value)(item for _, item in made)


def _resolved(item, resolve):
    if resolve is None or inspect.isclass(item):
        return item
    try:
        return resolve(item)
    except (TypeError, ValueError):
        return item


def _instantiate(cls, params, name, base, resolve):
    own, below = _split(params)
    arguments = {**base, **own}
    unknown = sorted(set(below) - set(arguments))
    if unknown:
        first = next(iter(below[unknown[0]]))
        raise ValueError(
            f"{name}__{unknown[0]}__{first} would be ignored: no parameter {name}__{unknown[0]} "
            "gives the value it configures (set that argument to a class first)."
        )
    arguments = {
        key: _configure(arg, below.get(key, {}), f"{name}__{key}", {}, None)
        for key, arg in arguments.items()
    }
    positional = sorted((int(k), v) for k, v in arguments.items() if k.isdigit())
    keywords = {k: v for k, v in arguments.items() if not k.isdigit()}
    if [i for i, _ in positional] != list(range(len(positional))):
        raise ValueError(
            f"{name}: positional arguments {[f'{name}__{i}' for i, _ in positional]} must be "
            "numbered 0, 1, 2, ... without gaps."
        )
    try:
        return cls(*(v for _, v in positional), **keywords)
    except TypeError as exc:
        raise TypeError(
            f"{name}: {cls.__name__}(**{sorted(arguments)}) failed: {exc}. Check the "
            f"{name}__* parameters."
        ) from exc


def configure_arguments(params: dict[str, Any], name: str) -> dict[str, Any]:
    """``params`` (routed below ``name``) with the arguments given as classes made from the
    parameters below their own names; parameters without a ``__`` are returned as they are."""
    if not any("__" in key for key in params):
        return dict(params)
    top = {key: value for key, value in params.items() if "__" not in key}
    below = {key: value for key, value in params.items() if "__" in key}
    unknown = sorted({key.partition("__")[0] for key in below} - set(top))
    if unknown:
        key = next(k for k in below if k.partition("__")[0] == unknown[0])
        raise ValueError(
            f"{name}__{key} would be ignored: no parameter {name}__{unknown[0]} gives the value "
            "it configures (set that argument to a class first)."
        )
    return {
        key: configure(
            value,
            {k.partition("__")[2]: v for k, v in below.items() if k.startswith(key + "__")},
            f"{name}__{key}",
        )
        for key, value in top.items()
    }
