"""Saving fitted network estimators to one file that loads without running code.

A file holds a plain dict of tensors, numbers, strings, lists and dicts, so
``torch.load(path, weights_only=True)`` reads it: the estimator's class, its
constructor parameters, its fitted attributes (shapes, scaling, classes),
the network's weights and the training history (see
:mod:`skmat.models._plain_data` for how parameters are stored), and a
SHA-256 digest of all of that (:mod:`skmat.models._checksum`).

Loading checks, before anything is built, that the file is a skmat file of
a version this skmat reads, that its content matches its digest, that every
class it names is on skmat's allow-list (or passed as ``trusted``) and of
the kind its place needs, and that every part has the type it must have;
after building, that the weights fit the network, are finite, and that the
fitted attributes the estimator predicts with are there. Each failure is a
``ValueError`` naming the file and what is wrong.

Format versions: 1 (skmat 0.1.0 up to this change) named classes by their
private defining module and had no digest; such files still load, with a
warning that corruption cannot be detected in them. 2 names classes by
their public name and stores the digest.
"""

from __future__ import annotations

import contextvars
import inspect
import math
import os
import warnings

import numpy as np
import torch

from .._errors import CorruptFileError
from ._allowed_classes import public_name, resolve_class
from ._checksum import content_digest
from ._plain_data import PARAMETER_KINDS, check_decoded_object, decode_value, encode_value

__all__ = [
    "FORMAT_VERSION", "PIPELINE_FORMAT", "SavableModel", "SavableNetMixin", "check_fitted_entries",
    "check_save_path", "read_payload", "torch_load", "write_payload",
]

FORMAT = "skmat-network"
PIPELINE_FORMAT = "skmat-pipeline"
#: 3: networks' module defaults may change; a file states the version whose defaults it was written under
#: (``changed_defaults`` on a module class). 2: content checksum. 1: first format.
FORMAT_VERSION = 3
CHECKSUM_KEY = "content_sha256"

# Attributes skorch keeps at run time; rebuilt by ``initialize`` on load.
#: While a file loads: the shapes of the weights it holds. The estimator first builds its network with no
#: memory behind it (torch's "meta" device) and refuses the file unless the shapes match
#: (:func:`check_rebuilt_shapes`), so a file whose parameters ask for a huge network fails with a clear error
#: instead of filling the memory.
EXPECTED_WEIGHT_SHAPES = contextvars.ContextVar("EXPECTED_WEIGHT_SHAPES", default=None)


def check_rebuilt_shapes(build):
    """Raise ``ValueError`` unless the network ``build()`` makes has the weights of the file being loaded.

    Outside a load (:data:`EXPECTED_WEIGHT_SHAPES` unset) it does nothing. ``build`` is called once on the
    "meta" device, where tensors have shapes but no memory.
    """
    expected = EXPECTED_WEIGHT_SHAPES.get()
    if expected is None:
        return
    shapes, source = expected
    with torch.device("meta"):
        dry = build()
    built = {key: tuple(value.shape) for key, value in dry.state_dict().items()}
    if built != shapes:
        differ = sorted(set(built) ^ set(shapes)) or [k for k in built if built[k] != shapes[k]]
        key = differ[0]
        raise ValueError(
            f"The weights in {source!r} do not fit the rebuilt network: {key!r} is "
            f"{shapes.get(key, 'missing')} in the file and {built.get(key, 'missing')} in the network "
            f"({sum(math.prod(s) for s in built.values()):,} weights); it is corrupted or was altered."
        )


_RUNTIME_ATTRIBUTES = {
    "module_", "criterion_", "optimizer_", "callbacks_", "history_", "initialized_",
    "virtual_params_", "prefixes_", "cuda_dependent_attributes_", "init_context_",
}


def torch_load(path, name):
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise
    except Exception as error:  # noqa: BLE001 - any failure here means "not our file"
        message = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
        raise ValueError(
            f"{_shown(path)!r} is not a readable skmat model file ({type(error).__name__}: {message}); "
            f"it may be truncated, corrupted or not written by {name}."
        ) from None


