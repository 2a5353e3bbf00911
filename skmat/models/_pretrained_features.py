"""A pretrained network's learned representation of formulas, as features for any scikit-learn model."""

from __future__ import annotations

import copy

import numpy as np
import torch
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.pipeline import Pipeline
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted

from .._validation import IntegerInterval, check_feature_names, formula_column
from ._fit_context import limited_threads
from ._persistence import SavableNetMixin
from ._shipped import available_pretrained, is_average, pretrained_info, read_shipped, replaced_by

__all__ = ["PretrainedFeatures"]

_LAYER_NAMES = ("hidden", "conv")


def _load_shipped(name, owner):
    """The shipped network ``name`` as ``skmat.load_pretrained(name)`` returns it, and its file's SHA-256."""
    names = available_pretrained("composition")
    if (replacement := replaced_by(name)) is not None:  # a name saved by an older release: say what to use now
        raise ValueError(f"{owner}: network={name!r} is no longer shipped; it was replaced by {replacement}.")
    if not isinstance(name, str) or name not in names:
        available = ", ".join(repr(n) for n in names) or "none"
        raise ValueError(
            f"{owner}: network={name!r} is not a shipped composition network "
            f"(skmat.available_pretrained('composition'): {available}); "
            "pass one of those names or a fitted Pipeline (encoder + skmat network)."
        )
    if is_average(name):
        raise ValueError(
            f"{owner}: network={name!r} is an average of the shipped networks "
            f"{', '.join(repr(m) for m in pretrained_info(name)['members'])}, not one network; pass one of those."
        )
    return read_shipped(name)


