"""Estimator parameters and fitted attributes as plain data that ``torch.load(weights_only=True)`` reads.

Classes are stored by their public name and resolved on load only from the
explicit allow-list of :mod:`skmat.models._allowed_classes` (or classes the
caller passes as ``trusted``); objects are rebuilt from their constructor
arguments, read back the way scikit-learn and skorch store them, plus their
fitted state. No function, module or attribute path is ever resolved from a
file, and the few plain functions that library defaults hold are stored
under fixed names (:data:`~skmat.models._allowed_classes.NAMED_VALUES`).
"""

from __future__ import annotations

import importlib
import inspect
import numbers

import numpy as np
import torch

from ._allowed_classes import NAMED_VALUES, public_name, resolve_class

__all__ = ["check_decoded_object", "decode_value", "encode_state", "encode_value", "set_decoded_state"]


#: The largest item of a stored array, in bytes (16,384 characters of a numpy unicode string).
MAX_ITEM_BYTES = 1 << 16


class _Unstorable(TypeError):
    pass


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
    fitted ``TransformedTargetRegressor`` comes back fitted. A value is
    stored only if reading it back gives an equal value: a set, a bare
    ``object()``, bytes, a ``longdouble`` or ``datetime64``, an array of
    objects that are not plain scalars, or a container that holds itself
    are refused rather than stored without their contents.

    Raises
    ------
    TypeError
        Naming ``where`` if ``value`` (or a part of it) cannot be stored.

    Examples
    --------
    >>> import torch
    >>> encode_value(torch.nn.MSELoss)
    {'__class__': 'torch.nn.MSELoss'}
    >>> encode_value((1, "a", None))
    {'__tuple__': [1, 'a', None]}
    >>> encode_value({"Fe", "O"}, "elements")
    Traceback (most recent call last):
    ...
    TypeError: elements={...} cannot be stored without pickle: a set keeps its contents ...
    """
    try:
        return _encode(value, where, with_state, set())
    except RecursionError:
        raise TypeError(f"{where} cannot be stored: it is nested too deeply to be written.") from None


def encode_state(obj, where):
    """Every attribute of ``obj`` that is not a constructor argument (its fitted state), recursively.

    That includes scikit-learn's private fitted attributes (such as
    ``TransformedTargetRegressor._training_dim``), so that a rebuilt
    estimator predicts as the stored one. A class that defines
    ``_state_to_save()`` says which attributes those are (and may refuse
    with a ``TypeError``); its ``_state_loaded()`` completes it on load.

    Raises
    ------
    TypeError
        Naming the attribute (``where.name``) that cannot be stored.
    """
    try:
        return _encode_state(obj, where, {id(obj)})
    except RecursionError:
        raise TypeError(f"{where} cannot be stored: its fitted state is nested too deeply to be written.") from None


#: Scalar types that an array of objects may hold (each is read back as an equal value).
_PLAIN_ITEMS = (type(None), bool, int, float, str)


def _encode(value, where, with_state, active):
    """:func:`encode_value`, with ``active`` the ids of the containers and objects being encoded around ``value``."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.generic):
        item = value.item()  # a longdouble stays a longdouble, a datetime64 may become an int
        if value.dtype.kind not in "biuf" or not isinstance(item, (bool, int, float)):
            raise TypeError(
                f"{where}={value!r} cannot be stored: skmat files hold numpy scalars that are booleans, integers, "
                f"floats or strings, not {value.dtype} (convert it, e.g. to float or str)."
            )
        return item
    if isinstance(value, numbers.Integral) or isinstance(value, float):
        return value
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().clone()
    if isinstance(value, torch.device):
        return str(value)
    if isinstance(value, torch.dtype):
        return {"__dtype__": str(value).removeprefix("torch.")}
    if isinstance(value, np.ndarray):
        return _encode_array(value, where)
    if inspect.isclass(value):
        return {"__class__": public_name(value)}
    if id(value) in active:
        raise TypeError(f"{where} cannot be stored: it is a value that contains it (a reference cycle), which a "
                        "file cannot hold.")
    active.add(id(value))
    try:
        if isinstance(value, tuple):
            return {"__tuple__": [_encode(v, f"{where}[{i}]", with_state, active) for i, v in enumerate(value)]}
        if isinstance(value, list):
            return [_encode(v, f"{where}[{i}]", with_state, active) for i, v in enumerate(value)]
        if isinstance(value, dict):
            if not all(isinstance(key, str) for key in value):
                raise TypeError(f"{where}: only dicts with string keys can be stored, got {value!r}.")
            return {"__dict__": {key: _encode(v, f"{where}[{key!r}]", with_state, active)
                                 for key, v in value.items()}}
        return _encode_object(value, where, with_state, active)
    finally:
        active.discard(id(value))