def check_save_path(path):
    """Raise unless ``path`` is a file-like object with ``write`` or a path a file can be written to.

    Checked before anything is encoded or written, so that a bad path is a
    clear error naming it and an existing file is left as it was.

    Raises
    ------
    TypeError
        If ``path`` is neither a path (str or path-like) nor has ``write``.
    IsADirectoryError
        If ``path`` is an existing directory.
    FileNotFoundError
        If the directory ``path`` would be written in does not exist.
    NotADirectoryError
        If that directory is a file.
    """
    if hasattr(path, "write"):
        return
    try:
        name = os.fsdecode(os.fspath(path))
    except TypeError:
        raise TypeError(
            f"Cannot save to {path!r}: a path (str or path-like) or a file object with a write method is needed, "
            f"got {type(path).__name__}."
        ) from None
    if os.path.isdir(name):
        raise IsADirectoryError(f"Cannot save to {name!r}: it is a directory; give a file name inside it.")
    folder = os.path.dirname(os.path.abspath(name))
    if not os.path.exists(folder):
        raise FileNotFoundError(f"Cannot save to {name!r}: the directory {folder!r} does not exist.")
    if not os.path.isdir(folder):
        raise NotADirectoryError(f"Cannot save to {name!r}: {folder!r} is a file, not a directory.")


def write_payload(payload, path):
    """Write ``payload`` to ``path`` with the digest of its content under ``content_sha256``.

    The path is checked (:func:`check_save_path`) and the digest taken
    before the file is opened, so a failure leaves an existing file as it
    was.

    Raises
    ------
    TypeError, IsADirectoryError, FileNotFoundError, NotADirectoryError
        For a bad ``path`` (see :func:`check_save_path`).
    """
    check_save_path(path)
    digest = content_digest(payload)
    torch.save({**payload, CHECKSUM_KEY: digest}, path)
    return path


def read_payload(path, file_format, reader, writer):
    """The plain-data dict of a skmat file at ``path``, checked to be ``file_format`` in a readable version.

    The digest of a version-2 file is checked and removed; ``reader`` and
    ``writer`` name the functions that read and write such files, for the
    error messages.
    """
    payload = torch_load(path, writer)
    kind = "pipeline" if file_format == PIPELINE_FORMAT else "model"
    if not isinstance(payload, dict) or payload.get("format") != file_format:
        raise ValueError(
            f"{_shown(path)!r} is not a skmat {kind} file (no format={file_format!r} entry); "
            f"{reader} reads files written by {writer}."
        )
    version = payload.get("format_version")
    if type(version) is not int or version < 1:
        raise ValueError(
            f"{_shown(path)!r} has format_version={version!r}, which is not a version skmat writes "
            f"(1 to {FORMAT_VERSION}); the file is corrupted or was edited."
        )
    if version > FORMAT_VERSION:
        raise ValueError(
            f"{_shown(path)!r} was written in format version {version} by a newer "
            f"skmat; this skmat reads up to version {FORMAT_VERSION}."
        )
    stored = payload.pop(CHECKSUM_KEY, None)
    if version == 1 and stored is None:
        warnings.warn(
            f"{_shown(path)!r} is in skmat's format version 1, which has no checksum, so corruption of it cannot "
            f"be detected; save it again ({writer}) to write the current format.",
            UserWarning,
            stacklevel=4,
        )
        return payload
    try:
        actual = content_digest(payload)
    except Exception as error:  # noqa: BLE001 - a part skmat never writes
        raise ValueError(f"{_shown(path)!r} is not a valid skmat {kind} file: {error}") from None
    if stored != actual:
        raise CorruptFileError(
            f"{_shown(path)!r} does not match the checksum stored in it (content SHA-256 {actual[:12]}…, stored "
            f"{str(stored)[:12]}…): the file is corrupted or was edited. Nothing was loaded."
        )
    return payload


def _shown(path):
    return "file object" if hasattr(path, "read") else os.fspath(path)