class PretrainedFeatures(TransformerMixin, BaseEstimator):
    """Formulas to a pretrained network's learned representation: features for any scikit-learn model.

    Each formula goes through the network's own encoder and network up to
    the chosen layer; the activations of that layer are the features. With
    a tree model on top this is cross-property transfer as Gupta et al.
    (2021) did with ElemNet: the network learned the chemistry on a large
    data set (OQMD for the shipped ``"oqmd"`` network), the model on top
    learns a small data set's target from it.

    The network is fixed: ``fit`` only loads (or copies) it and records the
    input's column, so fitting on any data gives the same features.

    Parameters
    ----------
    network : str or Pipeline, default="oqmd"
        A shipped composition network (one of
        ``skmat.available_pretrained("composition")``), or a
        fitted Pipeline of an encoder and a skmat network with a
        :class:`~skmat.models.PTRCNN` module (e.g. a fine-tuned
        ``load_pretrained("oqmd")``). A Pipeline is copied at ``fit`` and
        never changed; ``sklearn.clone`` keeps it as it is (it is not
        refitted, and its parameters are not tunable through this
        transformer's).
    layer : {"hidden", "conv"} or int, default="hidden"
        Which representation: ``"hidden"`` the output of the last fully
        connected hidden layer (after its activation; 192 values for
        ``"oqmd"``), ``"conv"`` the flattened output of the convolutions
        (channels, then rows, then columns; 3,360 values for ``"oqmd"``),
        an int ``k`` the output of the ``k``-th fully connected hidden
        layer (0-based, after its activation; ``"hidden"`` is the last).
    batch_size : int, default=1024
        Formulas per forward pass.
    n_threads : int or None, default=None
        Torch and BLAS threads while transforming; None keeps the
        process's setting.

    Attributes
    ----------
    network_ : Pipeline
        The network the features come from (the shipped one, or a copy of
        the one given), in evaluation mode.
    network_sha256_ : str or None
        SHA-256 of the shipped network's file (None for a given Pipeline).
        A saved model that holds this transformer re-reads the shipped
        network by name when loaded, and refuses to load if the installed
        file differs: its features would differ too.
    layer_ : str
        The layer read, by position: ``"conv"`` or ``"hidden<k>"``.
    n_features_in_ : int
        1: the column of formulas.
    feature_names_in_ : ndarray of str
        The column's name, when ``X`` is a one-column DataFrame.
    n_features_out_ : int
        Width of the layer.

    See Also
    --------
    skmat.load_pretrained : The shipped networks as pipelines that predict.
    skmat.PTRCNNRegressor.from_regressor : Fine-tuning a network instead.

    Notes
    -----
    The output is float32: the network computes in float32, so float64
    would only double the memory (3,360 columns for ``layer="conv"``)
    without adding precision; scikit-learn's models take it as it is
    (random forests work in float32 themselves) and a
    :class:`~sklearn.pipeline.FeatureUnion` with float64 features casts
    it losslessly. The same input gives bit-identical output on the same
    machine and thread setting.

    A formula with an element the network has not seen in training
    raises :class:`skmat.FormulaError`, naming the formula and its row.

    Saving with :func:`skmat.models.save_pipeline`: for a shipped network
    the file holds only its name (and its file's SHA-256); a network given
    as a Pipeline cannot be stored inside this transformer (save it with
    ``save_pipeline`` on its own, load it and pass it again).

    References: V. Gupta, K. Choudhary, F. Tavazza, C. Campbell, W. Liao,
    A. Choudhary and A. Agrawal, "Cross-property deep transfer learning
    framework for enhanced predictive analytics on small materials data",
    Nat. Commun. 12, 6595 (2021).

    Examples
    --------
    >>> from skmat.models import PretrainedFeatures
    >>> features = PretrainedFeatures()
    >>> features.fit_transform(["Fe2O3", "NaCl"]).shape
    (2, 192)
    >>> features.get_feature_names_out()[:2]
    array(['oqmd_hidden_0', 'oqmd_hidden_1'], dtype=object)
    >>> PretrainedFeatures(layer="conv").fit_transform(["Fe2O3"]).shape
    (1, 3360)

    Under a tree model:

    >>> from sklearn.ensemble import HistGradientBoostingRegressor
    >>> from sklearn.pipeline import make_pipeline
    >>> X, y = ["Fe2O3", "NaCl", "MgO", "Al2O3", "SiO2", "GaAs"], [2.0, 8.5, 7.8, 8.8, 9.0, 1.4]
    >>> model = make_pipeline(PretrainedFeatures(), HistGradientBoostingRegressor(max_iter=5, min_samples_leaf=2))
    >>> model.fit(X, y).predict(["ZnO"]).shape
    (1,)
    """

    _parameter_constraints = {
        "network": [str, Pipeline],
        "layer": [StrOptions(set(_LAYER_NAMES)), IntegerInterval(0, None, closed="left")],
        "batch_size": [IntegerInterval(1, None, closed="left")],
        "n_threads": [None, IntegerInterval(1, None, closed="left")],
    }

    def __init__(self, network="oqmd", *, layer="hidden", batch_size=1024, n_threads=None):
        self.network = network
        self.layer = layer
        self.batch_size = batch_size
        self.n_threads = n_threads

    # The network is fixed: not cloned (an unfitted copy would have no weights) and not tuned through this
    # transformer (set_params("network__...") would change the user's pipeline). As sklearn.frozen.FrozenEstimator.

    def get_params(self, deep=True):
        """Parameters of this transformer (never those inside ``network``: it is fixed)."""
        return super().get_params(deep=False)

    def __sklearn_clone__(self):
        params = self.get_params()
        return type(self)(**{key: value if key == "network" else copy.deepcopy(value) for key, value in params.items()})

    # -- fit -------------------------------------------------------------------

    def _load_network(self):
        """``(pipeline, sha256)``: the shipped network or a copy of the given one, checked, in evaluation mode."""
        name = type(self).__name__
        if isinstance(self.network, str):
            pipeline, digest = _load_shipped(self.network, name)
        else:
            pipeline, digest = copy.deepcopy(self.network), None
        net = pipeline[-1]
        if not isinstance(net, SavableNetMixin):
            raise ValueError(
                f"{name}: the last step of network must be a fitted skmat network (PTRCNNRegressor, "
                f"PTRCNNClassifier), got {type(net).__name__}."
            )
        check_is_fitted(net, [net._fitted_marker, "module_"])
        module = net._bare_module()
        if not (isinstance(getattr(module, "features", None), torch.nn.Module)
                and isinstance(getattr(module, "predictor", None), torch.nn.Sequential)):
            raise ValueError(
                f"{name}: the network's module is a {type(module).__name__}; {name} reads a PTRCNN "
                "(convolutional features, then a fully connected predictor)."
            )
        module.eval()
        return pipeline, digest

    def _linear_positions(self):
        predictor = self.network_[-1]._bare_module().predictor
        return [i for i, layer in enumerate(predictor) if isinstance(layer, torch.nn.Linear)]

    def _resolve_layer(self):
        """The layer's name by position (``"conv"``, ``"hidden<k>"``) and where the predictor stops for it."""
        positions = self._linear_positions()
        n_hidden = len(positions) - 1
        if self.layer == "conv":
            return "conv", 0
        k = n_hidden - 1 if self.layer == "hidden" else int(self.layer)
        if not 0 <= k < n_hidden:
            if n_hidden == 0:
                raise ValueError(f'{type(self).__name__}: layer={self.layer!r}, but the network has no fully '
                                 'connected hidden layer; use layer="conv".')
            raise ValueError(
                f"{type(self).__name__}: layer={self.layer!r} is out of range: the network has {n_hidden} "
                f'fully connected hidden layers (layer 0 to {n_hidden - 1}, "hidden" for the last, or "conv").'
            )
        return f"hidden{k}", positions[k + 1]

    def _check_forward(self):
        """Raise unless features → flatten → predictor is the module's forward (what ``transform`` relies on)."""
        net = self.network_[-1]
        module = net._bare_module()
        shape = getattr(net, "input_shape_", None)
        if shape is None:
            return
        n = int(np.prod(shape))
        probe = torch.linspace(-1.0, 1.0, 2 * n).reshape(2, *shape).to(self._device())
        with torch.no_grad():
            direct = module(probe)
            through = module.predictor(torch.flatten(module.features(probe), start_dim=1))
        if direct.shape != through.shape or not torch.allclose(direct, through, rtol=1e-5, atol=1e-6):
            raise ValueError(
                f"{type(self).__name__}: the network's {type(module).__name__}.forward is not its features "
                "followed by its predictor, so its layers cannot be read one by one."
            )

    def _device(self):
        return next(self.network_[-1]._bare_module().parameters()).device

    def fit(self, X, y=None):
        """Load the network (or copy the one given) and record the input's column.

        Parameters
        ----------
        X : list, array of shape (n,) or (n, 1), Series or one-column DataFrame
            Chemical formulas (only their shape and column name are read).
        y : ignored

        Returns
        -------
        self
        """
        self._validate_params()
        formula_column(X)
        self.n_features_in_ = 1
        check_feature_names(self, X, reset=True)
        self.network_, self.network_sha256_ = self._load_network()
        self.layer_, stop = self._resolve_layer()
        self._check_forward()
        predictor = self.network_[-1]._bare_module().predictor
        self.n_features_out_ = int(predictor[stop or self._linear_positions()[0]].in_features)
        return self

    # -- transform -------------------------------------------------------------

    def _network_input(self, X):
        """The network's input for the formulas of ``X``: its encoder's output, checked and scaled by the network."""
        formulas = formula_column(X)
        encoder = self.network_[:-1]
        names = getattr(encoder[0], "feature_names_in_", None) if len(encoder) else None
        column = formulas if names is None else _one_column_frame(formulas, names[0])
        # The encoder's own FormulaError (formula, row, unseen element) goes to the user as it is.
        images = encoder.transform(column) if len(encoder) else column
        net = self.network_[-1]
        images = net._as_input(images)
        net._check_input(images)
        return net._scale_input(images)

    def transform(self, X):
        """The network's activations at ``layer`` for each formula.

        Parameters
        ----------
        X : list, array of shape (n,) or (n, 1), Series or one-column DataFrame
            Chemical formulas.

        Returns
        -------
        ndarray of float32, shape (n_samples, n_features_out)

        Raises
        ------
        skmat.FormulaError
            For a formula that cannot be parsed, or with an element the
            network has not seen: the message names the formula and row.
        """
        check_is_fitted(self, ["network_", "n_features_out_"])
        check_feature_names(self, X, reset=False)
        images = self._network_input(X)
        _, stop = self._resolve_layer()
        module = self.network_[-1]._bare_module()
        device = self._device()
        out = np.empty((len(images), self.n_features_out_), dtype=np.float32)
        with limited_threads(self.n_threads), torch.no_grad():
            for start in range(0, len(images), int(self.batch_size)):
                batch = torch.as_tensor(images[start:start + int(self.batch_size)]).to(device)
                values = torch.flatten(module.features(batch), start_dim=1)
                if stop:
                    values = module.predictor[:stop](values)
                out[start:start + len(batch)] = values.float().cpu().numpy()
        return out

    def get_feature_names_out(self, input_features=None):
        """Names of the features: ``<network>_<layer>_<j>``.

        ``<network>`` is the shipped network's name, or ``"network"`` for a
        given Pipeline; ``<layer>`` is ``"conv"``, ``"hidden"`` for
        ``layer="hidden"``, or ``"hidden<k>"`` for ``layer=k``.

        Parameters
        ----------
        input_features : array-like of str or None
            Checked against the input's column name, as scikit-learn does.

        Returns
        -------
        ndarray of str, shape (n_features_out,)
        """
        check_is_fitted(self, "n_features_out_")
        _check_feature_names_in(self, input_features, generate_names=False)
        prefix = self.network if isinstance(self.network, str) else "network"
        layer = self.layer if isinstance(self.layer, str) else f"hidden{int(self.layer)}"
        return np.asarray([f"{prefix}_{layer}_{j}" for j in range(self.n_features_out_)], dtype=object)

    # -- saving (skmat.models.save_pipeline) -----------------------------------

    def _state_to_save(self):
        """The fitted attributes a file holds: all but the network, which is re-read by name at load."""
        if not isinstance(self.network, str):
            raise TypeError(
                f"{type(self).__name__} with a network given as a Pipeline cannot be saved: a skmat file stores a "
                "network inside it only by a shipped network's name. Save that network on its own "
                "(save_pipeline(network, path)), and pass load_pipeline(path) as network again."
            )
        return {key: value for key, value in vars(self).items() if key != "network_"}

    def _state_loaded(self):
        """Re-read the shipped network after loading; refuse if the installed file is not the one fitted with."""
        if "n_features_out_" not in vars(self):
            return
        self.network_, digest = self._load_network()
        if digest != getattr(self, "network_sha256_", None):
            raise ValueError(
                f"{type(self).__name__} was fitted with the shipped network {self.network!r} of SHA-256 "
                f"{str(getattr(self, 'network_sha256_', None))[:12]}…, but the installed one is {digest[:12]}…: "
                "its features differ, so the model on top would predict wrongly. Refit it with this skmat."
            )
        if self._resolve_layer()[0] != self.layer_:
            raise ValueError(f"{type(self).__name__}: the stored layer {self.layer_!r} does not match layer.")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.requires_fit = True
        tags.transformer_tags.preserves_dtype = []
        return tags


def _one_column_frame(values, name):
    import pandas as pd

    return pd.DataFrame({name: values})
