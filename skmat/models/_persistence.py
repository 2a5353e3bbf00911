"""Saving fitted network estimators to one file that loads without unpickling code.

A file holds a plain dict of tensors, numbers, strings, lists and dicts, so
``torch.load(path, weights_only=True)`` reads it: the estimator's class, its
constructor parameters, its fitted attributes (shapes, scaling, classes),
the network's weights and the training history. Classes named in the
parameters (the module, criterion, optimizer, callbacks) are stored by
import path and imported only from skmat, torch, skorch, scikit-learn and
numpy; any other class must be passed to ``load`` again.
"""

from __future__ import annotations

import importlib
import inspect
import numbers
import os

import numpy as np
import torch

__all__ = ["SavableNetMixin", "decode_value", "encode_value", "load_pipeline", "save_pipeline"]

FORMAT = "skmat-network"
FORMAT_VERSION = 1
TRUSTED_PACKAGES = ("skmat", "torch", "skorch", "sklearn", "numpy")

# Attributes skorch keeps at run time; rebuilt by ``initialize`` on load.
_RUNTIME_ATTRIBUTES = {
    "module_", "criterion_", "optimizer_", "callbacks_", "history_", "initialized_",
    "virtual_params_", "prefixes_", "cuda_dependent_attributes_", "init_context_",
}


class _Unstorable(TypeError):
    pass


def _class_path(cls):
    return f"{cls.__module__}:{cls.__qualname__}"


def _constructor_params(obj):
    """``obj``'s constructor arguments, read back as scikit-learn and skorch store them."""
    if hasattr(obj, "get_params"):
        try:
            return obj.get_params(deep=False)
        except TypeError:
            pass
    params = {}
    for name, parameter in inspect.signature(type(obj).__init__).parameters.items():
        if name == "self" or parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        if not hasattr(obj, name):
            raise _Unstorable(f"{type(obj).__name__} does not keep its argument {name!r}")
        params[name] = getattr(obj, name)
    return params


