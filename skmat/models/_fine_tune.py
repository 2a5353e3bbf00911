"""Fine-tune a fitted network on a few samples of one's own, with settings that do not wreck it."""

from __future__ import annotations

import copy
import numbers
import warnings

import numpy as np
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted
from skorch.callbacks import Callback

from .._validation import IntegerInterval
from ._ensemble import DeepEnsembleRegressor
from ._network_base import SkmatNet
from ._rows import n_rows, take_rows
from ._scaled_net import read_targets

__all__ = ["fine_tune"]


class _HoldoutError(Callback):
    """Records the mean absolute error on held-out rows after every epoch (``history[:, "holdout_mae"]``)."""

    def __init__(self, X, y):
        self.X = X
        self.y = y

    def on_epoch_end(self, net, **kwargs):
        net.history.record("holdout_mae", _mae(net.predict(self.X), self.y))


def _mae(predicted, y):
    """Mean absolute error of ``predicted`` against ``y``, row by row; ValueError if their shapes differ.

    Both are read as (n, outputs), so that (n,) and (n, 1) agree; any other
    difference raises instead of broadcasting to an (n, n) error.
    """
    predicted = np.asarray(predicted, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    predicted, y = predicted.reshape(len(predicted), -1), y.reshape(len(y), -1)
    if predicted.shape != y.shape:
        raise ValueError(
            f"fine_tune: the predictions have shape {predicted.shape} but the targets {y.shape}; they cannot be "
            "compared."
        )
    return float(np.mean(np.abs(predicted - y)))


def _check_integer(name, value, low):
    """``value`` as int, or ValueError: an integer ``>= low``, not a bool (numpy's included)."""
    if not IntegerInterval(low, None, closed="left").is_satisfied_by(value):
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}.")
    return int(value)


def _check_target(network, y, n):
    """``y`` as float64 in the shape ``network`` was fitted on; ValueError naming the row of ``y`` at fault.

    Checked before any row is held out, so that an error names the row as
    the caller counts it. A one-target model fitted on (n,) targets takes
    (n, 1) too, and the other way round: both are reshaped to the fitted
    shape, so that predictions and targets compare row by row.
    """
    values = read_targets(y, "fine_tune")
    if values.ndim == 0 or len(values) != n:
        raise ValueError(f"X has {n} samples but y has {len(values) if values.ndim else 'a single value'}.")
    if n == 0:
        raise ValueError("fine_tune needs at least one sample; X and y have none.")
    rows = values.reshape(n, -1)
    outputs, ndim = getattr(network, "n_outputs_", None), getattr(network, "target_ndim_", None)
    if outputs is None or ndim is None:
        return values
    per_row = rows.shape[1]
    if per_row != outputs:
        raise ValueError(
            f"fine_tune: y has {per_row} target(s) per row (shape {values.shape}), but the model was fitted on "
            f"{outputs}."
        )
    return values.reshape(n) if ndim == 1 else values.reshape(n, outputs)


def _networks(final):
    """The fitted skmat networks to train: the estimator itself, or every member of an ensemble."""
    if isinstance(final, DeepEnsembleRegressor):
        check_is_fitted(final, "estimators_")
        return list(final.estimators_)
    if isinstance(final, SkmatNet):
        check_is_fitted(final, "module_")
        return [final]
    from ._spt_corrected_inverse import SPTCorrectedInverseRegressor

    advice = ""
    if isinstance(final, SPTCorrectedInverseRegressor):
        advice = (" It has no network to train: to learn from your runs too, fit a new "
                  "SPTCorrectedInverseRegressor on the bundled runs (skmat.datasets.load_small_punch_fem(strain_grid="
                  "'default')) and yours together; or fine-tune the networks, "
                  "load_pretrained('small-punch-flat5.5-networks').")
    raise TypeError(
        f"fine_tune trains skmat networks (PTRCNNRegressor, SPTSeq2SeqRegressor, ...), a DeepEnsembleRegressor of "
        f"them, or a Pipeline ending in one; got {type(final).__name__}.{advice}"
    )


