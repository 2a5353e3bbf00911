"""What every composition-to-image encoder shares: parse, place, fill."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .._elements import element_table
from .._formula import FormulaError, parse_formulas
from .._validation import formula_column

__all__ = ["CompositionImageEncoder"]

_AMOUNTS = ("count", "fraction")
_OUTPUTS = ("image", "flat")
_HANDLE_UNKNOWN = ("error", "ignore")


class CompositionImageEncoder(TransformerMixin, BaseEstimator, auto_wrap_output_keys=None):
    """Base class: formulas in, one value per layout cell out.

    Each cell of the layout holds ``blank_value`` if no element sits there,
    ``absent_value`` if its element is not in the compound, and otherwise the
    element's amount (atom count, or atomic fraction); all values are then
    multiplied by ``scale``. Subclasses only say where elements sit by
    implementing ``_make_layout(self)``.
    """

    def __init__(
        self,
        *,
        amounts="count",
        absent_value=-1.0,
        blank_value=0.0,
        scale=1.0,
        handle_unknown="error",
        output="image",
    ):
        self.amounts = amounts
        self.absent_value = absent_value
        self.blank_value = blank_value
        self.scale = scale
        self.handle_unknown = handle_unknown
        self.output = output

    def _make_layout(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def _check_params(self):
        for name, allowed in (
            ("amounts", _AMOUNTS),
            ("output", _OUTPUTS),
            ("handle_unknown", _HANDLE_UNKNOWN),
        ):
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {allowed}, got {getattr(self, name)!r}.")
        for name in ("absent_value", "blank_value", "scale"):
            value = getattr(self, name)
            if not isinstance(value, numbers.Real) or not np.isfinite(value):
                raise ValueError(f"{name} must be a finite number, got {value!r}.")

    def fit(self, X, y=None):
        """Fix the layout; the formulas themselves are only checked for shape.

        Parameters
        ----------
        X : list, array of shape (n,) or (n, 1), Series or one-column DataFrame
            Chemical formulas.
        y : ignored

        Returns
        -------
        self
        """
        self._check_params()
        _, feature_names = formula_column(X)
        self.n_features_in_ = 1
        if feature_names is not None:
            self.feature_names_in_ = feature_names
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        self.layout_ = self._make_layout()
        self.image_shape_ = (1, *self.layout_.shape)
        return self

    def transform(self, X):
        """Encode formulas.

        Parameters
        ----------
        X : list, array of shape (n,) or (n, 1), Series or one-column DataFrame
            Chemical formulas.

        Returns
        -------
        ndarray of float32
            Shape ``(n, 1, height, width)`` for ``output="image"``, or
            ``(n, height * width)`` for ``output="flat"``.

        Raises
        ------
        ValueError
            Naming the formula and row of the first bad formula, or of the
            first element outside the layout when ``handle_unknown="error"``.
        """
        check_is_fitted(self, "layout_")
        formulas, _ = formula_column(X)
        rows, z, amounts = parse_formulas(formulas)
        layout = self.layout_
        n = len(formulas)
        if self.amounts == "fraction":
            totals = np.bincount(rows, weights=amounts, minlength=n)
            amounts = amounts / totals[rows]
        cells = layout.cell_of_z[z]
        outside = cells < 0
        if outside.any():
            if self.handle_unknown == "error":
                i = int(np.flatnonzero(outside)[0])
                symbol = element_table().symbol[z[i] - 1]
                raise FormulaError(
                    f"Element {symbol} of formula {formulas[rows[i]]!r} at row {rows[i]} "
                    f"has no cell in the {type(self).__name__} layout; pass "
                    "handle_unknown='ignore' to leave it out."
                )
            inside = ~outside
            rows, cells, amounts = rows[inside], cells[inside], amounts[inside]
        template = np.where(layout.element_cells, self.absent_value, self.blank_value)
        out = np.empty((n, layout.n_cells), dtype=np.float32)
        out[:] = (template * self.scale).astype(np.float32)
        out[rows, cells] = amounts * self.scale
        if self.output == "image":
            return out.reshape(n, 1, *layout.shape)
        return out

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns: the element in each cell, or its position.

        Returns
        -------
        ndarray of str, shape (height * width,)
        """
        check_is_fitted(self, "layout_")
        return np.asarray(self.layout_.cell_names(), dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.requires_fit = True
        return tags
