"""Saving a fitted scikit-learn Pipeline (encoders plus a skmat network) to one file, without pickle."""

from __future__ import annotations

from sklearn.base import BaseEstimator

from ._allowed_classes import resolve_class
from ._persistence import (
    FORMAT_VERSION, PIPELINE_FORMAT, SavableModel, _require, _shown, check_save_path, read_payload, skmat_version,
    write_payload,
)
from ._plain_data import check_decoded_object, decode_value, encode_state, encode_value, set_decoded_state

__all__ = ["load_pipeline", "save_pipeline"]

_STEP_KINDS = ("passthrough", "network", "estimator")


def _encode_step(name, step):
    if step is None or step == "passthrough":
        return {"name": name, "kind": "passthrough", "value": step}
    if isinstance(step, SavableModel):  # a network or an ensemble of networks
        return {"name": name, "kind": "network", "payload": step._payload()}
    fitted = encode_state(step, name)  # first: a class that refuses to be saved says why (``_state_to_save``)
    return {"name": name, "kind": "estimator", "object": encode_value(step, name), "fitted": fitted}


def _step_name(entry, index, source, seen):
    if not isinstance(entry, dict):
        raise ValueError(f"Step {index} of {source!r} is a {type(entry).__name__}, not a step entry.")
    name = _require(entry, "name", str, source, what=f"step {index} of the file")
    if not name or "__" in name or name in seen:
        raise ValueError(f"Step {index} of {source!r} has the name {name!r}, which a Pipeline cannot have "
                         "(empty, containing '__', or repeated).")
    seen.add(name)
    kind = entry.get("kind")
    if kind not in _STEP_KINDS:
        raise ValueError(f"Step {name!r} of {source!r} has kind {kind!r}, not one of {_STEP_KINDS}.")
    return name, kind


def _decode_step(entry, name, kind, source, trusted):
    if kind == "passthrough":
        if entry.get("value") not in (None, "passthrough"):
            raise ValueError(f"Step {name!r} of {source!r} is a passthrough with value {entry.get('value')!r}.")
        return entry["value"]
    if kind == "network":
        payload = _require(entry, "payload", dict, source, what=f"step {name!r} of the file")
        cls = resolve_class(payload.get("estimator"), f"step {name!r}", kind="network", trusted=trusted)
        return cls._from_payload(payload, f"{source}, step {name!r}", {}, trusted)  # checks the payload
    step = decode_value(_require(entry, "object", dict, source, what=f"step {name!r} of the file"), name,
                        kind="estimator", trusted=trusted)
    if not isinstance(step, BaseEstimator):
        raise ValueError(f"Step {name!r} of {source!r} is a {type(step).__name__}, not a fitted estimator.")
    set_decoded_state(step, _require(entry, "fitted", dict, source, what=f"step {name!r} of the file"), name,
                      trusted)
    check_decoded_object(step, f"step {name!r}")
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
        Naming the step and attribute that cannot be stored without pickle
        (a function, a set, an array of objects that are not plain scalars,
        a value that contains itself), or if ``path`` is neither a path nor
        a file object. Nothing is written then.
    IsADirectoryError, FileNotFoundError
        If ``path`` is a directory, or its directory does not exist.

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
    ...                       PTRCNNRegressor(max_epochs=1, module__n_filters=4, random_state=0, verbose=0))
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
    check_save_path(path)
    payload = {
        "format": PIPELINE_FORMAT,
        "format_version": FORMAT_VERSION,
        "skmat_version": skmat_version(),
        "memory": None,
        "steps": [_encode_step(name, step) for name, step in pipeline.steps],
    }
    return write_payload(payload, path)


def load_pipeline(path, *, trusted=()):
    """Read a Pipeline written by :func:`save_pipeline`; it predicts exactly as the saved one.

    Loading never runs code from the file: classes are resolved only from
    skmat's allow-list (:func:`skmat.models.allowed_names`: skmat's
    estimators and networks, common scikit-learn transformers and
    regressors, torch losses and optimizers, skorch's computing callbacks)
    or ``trusted``; functions are never read; the content is checked
    against the checksum stored with it.

    Parameters
    ----------
    path : str or path-like or file-like
    trusted : sequence of classes, default=()
        Classes of your own (a transformer, a network module) that the file
        may name beyond skmat's list.

    Returns
    -------
    Pipeline

    Raises
    ------
    ValueError
        If the file is not a skmat pipeline file, does not match its
        checksum, is malformed, or names a class that is not allowed or a
        function; the message names the step and the place.
    """
    from sklearn.pipeline import Pipeline

    payload = read_payload(path, PIPELINE_FORMAT, "load_pipeline (a single network: its class's load)",
                           "save_pipeline")
    source = _shown(path)
    entries = _require(payload, "steps", list, source)
    if not entries:
        raise ValueError(f"{source!r} holds a pipeline without steps.")
    steps, seen = [], set()
    for index, entry in enumerate(entries):
        name, kind = _step_name(entry, index, source, seen)
        try:
            steps.append((name, _decode_step(entry, name, kind, source, trusted)))
        except ValueError:
            raise
        except Exception as error:  # noqa: BLE001 - a malformed file must not surface as a deep traceback
            raise ValueError(f"Step {name!r} of {source!r} is malformed: {type(error).__name__}: {error}") from None
    return Pipeline(steps)