def _train(network, X, y, epochs, lr_factor, batch_size, callbacks=None):
    """Train ``network`` (in place) ``epochs`` more epochs from its weights, then give back its own settings.

    A later ``fit`` of the returned network is an ordinary one (its own
    ``warm_start``, learning rate, epochs, batch size and callbacks).
    """
    params = dict(warm_start=True, max_epochs=int(epochs), lr=network.lr * lr_factor, batch_size=batch_size,
                  verbose=0)
    if callbacks is not None:
        params["callbacks"] = callbacks
    own = {key: value for key, value in network.get_params(deep=False).items() if key in params}
    network.set_params(**params)
    network.initialize_callbacks()  # set_params alone does not rebuild the callbacks of a fitted network
    # A fresh optimizer, always: a network fitted in this process still holds its optimizer's state (Adam's
    # moments from the large set), a loaded one does not, and the two would fine-tune differently.
    network.initialize_optimizer()
    network.fit(X, y)
    network.set_params(**own)
    network.initialize_callbacks()
    return network


def fine_tune(model, X, y, *, max_epochs=30, lr_factor=0.05, batch_size=8, holdout=0.2, random_state=0,
              return_report=False):
    """A copy of a fitted network trained further on a few samples of your own, safely.

    Continuing a network's training on a few dozen curves or compounds with
    the settings it was trained with (``warm_start=True`` alone) keeps its
    large learning rate and batch size and can make it worse: a small punch
    GAF-Seq2Seq trained on simulated curves went from 7.8 % to 13.6 % median
    error on held-out finite-element runs that way, and to 1.04 % with a
    learning rate 20 times lower and batches of 8 (``benchmarks/spt_fem.py``,
    issue 23). These are the defaults here, and the number of epochs is
    chosen on held-out rows instead of fixed:

    1. ``holdout`` of the rows (at least one) are kept out; a copy of the
       model trains on the others for ``max_epochs`` epochs, scoring the
       held-out rows (mean absolute error of ``predict``) before training
       and after every epoch;
    2. the epoch count with the lowest held-out error is kept (0 if no epoch
       beats the model as it was; the copy is then returned unchanged, with
       a warning);
    3. a fresh copy of the model trains on all rows for that many epochs.

    Every training starts a fresh optimizer at the lowered learning rate, so
    a model fitted in this session and the same model saved and loaded
    fine-tune alike. The model passed in is never changed. In a Pipeline only the last step
    trains, on what the fitted steps before it make of ``X`` (an encoder or
    a resampler keeps what it learned on the large set); an ensemble trains
    every member the same way (its spread keeps the calibration it was
    fitted with).

    Parameters
    ----------
    model : fitted skmat network, DeepEnsembleRegressor, or Pipeline ending in one
        E.g. a network from :func:`skmat.load_pretrained` or trained on
        simulations.
    X : array-like, dict or list of length n_samples
        The new inputs, as the model's ``predict`` takes them.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Finite numbers, as many targets per row as the model was fitted
        on; they are read in the shape of the model's fitted targets (for
        a one-target model, (n, 1) and (n,) alike).
    max_epochs : int, default=30
        The most epochs trained.
    lr_factor : float, default=0.05
        The learning rate is the model's times this.
    batch_size : int, default=8
    holdout : float in [0, 1), default=0.2
        Share of the rows held out to choose the number of epochs; 0 (or
        fewer than 5 rows) trains ``max_epochs`` epochs on all rows without
        a choice.
    random_state : int, default=0
        Seeds the held-out draw; the training itself follows the model's
        own ``random_state``.
    return_report : bool, default=False
        Also return a dict: ``epochs`` (the chosen count), ``holdout_mae``
        (the held-out error before training and after each epoch; per
        member for an ensemble), ``holdout_rows``.

    Returns
    -------
    model : the fine-tuned copy
    report : dict
        Only with ``return_report=True``.

    Raises
    ------
    ValueError
        For settings out of range (a bool is no integer), a ``y`` that is
        not numeric, has another number of rows than ``X``, holds NaN or
        infinity (naming its row, as counted in ``y``) or another number of
        targets per row than the model was fitted on.
    TypeError
        For a model that is no skmat network, ensemble of them or Pipeline
        ending in one.

    Examples
    --------
    >>> import numpy as np
    >>> from skmat.models import PTRCNNRegressor, fine_tune
    >>> rng = np.random.default_rng(0)
    >>> X = rng.random((60, 1, 5, 16)).astype(np.float32)
    >>> base = PTRCNNRegressor(max_epochs=5, module__n_filters=4, module__hidden_units=8, random_state=0,
    ...                        verbose=0).fit(X, X.sum(axis=(1, 2, 3)))
    >>> tuned, report = fine_tune(base, X[:20], X[:20].sum(axis=(1, 2, 3)) + 1.0, max_epochs=5, return_report=True)
    >>> 0 <= report["epochs"] <= 5 and tuned is not base
    True
    """
    max_epochs = _check_integer("max_epochs", max_epochs, 1)
    if not isinstance(lr_factor, numbers.Real) or not 0 < lr_factor <= 1:
        raise ValueError(f"lr_factor must be a number in (0, 1], got {lr_factor!r}.")
    batch_size = _check_integer("batch_size", batch_size, 1)
    if not isinstance(holdout, numbers.Real) or not 0 <= holdout < 1:
        raise ValueError(f"holdout must be a number in [0, 1), got {holdout!r}.")
    final = model[-1] if isinstance(model, Pipeline) else model
    networks = _networks(final)  # checks the kind and that it is fitted
    inputs = model[:-1].transform(X) if isinstance(model, Pipeline) else X
    y = _check_target(networks[0], y, n_rows(inputs))
    n = len(y)

    report = {"epochs": int(max_epochs), "holdout_mae": None, "holdout_rows": None}
    if holdout > 0 and n >= 5:
        order = np.random.default_rng(random_state).permutation(n)
        n_held = max(1, int(round(holdout * n)))
        held, kept = np.sort(order[:n_held]), np.sort(order[n_held:])
        X_held, y_held = take_rows(inputs, held), y[held]
        curves = []
        for network in _networks(copy.deepcopy(final)):
            before = _mae(network.predict(X_held), y_held)
            _train(network, take_rows(inputs, kept), y[kept], max_epochs, lr_factor, batch_size,
                   callbacks=[("holdout_error", _HoldoutError(X_held, y_held))])
            curves.append([before, *network.history[-int(max_epochs):, "holdout_mae"]])
        mean_curve = np.mean(curves, axis=0)
        report.update(epochs=int(np.argmin(mean_curve)), holdout_rows=held.tolist(),
                      holdout_mae=curves[0] if len(curves) == 1 else curves)
        if report["epochs"] == 0:
            warnings.warn(
                f"fine_tune: no epoch improved the error on the {n_held} held-out rows "
                f"({mean_curve[0]:.4g} before, best {mean_curve[1:].min():.4g} after); the model is returned "
                "unchanged. Try more rows, another lr_factor or a frozen feature extractor.",
                UserWarning,
                stacklevel=2,
            )

    tuned_final = copy.deepcopy(final)
    if report["epochs"] > 0:
        for network in _networks(tuned_final):
            _train(network, inputs, y, report["epochs"], lr_factor, batch_size)
    if isinstance(model, Pipeline):
        tuned = Pipeline([*[(name, copy.deepcopy(step)) for name, step in model.steps[:-1]],
                          (model.steps[-1][0], tuned_final)], memory=model.memory, verbose=model.verbose)
    else:
        tuned = tuned_final
    return (tuned, report) if return_report else tuned

