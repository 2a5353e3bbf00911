"""CurveBatch: the image, sequence and conditions of many curves, indexable like one array."""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["CurveBatch"]


class CurveBatch(dict):
    """A dict of per-curve arrays that scikit-learn can split like an array of curves.

    What :class:`~skmat.GramianAngularFieldEncoder` returns by default and
    :class:`~skmat.SPTSeq2SeqRegressor` reads: entries ``"image"`` ``(n, 1,
    s, s)``, ``"sequence"`` ``(n, s)`` and, with test conditions,
    ``"conditions"`` ``(n, k)``, all with one row per curve. It is a plain
    ``dict`` (skorch passes its entries to the network by key) with two
    additions, so that ``train_test_split``, ``cross_validate`` and
    ``GridSearchCV`` accept encoded curves directly:

    * ``len(batch)`` and ``batch.shape`` count curves, not keys
      (``len(batch.keys())`` counts keys);
    * indexing with anything but a key — an integer array, a boolean mask,
      a slice — selects those curves in every entry and returns a new
      ``CurveBatch``.

    Parameters
    ----------
    *args, **kwargs
        As for ``dict``; every value must be an array with the same number
        of rows.

    Raises
    ------
    ValueError
        If the entries have different numbers of rows.

    Examples
    --------
    >>> import numpy as np
    >>> from skmat.encoders import CurveBatch
    >>> batch = CurveBatch(sequence=np.arange(12.0).reshape(4, 3), conditions=np.ones((4, 1)))
    >>> len(batch), batch.shape, sorted(batch)
    (4, (4,), ['conditions', 'sequence'])
    >>> part = batch[np.array([0, 2])]
    >>> type(part).__name__, part["sequence"].tolist()
    ('CurveBatch', [[0.0, 1.0, 2.0], [6.0, 7.0, 8.0]])
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lengths = {key: len(value) for key, value in self.items()}
        if len(set(lengths.values())) > 1:
            raise ValueError(f"Every entry of a CurveBatch needs one row per curve; got rows {lengths}.")

    @property
    def n_curves(self):
        """Number of curves (rows of every entry)."""
        return len(next(iter(self.values()))) if dict.__len__(self) else 0

    @property
    def shape(self):
        """``(n_curves,)``, as scikit-learn reads the number of samples."""
        return (self.n_curves,)

    def __len__(self):
        return self.n_curves

    def __getitem__(self, key):
        if isinstance(key, str):
            return super().__getitem__(key)
        if isinstance(key, tuple) and len(key) == 2 and key[1] is Ellipsis:
            key = key[0]  # how scikit-learn indexes rows: X[indices, ...]
        if isinstance(key, numbers.Integral):
            return {name: value[key] for name, value in self.items()}
        if isinstance(key, list):
            key = np.asarray(key)
        return CurveBatch({name: value[key] for name, value in self.items()})

    def __repr__(self):
        entries = ", ".join(f"{key}: {tuple(np.shape(value))}" for key, value in self.items())
        return f"CurveBatch({entries})"