def _read(path, cls, trusted):
    name = cls.__name__
    payload = read_payload(path, FORMAT, f"{name}.load", f"{name}.save")
    stored = payload.get("estimator")
    try:
        stored_cls = resolve_class(stored, "the estimator", kind="network", trusted=(cls, *trusted))
    except ValueError as error:
        raise ValueError(f"{_shown(path)!r}: {error}") from None
    if stored_cls is not cls:
        raise ValueError(
            f"{_shown(path)!r} holds a {stored_cls.__name__}, not a {name}; load it with that class's load()."
        )
    return payload


def _require(mapping, key, types, source, what="file"):
    if key not in mapping:
        raise ValueError(f"The {what} {source!r} has no {key!r} entry; it is corrupted or not written by skmat.")
    if not isinstance(mapping[key], types):
        raise ValueError(
            f"The {what} {source!r} has a {type(mapping[key]).__name__} as {key!r}, not a "
            f"{'/'.join(t.__name__ for t in (types if isinstance(types, tuple) else (types,)))}."
        )
    return mapping[key]


def check_network_payload(payload, source):
    """Raise ``ValueError`` unless ``payload`` has the entries and types a saved network has."""
    if not isinstance(payload, dict):
        raise ValueError(f"The network entry {source!r} is a {type(payload).__name__}, not a dict.")
    _require(payload, "estimator", str, source)
    for key in ("params", "fitted", "state_dict"):
        entries = _require(payload, key, dict, source)
        bad = [k for k in entries if not isinstance(k, str)]
        if bad:
            raise ValueError(f"The file {source!r} has a non-string key {bad[0]!r} in {key!r}.")
    _require(payload, "history", list, source)
    for key, value in payload["state_dict"].items():
        if not isinstance(value, torch.Tensor):
            raise ValueError(f"The weight {key!r} in {source!r} is a {type(value).__name__}, not a tensor.")
        if (value.is_floating_point() or value.is_complex()) and not bool(torch.isfinite(value).all()):
            raise ValueError(
                f"The weight {key!r} in {source!r} holds NaN or infinity; a network with non-finite weights "
                "predicts NaN, so it is refused."
            )
    check_fitted_entries(payload["fitted"], source)


def check_fitted_entries(fitted, source, refused=()):
    """Raise ``ValueError`` unless every key of ``fitted`` names a public fitted attribute (``name_``)."""
    for key in fitted:
        if not key.endswith("_") or key.startswith("_") or key in _RUNTIME_ATTRIBUTES or key in refused:
            raise ValueError(f"The file {source!r} sets {key!r}, which is not a fitted attribute skmat saves.")


def _check_callbacks(name, value):
    from skorch.callbacks import Callback

    def is_callback(item):
        return isinstance(item, Callback)

    if name == "callbacks":
        ok = value is None or value == "disable" or (isinstance(value, list) and all(
            is_callback(item) or (isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str)
                                  and is_callback(item[1]))
            for item in value))
    else:  # callbacks__<name>: a callback to put in that slot, or None to switch it off
        ok = value is None or is_callback(value)
    if not ok:
        raise ValueError(f"The file sets {name}={value!r}, which is not a skorch callback.")


def _check_finite_attribute(key, value, source):
    if isinstance(value, float):
        finite = math.isfinite(value)
    elif isinstance(value, np.ndarray) and value.dtype.kind in "fc":
        finite = bool(np.isfinite(value).all())
    elif isinstance(value, torch.Tensor) and value.is_floating_point():
        finite = bool(torch.isfinite(value).all())
    else:
        return
    if not finite:
        raise ValueError(f"The fitted attribute {key!r} in {source!r} holds NaN or infinity; it is refused.")


