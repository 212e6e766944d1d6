"""Train many copies of any Keras network side by side on JAX, each as its own fit would.

``skweight._fused`` stacks copies of the built-in network as grouped dense layers; a network
from a build function cannot be restacked that way. On the JAX backend it need not be: every
Keras model has a pure ``stateless_call(trainable, non_trainable, x)``, and ``jax.vmap`` over
the networks' variables runs K copies of it as one program. ``VmappedNetworks`` keeps the
fused engine's grouping, row pool and batch order (``FusedNetworks``) and replaces its Keras
``fit`` by one compiled program per pass, each step written as Keras' JAX trainer writes it:

- the forward pass is the template network's ``stateless_call`` in training mode, with its
  regularisation losses; each network's loss is its own Keras loss on its own rows, every
  row's value times its weight divided by its own batch size (padded rows weigh 0), plus those
  regularisation losses: the value ``model.fit`` minimises on that batch;
- the update is the compiled optimizer's ``stateless_apply`` on the network's own gradient and
  optimizer state;
- ``jax.lax.scan`` runs a chunk of steps in one call (one compiled program per pass), ``jax.vmap``
  the K networks; a network past its own last step is left as it is (its ``active`` flag).

Layers that mix the rows of a batch (batch normalisation) would see the padding, so networks
with them are trained one by one (``vmap_reason``). Dropout draws from each network's own seed
state, as a separate fit's does, but the padded last batch of an epoch draws a mask of the full
batch's shape, so networks with dropout are trained as a separate fit would be, not to the bit.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import keras
import numpy as np

from ._fused import CHUNK_BYTES, FusedLoss, FusedNetworks, Member, TrainSettings

#: Layers whose training-mode output for a row depends on the other rows of its batch.
BATCH_MIXING_LAYERS = (keras.layers.BatchNormalization,)


def vmap_reason(model: keras.Model) -> str | None:
    """Why copies of ``model`` cannot be trained with ``jax.vmap`` (None: they can)."""
    for layer in model._flatten_layers(include_self=False):
        if isinstance(layer, BATCH_MIXING_LAYERS):
            return f"its {type(layer).__name__} layer mixes the rows of a batch"
    return None


def network_variables(model: keras.Model) -> list[np.ndarray]:
    """The values of ``model``'s trainable, then non-trainable variables (seed states too)."""
    variables = [*model.trainable_variables, *model.non_trainable_variables]
    return [np.array(keras.ops.convert_to_numpy(v.value)) for v in variables]


def assign_variables(model: keras.Model, values: Sequence[np.ndarray]) -> None:
    """Give ``model`` the values ``network_variables`` reads (of a network built alike)."""
    variables = [*model.trainable_variables, *model.non_trainable_variables]
    if len(variables) != len(values):
        raise ValueError(f"the network has {len(variables)} variables, got {len(values)} values")
    for variable, value in zip(variables, values, strict=True):
        variable.assign(value)


