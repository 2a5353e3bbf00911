"""Estimator parameters and fitted attributes as plain data that ``torch.load(weights_only=True)`` reads.

Classes and functions are stored by import path and imported back only from
skmat, torch, skorch, scikit-learn and numpy; objects are rebuilt from their
constructor arguments, read back the way scikit-learn and skorch store them.
"""

from __future__ import annotations

import importlib
import inspect
import numbers

import numpy as np
import torch

__all__ = ["TRUSTED_PACKAGES", "class_path", "decode_value", "encode_state", "encode_value", "import_trusted"]

TRUSTED_PACKAGES = ("skmat", "torch", "skorch", "sklearn", "numpy")


class _Unstorable(TypeError):
    pass


def class_path(cls):
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


def encode_value(value, where="value", with_state=False):
    """``value`` as nested dicts, lists, tensors and scalars that ``weights_only`` loading accepts.

    An object is stored as its class and constructor arguments; with
    ``with_state=True`` (for fitted attributes) also with its own fitted
    attributes, recursively, so that e.g. the fitted regressor inside a
    fitted ``TransformedTargetRegressor`` comes back fitted.

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
        return {"__tuple__": [encode_value(v, f"{where}[{i}]", with_state) for i, v in enumerate(value)]}
    if isinstance(value, list):
        return [encode_value(v, f"{where}[{i}]", with_state) for i, v in enumerate(value)]
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise TypeError(f"{where}: only dicts with string keys can be stored, got {value!r}.")
        return {"__dict__": {key: encode_value(v, f"{where}[{key!r}]", with_state) for key, v in value.items()}}
    if inspect.isclass(value):
        return {"__class__": class_path(value)}
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
    encoded = {
        "__object__": class_path(type(value)),
        "params": {key: encode_value(v, f"{where}.{key}") for key, v in params.items()},
    }
    if with_state:
        encoded["state"] = encode_state(value, where)
    return encoded


def encode_state(obj, where):
    """Every attribute of ``obj`` that is not a constructor argument (its fitted state), recursively.

    That includes scikit-learn's private fitted attributes (such as
    ``TransformedTargetRegressor._training_dim``), so that a rebuilt
    estimator predicts as the stored one.
    """
    try:
        params = set(_constructor_params(obj))
    except _Unstorable:
        params = set()
    return {
        key: encode_value(v, f"{where}.{key}", with_state=True) for key, v in vars(obj).items()
        if key not in params
    }


def import_trusted(path, where):
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
        return import_trusted(value["__class__"], where)
    if "__function__" in value:
        return import_trusted(value["__function__"], where)
    if "__object__" in value:
        cls = import_trusted(value["__object__"], where)
        params = {key: decode_value(v, f"{where}.{key}") for key, v in value["params"].items()}
        obj = cls(**params)
        for key, state in value.get("state", {}).items():
            setattr(obj, key, decode_value(state, f"{where}.{key}"))
        return obj
    raise ValueError(f"Unreadable entry for {where} in the file: {sorted(value)}.")