def _encode_array(value, where):
    if value.dtype.kind in "biuf":
        return {"__ndarray__": torch.from_numpy(np.ascontiguousarray(value)).clone()}
    if value.dtype.kind not in "UO":
        raise TypeError(
            f"{where} cannot be stored: skmat files hold arrays of booleans, numbers, strings or plain objects, "
            f"not of dtype {value.dtype} (convert it, e.g. with .astype(str) or .astype(float))."
        )
    items = value.ravel().tolist()
    for index, item in enumerate(items):
        if isinstance(item, np.generic) and item.dtype.kind in "biufU":
            item = items[index] = item.item()
        if not isinstance(item, _PLAIN_ITEMS):
            place = np.unravel_index(index, value.shape)
            raise TypeError(
                f"{where} cannot be stored: an array of objects is stored only when every item is None, a "
                f"boolean, a number or a string, but item {tuple(int(i) for i in place)} is {item!r} "
                f"({type(item).__name__})."
            )
    if value.ndim == 0 or (value.size == 0 and value.ndim > 1):
        raise TypeError(f"{where} cannot be stored: an empty array of dtype {value.dtype} and shape "
                        f"{value.shape} would not keep its shape.")
    nested = np.asarray(items, dtype=object).reshape(value.shape).tolist() if value.ndim != 1 else items
    return {"__ndarray__": nested, "dtype": value.dtype.str}


def _unrebuildable(value):
    """Why ``value`` would not come back equal from its class and constructor arguments, or None."""
    cls = type(value)
    builtin = next((base for base in cls.__mro__[:-1] if base.__module__ == "builtins"), None)
    if builtin is not None:
        return f"a {builtin.__name__} keeps its contents neither in constructor arguments nor in attributes"
    if cls is object:
        return "a bare object() has no contents a file could hold"
    try:
        signature = inspect.signature(cls.__init__)
    except (TypeError, ValueError):  # no signature to read: _constructor_params reports it
        return None
    named = [
        parameter for name, parameter in signature.parameters.items()
        if name != "self" and parameter.kind not in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD)
    ]
    if not named and not hasattr(value, "__dict__") and not hasattr(value, "get_params"):
        return f"a {cls.__name__} keeps its state neither in constructor arguments nor in attributes"
    return None


def _encode_object(value, where, with_state, active):
    named = _named_value(value)
    if named is not None:
        return {"__named__": named}
    if callable(value) and (inspect.isroutine(value) or isinstance(value, np.ufunc)):
        raise TypeError(
            f"{where}={value!r} cannot be stored: a skmat file holds no functions (loading one must never "
            "run code); pass it again to load() instead, e.g. load(path, "
            f"{where.split('.')[0].split('[')[0]}=...)."
        )
    reason = _unrebuildable(value)
    if reason is not None:
        raise TypeError(f"{where}={_short_repr(value)} cannot be stored without pickle: {reason}, so its contents "
                        "would be lost.")
    try:
        params = _constructor_params(value)
    except _Unstorable as error:
        raise TypeError(f"{where}={value!r} cannot be stored without pickle: {error}.") from None
    state = _encode_state(value, where, active) if with_state else None  # first: its class's refusal is clearest
    encoded = {
        "__object__": public_name(type(value)),
        "params": {key: _encode(v, f"{where}.{key}", False, active) for key, v in params.items()},
    }
    if with_state:
        encoded["state"] = state
    return encoded


def _short_repr(value, limit=80):
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a broken __repr__ must not hide the real error
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else f"{text[:limit]}..."


def _encode_state(obj, where, active):
    try:
        params = set(_constructor_params(obj))
    except _Unstorable:
        params = set()
    hook = getattr(type(obj), "_state_to_save", None)
    if hook is not None:
        state = hook(obj)
    else:
        try:
            state = vars(obj)
        except TypeError:
            raise TypeError(
                f"{where}: a fitted {type(obj).__module__}.{type(obj).__qualname__} cannot be stored without "
                "pickle (its fitted state is not plain attributes); skmat files hold the estimators listed by "
                "skmat.models.allowed_names()."
            ) from None
    return {
        key: _encode(v, f"{where}.{key}", True, active) for key, v in state.items()
        if key not in params
    }