class VmappedNetworks(FusedNetworks):
    """Members that share ``template``'s architecture, trained with ``jax.vmap``.

    Parameters
    ----------
    spec : hashable
        What identifies the architecture (members with equal specs share ``template``).
    members : sequence of Member
        ``initial_weights`` as ``network_variables`` lists them.
    settings : TrainSettings
        Batch size, epochs, shuffling and seed (the optimizer is the template's).
    template : keras.Model
        One built and compiled copy of the network; its variables are never changed.
    pass_ratio : float
        See ``FusedNetworks``.
    """

    def __init__(self, spec, members: Sequence[Member], settings: TrainSettings, template,
                 pass_ratio: float = 1.0):  # fmt: skip
        super().__init__(spec, members, settings, pass_ratio)
        self.template = template

    def _compile(self) -> None:
        import jax

        model = self.template
        optimizer = model.optimizer
        if not optimizer.built:
            optimizer.build(model.trainable_variables)
        self._fresh = [keras.ops.convert_to_numpy(v.value) for v in optimizer.variables]
        self._n_trainable = len(model.trainable_variables)
        self._steps = jax.jit(self._steps_function(model, optimizer))
        self._forward = jax.jit(jax.vmap(self._forward_function(model)))

    def _steps_function(self, model, optimizer):
        import jax
        import jax.numpy as jnp

        fused_loss = FusedLoss(self.losses, int(model.output_shape[-1]))
        training = {"training": True} if getattr(model, "_call_has_training_arg", True) else {}

        def network_loss(trainable, non_trainable, x, target):
            y_pred, non_trainable, penalties = model.stateless_call(
                trainable, non_trainable, x, return_losses=True, **training
            )  # one network: its rows are the fused loss's rows of a single network
            total = jnp.sum(fused_loss.network_values(target[:, None], y_pred[:, None]))
            for penalty in penalties:
                total = total + penalty
            return total, non_trainable

        def step(state, index, target, active, pool):
            trainable, non_trainable, optimizer_state = state
            x = jnp.take(pool, index, axis=0)
            (value, non_trainable), grads = jax.value_and_grad(network_loss, has_aux=True)(
                trainable, non_trainable, x, target
            )
            trainable, optimizer_state = optimizer.stateless_apply(
                optimizer_state, grads, trainable
            )
            new = (trainable, non_trainable, optimizer_state)
            return jax.tree.map(lambda n, o: jnp.where(active, n, o), new, state), value

        networks = jax.vmap(step, in_axes=(0, 1, 1, 0, None))

        def steps(state, index, target, active, pool):
            return jax.lax.scan(
                lambda s, xs: networks(s, *xs, pool), state, (index, target, active)
            )

        return steps

    @staticmethod
    def _forward_function(model):
        def forward(trainable, non_trainable, x):
            outputs, _ = model.stateless_call(trainable, non_trainable, x, training=False)
            return outputs

        return forward

    def _run_pass(self, group, pool, advance) -> None:
        """Train the pass's members from their initial variables, a chunk of steps per call
        (every chunk as long as the first, the last padded with steps no network takes)."""
        start = time.perf_counter()
        rows, offsets = pool
        members = [self.members[i] for i in group.members]
        n_trainable, width = self._n_trainable, len(members)
        initial = [m.initial_weights for m in members]
        stacked = [np.stack(values) for values in zip(*initial, strict=True)]
        state = (
            stacked[:n_trainable],
            stacked[n_trainable:],
            [np.broadcast_to(v, (width, *np.shape(v))).copy() for v in self._fresh],
        )
        feed, batch = self._feed(group, offsets), self.settings.batch_size
        chunk = max(1, min(feed.total, CHUNK_BYTES // (batch * width * 16)))
        totals = np.zeros((self.settings.epochs + 1, width))  # row ``epochs``: after the end
        counts = np.zeros_like(totals)
        for position in range(0, feed.total, chunk):
            upto = min(feed.total, position + chunk)
            index, target = feed.take(position, upto)
            active = np.arange(position, position + chunk)[:, None] < feed.ends[None, :]
            pad = (chunk - (upto - position)) * batch  # steps no network takes
            index = np.pad(index, ((0, pad), (0, 0))).reshape(chunk, batch, width)
            target = np.pad(target, ((0, pad), (0, 0), (0, 0))).reshape(chunk, batch, width, 3)
            state, values = self._steps(state, index, target, active, rows)
            sizes = feed.batch_rows(position, upto)
            epochs = np.minimum(feed.epoch_of(position, upto), self.settings.epochs)
            columns = np.broadcast_to(np.arange(width), epochs.shape)
            np.add.at(totals, (epochs, columns), np.asarray(values)[: upto - position] * sizes)
            np.add.at(counts, (epochs, columns), sizes)
            if advance is not None:
                advance(upto - position)
        group.weights = [np.asarray(v) for v in (*state[0], *state[1])]
        group.history = totals[:-1] / np.maximum(counts[:-1], 1)
        group.seconds = time.perf_counter() - start

    def predict(self, features: Sequence[np.ndarray], chunk_rows: int = 4096) -> list[np.ndarray]:
        """Each member's outputs on its own ``features[i]`` (the same rows for every member)."""
        n_rows = len(features[0])
        chunk = max(1, min(chunk_rows, n_rows))
        n_trainable = self._n_trainable
        outputs: list[np.ndarray] = [np.empty(0)] * len(self.members)
        for group in self.passes:
            trainable, non_trainable = group.weights[:n_trainable], group.weights[n_trainable:]
            parts = []
            for start in range(0, n_rows, chunk):
                x = np.stack([features[i][start : start + chunk] for i in group.members])
                short = chunk - x.shape[1]  # pad the last chunk: one compiled shape
                if short:
                    x = np.concatenate([x, np.zeros((x.shape[0], short, *x.shape[2:]), x.dtype)], 1)
                out = np.asarray(self._forward(trainable, non_trainable, x))
                parts.append(out[:, : chunk - short])
            out = np.concatenate(parts, axis=1)
            for j, i in enumerate(group.members):
                outputs[i] = out[j].reshape(n_rows, -1)
        return outputs
