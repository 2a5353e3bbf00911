"""The (weighted) mean of several shipped networks that predict the same targets: :class:`PretrainedAverage`."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from collections.abc import Set as AbstractSet

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from .._formula import _index_labels, _parse_column
from .._validation import formula_column
from ._combination_weights import least_absolute_error_weights, least_absolute_error_weights_by_group
from ._ensemble import members_output
from ._rows import n_rows
from ._scaled_net import read_targets

__all__ = ["PretrainedAverage"]

ELEMENT_GROUP_LABELS = ("1", "2", "3", "4+")  # weights_by="n_elements": distinct elements in a formula
N_ELEMENT_GROUPS = len(ELEMENT_GROUP_LABELS)
MIN_GROUP_SIZE = 1000  # min_group_size's default: fewer formulas in a group than this take the weights of all


class PretrainedAverage(RegressorMixin, BaseEstimator):
    """The mean prediction of several pretrained networks for the same targets, and their spread.

    Networks trained differently (another image, other defaults) err
    differently, so their mean is closer than each: eight shipped OQMD
    networks (six reading the periodic table, two the elements' line by
    Mendeleev number) average to 0.0449 eV/atom and 0.361 Å³/atom on CrabNet's
    test splits with weights fitted on validation formulas for each number
    of elements, against 0.0521/0.410 for the best of them alone
    (``tools/ship_average.py``). ``skmat.load_pretrained("oqmd-average")``
    is that weighted average, ready to predict.

    Like :class:`~skmat.models.PretrainedFeatures`, nothing is trained:
    ``fit`` loads the shipped networks (each file checked against its
    SHA-256) or copies the fitted pipelines given, so fitting twice, or on
    any data, gives the same model.

    Parameters
    ----------
    networks : sequence of str or fitted Pipeline, default=("oqmd", "oqmd-channels-l1-c4", "oqmd-gelu2-l1", "oqmd-line-l1-c5", "oqmd-line2-l1-c5", "oqmd-reg-l1-c4", "oqmd-reg2-l1-c4", "oqmd-reg3-l1-c4")
        Names of shipped composition networks
        (``skmat.available_pretrained("composition")``), or fitted
        pipelines (encoder + skmat network) that predict from formulas. At
        least two, each given once, in a list or tuple (not a set or dict:
        their order is that of ``networks_``); all must predict the same
        number of targets. Pipelines
        are copied at ``fit`` and never changed, and ``sklearn.clone`` keeps
        them as they are.
    weights : None, "absolute_error" or array-like, default=None
        How the networks' predictions are combined:

        * ``None``: the plain mean;
        * ``"absolute_error"``: for each target, the non-negative weights
          summing to one whose weighted mean has the smallest absolute error
          on the formulas and targets given to ``fit`` (an exact linear
          program). Give held-out formulas (a validation split): on the
          networks' own training formulas every network looks better than
          it is, and the best memoriser would get the weight;
        * an array of shape (n_networks,) or (n_networks, n_outputs): fixed
          weights, non-negative and not all zero, scaled to sum to one per
          target (with ``weights_by="n_elements"``, one such array per group:
          shape (4, n_networks) or (4, n_networks, n_outputs)).
    weights_by : None or "n_elements", default=None
        One set of weights for every formula (``None``), or one for each
        number of distinct elements in a formula (``"n_elements"``): 1, 2,
        3, and 4 or more. Networks that read the periodic table and those
        that read the elements' line differ in how well they place binaries
        and quaternaries, so the best mix differs with the number of
        elements. It takes effect with ``weights="absolute_error"`` (each
        group's weights fitted on its own formulas) or with one array of
        weights per group.
    min_group_size : int, default=1000
        With ``weights="absolute_error"`` and ``weights_by="n_elements"``:
        a group with fewer formulas than this in ``fit`` takes the weights
        fitted on all formulas, not its own (a few hundred rows would fit
        nine weights to their noise).

    Attributes
    ----------
    networks_ : list of Pipeline
        The loaded (or copied) networks, in the order of ``networks``.
    network_sha256_ : list of str or None
        SHA-256 of each shipped network's file (``None`` for a pipeline
        given).
    n_outputs_ : int
        Targets predicted.
    weights_ : ndarray of shape (n_networks, n_outputs) or (4, n_networks, n_outputs)
        Each network's weight for each target; every column sums to one.
        With ``weights_by="n_elements"``, ``weights_[g]`` weighs the formulas
        of ``g + 1`` distinct elements (``weights_[3]``: four or more).
    group_sizes_ : ndarray of shape (4,)
        Only after fitting ``weights="absolute_error"`` with
        ``weights_by="n_elements"``: the formulas of 1, 2, 3 and 4 or more
        elements that ``fit`` was given; a group below ``min_group_size``
        has the weights fitted on all of them.

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

    Weights fitted on held-out formulas (here the first few of CrabNet's
    validation split):

    >>> from skmat.datasets import load_oqmd_multitask
    >>> val = load_oqmd_multitask("val")
    >>> weighted = PretrainedAverage(("oqmd", "oqmd-reg2-l1-c4"), weights="absolute_error")
    >>> weighted = weighted.fit(val.data[:200], val.target[:200])
    >>> weighted.weights_.shape
    (2, 2)
    >>> bool(np.allclose(weighted.weights_.sum(axis=0), 1.0))
    True

    One mix per number of elements (ternaries and quaternaries have their
    own; with so few formulas, the rest take the mix of all):

    >>> by_elements = PretrainedAverage(("oqmd", "oqmd-reg2-l1-c4"), weights="absolute_error",
    ...                                 weights_by="n_elements", min_group_size=50)
    >>> by_elements = by_elements.fit(val.data[:200], val.target[:200])
    >>> by_elements.weights_.shape, by_elements.group_sizes_.tolist()
    ((4, 2, 2), [0, 13, 137, 50])
    """

    def __init__(self, networks=("oqmd", "oqmd-channels-l1-c4", "oqmd-gelu2-l1", "oqmd-line-l1-c5", "oqmd-line2-l1-c5",
                                   "oqmd-reg-l1-c4", "oqmd-reg2-l1-c4", "oqmd-reg3-l1-c4"),
                 weights=None, weights_by=None, min_group_size=MIN_GROUP_SIZE):
        self.networks = networks
        self.weights = weights
        self.weights_by = weights_by
        self.min_group_size = min_group_size

    # The networks are fixed: not cloned (an unfitted copy has no weights), as in PretrainedFeatures.
    def get_params(self, deep=True):
        """Parameters of this estimator (never those inside ``networks``: they are fixed)."""
        return super().get_params(deep=False)

    def __sklearn_clone__(self):
        networks = self.networks
        weights = self.weights
        return type(self)(networks=tuple(networks) if isinstance(networks, (list, tuple)) else networks,
                          weights=copy.deepcopy(weights), weights_by=self.weights_by,
                          min_group_size=self.min_group_size)

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
        """Load the shipped networks (or copy the pipelines given), and with ``weights="absolute_error"`` fit the weights.

        No network is trained.

        Parameters
        ----------
        X : list of str, array-like or one-column DataFrame, default=None
            Held-out formulas to fit the weights on; needed only with
            ``weights="absolute_error"`` and ignored otherwise (accepted so
            that the estimator fits in a Pipeline).
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
            Their targets, with ``X``.

        Returns
        -------
        self
        """
        self._check_grouping()
        self._load_networks()
        vars(self).pop("group_sizes_", None)
        weights = self.weights
        if isinstance(weights, str):
            if weights != "absolute_error":
                raise ValueError(f"{type(self).__name__}: weights must be None, 'absolute_error' or an array of "
                                 f"weights; got {weights!r}.")
            self.weights_ = self._fit_weights(X, y)
        else:
            self.weights_ = self._given_weights(weights)
        return self

    def _check_grouping(self):
        """Refuse a ``weights_by`` or ``min_group_size`` that is not one of the allowed values."""
        name = type(self).__name__
        if self.weights_by not in (None, "n_elements"):
            raise ValueError(f"{name}: weights_by must be None or 'n_elements'; got {self.weights_by!r}.")
        if self.weights_by is not None and self.weights is None:
            raise ValueError(f"{name}: weights_by={self.weights_by!r} needs weights='absolute_error' or one array "
                             "of weights per group; the plain mean (weights=None) has nothing to group.")
        size = self.min_group_size
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 2:
            raise ValueError(f"{name}: min_group_size must be an integer of at least 2; got {size!r}.")

    def _load_networks(self):
        """Load (or copy) ``networks`` into ``networks_``, ``network_sha256_`` and ``n_outputs_``."""
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

    def _given_weights(self, weights):
        """``weights`` (None or an array) as a checked array whose columns sum to one.

        Of shape (n_networks, n_outputs), or (4, n_networks, n_outputs) with ``weights_by="n_elements"``.
        """
        k, n_outputs = len(self.networks_), self.n_outputs_
        if weights is None:
            return np.full((k, n_outputs), 1.0 / k)
        name = type(self).__name__
        try:
            values = np.array(weights, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"{name}: weights must be None, 'absolute_error' or an array of numbers; "
                             f"got {weights!r}.") from None
        if self.weights_by is None:
            if values.shape == (k,):
                values = np.repeat(values[:, None], n_outputs, axis=1)
            if values.shape != (k, n_outputs):
                raise ValueError(f"{name}: weights has shape {values.shape}; give one weight per network ({k},) or "
                                 f"per network and target ({k}, {n_outputs}).")
            return _normalised_weights(values, f"{name}: weights")
        groups = N_ELEMENT_GROUPS
        if values.shape == (groups, k):
            values = np.repeat(values[:, :, None], n_outputs, axis=2)
        if values.shape != (groups, k, n_outputs):
            raise ValueError(f"{name}: weights has shape {values.shape}; with weights_by='n_elements' give one "
                             f"weight per group of formulas (1, 2, 3, 4+ elements) and network ({groups}, {k}) or "
                             f"per group, network and target ({groups}, {k}, {n_outputs}).")
        return np.stack([_normalised_weights(values[g], f"{name}: weights[{g}]") for g in range(groups)])

    def _fit_weights(self, X, y):
        """The least-absolute-error weights of each target on the formulas ``X`` and targets ``y``."""
        name = type(self).__name__
        if X is None or y is None:
            raise ValueError(f"{name}(weights='absolute_error') fits its weights on held-out formulas and their "
                             "targets: call fit(X, y).")
        values = read_targets(y, owner=name)
        n = n_rows(X)
        if values.ndim == 1:
            values = values[:, None]
        if values.ndim != 2 or values.shape[1] != self.n_outputs_:
            raise ValueError(f"{name}: y has shape {np.shape(y)}, but the networks predict {self.n_outputs_} "
                             "target(s).")
        if len(values) != n:
            raise ValueError(f"{name}: X has {n} formulas but y has {len(values)} rows.")
        if n < 2:
            raise ValueError(f"{name}(weights='absolute_error') needs at least two formulas to fit weights on; "
                             f"got {n}.")
        predictions = members_output(self.networks_, "predict", X).reshape(len(self.networks_), n, -1)
        if self.weights_by is None:
            return np.column_stack([least_absolute_error_weights(predictions[:, :, j].T, values[:, j])
                                    for j in range(self.n_outputs_)])
        groups = element_groups(X)
        self.group_sizes_ = np.bincount(groups, minlength=N_ELEMENT_GROUPS)
        return np.stack([least_absolute_error_weights_by_group(predictions[:, :, j].T, values[:, j], groups,
                                                               N_ELEMENT_GROUPS, self.min_group_size)
                         for j in range(self.n_outputs_)], axis=-1)

    def predict(self, X, return_std=False):
        """The networks' mean prediction, and with ``return_std=True`` their spread.

        Parameters
        ----------
        X : list of str, array-like or one-column DataFrame
            Chemical formulas, as each network's pipeline reads them. A
            formula with an element one of the networks has not seen is a
            :class:`skmat.FormulaError` naming it.
        return_std : bool, default=False
            Also return the (weighted) standard deviation of the networks'
            predictions around their mean (``ddof=0``): how much they
            disagree, not a calibrated error.

        Returns
        -------
        y_mean : ndarray of shape (n,) or (n, n_outputs)
        y_std : ndarray of the same shape
            Only with ``return_std=True``.
        """
        check_is_fitted(self, "networks_")
        predictions = members_output(self.networks_, "predict", X)
        shape = predictions.shape[1:]
        columns = predictions.reshape(len(self.networks_), shape[0], -1)
        if self.weights_.ndim == 3:  # one mix per number of elements: each formula's own, (networks, rows, targets)
            weights = self.weights_[element_groups(X)].transpose(1, 0, 2)
        else:
            weights = self.weights_[:, None, :]
        mean = (columns * weights).sum(axis=0)
        if not return_std:
            return mean.reshape(shape)
        std = np.sqrt(((columns - mean) ** 2 * weights).sum(axis=0))
        return mean.reshape(shape), std.reshape(shape)

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
        """Re-read the shipped networks after loading; refuse if an installed file is not the one fitted with.

        The weights are the file's (fitted ones cannot be refitted without
        their data), checked as weights given by hand are.
        """
        if "n_outputs_" not in vars(self):
            return
        self._check_grouping()
        stored = list(self.network_sha256_)
        stored_weights = vars(self).get("weights_")
        self._load_networks()
        self.weights_ = self._stored_weights(stored_weights)
        for name, before, now in zip(self.networks, stored, self.network_sha256_):
            if before != now:
                raise ValueError(
                    f"{type(self).__name__} was fitted with the shipped network {name!r} of SHA-256 "
                    f"{str(before)[:12]}…, but the installed one is {str(now)[:12]}…: it would predict otherwise. "
                    "Fit it again with this skmat."
                )

    def _stored_weights(self, weights):
        """A file's ``weights_`` (files from before weights existed: the plain mean), checked like given weights."""
        name = type(self).__name__
        if weights is None:
            if self.weights is not None:
                raise ValueError(f"{name} file has weights={self.weights!r} but no fitted weights_.")
            return self._given_weights(None)
        expected = (len(self.networks_), self.n_outputs_)
        if self.weights_by is not None:
            expected = (N_ELEMENT_GROUPS, *expected)
        if not isinstance(weights, np.ndarray) or weights.dtype.kind != "f" or weights.shape != expected:
            raise ValueError(f"{name} file: weights_ must be a float array of shape {expected}; got "
                             f"{type(weights).__name__} {getattr(weights, 'shape', '')}.")
        for group in (weights if weights.ndim == 3 else weights[None]):
            checked = _normalised_weights(group, f"{name} file: weights_")
            if not np.allclose(checked, group, rtol=0, atol=1e-9):
                raise ValueError(f"{name} file: the columns of weights_ must each sum to one; they sum to "
                                 f"{group.sum(axis=0).tolist()}.")
        # The stored weights, not ``checked``: dividing by a sum one unit in the last place from 1 would move
        # them by as much, and a loaded model must predict exactly what was saved.
        return weights.copy()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = True
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.target_tags.required = False
        tags.target_tags.multi_output = True
        return tags


def element_groups(X):
    """The group of each formula of ``X`` for ``weights_by="n_elements"``: its distinct elements less one, at most 3.

    Examples
    --------
    >>> element_groups(["Fe", "NaCl", "Co2MnSi", "LiFePO4", "Cu0.5Zn0.5"]).tolist()
    [0, 1, 2, 3, 1]
    """
    formulas = formula_column(X)
    n = len(formulas)
    rows, _, _ = _parse_column(formulas, _index_labels(X, n))  # one entry per distinct element (amounts > 0)
    return np.minimum(np.bincount(rows, minlength=n), N_ELEMENT_GROUPS) - 1


def _normalised_weights(values, what):
    """``values`` (n_networks, n_outputs) scaled so that each column sums to one; a ``ValueError`` naming a bad one."""
    bad = np.argwhere(~np.isfinite(values) | (values < 0))
    if len(bad):
        network, column = (int(i) for i in bad[0])
        raise ValueError(f"{what} has {float(values[network, column]):g} for network {network} (target {column}); weights "
                         "must be finite and non-negative.")
    totals = values.sum(axis=0)
    for column in np.flatnonzero(~(totals > 0)):
        raise ValueError(f"{what} of target {int(column)} are all zero; at least one network must weigh.")
    return values / totals
