"""SPTSeq2SeqRegressor: stress–strain curves from small punch test curves."""

from __future__ import annotations

import inspect
from collections.abc import Mapping

import numpy as np
import torch

from .._small_punch._curve_input import check_positive_conditions, warn_not_load_curves
from ._curve_input import (
    as_curve_input,
    check_curve_layout,
    check_nonnegative_curves,
    curve_input_layout,
    curve_peaks,
    n_curves,
    warn_outside_range,
    warn_peaks_outside_range,
)
from ._scaled_net import ScaledNetRegressor
from ._seq2seq import GAFSeq2Seq

__all__ = ["SPTSeq2SeqRegressor"]


class _ScaledCurves(dict):
    """The checked curve dict, with what the encoder divided ``"sequence"`` by and the curves it read.

    ``curves``: the curves as given, ``(n, m)`` (bare curves: the sequence
    itself; the encoder's :class:`CurveBatch`: the curves it read), or None
    for a dict written by hand. The checks of ``predict`` read them, so that
    they quote a force in the units and at the column of the user's ``X``.
    """

    sequence_scale = 1.0
    curves = None


class SPTSeq2SeqRegressor(ScaledNetRegressor):
    """Seq2Seq regressor from load–displacement curves to true stress–strain curves.

    The model of Yang et al. (2025) as a scikit-learn regressor (a skorch
    ``NeuralNetRegressor`` around :class:`~skmat.models.GAFSeq2Seq`). Put a
    :class:`~skmat.GramianAngularFieldEncoder` in front of it, here with
    both estimators' defaults::

        make_pipeline(GramianAngularFieldEncoder(), SPTSeq2SeqRegressor())

    The encoder's default ``image_size=1.0`` makes images as wide as the
    curves are long (181 x 181 for 181 points); a smaller image, such as
    ``GramianAngularFieldEncoder(image_size=32)`` in the gallery examples,
    takes less memory and time.

    The encoder passes a dict with the GAF ``"image"`` ``(n, 1, s, s)``, the
    curve's ``"sequence"`` ``(n, s)`` and, with ``n_conditions=k`` (trailing
    columns of the curves, e.g. the disc thickness), the ``"conditions"``
    ``(n, k)``; skorch hands them to the network by key. Such a dict can be
    written by hand, and bare curves ``(n, m)`` are read as ``{"sequence":
    X}``: the GAF-free "1D LSTM" ablation (``module__use_gaf=False``) and the
    baselines (``module=skmat.models.GRUSeq2Seq`` …) take the same inputs
    and leave the image aside. Sequence length, number of conditions and output length are
    read from the data at ``fit`` and checked at ``predict``; the input
    sequence is standardised (one mean and standard deviation over all
    training values), each condition standardised, and the target whitened
    per output point, all fitted on the training data only.

    Parameters
    ----------
    module : torch module class, default=skmat.models.GAFSeq2Seq
        Tune it with ``module__hidden_size``, ``module__num_layers``,
        ``module__num_heads``, ``module__conv1d_channels``, ``module__dropout``;
        ablate with ``module__use_gaf=False`` and ``module__use_attention=False``.
        ``use_gaf`` defaults to whether the input carries GAF images.
    pretrained : skmat.models.PretrainedNetwork or None, default=None
        Trained weights that initialise this network (its architecture too):
        use :meth:`from_regressor` with a fitted regressor of the same kind
        of input. Never modified; the curves given to ``fit`` must have the
        layout it was trained on (points, conditions, GAF image or not).
    transfer : {"hidden", "features"}, default="hidden"
        What ``pretrained`` gives: every layer but the output queries, or the
        feature extractor (``feature_modules``) only.
    criterion : torch loss class, default=torch.nn.MSELoss
    optimizer : torch optimizer class, default=torch.optim.AdamW
    lr : float, default=2e-3
    max_epochs : int, default=60
    batch_size : int, default=64
    train_split : callable or None, default=None
    target_scaling : {"whiten", "bound", None}, default="whiten"
    freeze_features : bool or list of str, default=False
        Keep the feature extractor fixed while training (the network's
        ``feature_modules``: the 1-D and 2-D convolutions of
        :class:`~skmat.models.GAFSeq2Seq`), e.g. when fine-tuning a fitted
        model on a few new curves with ``warm_start=True``. A list names
        the submodules to keep fixed (``["conv1d", "conv2d", "encoder"]``).
    random_state : int, RandomState instance or None, default=None
        Seeds initialisation, dropout and shuffling; an int makes CPU results
        identical run to run.
    n_threads : int or None, default=None
        Torch intra-op and BLAS threads for ``fit`` and ``predict`` (the
        previous setting is restored after). None keeps the process's
        setting: ``cpu_count // n_jobs`` in joblib's loky workers, one in
        Dask's nanny-started workers, all cores otherwise. Training results
        depend on the thread count (float sums split differently), so fix
        it to compare runs across engines or machines. See the docs'
        *Scaling out* page.
    device : str, default="cpu"
    verbose : int, default=1
        Prints the per-epoch table once a fit has run for 10 s; 0 silences it.
    **kwargs
        Other :class:`skorch.NeuralNet` parameters.

    Attributes
    ----------
    module_ : skmat.models.GAFSeq2Seq
    sequence_length_ : int
        Points per input curve (``n_features_in_``).
    n_features_in_ : int
        Points per input curve.
    feature_names_in_ : ndarray of str
        Column names of bare curves given as a DataFrame with string
        column names (a dict, such as the encoder's output, has none);
        ``predict`` then checks them as scikit-learn does.
    uses_image_ : bool
        Whether the network reads the GAF image.
    n_conditions_ : int
        Number of test conditions.
    n_outputs_ : int
        Points of the predicted curve.
    input_offset_, input_scale_ : float
        Standardisation of the input sequence.
    condition_offset_, condition_scale_ : ndarray of shape (n_conditions,)
    nonnegative_input_ : bool
        Whether every training curve was ≥ 0 (load curves are). Then a
        curve given later with a clearly negative force (below −1 % of its
        maximum) is a ``ValueError`` naming the curve, the force as given
        and its column of ``X`` (the encoder passes on the curves it read):
        a sign or baseline error, not a load curve. Such a model also
        warns, naming them, for curves that do not look like load curves:
        a first force above 0.6 of the peak (a constant, most curves
        given backwards) or a curve whose steps add up to more than 40
        peaks (noise rather than a load curve).
    condition_range_ : ndarray of shape (n_conditions, 2)
        Smallest and largest training value of each condition; curves
        predicted outside it (by more than 2 % of its span) get a
        ``UserWarning`` naming them (the network extrapolates there). A
        condition > 0 in every training curve (a thickness) must stay
        > 0: a value ≤ 0 is a ``ValueError`` naming the curve.
    peak_range_ : ndarray of shape (2,)
        Smallest and largest peak (largest absolute value) of the training
        curves' ``X["sequence"]``; see Notes.
    target_offset_, target_scale_ : ndarray of shape (n_points,)
    frozen_parameters_ : list of str
        Parameters kept fixed in the last fit.
    transferred_ : list of str
        Parameters copied from ``pretrained`` (empty without).

    See Also
    --------
    GramianAngularFieldEncoder : Builds the input from curves.
    SPTSeq2SeqRegressor.save, SPTSeq2SeqRegressor.load : Store a fitted model without pickle.

    Notes
    -----
    The decoder is non-autoregressive: it reads one learned query per output
    point instead of its own previous prediction. Training then needs no
    teacher forcing, so there is no gap between training (true previous
    values) and inference (predicted ones), all points are trained in
    parallel, and inference needs no ground truth. The paper does not say
    which it used.

    The load level of a curve reaches the network through ``X["sequence"]``
    only: the GAF image is min–max scaled per curve and is the same for a
    curve in N and in mN, but the encoder's sequence is the curve divided by
    one number fitted on the training curves (``sequence_scale_``), and bare
    curves are read as they are. A curve 1000 times the training load (mN
    given for N) therefore changes the prediction, far outside anything
    seen in training. So ``predict`` warns (``UserWarning``), naming the
    curves (the first five, then a count), when a curve's peak lies below
    the smallest training peak divided by 2 or above the largest training
    peak times 2 (``peak_range_``, measured on ``X["sequence"]``, which is
    proportional to the force). The same goes for the baselines
    (``module=skmat.models.GRUSeq2Seq`` …), which read the same input.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.pipeline import make_pipeline
    >>> from skmat import GramianAngularFieldEncoder, SPTSeq2SeqRegressor
    >>> from skmat.datasets import make_small_punch_test
    >>> spt = make_small_punch_test(64, random_state=0)
    >>> small = dict(max_epochs=2, module__hidden_size=16, module__num_layers=1, random_state=0, verbose=0)
    >>> model = make_pipeline(GramianAngularFieldEncoder(16), SPTSeq2SeqRegressor(**small))
    >>> model.fit(spt.data, spt.target).predict(spt.data[:3]).shape
    (3, 35)

    With the disc thickness as a trailing column of each curve:

    >>> X = np.column_stack([spt.data, spt.params["thickness"]])
    >>> model = make_pipeline(GramianAngularFieldEncoder(16, n_conditions=1),
    ...                       SPTSeq2SeqRegressor(**small))
    >>> model.fit(X, spt.target)[-1].n_conditions_
    1
    """

    def __init__(
        self,
        module=GAFSeq2Seq,
        *,
        pretrained=None,
        transfer="hidden",
        criterion=torch.nn.MSELoss,
        optimizer=torch.optim.AdamW,
        lr=2e-3,
        max_epochs=60,
        batch_size=64,
        train_split=None,
        target_scaling="whiten",
        freeze_features=False,
        random_state=None,
        n_threads=None,
        device="cpu",
        verbose=1,
        **kwargs,
    ):
        super().__init__(
            module,
            pretrained=pretrained,
            transfer=transfer,
            target_scaling=target_scaling,
            freeze_features=freeze_features,
            random_state=random_state,
            n_threads=n_threads,
            criterion=criterion,
            optimizer=optimizer,
            lr=lr,
            max_epochs=max_epochs,
            batch_size=batch_size,
            train_split=train_split,
            device=device,
            verbose=verbose,
            **kwargs,
        )

    @classmethod
    def _required_fitted_attributes(cls):
        return (*super()._required_fitted_attributes(), "sequence_length_", "n_conditions_", "input_offset_",
                "input_scale_", "nonnegative_input_", "condition_offset_", "condition_scale_", "condition_range_")

    def _as_input(self, X):
        """The checked dict of float32 arrays (see :func:`~skmat.models.as_curve_input`).

        It keeps the encoder's ``sequence_scale`` and raw ``curves`` of a
        :class:`CurveBatch` (bare curves are their own raw curves), so that
        the checks of ``predict`` read the forces as given.
        """
        checked = _ScaledCurves(as_curve_input(X, type(self).__name__))
        if isinstance(X, Mapping):
            checked.sequence_scale = getattr(X, "sequence_scale", 1.0)
            checked.curves = getattr(X, "curves", None)
        else:
            checked.curves = checked["sequence"]
        return checked

    def _n_samples(self, X):
        return n_curves(X)

    def _module_accepts(self, name):
        return isinstance(self.module, type) and name in inspect.signature(self.module).parameters

    def _uses_image(self, has_image):
        """Whether the network reads the image: ``module__use_gaf`` if given, else whether there is one."""
        if not self._module_accepts("use_gaf"):
            return False
        return bool(self.get_params_for("module").get("use_gaf", has_image))

    def _fit_input(self, X):
        layout = curve_input_layout(X)
        self.sequence_length_ = layout["sequence_length"]
        self.n_conditions_ = layout["n_conditions"]
        self.uses_image_ = self._uses_image(layout["has_image"])
        self.n_features_in_ = self.sequence_length_
        if self.uses_image_ and not layout["has_image"]:
            raise ValueError(
                "module__use_gaf=True needs GAF images: put GramianAngularFieldEncoder(image_size) "
                "before the regressor, or set module__use_gaf=False."
            )
        sequence = X["sequence"]
        peaks = curve_peaks(sequence)
        self.peak_range_ = np.array([peaks.min(), peaks.max()])
        self.nonnegative_input_ = bool((sequence >= 0).all())
        self.input_offset_ = float(sequence.mean(dtype=np.float64))
        std = float(sequence.std(dtype=np.float64))
        self.input_scale_ = std if std > 0 else 1.0
        if self.n_conditions_:
            values = X["conditions"].astype(np.float64)
            self.condition_offset_ = values.mean(axis=0)
            spread = values.std(axis=0)
            self.condition_scale_ = np.where(spread > 0, spread, 1.0)
            self.condition_range_ = np.stack([values.min(axis=0), values.max(axis=0)], axis=1)
        else:
            self.condition_offset_ = self.condition_scale_ = np.zeros(0)
            self.condition_range_ = np.zeros((0, 2))

    def _check_input(self, X):
        check_curve_layout(self, X)
        name = type(self).__name__
        scale = getattr(X, "sequence_scale", 1.0)
        curves = getattr(X, "curves", None)
        if self.nonnegative_input_:
            if curves is not None:  # the forces as given: in the user's units, at the user's columns
                bare = curves is X["sequence"]
                check_nonnegative_curves(curves, name, position="point" if bare else "column")
                warn_not_load_curves(curves, name)
            else:
                check_nonnegative_curves(X["sequence"], name, scale=scale,
                                         position="point" if scale == 1.0 else "PAA window")
        if self.n_conditions_:
            check_positive_conditions(X["conditions"], self.condition_range_, name)
            warn_outside_range(X["conditions"], self.condition_range_, name)
        if hasattr(self, "peak_range_"):  # absent from models saved before it was recorded
            warn_peaks_outside_range(X["sequence"], self.peak_range_, name, scale=scale)

    def _inferred_module_kwargs(self):
        inferred = {
            "sequence_length": self.sequence_length_,
            "n_outputs": self.n_outputs_,
            "use_gaf": self.uses_image_,
            "n_conditions": self.n_conditions_,
        }
        # Baseline modules share the input but not every switch.
        return {key: value for key, value in inferred.items() if self._module_accepts(key)}

    def _scale_input(self, X):
        """New arrays for the network: standardised sequence and conditions, the image if it is read."""
        out = {"sequence": ((X["sequence"] - self.input_offset_) / self.input_scale_).astype(np.float32)}
        if self.uses_image_:
            out["image"] = X["image"]
        if self.n_conditions_:
            scaled = (X["conditions"] - self.condition_offset_) / self.condition_scale_
            out["conditions"] = scaled.astype(np.float32)
        return out
