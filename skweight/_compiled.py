"""How the network is compiled: from the estimator's settings, or as the build function did.

``compile_settings`` are the ``keras.Model.compile`` arguments the estimator's parameters make:
the optimizer (``optimizer=``, ``optimizer__*``), the loss (``loss=``, ``loss__*``, or the
target's default) after the weighting strategy has had its say (focal loss, per-label weights),
the metrics (``metrics=``, ``metrics__*`` or ``compile__metrics``), and the ``compile__*``
settings over skweight's defaults. A build function that asks for ``compile_kwargs`` receives
them and may compile its network with them.

A network that the build function (or the ``keras.Model`` given as ``model=``) returns
already compiled is trained as compiled, as SciKeras does, unless ``recompile=True``.
``keep_compiled`` checks that no estimator setting would then be ignored without a word: a
``loss=`` that is not the compiled loss, or (when the build function did not take
``compile_kwargs``) ``optimizer=``, ``optimizer__*``, ``loss__*``, ``metrics``/``metrics__*``
or ``compile__*`` values that differ from what the network was compiled with (when it took
``compile_kwargs`` but compiled with an optimizer of its own: ``optimizer=`` and
``optimizer__*`` values that this optimizer does not have). The weighting
still applies: its row weights reach ``fit`` as always, and a strategy that replaces the loss
recompiles the network with the replaced loss and the rest of the network's own compile
settings.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

import keras
import numpy as np

from ._keras import _loss_class_from_name, default_compile_kwargs, make_loss, make_optimizer
from ._nested import configure
from ._network import build_network
from ._routing import routed

__all__ = ["build_and_compile", "compile_settings", "keep_compiled", "loss_object", "make_metrics"]


def build_and_compile(estimator, settings) -> None:
    """Give ``estimator`` a fresh network (unless continuing) and compile it if it needs it.

    A network that comes compiled is kept as compiled unless ``recompile=True``; one that
    does not is compiled with ``compile_settings``.
    """
    planned: dict[int | None, dict[str, Any]] = {}

    def compile_kwargs(units: int | None = None) -> dict[str, Any]:
        if units not in planned:
            loss = estimator.weighting_.make_loss(
                estimator._resolve_loss(settings.routed, units),
                target_type=estimator.target_type_,
            )
            planned[units] = compile_settings(estimator, settings, loss)
        return planned[units]

    if not settings.warm:
        model, took_compile_kwargs = build_network(
            estimator, settings.routed, settings.seed, compile_kwargs
        )
        estimator.model_ = model
        if model.compiled and not estimator.recompile:
            keep_compiled(estimator, model, settings, took_compile_kwargs=took_compile_kwargs)
    model = estimator.model_
    if not model.compiled or (not settings.warm and estimator.recompile):
        units = model.output_shape[-1]
        same = estimator._output_spec()[0] == units
        model.compile(**(planned.get(None) if same and None in planned else compile_kwargs(units)))


def make_metrics(estimator, routed_params: Mapping[str, Any]) -> Any:
    """The metrics to compile with (None when none are given), their classes made."""
    given = estimator.metrics
    compile_metrics = routed(routed_params, "compile").get("metrics")
    params = routed(routed_params, "metrics")
    if given is not None and compile_metrics is not None:
        raise ValueError(
            "metrics= and compile__metrics= are both given; set one of them (metrics=)."
        )
    if given is None:
        given = compile_metrics
    if given is None:
        if params:
            raise ValueError(
                f"metrics__{sorted(params)[0]} would be ignored: metrics is None. Give the "
                "metric classes in metrics= (e.g. metrics=[keras.metrics.AUC])."
            )
        return None
    made = configure(given, params, "metrics", resolve=_metric_class)
    if not isinstance(made, (list, tuple, Mapping)):
        made = [made]  # Keras takes a list (or a dict per output)
    return list(made) if isinstance(made, tuple) else made


def _metric_class(value: Any) -> Any:
    """A metric named by its class (``"AUC"``), as the class, so that it takes parameters."""
    if isinstance(value, str):
        candidate = getattr(keras.metrics, value, None)
        if isinstance(candidate, type) and issubclass(candidate, keras.metrics.Metric):
            return candidate
    return value


def compile_settings(estimator, settings, loss: Any) -> dict[str, Any]:
    """The ``keras.Model.compile`` arguments of one fit, with ``loss`` (already weighted)."""
    compile_params = routed(settings.routed, "compile")
    compile_params.pop("metrics", None)
    several = getattr(estimator, "outputs_", None) is not None or (
        getattr(estimator, "target_type_", "") == "continuous-multioutput"
    )
    if "loss_weights" in compile_params and not several:
        raise ValueError(
            "compile__loss_weights weighs the losses of a network's several outputs; this "
            "target trains one output. Weight rows with sample_weight or weighting= instead."
        )
    return {
        "optimizer": settings.optimizer,
        "loss": loss,
        "metrics": settings.metrics,
        "loss_weights": None,
        "weighted_metrics": None,
        "run_eagerly": False,
        **default_compile_kwargs(),
        **compile_params,
    }


def loss_object(loss: Any) -> Any:
    """A compiled loss as a callable object (a loss name becomes its Keras loss)."""
    if isinstance(loss, str):
        return make_loss(loss, {})
    return loss


def _loss_identity(loss: Any) -> Any:
    """What makes two losses the same loss: the Keras loss class, or the function itself."""
    loss = loss_object(loss)
    if isinstance(loss, keras.losses.Loss):
        fn = getattr(loss, "fn", None)  # a function wrapped as a Loss
        if fn is not None and getattr(fn, "__name__", None):
            return _loss_class_from_name(fn.__name__) or fn
        return type(loss)
    name = getattr(loss, "__name__", None)
    return (_loss_class_from_name(name) if isinstance(name, str) else None) or loss


def _loss_name(loss: Any) -> str:
    loss = loss_object(loss)
    return getattr(loss, "name", None) or getattr(loss, "__name__", type(loss).__name__)


def _same(given: Any, compiled: Any) -> bool:
    if isinstance(given, (int, float, np.number)) and isinstance(compiled, (int, float, np.number)):
        return bool(np.isclose(float(given), float(compiled), rtol=1e-6, atol=0.0))
    try:
        return bool(given == compiled)
    except Exception:  # noqa: BLE001 - objects that cannot be compared are not the same
        return False


def _compiled_config(model: keras.Model) -> dict[str, Any]:
    """The arguments the network was compiled with, as objects (Keras keeps them)."""
    config = getattr(getattr(model, "_compile_config", None), "config", None)
    if isinstance(config, Mapping):
        return dict(config)
    return {"optimizer": model.optimizer, "loss": model.loss}


def keep_compiled(estimator, model: keras.Model, settings, *, took_compile_kwargs: bool) -> None:
    """Train ``model`` as it was compiled; raise where an estimator setting would be ignored.

    A weighting strategy that replaces the loss recompiles ``model`` with its loss in place of
    the compiled one, keeping the other compile settings.
    """
    if model.loss is None:
        raise ValueError(
            "The build function compiled the network without a loss; compile it with one "
            "(model.compile(**compile_kwargs) gives it skweight's), or return it uncompiled."
        )
    if estimator.loss is not None:
        given = estimator._resolve_loss(settings.routed, units=None)
        if _loss_identity(given) != _loss_identity(model.loss):
            raise ValueError(
                f"loss={_loss_name(given)!r}, but the build function compiled the network with "
                f"loss {_loss_name(model.loss)!r}: one of them would be ignored. Compile with "
                "compile_kwargs['loss'], leave loss=None, or set recompile=True to compile it "
                "again with loss=."
            )
    if not took_compile_kwargs:
        ignored = _ignored_settings(estimator, model, settings)
        how = "compiled itself, without taking compile_kwargs"
    elif model.optimizer is not settings.optimizer:
        ignored = _ignored_optimizer(estimator, model, settings)
        how = "compiled with another optimizer than compile_kwargs['optimizer']"
    else:
        ignored = None
    if ignored:
        raise ValueError(
            f"{ignored} would be ignored: the build function returned a network it {how}. "
            "Compile with compile_kwargs (model.compile(**compile_kwargs)), return the network "
            "uncompiled, or set recompile=True to compile it again with the estimator's "
            "settings."
        )
    compiled = loss_object(model.loss)
    weighted = estimator.weighting_.make_loss(compiled, target_type=estimator.target_type_)
    if weighted is not compiled:
        model.compile(**{**_compiled_config(model), "loss": weighted})


def _ignored_optimizer(estimator, model: keras.Model, settings) -> str | None:
    """``optimizer=`` or an ``optimizer__*`` setting that ``model``'s optimizer does not have."""
    parameter = inspect.signature(type(estimator)).parameters.get("optimizer")
    default_optimizer = "adam" if parameter is None else parameter.default
    if not _same(estimator.optimizer, default_optimizer):
        wanted = make_optimizer(estimator.optimizer, {})
        if type(wanted) is not type(model.optimizer):
            return f"optimizer={estimator.optimizer!r}"
    compiled_optimizer = model.optimizer.get_config()
    for key, value in routed(settings.routed, "optimizer").items():
        if key not in compiled_optimizer or not _same(value, compiled_optimizer[key]):
            return f"optimizer__{key}={value!r}"
    return None


def _ignored_settings(estimator, model: keras.Model, settings) -> str | None:
    """The first estimator compile setting that differs from what ``model`` was compiled with."""
    ignored = _ignored_optimizer(estimator, model, settings)
    if ignored:
        return ignored
    config = _compiled_config(model)
    loss = loss_object(model.loss)
    compiled_loss = loss.get_config() if isinstance(loss, keras.losses.Loss) else {}
    for key, value in routed(settings.routed, "loss").items():
        if key not in compiled_loss or not _same(value, compiled_loss[key]):
            return f"loss__{key}={value!r}"
    if settings.metrics is not None and not _same(settings.metrics, config.get("metrics")):
        return "metrics"
    for key, value in routed(settings.routed, "compile").items():
        if key != "metrics" and not _same(value, config.get(key)):
            return f"compile__{key}={value!r}"
    return None
