"""Training steps shared by skmat's skorch estimators: one fit loop, frozen features."""

from __future__ import annotations

import warnings

import numpy as np

__all__ = ["apply_freeze", "check_freeze", "run_training", "warn_if_constant"]

#: Training rows whose outputs :func:`warn_if_constant` compares, and the fewest it needs.
_N_CHECKED, _N_NEEDED = 512, 20


def run_training(net, X, y, **fit_params):
    """Train ``net`` for ``max_epochs`` on ``(X, y)`` without re-initialising it.

    What :meth:`skorch.NeuralNet.partial_fit` does, through skorch's public
    ``notify`` and ``fit_loop`` only, so that a warm-started ``fit`` needs no
    private skorch argument.
    """
    net.notify("on_train_begin", X=X, y=y)
    try:
        net.fit_loop(X, y, **fit_params)
    except KeyboardInterrupt:
        pass
    net.notify("on_train_end", X=X, y=y)
    return net


def _frozen_prefixes(module, spec):
    if spec is False or spec is None:
        return ()
    if spec is True:
        names = tuple(getattr(module, "feature_modules", ()))
        if not names:
            raise ValueError(
                f"{type(module).__name__} declares no feature extractor (feature_modules) to freeze; "
                f"name the submodules instead, e.g. freeze_features={[n for n, _ in module.named_children()][:2]}."
            )
    elif isinstance(spec, str):
        names = (spec,)
    else:
        names = tuple(spec)
    children = dict(module.named_children())
    unknown = [name for name in names if name not in children]
    if unknown:
        raise ValueError(
            f"freeze_features names {unknown}, which are not submodules of {type(module).__name__} "
            f"(it has {sorted(children)})."
        )
    return tuple(f"{name}." for name in names)


def check_freeze(module, spec):
    """Raise a ``ValueError`` unless ``freeze_features=spec`` names what ``module`` has (see :func:`apply_freeze`)."""
    _frozen_prefixes(module, spec)


def apply_freeze(module, spec):
    """Set ``requires_grad`` of every parameter of ``module`` from ``freeze_features``.

    ``spec``: ``False``/``None`` trains everything; ``True`` freezes the
    submodules listed in ``module.feature_modules``; a string or list of
    strings freezes those submodules by name. Returns the names of the
    frozen parameters. A frozen parameter gets no gradient, so the optimizer
    leaves it unchanged (weight decay included).

    Examples
    --------
    >>> from skmat.models import PTRCNN
    >>> net = PTRCNN(n_filters=4, hidden_units=8)
    >>> frozen = apply_freeze(net, True)
    >>> all(name.startswith("features.") for name in frozen), len(frozen) > 0
    (True, True)
    >>> apply_freeze(net, False)
    []
    """
    prefixes = _frozen_prefixes(module, spec)
    frozen = []
    for name, parameter in module.named_parameters():
        keep_fixed = name.startswith(prefixes) if prefixes else False
        parameter.requires_grad_(not keep_fixed)
        if keep_fixed:
            frozen.append(name)
    return frozen


def _first_rows(X, n):
    if isinstance(X, dict):
        return {key: value[:n] for key, value in X.items()}
    return X[:n]


def warn_if_constant(net, X):
    """Warn when the trained network gives every training row the same output.

    A ReLU network whose units are all off for every input (an early update
    can switch a whole layer off when the inputs are nearly alike, as
    periodic-table images of different compounds are) predicts one
    constant: the training mean for a regressor, the class frequencies for
    a classifier. That is a failed fit, not a model, so it is reported
    instead of being returned silently. Compares the outputs of up to the
    first 512 training rows; needs at least 20.
    """
    n = len(next(iter(X.values()))) if isinstance(X, dict) else len(X)
    if n < _N_NEEDED:
        return
    outputs = [out.detach().float().cpu().numpy() for out in net.forward_iter(_first_rows(X, _N_CHECKED), training=False)]
    outputs = np.concatenate(outputs).reshape(min(n, _N_CHECKED), -1)
    spread = outputs.std(axis=0)
    if np.all(spread <= 1e-4 * (1.0 + np.abs(outputs).mean(axis=0))):
        warnings.warn(
            f"{type(net).__name__} gives the same output for all of the first {len(outputs)} training rows: "
            "the fit collapsed to a constant (its ReLU units are off for every input). Try a lower lr, more "
            "data, or a pretrained start (from_regressor, skmat.load_pretrained).",
            UserWarning,
            stacklevel=3,
        )