def _named_value(value):
    for name, (module, attribute) in NAMED_VALUES.items():
        try:
            if value is getattr(importlib.import_module(module), attribute):
                return name
        except (ImportError, AttributeError):  # pragma: no cover - optional package
            continue
    return None


#: Parameter name -> kind of class (or instance) a network parameter must be.
PARAMETER_KINDS = {
    "module": "module",
    "criterion": "module",
    "optimizer": "optimizer",
    "dataset": "dataset",
    "iterator_train": "data_loader",
    "iterator_valid": "data_loader",
}


def _where_key(where, key):
    return f"{where}.{key}" if where else key


def _decode_items(items, where, trusted):
    if not isinstance(items, dict) or not all(isinstance(key, str) for key in items):
        raise ValueError(f"Unreadable entry for {where} in the file: expected a dict with string keys.")
    return {key: decode_value(value, _where_key(where, key), trusted=trusted) for key, value in items.items()}


def set_decoded_state(obj, state, where, trusted=()):
    """Decode the stored attributes ``state`` of ``obj`` and set them, refusing any that is not plain.

    Keys must be plain attribute names: no dunders, nothing the class
    defines as code (methods, properties and other descriptors: a file that
    set ``transform`` would replace the method), and no value that is
    itself code (a class or a function): fitted state is data.
    """
    for key, value in _decode_items(state, where, trusted).items():
        if not (key.isidentifier() and not key.startswith("__")):
            raise ValueError(f"The file sets attribute {key!r} of {where}, which is not a plain attribute name.")
        defined = inspect.getattr_static(type(obj), key, None)
        if hasattr(defined, "__set__"):
            raise ValueError(f"The file sets attribute {key!r} of {where}, which {type(obj).__name__} computes.")
        if callable(defined) or hasattr(defined, "__get__"):
            raise ValueError(f"The file sets attribute {key!r} of {where}, which is a method of "
                             f"{type(obj).__name__}; a file holds fitted data, never code.")
        if inspect.isclass(value) or inspect.isroutine(value):
            raise ValueError(f"The file sets attribute {key!r} of {where} to {value!r}; a fitted attribute is data, "
                             "never a class or a function.")
        setattr(obj, key, value)
    hook = getattr(type(obj), "_state_loaded", None)  # the class's, never an attribute the file set
    if hook is not None:
        hook(obj)


def check_decoded_object(obj, where):
    """Refuse settings of allowed classes that would let a file choose code or paths.

    A ``memory`` (a joblib cache folder, whose files are unpickled) must be
    None, skorch's ``torch_load_kwargs`` must not switch ``weights_only``
    off (for files the model reads later with ``load_params``), and an :class:`skorch.callbacks.LRScheduler` ``policy`` given as a
    string (which skorch looks up in its own module) must name an allowed
    learning-rate scheduler.
    """
    from skorch.callbacks import LRScheduler

    params = obj.get_params(deep=False) if hasattr(obj, "get_params") else {}
    if params.get("memory") is not None:
        raise ValueError(
            f"The file sets memory={params['memory']!r} for {where}; a loaded model never reads a cache folder "
            "(set memory on the loaded pipeline yourself if you want one)."
        )
    load_kwargs = params.get("torch_load_kwargs")
    if load_kwargs is not None and (not isinstance(load_kwargs, dict) or load_kwargs.get("weights_only") is False):
        raise ValueError(
            f"The file sets torch_load_kwargs={load_kwargs!r} for {where}; a loaded model keeps torch's safe "
            "loading (weights_only=True) for any file it reads later."
        )
    if isinstance(obj, LRScheduler):
        policy = obj.policy
        if isinstance(policy, str):
            module = "skorch.callbacks" if policy == "WarmRestartLR" else "torch.optim.lr_scheduler"
            resolve_class(f"{module}.{policy}", f"{where}.policy", kind="lr_scheduler")
        elif not (inspect.isclass(policy) and issubclass(policy, torch.optim.lr_scheduler.LRScheduler)):
            raise ValueError(f"The file sets policy={policy!r} for {where}, which is not a learning-rate scheduler.")


def _decode_object(value, where, kind, trusted):
    cls = resolve_class(value["__object__"], where, kind=kind, trusted=trusted)
    params = _decode_items(value.get("params", {}), where, trusted)
    try:
        obj = cls(**params)
    except Exception as error:  # noqa: BLE001 - any constructor failure means a malformed entry
        raise ValueError(f"The file's parameters for {where} do not build a {cls.__name__}: {error}") from None
    set_decoded_state(obj, value.get("state", {}), where, trusted)
    check_decoded_object(obj, where)
    return obj