def encode_value(value, where="value"):
    """``value`` as nested dicts, lists, tensors and scalars that ``weights_only`` loading accepts.

    Raises
    ------
    TypeError
        Naming ``where`` if ``value`` (or a part of it) cannot be stored.

    Examples
    --------
    >>> import torch
    >>> encode_value(torch.nn.MSELoss)
    {'__class__': 'torch.nn.modules.loss:MSELoss'}
    >>> encode_value((1, "a", None))
    {'__tuple__': [1, 'a', None]}
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, numbers.Integral) or isinstance(value, float):
        return value
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().clone()
    if isinstance(value, torch.device):
        return str(value)
    if isinstance(value, torch.dtype):
        return {"__dtype__": str(value).removeprefix("torch.")}
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "biuf":
            return {"__ndarray__": torch.from_numpy(np.ascontiguousarray(value)).clone()}
        return {"__ndarray__": [encode_value(v, where) for v in value.tolist()], "dtype": value.dtype.str}
    if isinstance(value, tuple):
        return {"__tuple__": [encode_value(v, f"{where}[{i}]") for i, v in enumerate(value)]}
    if isinstance(value, list):
        return [encode_value(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise TypeError(f"{where}: only dicts with string keys can be stored, got {value!r}.")
        return {"__dict__": {key: encode_value(v, f"{where}[{key!r}]") for key, v in value.items()}}
    if inspect.isclass(value):
        return {"__class__": _class_path(value)}
    if callable(value) and inspect.isroutine(value):
        if "<" in value.__qualname__:
            raise TypeError(
                f"{where}={value!r} cannot be stored without pickle: lambdas and local functions have "
                "no import path; use a module-level function, or pass it again to load()."
            )
        return {"__function__": f"{value.__module__}:{value.__qualname__}"}
    try:
        params = _constructor_params(value)
    except _Unstorable as error:
        raise TypeError(f"{where}={value!r} cannot be stored without pickle: {error}.") from None
    return {
        "__object__": _class_path(type(value)),
        "params": {key: encode_value(v, f"{where}.{key}") for key, v in params.items()},
    }


def _import(path, where):
    module_name, _, qualname = path.partition(":")
    if module_name.split(".")[0] not in TRUSTED_PACKAGES:
        raise ValueError(
            f"The file names {module_name}.{qualname} for {where}, outside the packages loaded "
            f"automatically ({', '.join(TRUSTED_PACKAGES)}); pass it to load() again, e.g. "
            f"load(path, {where.split('.')[0]}=...)."
        )
    try:
        obj = importlib.import_module(module_name)
        for part in qualname.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError) as error:
        raise ValueError(f"Cannot import {module_name}.{qualname} named for {where}: {error}.") from None
    return obj


def decode_value(value, where="value"):
    """Inverse of :func:`encode_value`.

    Examples
    --------
    >>> import numpy as np
    >>> decode_value(encode_value(np.array(["a", "b"])))
    array(['a', 'b'], dtype='<U1')
    """
    if isinstance(value, list):
        return [decode_value(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if not isinstance(value, dict):
        return value
    if "__tuple__" in value:
        return tuple(decode_value(v, where) for v in value["__tuple__"])
    if "__dict__" in value:
        return {key: decode_value(v, f"{where}.{key}") for key, v in value["__dict__"].items()}
    if "__ndarray__" in value:
        data = value["__ndarray__"]
        if isinstance(data, torch.Tensor):
            return data.numpy().copy()
        return np.asarray(decode_value(data, where), dtype=np.dtype(value["dtype"]))
    if "__dtype__" in value:
        return getattr(torch, value["__dtype__"])
    if "__class__" in value:
        return _import(value["__class__"], where)
    if "__function__" in value:
        return _import(value["__function__"], where)
    if "__object__" in value:
        cls = _import(value["__object__"], where)
        params = {key: decode_value(v, f"{where}.{key}") for key, v in value["params"].items()}
        return cls(**params)
    raise ValueError(f"Unreadable entry for {where} in the file: {sorted(value)}.")


def _torch_load(path, name):
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise
    except Exception as error:  # noqa: BLE001 - any failure here means "not our file"
        message = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
        raise ValueError(
            f"{os.fspath(path)!r} is not a readable skmat model file ({type(error).__name__}: {message}); "
            f"it may be truncated, corrupted or not written by {name}."
        ) from None


def _read(path, cls):
    name = cls.__name__
    payload = _torch_load(path, f"{name}.save")
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ValueError(
            f"{os.fspath(path)!r} is not a skmat model file (no format={FORMAT!r} entry); "
            f"{name}.load reads files written by {name}.save."
        )
    if payload.get("format_version", 0) > FORMAT_VERSION:
        raise ValueError(
            f"{os.fspath(path)!r} was written in format version {payload['format_version']} by a newer "
            f"skmat; this skmat reads up to version {FORMAT_VERSION}."
        )
    if payload.get("estimator") != _class_path(cls):
        stored = str(payload.get("estimator", "?")).rpartition(":")[2]
        raise ValueError(
            f"{os.fspath(path)!r} holds a {stored}, not a {name}; load it with that class's load()."
        )
    return payload


class SavableNetMixin:
    """``save(path)`` and ``load(path)`` for skmat's skorch estimators, without pickle."""

    def _fitted_attributes(self):
        return {
            key: value for key, value in vars(self).items()
            if key.endswith("_") and not key.startswith("_") and key not in _RUNTIME_ATTRIBUTES
        }

    def save(self, path):
        """Write the fitted estimator to one file at ``path``.

        The file holds the constructor parameters, the fitted attributes
        (input layout, scaling, classes), the network's weights and the
        training history, and no pickled code: ``torch.load(path,
        weights_only=True)`` reads it. The optimizer's state is not kept, so
        a loaded model that is trained further (``warm_start=True``) starts a
        fresh optimizer from the saved weights.

        Parameters
        ----------
        path : str or path-like or file-like

        Returns
        -------
        path

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If the estimator is not fitted.
        TypeError
            Naming a parameter that cannot be stored without pickle (e.g. a
            lambda); pass it again to ``load`` instead after replacing it
            with ``None`` here.

        Examples
        --------
        >>> import tempfile, os, numpy as np
        >>> from skmat import PTRCNNRegressor
        >>> X, y = np.random.default_rng(0).random((40, 16)), np.arange(40.0)
        >>> net = PTRCNNRegressor(max_epochs=1, module__n_filters=4, random_state=0).fit(X, y)
        >>> path = os.path.join(tempfile.mkdtemp(), "net.pt")
        >>> _ = net.save(path)
        >>> again = PTRCNNRegressor.load(path)
        >>> bool(np.array_equal(again.predict(X), net.predict(X)))
        True
        """
        torch.save(self._payload(), path)
        return path

    def _payload(self):
        """The plain-data dict that :meth:`save` writes."""
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self, "module_")
        params = {
            key: encode_value(value, key) for key, value in self.get_params(deep=False).items()
            if not key.startswith("_")
        }
        fitted = {key: encode_value(value, key) for key, value in self._fitted_attributes().items()}
        history = encode_value(
            [{key: value for key, value in row.items() if key != "batches"} for row in self.history], "history"
        )
        payload = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "estimator": _class_path(type(self)),
            "skmat_version": _skmat_version(),
            "params": params,
            "fitted": fitted,
            "state_dict": {key: value.detach().cpu().clone() for key, value in self.module_.state_dict().items()},
            "history": history,
        }
        return payload

    @classmethod
    def load(cls, path, **params):
        """Read an estimator written by :meth:`save`; it predicts exactly as the saved one.

        Parameters
        ----------
        path : str or path-like or file-like
        **params
            Parameters that replace the stored ones before the network is
            rebuilt, e.g. ``device="cpu"`` for a model saved on a GPU, or a
            module class of your own package (classes are imported
            automatically only from skmat, torch, skorch, scikit-learn and
            numpy).

        Returns
        -------
        estimator
            Fitted; ``warm_start=True`` continues training from its weights
            and keeps its fitted scaling.

        Raises
        ------
        ValueError
            If the file is not a skmat model file, is corrupted, holds another
            estimator class, or does not match the rebuilt network.
        """
        return cls._from_payload(_read(path, cls), os.fspath(path) if not hasattr(path, "read") else "file", params)

    @classmethod
    def _from_payload(cls, payload, source, params):
        stored = dict(payload["params"])
        for key in params:
            stored.pop(key, None)
        decoded = {key: decode_value(value, key) for key, value in stored.items()}
        decoded.update(params)
        estimator = cls(**decoded)
        for key, value in payload["fitted"].items():
            setattr(estimator, key, decode_value(value, key))
        device = str(estimator.device)
        if device.startswith("cuda") and not torch.cuda.is_available():
            raise ValueError(
                f"The model was saved with device={device!r}, which this machine lacks; "
                f"load it with {cls.__name__}.load(path, device='cpu')."
            )
        with torch.random.fork_rng(devices=[]):
            estimator.initialize()
        try:
            estimator.module_.load_state_dict(payload["state_dict"])
        except RuntimeError as error:
            raise ValueError(
                f"The weights in {source!r} do not fit the rebuilt network: "
                f"{str(error).splitlines()[0]}"
            ) from None
        from skorch.history import History

        rows = decode_value(payload["history"], "history")
        estimator.history_ = History({**row, "batches": []} for row in rows)
        estimator._after_load()
        return estimator

    def _after_load(self):
        """Hook for state derived from the fitted attributes (e.g. frozen layers)."""


