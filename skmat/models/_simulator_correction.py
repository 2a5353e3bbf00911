"""A Gaussian-process correction of the small punch simulator, kept as plain arrays.

The simulator (:func:`skmat.datasets.simulate_small_punch`) misses the
reference finite-element forces by a few per cent, smoothly in the material
and the thickness. :func:`fit_force_correction` learns that miss — the log
ratio of reference to simulated force at every displacement — as a function
of ``(log K, n, t)`` with one Gaussian process (a shared anisotropic RBF
kernel plus white noise, its hyperparameters chosen by scikit-learn's
marginal-likelihood fit) and keeps only what prediction needs: arrays that a
saved file holds as data. :func:`predict_force_correction` evaluates it.
"""

from __future__ import annotations

import numpy as np

__all__ = ["FIELDS", "check_force_correction", "fit_force_correction", "predict_force_correction"]

#: The arrays of a fitted correction, with their shapes in terms of
#: n (training runs), d (inputs: 3) and m (displacements).
FIELDS = {
    "inputs": ("n", "d"),  # standardised (log K, n, t) of the training runs
    "weights": ("n", "m"),  # the GP's dual weights, per displacement
    "input_offset": ("d",),
    "input_scale": ("d",),
    "length_scale": ("d",),
    "amplitude": (),
    "noise": (),
    "output_offset": ("m",),
    "output_scale": ("m",),
}


def correction_inputs(strength_coefficient, hardening_exponent, thickness):
    """The correction's raw inputs ``(log K, n, t)`` as an (n, 3) array."""
    return np.column_stack([np.log(strength_coefficient), hardening_exponent, thickness]).astype(np.float64)


def fit_force_correction(inputs, log_ratio, *, n_restarts=2, random_state=0):
    """Fit the correction to ``log_ratio`` (n, m) at ``inputs`` (n, 3); return its arrays (:data:`FIELDS`).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> inputs = rng.uniform(size=(12, 3))
    >>> ratio = np.column_stack([0.1 * inputs[:, 0], -0.05 * inputs[:, 2]])
    >>> state = fit_force_correction(inputs, ratio)
    >>> bool(np.abs(predict_force_correction(state, inputs) - ratio).max() < 0.01)
    True
    """
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel

    inputs = np.asarray(inputs, dtype=np.float64)
    offset = inputs.mean(axis=0)
    spread = inputs.std(axis=0)
    scale = np.where(spread > 1e-12, spread, 1.0)  # a constant input (one thickness) is left as it is
    standard = (inputs - offset) / scale
    kernel = ConstantKernel(1.0, (1e-4, 1e4)) * RBF(np.ones(inputs.shape[1]), (1e-2, 1e3)) + WhiteKernel(
        1e-3, (1e-10, 1.0)
    )
    gp = GaussianProcessRegressor(kernel, normalize_y=True, n_restarts_optimizer=n_restarts,
                                  random_state=random_state)
    with warnings.catch_warnings():  # a hyperparameter on its bound is a fine answer for a correction
        warnings.simplefilter("ignore", ConvergenceWarning)
        gp.fit(standard, log_ratio)
    fitted = gp.kernel_
    return {
        "inputs": standard,
        "weights": np.asarray(gp.alpha_, dtype=np.float64).reshape(len(standard), -1),
        "input_offset": offset,
        "input_scale": scale,
        "length_scale": np.broadcast_to(np.asarray(fitted.k1.k2.length_scale, dtype=np.float64),
                                        (inputs.shape[1],)).copy(),
        "amplitude": float(fitted.k1.k1.constant_value),
        "noise": float(fitted.k2.noise_level),
        "output_offset": np.asarray(gp._y_train_mean, dtype=np.float64).reshape(-1),
        "output_scale": np.asarray(gp._y_train_std, dtype=np.float64).reshape(-1),
    }


def predict_force_correction(state, inputs):
    """The correction's mean (n, m): the log ratio of reference to simulated force at ``inputs`` (n, 3)."""
    standard = (np.asarray(inputs, dtype=np.float64) - state["input_offset"]) / state["input_scale"]
    diff = (standard[:, None, :] - state["inputs"][None, :, :]) / state["length_scale"]
    kernel = state["amplitude"] * np.exp(-0.5 * np.einsum("ijk,ijk->ij", diff, diff))
    return kernel @ state["weights"] * state["output_scale"] + state["output_offset"]


def check_force_correction(state, m, where):
    """Refuse a correction whose arrays are missing, misshapen or not finite (a damaged or forged file)."""
    if not isinstance(state, dict) or set(state) != set(FIELDS):
        raise ValueError(f"{where} is not a force correction: it must be a dict of {sorted(FIELDS)}.")
    sizes = {"m": m, "d": 3}
    n = None
    for name, dims in FIELDS.items():
        value = np.asarray(state[name])
        if value.dtype.kind != "f" or value.ndim != len(dims) or not np.isfinite(value).all():
            raise ValueError(f"{where}[{name!r}] must be a finite float array with {len(dims)} dimension(s).")
        for axis, dim in enumerate(dims):
            if dim == "n":
                n = value.shape[axis] if n is None else n
                expected = n
            else:
                expected = sizes[dim]
            if value.shape[axis] != expected:
                raise ValueError(f"{where}[{name!r}] has shape {value.shape}; expected {dim} = {expected} along "
                                 f"axis {axis}.")
    if not (state["length_scale"] > 0).all() or not (state["input_scale"] > 0).all() or state["amplitude"] < 0:
        raise ValueError(f"{where} has a length scale, input scale or amplitude that is not positive.")
