"""Transfer learning between skmat networks: trained weights detached from a model, and copying them into a new one.

:func:`pretrained_network` takes any fitted skmat network estimator
(regressor or classifier; a :class:`PTRCNN`, a :class:`GAFSeq2Seq` or a
baseline module), a Pipeline ending in one, or a torch module that records
its architecture (``hparams``), and returns its architecture and weights as a
plain object (:class:`PretrainedNetwork`, :class:`PretrainedPTRCNN` for a
PTRCNN) that can be an estimator parameter. :func:`transfer_weights` copies
what fits into a new network: every layer but the output layer, or the
feature extractor only.
"""

from __future__ import annotations

import inspect

import torch

from ._ptr_cnn import PTRCNN

__all__ = ["PretrainedNetwork", "PretrainedPTRCNN", "TRANSFER_CHOICES", "check_pretrained", "pretrained_module_kwargs",
           "pretrained_network", "transfer_weights"]

TRANSFER_CHOICES = ("hidden", "features")


class PretrainedNetwork:
    """The architecture and trained weights of a skmat network, detached from any model.

    What an estimator's ``pretrained`` parameter holds. A plain object, not
    a torch module, so it can be an estimator parameter: ``sklearn.clone``
    copies it as it is. Make one with :func:`pretrained_network`.

    Parameters
    ----------
    module : torch module class
        The network's class.
    hparams : dict
        ``module(**hparams)`` rebuilds the architecture.
    state_dict : dict of str to torch.Tensor
        The trained weights (on the CPU).
    """

    def __init__(self, module, hparams, state_dict):
        if not (inspect.isclass(module) and issubclass(module, torch.nn.Module)):
            raise TypeError(f"module must be a torch module class, got {module!r}.")
        self.module = module
        self.hparams = dict(hparams)
        self.state_dict = {name: value.detach().cpu().clone() for name, value in state_dict.items()}

    def build(self):
        """A new network holding these weights."""
        network = self.module(**self.hparams)
        network.load_state_dict(self.state_dict)
        return network

    def _n_weights(self):
        return sum(value.numel() for value in self.state_dict.values())

    def __repr__(self):
        return f"PretrainedNetwork({self.module.__name__}, n_outputs={self.hparams.get('n_outputs')}, " \
               f"{self._n_weights()} weights)"


class PretrainedPTRCNN(PretrainedNetwork):
    """The architecture and trained weights of a :class:`PTRCNN`, detached from any model.

    What :class:`PTRCNNClassifier` starts from. A plain object, not a torch
    module, so it can be an estimator parameter: ``sklearn.clone`` copies it
    as it is. Make one with :func:`pretrained_network`.

    Parameters
    ----------
    hparams : dict
        ``PTRCNN(**hparams)`` rebuilds the architecture. A record without
        an argument whose default has changed (``PTRCNN.changed_defaults``)
        was made before that argument existed, by a network built with the
        old value, which is filled in.
    state_dict : dict of str to torch.Tensor
        The trained weights (on the CPU).

    Attributes
    ----------
    in_shape : tuple of int
        Image shape the network reads.
    """

    def __init__(self, hparams, state_dict):
        old = {}
        for since in sorted(PTRCNN.changed_defaults, reverse=True):  # the oldest change wins
            old.update(PTRCNN.changed_defaults[since])
        super().__init__(PTRCNN, {**old, **hparams}, state_dict)

    @property
    def in_shape(self):
        return tuple(self.hparams["in_shape"])

    def __repr__(self):
        return f"PretrainedPTRCNN(in_shape={self.in_shape}, n_outputs={self.hparams['n_outputs']}, " \
               f"{self._n_weights()} weights)"


def check_pretrained(pretrained, estimator):
    """Refuse a torch module as ``pretrained`` (skorch cannot keep one as a plain attribute), saying what to pass."""
    if isinstance(pretrained, torch.nn.Module):
        raise TypeError(
            "pretrained must be a PretrainedPTRCNN, not a torch module: pass pretrained_network(module) "
            f"or use {estimator}.from_regressor(fitted_regressor)."
        )


def pretrained_network(model):
    """The trained network of a fitted skmat network estimator, pipeline or module, as weights.

    Parameters
    ----------
    model : fitted skmat network estimator, fitted Pipeline ending in one, torch module or PretrainedNetwork
        A regressor or a classifier (PTRCNNRegressor, PTRCNNClassifier,
        SPTSeq2SeqRegressor, whatever its module), or a torch module that
        records its constructor arguments as ``hparams`` (a :class:`PTRCNN`).

    Returns
    -------
    PretrainedNetwork
        A :class:`PretrainedPTRCNN` for a PTRCNN. A copy of the weights, so
        training either model later leaves the other alone (a
        PretrainedNetwork is returned as it is: it is never modified).

    Examples
    --------
    >>> from skmat.models import PTRCNN, pretrained_network
    >>> pretrained_network(PTRCNN(n_filters=4, hidden_units=8))
    PretrainedPTRCNN(in_shape=(1, 5, 16), n_outputs=1, 1065 weights)
    """
    if isinstance(model, PretrainedNetwork):
        return model
    final = model.steps[-1][1] if hasattr(model, "steps") else model
    if isinstance(final, torch.nn.Module):
        network, hparams = final, getattr(final, "hparams", None)
    else:
        if getattr(final, "module_", None) is None:
            raise ValueError(
                "pretrained must come from a fitted skmat network (PTRCNNRegressor, PTRCNNClassifier, "
                "SPTSeq2SeqRegressor, or a Pipeline ending in one) or a PTRCNN; got an unfitted "
                f"{type(final).__name__}. Note that sklearn.clone resets estimators passed as parameters: use "
                "PTRCNNClassifier.from_regressor(fitted) or pretrained=pretrained_network(fitted)."
            )
        network = final._bare_module() if hasattr(final, "_bare_module") else final.module_
        hparams = getattr(network, "hparams", None)
        if hparams is None and hasattr(final, "_module_kwargs") and inspect.isclass(final.module):
            source = None if getattr(final, "pretrained", None) is None else pretrained_network(final.pretrained)
            hparams = final._module_kwargs(source)
    if isinstance(network, PTRCNN):
        return PretrainedPTRCNN(network.hparams, network.state_dict())
    if hparams is None:
        raise ValueError(
            f"A bare {type(network).__name__} does not record its architecture (no hparams); pass the fitted "
            "estimator that holds it (or a Pipeline ending in one)."
        )
    return PretrainedNetwork(type(network), hparams, network.state_dict())