class SavableModel:
    """What a skmat model file holds: ``save``/``load`` through a plain-data payload (the allow-list's "network" kind).

    A subclass writes its payload (``_payload``: ``format``, ``estimator``
    and its own entries) and rebuilds itself from one (``_from_payload``,
    which checks every entry it reads); the file, its checksum and the
    class check are shared. :class:`SavableNetMixin` (one network) and the
    deep ensembles (several) are the two kinds.
    """

    def save(self, path):
        """Write the fitted estimator to one file at ``path`` (see the subclass)."""
        check_save_path(path)
        return write_payload(self._payload(), path)

    @classmethod
    def load(cls, path, *, trusted=(), **params):
        """Read an estimator written by :meth:`save` (see the subclass)."""
        return cls._from_payload(_read(path, cls, trusted), _shown(path), params, trusted)

    def _payload_header(self):
        """The entries every model file starts with: the format, the class's public name, skmat's version."""
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "estimator": public_name(type(self)),
            "skmat_version": skmat_version(),
        }

    def _payload(self):  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def _check_payload(cls, payload, source):
        """Checks on the payload's shape before anything is built (a subclass adds its own)."""

    @classmethod
    def _from_payload(cls, payload, source, params, trusted=()):
        """The fitted estimator in ``payload``; any failure is a ``ValueError`` naming ``source``."""
        cls._check_payload(payload, source)
        try:
            return cls._build_from_payload(payload, source, params, trusted)
        except ValueError:
            raise
        except Exception as error:  # noqa: BLE001 - a malformed file must not surface as a deep traceback
            raise ValueError(
                f"{source!r} is not a valid {cls.__name__} file: {type(error).__name__}: {error}"
            ) from None

    @classmethod
    def _build_from_payload(cls, payload, source, params, trusted):  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def _required_fitted_attributes(cls):
        """Fitted attributes every loaded estimator of this class must have (``predict`` needs them)."""
        return ()

    @classmethod
    def _set_fitted(cls, estimator, fitted, source, trusted):
        """Decode the stored fitted attributes onto ``estimator`` (finite ones only), and require the needed ones."""
        for key, value in fitted.items():
            value = decode_value(value, key, trusted=trusted)
            _check_finite_attribute(key, value, source)
            setattr(estimator, key, value)
        missing = [key for key in cls._required_fitted_attributes() if not hasattr(estimator, key)]
        if missing:
            raise ValueError(
                f"{source!r} lacks the fitted attributes {missing} that a {cls.__name__} predicts with; "
                "it is corrupted or holds another kind of model."
            )


