"""How the classical small punch estimators read their input: forces on a displacement grid plus the thickness.

:class:`SPTInverseFitRegressor` and :class:`SPTCorrelationRegressor` take
the same ``X`` (a table of ``m`` forces in N on ``displacement`` followed by
``n_conditions`` condition columns, the thickness in mm first; or
``{"sequence": forces, "conditions": thickness}``; or a CurveBatch), so
that they are interchangeable in one ``cross_validate``. One reader, here;
each estimator adds its own ``_check_curves``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from sklearn.utils.validation import validate_data

from .._curve_checks import first_non_finite
from .._small_punch._curve_input import check_cells, read_curve_dict
from .._validation import check_feature_names

__all__ = ["CurveTableInputMixin", "check_finite_table"]

#: The entries a dict input may have.
INPUT_KEYS = ("sequence", "conditions")


def check_finite_table(table, name, m):
    """Raise a ``ValueError`` naming the curve and the point (or condition column) of the first non-finite value."""
    bad = first_non_finite(table)
    if bad is not None:
        i, j = bad
        where = f"point {j}" if j < m else f"condition column {j - m}"
        raise ValueError(f"{name} contains NaN or infinity: curve {i} has {table[i, j]} at {where}.")


class CurveTableInputMixin:
    """``_read(X, reset=...)`` -> forces (n, m) float64 and thickness (n,), with every input check.

    The estimator defines ``thickness``, ``n_conditions``, the fitted
    ``sequence_length_`` (points of ``displacement``) and
    ``_check_curves(forces, thickness)``.
    """

    def _check_thickness_source(self):
        """``thickness`` and condition columns must not both give the thickness."""
        if self.thickness is not None and self.n_conditions:  # None or 0 is fine
            raise ValueError(
                f"thickness={self.thickness!r} and n_conditions={self.n_conditions} would both give the "
                "thickness; set n_conditions=0 for curves without condition columns, or thickness=None to read "
                f"it from them ({type(self).__name__})."
            )

    def _read(self, X, *, reset):
        """Forces (n, m) float64 and thickness (n,) from ``X``, with every input check; ``X`` is not modified."""
        name = type(self).__name__
        m = self.sequence_length_
        if isinstance(X, Mapping):
            check_feature_names(self, X, reset=reset)  # a dict has none: drops stale names at fit
            forces, conditions = self._read_dict(X)
            k = conditions.shape[1]
            if reset:
                self.n_features_in_ = m + k
                self.n_conditions_ = k
            elif k != self.n_conditions_:
                raise ValueError(f"X['conditions'] has {k} columns, but {name} was fitted with {self.n_conditions_}.")
        else:
            check_cells(X, "X", name)  # rows of different lengths or text cells: named, not NumPy's message
            if reset:
                table = validate_data(self, X, reset=True, dtype=np.float64, ensure_all_finite=False,
                                      ensure_min_features=1)
                self.n_conditions_ = (
                    self.n_conditions if self.n_conditions is not None else int(self.thickness is None)
                )
            else:
                table = validate_data(self, X, reset=False, dtype=np.float64, ensure_all_finite=False)
            if table.shape[1] != m + self.n_conditions_:
                raise ValueError(
                    f"X has {table.shape[1]} columns, but {name} expects {m + self.n_conditions_}: {m} forces "
                    f"(N) at the {m} points of displacement, then n_conditions={self.n_conditions_} condition "
                    "column(s) (the thickness in mm first). Set displacement= to the curves' grid, or resample "
                    "them onto it (skmat.preprocessing.CurveResampler)."
                )
            check_finite_table(table, "X", m)
            forces, conditions = table[:, :m], table[:, m:]
        if self.thickness is not None:
            thickness = np.full(len(forces), float(self.thickness))
        else:
            if conditions.shape[1] == 0:
                raise ValueError(
                    f"{name} needs each curve's disc thickness: as the first condition column "
                    "(n_conditions >= 1, or X['conditions']), or one value for all curves as thickness= "
                    "(with n_conditions=0)."
                )
            thickness = conditions[:, 0]
        self._check_curves(forces, thickness)
        return forces, thickness

    def _read_dict(self, X):
        name = type(self).__name__
        if X.get("image") is not None:
            raise ValueError(
                f"{name} got a GAF encoding (key 'image'): its 'sequence' is the encoder's scaled "
                "piecewise-aggregate curve, not the forces (N) on the displacement grid. Give "
                f"{name} the raw curves: X of shape (n, m + n_conditions) with the thickness column, or "
                "{'sequence': forces, 'conditions': thickness}."
            )
        entries = {key: value for key, value in X.items() if key != "image"}  # an image of None is no image
        curves = read_curve_dict(entries, name, dtype=np.float64, keys=INPUT_KEYS,
                                 sequence_entry="(n, m): the forces in N")
        forces = curves["sequence"]
        m = self.sequence_length_
        if forces.shape[1] != m:
            raise ValueError(
                f"X['sequence'] has {forces.shape[1]} points per curve, but displacement has {m}: give the "
                "forces on the displacement grid (or set displacement= to theirs)."
            )
        conditions = curves.get("conditions", np.zeros((len(forces), 0)))
        if self.thickness is not None and conditions.shape[1]:
            raise ValueError(
                f"thickness={self.thickness!r} and X['conditions'] would both give the thickness; "
                "drop one of them."
            )
        return forces, conditions