def _final_linear_prefix(network):
    """State-dict prefix of the output layer (the last Linear of the predictor)."""
    last = max(i for i, layer in enumerate(network.predictor) if isinstance(layer, torch.nn.Linear))
    return f"predictor.{last}."


def _output_names(source, pretrained):
    """Names of the source's parameters that make its output layer (they follow ``n_outputs``).

    The last Linear of a ``predictor`` (a :class:`PTRCNN`); for any other
    network, the parameters whose shape changes with ``n_outputs`` (found on
    a copy built with one output more, in a forked RNG).
    """
    state = source.state_dict()
    predictor = getattr(source, "predictor", None)
    if isinstance(predictor, torch.nn.Sequential) and any(isinstance(m, torch.nn.Linear) for m in predictor):
        prefix = _final_linear_prefix(source)
        return {name for name in state if name.startswith(prefix)}
    if pretrained is None or not isinstance(pretrained.hparams.get("n_outputs"), int):
        return set()
    with torch.random.fork_rng(devices=[]):
        probe = pretrained.module(**{**pretrained.hparams, "n_outputs": pretrained.hparams["n_outputs"] + 1})
    wider = probe.state_dict()
    return {name for name, value in state.items() if name in wider and wider[name].shape != value.shape}


def _feature_prefixes(network):
    return tuple(f"{name}." for name in getattr(network, "feature_modules", ("features",)))


def pretrained_module_kwargs(pretrained, kwargs, inferred=("in_shape", "n_outputs")):
    """Fill ``kwargs`` for the new network with the pretrained architecture (``module__*`` win).

    Every argument the pretrained network was built with is copied except
    those the data sets (``inferred``: the input sizes and the number of
    outputs). Returns the :class:`PretrainedNetwork`.
    """
    pretrained = pretrained_network(pretrained)
    for name, value in pretrained.hparams.items():
        if name not in inferred:
            kwargs.setdefault(name, value)
    return pretrained


def _check_inputs(hparams, inputs):
    if not isinstance(inputs, dict):  # an image shape
        inputs = {"in_shape": inputs}
    if "in_shape" in inputs:
        expected, given = tuple(hparams["in_shape"]), tuple(inputs["in_shape"])
        if expected != given:
            raise ValueError(
                f"The pretrained network reads images of shape {expected}, but X has images of "
                f"shape {given}; encode with the same encoder as the pretrained model."
            )
    differ = {key: (hparams.get(key), value) for key, value in inputs.items() if hparams.get(key) != value}
    if differ:
        read = ", ".join(f"{key}={pair[0]!r}" for key, pair in differ.items())
        given = ", ".join(f"{key}={pair[1]!r}" for key, pair in differ.items())
        raise ValueError(
            f"The pretrained network reads inputs with {read}, but X has {given}; prepare the inputs as for the "
            "pretrained model."
        )


def transfer_weights(target, source, transfer, inputs, pretrained=None):
    """Copy ``source``'s weights into ``target`` (every layer but the output, or the feature extractor only).

    Parameters
    ----------
    target, source : torch.nn.Module
    transfer : {"hidden", "features"}
    inputs : tuple of int or dict
        The image shape of the data (a PTRCNN), or the module arguments that
        describe the inputs (``sequence_length``, ``n_conditions``, …); they
        must be those the source was built for.
    pretrained : PretrainedNetwork, optional
        The source's record (its ``hparams``); by default ``source.hparams``.

    Returns
    -------
    list of str
        The names of the copied parameters, sorted.

    Raises
    ------
    ValueError
        Naming both shapes when the images differ from those the source
        read (both values for other inputs), or naming the first parameter
        whose shape differs.
    """
    hparams = pretrained.hparams if pretrained is not None else source.hparams
    _check_inputs(hparams, inputs)
    state = target.state_dict()
    skip = _output_names(source, pretrained)
    features = _feature_prefixes(source)
    copied = {}
    for name, value in source.state_dict().items():
        if transfer == "features" and not name.startswith(features):
            continue
        if name in skip:
            continue
        if name not in state or state[name].shape != value.shape:
            raise ValueError(
                f"The pretrained network does not match this one at {name!r} "
                f"(pretrained {tuple(value.shape)}, here "
                f"{tuple(state[name].shape) if name in state else 'absent'}); "
                "leave the module__* size parameters unset to copy the pretrained architecture."
            )
        copied[name] = value
    state.update(copied)
    target.load_state_dict(state)
    return sorted(copied)
