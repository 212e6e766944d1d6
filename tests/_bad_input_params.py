"""Bad-input rows: the estimator's own and routed parameters, and what the network outputs."""

from __future__ import annotations

import keras
import numpy as np

from tests._bad_input_support import (
    _case,
    _linear_network,
    _sigmoid_network,
)

CASES = [
    # ---------------------------------------------------------------- network settings
    _case(
        "hidden_layer_sizes-zero",
        lambda c: c.fit(hidden_layer_sizes=(0,)),
        ValueError,
        "hidden_layer_sizes must contain positive ints",
    ),
    _case(
        "hidden_layer_sizes-string",
        lambda c: c.fit(hidden_layer_sizes="32,16"),
        ValueError,
        "hidden_layer_sizes must be a sequence",
    ),
    _case("dropout", lambda c: c.fit(dropout=1.5), ValueError, r"dropout must be a float in \[0"),
    _case(
        "activation",
        lambda c: c.fit(activation="nonsense"),
        ValueError,
        "activation='nonsense' is not a Keras activation",
    ),
    _case("callbacks", lambda c: c.fit(callbacks="early"), TypeError, "callbacks must be None"),
    _case("shuffle", lambda c: c.fit(shuffle="yes"), ValueError, "shuffle must be True or False"),
    _case(
        "normalize_weights",
        lambda c: c.fit(normalize_weights="no"),
        ValueError,
        "normalize_weights must be True or False",
    ),
    # ---------------------------------------------------------------- what the network outputs
    _case(
        "loss-from_logits-after-sigmoid",
        lambda c: c.fit(
            model=_sigmoid_network, loss=keras.losses.BinaryCrossentropy(from_logits=True)
        ),
        ValueError,
        "has from_logits=True, but the model's last layer already applies 'sigmoid'",
    ),
    _case(
        "linear-last-layer-probability-loss",
        lambda c: c.fit(model=_linear_network),
        ValueError,
        r"last layer is linear .* expects probabilities \(from_logits=False\)",
    ),
    # ---------------------------------------------------------------- routed parameters
    _case(
        "predict__batch_size-negative",
        lambda c: c.fit(predict__batch_size=-2),
        ValueError,
        r"predict__batch_size must be None, an integer >= 1 or -1 \(all rows .*; got -2",
    ),
    _case(
        "predict__unknown",
        lambda c: c.fit(predict__steps=1),
        ValueError,
        "predict__steps would be ignored: skweight always predicts every row",
    ),
    _case(
        "model__-with-built-in-network",
        lambda c: c.fit(model__width=3),
        ValueError,
        "model__width would be ignored: model=None builds skweight's own network",
    ),
    _case(
        "model__-with-model-instance",
        lambda c: c.fit(model=_sigmoid_network(4), model__width=3),
        ValueError,
        "model__width would be ignored: model is a keras.Model",
    ),
    _case(
        "model__-not-in-build-function",
        lambda c: c.fit(model=_sigmoid_network, model__depth=3),
        ValueError,
        "model__depth would be ignored: the build function '_sigmoid_network' has no argument",
    ),
    _case(
        "fit__initial_epoch",
        lambda c: c.fit(fit__initial_epoch=5),
        ValueError,
        "fit__initial_epoch is set by skweight itself: use warm_start=True or partial_fit",
    ),
    _case(
        "fit__unknown",
        lambda c: c.fit(fit__patience=3),
        ValueError,
        "fit__patience is not an argument of keras.Model.fit",
    ),
    _case(
        "fit__steps_per_epoch-zero",
        lambda c: c.fit(fit__steps_per_epoch=0),
        ValueError,
        "fit__steps_per_epoch must be None or an integer >= 1",
    ),
    _case(
        "fit__validation_freq-zero",
        lambda c: c.fit(fit__validation_freq=0),
        ValueError,
        "fit__validation_freq must be an integer >= 1",
    ),
    _case(
        "compile__steps_per_execution-zero",
        lambda c: c.fit(compile__steps_per_execution=0),
        ValueError,
        "compile__steps_per_execution must be an integer >= 1; got 0",
    ),
    _case(
        "compile__jit_compile-string",
        lambda c: c.fit(compile__jit_compile="yes"),
        ValueError,
        "compile__jit_compile must be True or False or 'auto'",
    ),
    _case(
        "compile__run_eagerly-string",
        lambda c: c.fit(compile__run_eagerly="no"),
        ValueError,
        "compile__run_eagerly must be True or False",
    ),
    _case(
        "compile__loss",
        lambda c: c.fit(compile__loss="mse"),
        ValueError,
        "compile__loss is set by skweight itself",
    ),
    _case(
        "compile__unknown",
        lambda c: c.fit(compile__cache=True),
        ValueError,
        "compile__cache is not an argument of keras.Model.compile",
    ),
    # ---------------------------------------------------------------- estimator parameters
    _case(
        "verbose-string",
        lambda c: c.fit(verbose="loud"),
        ValueError,
        r"verbose must be 'auto' or an integer in \[0, 2\]; got 'loud'",
    ),
    _case("verbose-3", lambda c: c.fit(verbose=3), ValueError, "verbose must be 'auto' or"),
    _case(
        "warm_start-string",
        lambda c: c.fit(warm_start="yes"),
        ValueError,
        "warm_start must be True or False",
    ),
    _case(
        "prior_correction-int",
        lambda c: c.fit(prior_correction=1),
        ValueError,
        "prior_correction must be True or False",
    ),
    _case(
        "validation_split-nan",
        lambda c: c.fit(validation_split=np.nan),
        ValueError,
        "validation_split must be a float in",
    ),
    _case(
        "epochs-float",
        lambda c: c.fit(epochs=2.5),
        ValueError,
        "epochs must be an integer >= 1; got 2.5",
    ),
    _case(
        "batch_size-bool",
        lambda c: c.fit(batch_size=True),
        ValueError,
        r"batch_size must be an integer >= 1 or -1 \(all rows in one batch\); got True",
    ),
    _case("dropout-nan", lambda c: c.fit(dropout=np.nan), ValueError, "dropout must be a float"),
    _case(
        "learning_rate-nan",
        lambda c: c.fit(optimizer__learning_rate=np.nan, batch_size=128),
        ValueError,
        "optimizer__learning_rate must be a number > 0 or a keras LearningRateSchedule; got nan",
    ),
    _case(
        "learning_rate-negative",
        lambda c: c.fit(optimizer__learning_rate=-1.0),
        ValueError,
        "optimizer__learning_rate must be a number > 0 or a keras LearningRateSchedule; got -1.0",
    ),
    _case(
        "learning_rate-zero",
        lambda c: c.fit(optimizer__learning_rate=0),
        ValueError,
        "optimizer__learning_rate must be a number > 0 or a keras LearningRateSchedule; got 0",
    ),
    _case(
        "learning_rate-inf",
        lambda c: c.fit(optimizer__learning_rate=np.inf),
        ValueError,
        "optimizer__learning_rate must be a number > 0 or a keras LearningRateSchedule; got inf",
    ),
    _case(
        "learning_rate-float32-overflow",
        lambda c: c.fit(optimizer__learning_rate=1e39),
        ValueError,
        "optimizer__learning_rate must be a number > 0 that float32 holds.*it is inf",
    ),
    _case(
        "learning_rate-of-optimizer-instance",
        lambda c: c.fit(optimizer=keras.optimizers.SGD(learning_rate=-0.1)),
        ValueError,
        "the learning rate of optimizer=SGD must be a number > 0",
    ),
    _case(
        "random_state-too-large",
        lambda c: c.fit(random_state=2**40),
        ValueError,
        r"random_state must be in \[0, 2\*\*32\)",
    ),
]
