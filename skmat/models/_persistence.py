"""Saving fitted network estimators to one file that loads without unpickling code.

A file holds a plain dict of tensors, numbers, strings, lists and dicts, so
``torch.load(path, weights_only=True)`` reads it: the estimator's class, its
constructor parameters, its fitted attributes (shapes, scaling, classes),
the network's weights and the training history (see
:mod:`skmat.models._plain_data` for how parameters are stored).
"""

from __future__ import annotations

import os

import torch

from ._plain_data import class_path, decode_value, encode_value

__all__ = ["FORMAT_VERSION", "PIPELINE_FORMAT", "SavableNetMixin", "read_payload", "torch_load"]

FORMAT = "skmat-network"
PIPELINE_FORMAT = "skmat-pipeline"
FORMAT_VERSION = 1

# Attributes skorch keeps at run time; rebuilt by ``initialize`` on load.
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


def read_payload(path, file_format, reader, writer):
    """The plain-data dict of a skmat file at ``path``, checked to be ``file_format`` in a readable version.

    ``reader`` and ``writer`` name the functions that read and write such
    files, for the error messages.
    """
    payload = torch_load(path, writer)
    kind = "pipeline" if file_format == PIPELINE_FORMAT else "model"
    if not isinstance(payload, dict) or payload.get("format") != file_format:
        raise ValueError(
            f"{_shown(path)!r} is not a skmat {kind} file (no format={file_format!r} entry); "
            f"{reader} reads files written by {writer}."
        )
    if payload.get("format_version", 0) > FORMAT_VERSION:
        raise ValueError(
            f"{_shown(path)!r} was written in format version {payload['format_version']} by a newer "
            f"skmat; this skmat reads up to version {FORMAT_VERSION}."
        )
    return payload


def _shown(path):
    return path if hasattr(path, "read") else os.fspath(path)


def _read(path, cls):
    name = cls.__name__
    payload = read_payload(path, FORMAT, f"{name}.load", f"{name}.save")
    if payload.get("estimator") != class_path(cls):
        stored = str(payload.get("estimator", "?")).rpartition(":")[2]
        raise ValueError(
            f"{_shown(path)!r} holds a {stored}, not a {name}; load it with that class's load()."
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
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "estimator": class_path(type(self)),
            "skmat_version": skmat_version(),
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


def skmat_version():
    from skmat import __version__

    return __version__