def decode_value(value, where="value", kind=None, trusted=()):
    """Inverse of :func:`encode_value`; resolves classes only from the allow-list (or ``trusted``).

    Parameters
    ----------
    value
        What :func:`encode_value` wrote.
    where : str
        The place in the file, for error messages.
    kind : str, optional
        The kind of class (or instance) the value must be if it is one:
        ``"network"``, ``"estimator"``, ``"module"``, ``"optimizer"``,
        ``"lr_scheduler"``, ``"callback"``, ``"dataset"``, ``"data_loader"``,
        ``"split"`` or ``"value"`` (the kinds of :func:`allowed_names`).
    trusted : sequence of classes
        Classes the caller allows beyond skmat's list.

    Raises
    ------
    ValueError
        Naming ``where``, for anything that is not plain data or an allowed
        class: a function, an import path, a class of the wrong kind, a
        malformed entry.

    Examples
    --------
    >>> import numpy as np
    >>> decode_value(encode_value(np.array(["a", "b"])))
    array(['a', 'b'], dtype='<U1')
    >>> decode_value({"__class__": "torch:os.system"}, "lr")
    Traceback (most recent call last):
    ...
    ValueError: The file names 'torch:os.system' for lr, which is not a class skmat loads ...
    """
    if isinstance(value, list):
        return [decode_value(v, f"{where}[{i}]", kind, trusted) for i, v in enumerate(value)]
    if value is None or isinstance(value, (bool, int, float, str, torch.Tensor)):
        return value
    if not isinstance(value, dict):
        raise ValueError(f"Unreadable entry for {where} in the file: a {type(value).__name__}.")
    markers = [key for key in value if isinstance(key, str) and key.startswith("__") and key.endswith("__")]
    if len(markers) != 1:
        raise ValueError(f"Unreadable entry for {where} in the file: {sorted(map(str, value))}.")
    marker = markers[0]
    if marker == "__tuple__" and isinstance(value[marker], list):
        return tuple(decode_value(v, f"{where}[{i}]", kind, trusted) for i, v in enumerate(value[marker]))
    if marker == "__dict__":
        return _decode_items(value[marker], where, trusted)
    if marker == "__ndarray__":
        return _decode_array(value, where, trusted)
    if marker == "__dtype__":
        dtype = getattr(torch, value[marker], None) if isinstance(value[marker], str) else None
        if not isinstance(dtype, torch.dtype):
            raise ValueError(f"The file names {value[marker]!r} for {where}, which is not a torch dtype.")
        return dtype
    if marker == "__class__":
        return resolve_class(value[marker], where, kind=kind, trusted=trusted)
    if marker == "__named__":
        if value[marker] not in NAMED_VALUES:
            raise ValueError(f"The file names {value[marker]!r} for {where}, which is not a value skmat stores.")
        module, attribute = NAMED_VALUES[value[marker]]
        return getattr(importlib.import_module(module), attribute)
    if marker == "__function__":
        raise ValueError(
            f"The file stores the function {value[marker]!r} for {where}; skmat reads no functions from a file "
            f"(loading must never run code). If you trust it, pass the function again: load(path, "
            f"{where.split('.')[0].split('[')[0]}=...)."
        )
    if marker == "__object__":
        return _decode_object(value, where, kind, trusted)
    raise ValueError(f"Unreadable entry for {where} in the file: {sorted(map(str, value))}.")


def _decode_array(value, where, trusted):
    data = value["__ndarray__"]
    if isinstance(data, torch.Tensor):
        if data.dtype == torch.bfloat16:
            raise ValueError(f"Unreadable array for {where} in the file (bfloat16 is not a numpy dtype).")
        return data.numpy().copy()
    if not isinstance(data, list) or not isinstance(value.get("dtype"), str):
        raise ValueError(f"Unreadable array for {where} in the file.")
    try:
        dtype = np.dtype(value["dtype"])
    except (TypeError, ValueError) as error:
        raise ValueError(f"Unreadable array for {where} in the file: {error}") from None
    if dtype.itemsize > MAX_ITEM_BYTES:  # a 13 KB file could otherwise make numpy allocate gigabytes
        raise ValueError(
            f"Unreadable array for {where} in the file: dtype {value['dtype']!r} has items of {dtype.itemsize:,} "
            f"bytes (at most {MAX_ITEM_BYTES:,}); skmat stores short strings only."
        )
    items = decode_value(data, where, trusted=trusted)
    try:
        return np.asarray(items, dtype=dtype)
    except (TypeError, ValueError) as error:
        raise ValueError(f"Unreadable array for {where} in the file: {error}") from None
