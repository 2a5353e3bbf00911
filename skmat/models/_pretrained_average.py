"""The mean of several shipped networks that predict the same targets: :class:`PretrainedAverage`."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from collections.abc import Set as AbstractSet

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from ._ensemble import members_output

__all__ = ["PretrainedAverage"]


class PretrainedAverage(RegressorMixin, BaseEstimator):
    """The mean prediction of several pretrained networks for the same targets, and their spread.

    Networks trained differently (another image, other defaults) err
    differently, so their mean is closer than each: five shipped OQMD
    networks average to 0.0473 eV/atom and 0.376 Å³/atom on CrabNet's test
    splits, against 0.0532/0.417 for the best of them alone
    (``tools/ship_average.py``). ``skmat.load_pretrained("oqmd-average")``
    is that average, ready to predict.

    Like :class:`~skmat.models.PretrainedFeatures`, nothing is trained:
    ``fit`` loads the shipped networks (each file checked against its
    SHA-256) or copies the fitted pipelines given, so fitting twice, or on
    any data, gives the same model.

    Parameters
    ----------
    networks : sequence of str or fitted Pipeline, default=("oqmd", "oqmd-channels-l1", "oqmd-reg-l1", "oqmd-reg2-l1", "oqmd-reg3-l1")
        Names of shipped composition networks
        (``skmat.available_pretrained("composition")``), or fitted
        pipelines (encoder + skmat network) that predict from formulas. At
        least two, each given once, in a list or tuple (not a set or dict:
        their order is that of ``networks_``); all must predict the same
        number of targets. Pipelines
        are copied at ``fit`` and never changed, and ``sklearn.clone`` keeps
        them as they are.

    Attributes
    ----------
    networks_ : list of Pipeline
        The loaded (or copied) networks, in the order of ``networks``.
    network_sha256_ : list of str or None
        SHA-256 of each shipped network's file (``None`` for a pipeline
        given).
    n_outputs_ : int
        Targets predicted.

    See Also
    --------
    skmat.models.DeepEnsembleRegressor : An ensemble of networks trained
        together, from one recipe and several seeds.

    Examples
    --------
    >>> from skmat.models import PretrainedAverage
    >>> model = PretrainedAverage().fit()
    >>> mean, std = model.predict(["Fe2O3", "NaCl"], return_std=True)
    >>> mean.shape, std.shape
    ((2, 2), (2, 2))
    """

    def __init__(self, networks=("oqmd", "oqmd-channels-l1", "oqmd-reg-l1", "oqmd-reg2-l1", "oqmd-reg3-l1")):
        self.networks = networks

    # The networks are fixed: not cloned (an unfitted copy has no weights), as in PretrainedFeatures.
    def get_params(self, deep=True):
        """Parameters of this estimator (never those inside ``networks``: they are fixed)."""
        return super().get_params(deep=False)

    def __sklearn_clone__(self):
        networks = self.networks
        return type(self)(networks=tuple(networks) if isinstance(networks, (list, tuple)) else networks)

    def _load(self, network, position):
        from ._pretrained_features import _load_shipped

        name = type(self).__name__
        if isinstance(network, str):
            return _load_shipped(network, name)
        if not isinstance(network, Pipeline) or not hasattr(network[-1], "predict"):
            raise TypeError(
                f"{name}: networks[{position}] is a {type(network).__name__}; give the name of a shipped network "
                "or a fitted Pipeline (encoder + skmat network)."
            )
        check_is_fitted(network[-1])
        return copy.deepcopy(network), None

    def _check_distinct(self, networks):
        """Refuse a network given twice (the same name, or the same Pipeline object): it would shrink the spread."""
        first = {}
        for position, network in enumerate(networks):
            key = network if isinstance(network, str) else id(network)
            if key in first:
                shown = repr(network) if isinstance(network, str) else f"the same {type(network).__name__}"
                raise ValueError(
                    f"{type(self).__name__}: networks[{first[key]}] and networks[{position}] are both {shown}; "
                    "each network must be given once (a repeated one weighs twice in the mean and shrinks the "
                    "spread towards zero)."
                )
            first[key] = position

    def fit(self, X=None, y=None):
        """Load the shipped networks (or copy the pipelines given). Nothing is trained.

        Parameters
        ----------
        X, y : ignored
            Accepted so that the estimator fits in a Pipeline.

        Returns
        -------
        self
        """
        name = type(self).__name__
        networks = self.networks
        if isinstance(networks, (AbstractSet, Mapping)):
            raise TypeError(
                f"{name}: networks must be an ordered sequence (list or tuple), got a {type(networks).__name__} "
                f"{networks!r}, whose order (that of networks_ and network_sha256_) is not fixed."
            )
        if isinstance(networks, (str, Pipeline)) or not hasattr(networks, "__len__") or len(networks) < 2:
            raise ValueError(f"{name}: networks must be a sequence of at least two networks; got {networks!r}.")
        self._check_distinct(networks)
        loaded = [self._load(network, i) for i, network in enumerate(networks)]
        self.networks_ = [pipeline for pipeline, _ in loaded]
        self.network_sha256_ = [digest for _, digest in loaded]
        outputs = [int(getattr(pipeline[-1], "n_outputs_", 1) or 1) for pipeline in self.networks_]
        if len(set(outputs)) > 1:
            raise ValueError(f"{name}: the networks predict different numbers of targets {outputs}; "
                             "only networks for the same targets can be averaged.")
        self.n_outputs_ = outputs[0]
        return self

    def predict(self, X, return_std=False):
        """The networks' mean prediction, and with ``return_std=True`` their spread.

        Parameters
        ----------
        X : list of str, array-like or one-column DataFrame
            Chemical formulas, as each network's pipeline reads them. A
            formula with an element one of the networks has not seen is a
            :class:`skmat.FormulaError` naming it.
        return_std : bool, default=False
            Also return the standard deviation of the networks' predictions
            (``ddof=0``): how much they disagree, not a calibrated error.

        Returns
        -------
        y_mean : ndarray of shape (n,) or (n, n_outputs)
        y_std : ndarray of the same shape
            Only with ``return_std=True``.
        """
        check_is_fitted(self, "networks_")
        predictions = members_output(self.networks_, "predict", X)
        mean = predictions.mean(axis=0)
        return (mean, predictions.std(axis=0)) if return_std else mean

    # -- saving (skmat.models.save_pipeline) -----------------------------------

    def _state_to_save(self):
        """The fitted attributes a file holds: all but the networks, which are re-read by name at load."""
        if not all(isinstance(network, str) for network in self.networks):
            raise TypeError(
                f"{type(self).__name__} with a network given as a Pipeline cannot be saved: a skmat file stores a "
                "network inside it only by a shipped network's name."
            )
        return {key: value for key, value in vars(self).items() if key != "networks_"}

    def _state_loaded(self):
        """Re-read the shipped networks after loading; refuse if an installed file is not the one fitted with."""
        if "n_outputs_" not in vars(self):
            return
        stored = list(self.network_sha256_)
        self.fit()
        for name, before, now in zip(self.networks, stored, self.network_sha256_):
            if before != now:
                raise ValueError(
                    f"{type(self).__name__} was fitted with the shipped network {name!r} of SHA-256 "
                    f"{str(before)[:12]}…, but the installed one is {str(now)[:12]}…: it would predict otherwise. "
                    "Fit it again with this skmat."
                )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = True
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.target_tags.required = False
        tags.target_tags.multi_output = True
        return tags