class SavableNetMixin(SavableModel):
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
        >>> net = PTRCNNRegressor(max_epochs=1, module__n_filters=4, random_state=0, verbose=0).fit(X, y)
        >>> path = os.path.join(tempfile.mkdtemp(), "net.pt")
        >>> _ = net.save(path)
        >>> again = PTRCNNRegressor.load(path)
        >>> bool(np.array_equal(again.predict(X), net.predict(X)))
        True
        """
        check_save_path(path)
        return write_payload(self._payload(), path)

    def _saved_params(self):
        """The constructor parameters that :meth:`save` writes (all public ones)."""
        return {key: value for key, value in self.get_params(deep=False).items() if not key.startswith("_")}

    def _payload(self):
        """The plain-data dict that :meth:`save` writes."""
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self, "module_")
        params = {key: encode_value(value, key) for key, value in self._saved_params().items()}
        fitted = {key: encode_value(value, key) for key, value in self._fitted_attributes().items()}
        history = encode_value(
            [{key: value for key, value in row.items() if key != "batches"} for row in self.history], "history"
        )
        payload = {
            **self._payload_header(),
            "params": params,
            "fitted": fitted,
            "state_dict": {key: value.detach().cpu().clone() for key, value in self.module_.state_dict().items()},
            "history": history,
        }
        return payload

    @classmethod
    def load(cls, path, *, trusted=(), **params):
        """Read an estimator written by :meth:`save`; it predicts exactly as the saved one.

        Loading never runs code from the file: the classes it names are
        resolved only from skmat's allow-list
        (:func:`skmat.models.allowed_names`) or ``trusted``, functions are
        never read, and the content is checked against the checksum stored
        with it.

        Parameters
        ----------
        path : str or path-like or file-like
        trusted : sequence of classes, default=()
            Classes of your own (a network module, a loss) that the file may
            name beyond skmat's list.
        **params
            Parameters that replace the stored ones before the network is
            rebuilt, e.g. ``device="cpu"`` for a model saved on a GPU, or a
            function the file could not hold.

        Returns
        -------
        estimator
            Fitted; ``warm_start=True`` continues training from its weights
            and keeps its fitted scaling.

        Raises
        ------
        ValueError
            If the file is not a skmat model file, does not match its
            checksum, names a class that is not allowed or a function, holds
            another estimator class, non-finite weights, or does not match
            the rebuilt network. The message names the file and the place.
        """
        source = _shown(path)
        return cls._from_payload(_read(path, cls, trusted), source, params, trusted)

    @classmethod
    def _check_payload(cls, payload, source):
        check_network_payload(payload, source)

    @classmethod
    def _from_params(cls, stored, source, params, trusted=()):
        """An unfitted estimator from its stored constructor parameters (``params`` replace stored ones).

        Network parameters are decoded with the kind their place needs
        (``module``, ``optimizer``, callbacks), and the result is checked by
        :func:`check_decoded_object`.
        """
        decoded = {}
        for key, value in stored.items():
            if key in params:
                continue
            decoded[key] = decode_value(value, key, kind=PARAMETER_KINDS.get(key), trusted=trusted)
            if key == "callbacks" or (key.startswith("callbacks__") and key.count("__") == 1):
                _check_callbacks(key, decoded[key])
        decoded.update(params)
        try:
            estimator = cls(**decoded)
        except TypeError as error:
            raise ValueError(f"The parameters in {source!r} do not build a {cls.__name__}: {error}") from None
        check_decoded_object(estimator, source)
        return estimator

    @classmethod
    def _build_from_payload(cls, payload, source, params, trusted):
        estimator = cls._from_params(payload["params"], source, params, trusted)
        _restore_changed_defaults(estimator, payload, params)
        cls._set_fitted(estimator, payload["fitted"], source, trusted)
        device = str(estimator.device)
        if device.startswith("cuda") and not torch.cuda.is_available():
            raise ValueError(
                f"The model was saved with device={device!r}, which this machine lacks; "
                f"load it with {cls.__name__}.load(path, device='cpu')."
            )
        shapes = {key: tuple(value.shape) for key, value in payload["state_dict"].items()}
        token = EXPECTED_WEIGHT_SHAPES.set((shapes, source))
        try:
            with torch.random.fork_rng(devices=[]):
                estimator.initialize()
        finally:
            EXPECTED_WEIGHT_SHAPES.reset(token)
        try:
            estimator.module_.load_state_dict(payload["state_dict"])
        except RuntimeError as error:
            raise ValueError(
                f"The weights in {source!r} do not fit the rebuilt network: "
                f"{str(error).splitlines()[0]}"
            ) from None
        from skorch.history import History

        rows = decode_value(payload["history"], "history")
        if not all(isinstance(row, dict) for row in rows):
            raise ValueError(f"The training history in {source!r} is not a list of epochs.")
        estimator.history_ = History({**row, "batches": []} for row in rows)
        estimator._after_load()
        return estimator

    @classmethod
    def _required_fitted_attributes(cls):
        return ("n_features_in_",)

    def _after_load(self):
        """Hook for state derived from the fitted attributes (e.g. frozen layers)."""


def _restore_changed_defaults(estimator, payload, given):
    """Set the module defaults an older file was written under where it does not name the parameter.

    A module class lists its changed defaults as ``changed_defaults``
    (``{format version of the change: {parameter: old default}}``); a file
    of an earlier version that leaves such a parameter out was built with
    the old value, so it is set as ``module__<parameter>`` (unless the
    caller of ``load`` gives it). The oldest change after the file's
    version wins for a parameter that changed more than once.
    """
    module = estimator.module
    changed = getattr(module, "changed_defaults", None) if inspect.isclass(module) else None
    if not changed:
        return
    version, stored = payload.get("format_version"), payload["params"]
    restored = {}
    for since in sorted(changed):
        if version >= since:
            continue
        for name, value in changed[since].items():
            key = f"module__{name}"
            if key not in stored and key not in given:
                restored.setdefault(key, value)
    if restored:
        estimator.set_params(**restored)


def skmat_version():
    from .._version import __version__

    return __version__