def _skmat_version():
    from skmat import __version__

    return __version__


PIPELINE_FORMAT = "skmat-pipeline"


def _encode_step(name, step):
    if step is None or step == "passthrough":
        return {"name": name, "kind": "passthrough", "value": step}
    if isinstance(step, SavableNetMixin):
        return {"name": name, "kind": "network", "payload": step._payload()}
    fitted = {
        key: encode_value(value, f"{name}.{key}") for key, value in vars(step).items()
        if key.endswith("_") and not key.startswith("_")
    }
    return {"name": name, "kind": "estimator", "object": encode_value(step, name), "fitted": fitted}


def _decode_step(entry):
    if entry["kind"] == "passthrough":
        return entry["value"]
    if entry["kind"] == "network":
        cls = _import(entry["payload"]["estimator"], entry["name"])
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
        "skmat_version": _skmat_version(),
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

    payload = _torch_load(path, "save_pipeline")
    if not isinstance(payload, dict) or payload.get("format") != PIPELINE_FORMAT:
        raise ValueError(
            f"{path!r} is not a skmat pipeline file (no format={PIPELINE_FORMAT!r} entry); load_pipeline "
            "reads files written by save_pipeline (a single network: use its class's load)."
        )
    if payload.get("format_version", 0) > FORMAT_VERSION:
        raise ValueError(f"{path!r} was written by a newer skmat (format version {payload['format_version']}).")
    return Pipeline([(entry["name"], _decode_step(entry)) for entry in payload["steps"]])
