"""Saving a fitted scikit-learn Pipeline (encoders plus a skmat network) to one file, without pickle."""

from __future__ import annotations

import torch

from ._persistence import FORMAT_VERSION, PIPELINE_FORMAT, SavableNetMixin, read_payload, skmat_version
from ._plain_data import decode_value, encode_state, encode_value, import_trusted

__all__ = ["load_pipeline", "save_pipeline"]

def _encode_step(name, step):
    if step is None or step == "passthrough":
        return {"name": name, "kind": "passthrough", "value": step}
    if isinstance(step, SavableNetMixin):
        return {"name": name, "kind": "network", "payload": step._payload()}
    return {"name": name, "kind": "estimator", "object": encode_value(step, name), "fitted": encode_state(step, name)}


def _decode_step(entry):
    if entry["kind"] == "passthrough":
        return entry["value"]
    if entry["kind"] == "network":
        cls = import_trusted(entry["payload"]["estimator"], entry["name"])
        if not (isinstance(cls, type) and issubclass(cls, SavableNetMixin)):
            raise ValueError(f"Step {entry['name']!r} names {cls!r}, which is not a skmat network.")
        return cls._from_payload(entry["payload"], entry["name"], {})
    step = decode_value(entry["object"], entry["name"])
    for key, value in entry["fitted"].items():
        setattr(step, key, decode_value(value, f"{entry['name']}.{key}"))
    return step


def save_pipeline(pipeline, path):
    """Write a fitted scikit-learn :class:`~sklearn.pipeline.Pipeline` to one file, without pickle.

    Network steps are stored as by their ``save`` method; every other step
    (encoders, scalers, any scikit-learn estimator) as its class, its
    constructor parameters and its fitted attributes (the public attributes
    ending in ``_``: numbers, strings, arrays, tuples, lists, dicts and
    objects rebuilt from their constructor arguments). The file is read with
    ``torch.load(path, weights_only=True)``, which never runs code.

    Parameters
    ----------
    pipeline : fitted Pipeline
    path : str or path-like or file-like

    Returns
    -------
    path

    Raises
    ------
    TypeError
        Naming the step and attribute that cannot be stored without pickle.

    See Also
    --------
    load_pipeline

    Examples
    --------
    >>> import io
    >>> import numpy as np
    >>> from sklearn.pipeline import make_pipeline
    >>> from skmat import PeriodicTableEncoder, PTRCNNRegressor
    >>> from skmat.models import load_pipeline, save_pipeline
    >>> X, y = ["Co2MnSi", "Fe2VAl", "Ni2MnGa", "Cu2MnAl"], [-0.4, -0.3, -0.2, -0.1]
    >>> model = make_pipeline(PeriodicTableEncoder(),
    ...                       PTRCNNRegressor(max_epochs=1, module__n_filters=4, random_state=0))
    >>> model = model.fit(X, y)
    >>> buffer = io.BytesIO()
    >>> _ = save_pipeline(model, buffer)
    >>> _ = buffer.seek(0)
    >>> bool(np.array_equal(load_pipeline(buffer).predict(["Co2MnSi"]), model.predict(["Co2MnSi"])))
    True
    """
    from sklearn.pipeline import Pipeline

    if not isinstance(pipeline, Pipeline):
        raise TypeError(f"save_pipeline takes a Pipeline; got {type(pipeline).__name__} (use its save method).")
    payload = {
        "format": PIPELINE_FORMAT,
        "format_version": FORMAT_VERSION,
        "skmat_version": skmat_version(),
        "memory": None,
        "steps": [_encode_step(name, step) for name, step in pipeline.steps],
    }
    torch.save(payload, path)
    return path


def load_pipeline(path):
    """Read a Pipeline written by :func:`save_pipeline`; it predicts exactly as the saved one.

    Classes are imported only from skmat, torch, skorch, scikit-learn and
    numpy.

    Parameters
    ----------
    path : str or path-like or file-like

    Returns
    -------
    Pipeline

    Raises
    ------
    ValueError
        If the file is not a skmat pipeline file, is corrupted, or names a
        class outside the packages above.
    """
    from sklearn.pipeline import Pipeline

    payload = read_payload(path, PIPELINE_FORMAT, "load_pipeline (a single network: its class's load)",
                           "save_pipeline")
    return Pipeline([(entry["name"], _decode_step(entry)) for entry in payload["steps"]])
