"""SPTSeq2SeqRegressor: stress–strain curves from small punch test curves."""

from __future__ import annotations

import inspect

import numpy as np
import torch
from sklearn.utils.validation import check_array

from ._scaled_net import ScaledNetRegressor, first_bad_row
from ._seq2seq import SPTSeq2Seq

__all__ = ["SPTSeq2SeqRegressor"]


class SPTSeq2SeqRegressor(ScaledNetRegressor):
    """Seq2Seq regressor from load–displacement curves to true stress–strain curves.

    The model of Yang et al. (2025) as a scikit-learn regressor (a skorch
    ``NeuralNetRegressor`` around :class:`~skmat.models.SPTSeq2Seq`). Put a
    :class:`~skmat.GramianAngularFieldEncoder` with ``keep_sequence=True`` in
    front of it::

        Pipeline([("gaf", GramianAngularFieldEncoder(64, keep_sequence=True)),
                  ("s2s", SPTSeq2SeqRegressor())])

    or give it the curves themselves ``(n, m)`` for the GAF-free "1D LSTM"
    ablation. Sequence length and output length are read from the data at
    ``fit``; the input sequence is standardised (one mean and standard
    deviation over all training values) and the target whitened per output
    point, both fitted on the training data only.

    Parameters
    ----------
    module : torch module class, default=SPTSeq2Seq
        Tune it with ``module__hidden_size``, ``module__num_layers``,
        ``module__num_heads``, ``module__conv1d_channels``, ``module__dropout``;
        ablate with ``module__use_gaf=False`` and ``module__use_attention=False``.
        ``use_gaf`` defaults to whether the input carries GAF images.
    criterion : torch loss class, default=torch.nn.MSELoss
    optimizer : torch optimizer class, default=torch.optim.AdamW
    lr : float, default=2e-3
    max_epochs : int, default=60
    batch_size : int, default=64
    train_split : callable or None, default=None
    target_scaling : {"whiten", "bound", None}, default="whiten"
    random_state : int, RandomState instance or None, default=None
        Seeds initialisation, dropout and shuffling; an int makes CPU results
        identical run to run.
    device : str, default="cpu"
    verbose : int, default=0
    **kwargs
        Other :class:`skorch.NeuralNet` parameters.

    Attributes
    ----------
    module_ : SPTSeq2Seq
    input_shape_ : tuple of int
        ``(1, s + 1, s)`` with GAF images, ``(1, 1, m)`` for bare curves.
    n_outputs_ : int
        Points of the predicted curve.
    input_offset_, input_scale_ : float
        Standardisation of the input sequence.
    n_conditions_ : int
        Test conditions (e.g. thickness) found in the input: give them as
        trailing columns of ``X`` and ``GramianAngularFieldEncoder(...,
        n_conditions=k)`` passes them through. Standardised per condition
        (``condition_offset_``, ``condition_scale_``).
    target_offset_, target_scale_ : ndarray of shape (n_points,)

    Notes
    -----
    The decoder is non-autoregressive: it reads one learned query per output
    point instead of its own previous prediction. Training then needs no
    teacher forcing, so there is no gap between training (true previous
    values) and inference (predicted ones), all points are trained in
    parallel, and inference needs no ground truth. The paper does not say
    which it used.

    Examples
    --------
    >>> from sklearn.pipeline import Pipeline
    >>> from skmat import GramianAngularFieldEncoder, SPTSeq2SeqRegressor
    >>> from skmat.datasets import make_small_punch_test
    >>> spt = make_small_punch_test(64, random_state=0)
    >>> model = Pipeline([
    ...     ("gaf", GramianAngularFieldEncoder(16, keep_sequence=True)),
    ...     ("s2s", SPTSeq2SeqRegressor(max_epochs=2, module__hidden_size=16,
    ...                                 module__num_layers=1, random_state=0)),
    ... ])
    >>> model.fit(spt.data, spt.target).predict(spt.data[:3]).shape
    (3, 35)
    """

    def __init__(
        self,
        module=SPTSeq2Seq,
        *,
        criterion=torch.nn.MSELoss,
        optimizer=torch.optim.AdamW,
        lr=2e-3,
        max_epochs=60,
        batch_size=64,
        train_split=None,
        target_scaling="whiten",
        random_state=None,
        device="cpu",
        verbose=0,
        **kwargs,
    ):
        super().__init__(
            module,
            target_scaling=target_scaling,
            random_state=random_state,
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

    def _as_input(self, X):
        """Float32 ``(n, 1, H, s)``: GAF images with their sequence row, or bare curves."""
        if isinstance(X, torch.Tensor):
            X = X.detach().cpu().numpy()
        X = check_array(X, dtype=np.float32, allow_nd=True, ensure_all_finite=False, input_name="X")
        row = first_bad_row(X)
        if row is not None:
            raise ValueError(f"X contains NaN or infinity in curve {row}.")
        if X.ndim == 2:
            X = X[:, None, None, :]
        elif X.ndim == 3:
            X = X[:, None]
        if X.ndim != 4 or X.shape[1] != 1 or X.shape[2] not in (1, X.shape[3] + 1, X.shape[3] + 2):
            raise ValueError(
                "Expected curves (n, m), or GramianAngularFieldEncoder(keep_sequence=True) output "
                f"(n, 1, s + 1, s) or (n, 1, s + 2, s); got shape {X.shape}. A GAF image without "
                "its sequence row (keep_sequence=False) cannot be used: the image alone has lost "
                "the load level."
            )
        return X

    def _conditions_row(self, X):
        return X[:, 0, X.shape[3] + 1, :] if X.shape[2] == X.shape[3] + 2 else None

    def _has_images(self):
        return self.input_shape_[1] in (self.input_shape_[2] + 1, self.input_shape_[2] + 2)

    def _inferred_module_kwargs(self):
        inferred = {
            "sequence_length": self.input_shape_[-1],
            "n_outputs": self.n_outputs_,
            "use_gaf": self._has_images(),
            "n_conditions": self.n_conditions_,
        }
        # Baseline modules share the input layout but not every switch.
        accepted = inspect.signature(self.module).parameters if isinstance(self.module, type) else {}
        return {key: value for key, value in inferred.items() if key in accepted}

    def _fit_input_scaling(self, X):
        if self.get_params_for("module").get("use_gaf") and not self._has_images():
            raise ValueError(
                "module__use_gaf=True needs GAF images: put GramianAngularFieldEncoder("
                "keep_sequence=True) before the regressor, or set module__use_gaf=False."
            )
        sequence = X[:, 0, self._sequence_row(X), :]
        self.input_offset_ = float(sequence.mean())
        std = float(sequence.std())
        self.input_scale_ = std if std > 0 else 1.0
        row = self._conditions_row(X)
        if row is None:
            self.n_conditions_ = 0
            self.condition_offset_ = self.condition_scale_ = np.zeros(0)
            return
        counts = np.unique(row[:, 0])
        if len(counts) != 1 or counts[0] != int(counts[0]) or not 0 < counts[0] < X.shape[3]:
            raise ValueError(
                "The conditions row (the last row of each GAF sample) must start with the same "
                f"count of conditions in every sample; found {counts[:5].tolist()}."
            )
        self.n_conditions_ = int(counts[0])
        values = row[:, 1 : self.n_conditions_ + 1].astype(np.float64)
        self.condition_offset_ = values.mean(axis=0)
        spread = values.std(axis=0)
        self.condition_scale_ = np.where(spread > 0, spread, 1.0)

    @staticmethod
    def _sequence_row(X):
        return 0 if X.shape[2] == 1 else X.shape[3]

    def _scale_input(self, X):
        X = X.copy()
        r = self._sequence_row(X)
        X[:, 0, r, :] = (X[:, 0, r, :] - self.input_offset_) / self.input_scale_
        if self.n_conditions_:
            k = self.n_conditions_
            row = X[:, 0, X.shape[3] + 1, :]
            row[:, 1 : k + 1] = (row[:, 1 : k + 1] - self.condition_offset_) / self.condition_scale_
        return X
