"""What every composition-to-image encoder shares: parse, place, fill."""

from __future__ import annotations

import numbers
import warnings
from functools import lru_cache

import numpy as np
from sklearn import get_config
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted

from .._elements import ELEMENT_PROPERTIES, element_table
from .._formula import FormulaError, _index_labels, _parse_column, _quoted, _row_text
from .._validation import check_feature_names, formula_column

__all__ = ["CHANNELS", "CompositionImageEncoder"]

# The per-cell channels an encoder can stack (``channels=``): the amount
# (count or fraction, as ``amounts`` says; the single channel of
# ``channels=None``), then element properties, each divided by its largest
# value over the element table and multiplied by the element's amount.
CHANNELS = ("amount", *ELEMENT_PROPERTIES, "group", "period")

_AMOUNTS = ("count", "fraction")
_OUTPUTS = ("image", "flat")
_HANDLE_UNKNOWN = ("error", "ignore")
# What set_output(transform=...) accepts besides None, as in scikit-learn.
_CONTAINERS = ("default", "pandas", "polars")
# How many affected formulas a warning names before it only counts the rest.
_N_NAMED = 5


def _symbols(z):
    """Element symbols of atomic numbers ``z``, as one comma-separated string."""
    return ", ".join(str(s) for s in element_table().symbol[np.asarray(z) - 1])


def _rows_word(k):
    return f"{k:,} row" if k == 1 else f"{k:,} rows"


@lru_cache(maxsize=1)
def _property_channels():
    """``{channel: values by Z}`` for every property channel, divided by its largest value.

    Index 0 is unused (NaN); an element Magpie has no value for is NaN. All
    known values are positive, so a property channel is 0 exactly where the
    amount is 0.
    """
    table = element_table()
    columns = {name: getattr(table, name) for name in ELEMENT_PROPERTIES}
    columns.update(group=table.group, period=table.period)
    channels = {}
    for name, values in columns.items():
        by_z = np.full(len(table) + 1, np.nan)
        by_z[table.z] = values
        by_z /= np.nanmax(by_z)
        by_z.flags.writeable = False
        channels[name] = by_z
    return channels


def _param(name, value):
    """``name="value"`` for strings, ``name=<k symbols>`` for element lists."""
    if isinstance(value, str):
        return f'{name}="{value}"'
    return f"{name}=<list of {len(value)} symbols>"


class CompositionImageEncoder(TransformerMixin, BaseEstimator, auto_wrap_output_keys=None):
    """Base class: formulas in, one value per layout cell out.

    Each cell of the layout holds ``blank_value`` if no element sits there,
    ``absent_value`` if its element is not in the compound, and otherwise the
    element's amount (atom count, or atomic fraction); all values are then
    multiplied by ``scale``. With ``channels``, element properties times the
    amount are stacked as further channels (see ``CHANNELS``). Subclasses say
    where elements sit by implementing ``_make_layout(self)``, and how a user
    widens the element set by implementing ``_widening(self)``.

    Output containers (``set_output``) are handled here rather than by
    scikit-learn's automatic wrapping, which would try to put the 4-D images
    in a DataFrame: ``output="flat"`` follows ``set_output`` and the global
    ``transform_output``, ``output="image"`` stays an array (see
    :meth:`set_output`).
    """

    def __init_subclass__(cls, **kwargs):
        # scikit-learn re-enables its automatic output wrapping in every
        # subclass unless told otherwise; transform wraps its own output.
        kwargs.setdefault("auto_wrap_output_keys", None)
        super().__init_subclass__(**kwargs)

    #: Names ``channels`` accepts, in the order of the documentation.
    CHANNELS = CHANNELS

    # Checked by scikit-learn's _validate_params at fit: the error names the
    # parameter, what it must be and the value given.
    _parameter_constraints = {
        "amounts": [StrOptions(set(_AMOUNTS))],
        "output": [StrOptions(set(_OUTPUTS))],
        "handle_unknown": [StrOptions(set(_HANDLE_UNKNOWN))],
        # Finite: Interval(..., closed="neither") rejects nan and +-inf.
        "absent_value": [Interval(numbers.Real, None, None, closed="neither")],
        "blank_value": [Interval(numbers.Real, None, None, closed="neither")],
        "scale": [Interval(numbers.Real, None, None, closed="neither")],
        # The names themselves are checked by _channel_names (the message lists CHANNELS).
        "channels": [None, str, list, tuple],
    }

    def __init__(
        self,
        *,
        amounts="count",
        absent_value=0.0,
        blank_value=0.0,
        scale=1.0,
        handle_unknown="error",
        output="image",
        channels=None,
    ):
        self.amounts = amounts
        self.absent_value = absent_value
        self.blank_value = blank_value
        self.scale = scale
        self.handle_unknown = handle_unknown
        self.output = output
        self.channels = channels

    def _channel_names(self):
        """The channel names of ``channels`` as a tuple, or None for the single amount channel."""
        if self.channels is None:
            return None
        names = (self.channels,) if isinstance(self.channels, str) else tuple(self.channels)
        if not names:
            raise ValueError(
                "channels must be None or a non-empty list of channel names, got an empty "
                f"{type(self.channels).__name__}; the names are {', '.join(CHANNELS)}."
            )
        unknown = [name for name in names if not (isinstance(name, str) and name in CHANNELS)]
        if unknown:
            shown = ", ".join(map(repr, unknown))
            raise ValueError(
                f"channels has {shown}, which {'is not a channel' if len(unknown) == 1 else 'are not channels'}; "
                f"the channels are {', '.join(CHANNELS)}."
            )
        repeated = sorted({name for name in names if names.count(name) > 1}, key=names.index)
        if repeated:
            raise ValueError(f"channels repeats {', '.join(map(repr, repeated))}; each channel may appear once.")
        return names

    def _make_layout(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def _accepted_z(self, layout):
        """Boolean mask over atomic numbers of the elements formulas may contain.

        Every element with a cell by default; a subclass may accept fewer
        (the other cells stay in the image, always absent).
        """
        return layout.cell_of_z >= 0

    def _widening(self):  # pragma: no cover - abstract
        """How the element set is chosen now, and the parameter that widens it.

        Returns
        -------
        current : str
            The parameter that fixes the element set, as passed, e.g.
            ``'layout="paper"'``.
        fix : str
            The parameter value whose element set holds every element of the
            element table, e.g. ``'layout="full"'``.
        gives : str
            What ``fix`` gives, completing "use Encoder(<fix>), which ...".
        """
        raise NotImplementedError

    def _outside_error(self, formulas, labels, rows, z, outside):
        """The error for elements outside the layout: fix first, then row and elements."""
        name = type(self).__name__
        current, fix, gives = self._widening()
        n_layout = int(self.accepts_z_.sum())
        first = int(rows[np.argmax(outside)])
        here = z[outside & (rows == first)]
        n_rows = int(np.unique(rows[outside]).size)
        noun = "element" if len(here) == 1 else "elements"
        pretrained = getattr(self, "_pretrained_name", None)
        if pretrained is not None:
            # The encoder of load_pretrained(name): widening it would feed the
            # network an element it has never seen, so say what to do instead.
            return (
                f"Formula {_quoted(str(formulas[first]))} at row {_row_text(first, labels)} has {noun} "
                f"{_symbols(here)}, which the "
                f"pretrained network {pretrained!r} has not seen in training, so it cannot predict for this "
                f"formula (it was trained on the {n_layout} elements of "
                f"skmat.pretrained_info({pretrained!r})['elements']; {n_rows:,} of {_rows_word(len(formulas))} "
                f"{'has' if n_rows == 1 else 'have'} elements outside them). "
                + _unseen_elements_advice(pretrained, self, _symbols(here).split(", "))
            )
        return (
            f"Formula {_quoted(str(formulas[first]))} at row {_row_text(first, labels)} has {noun} {_symbols(here)} "
            f"outside the {n_layout} elements of {name}({current}) "
            f"({n_rows:,} of {_rows_word(len(formulas))} {'has' if n_rows == 1 else 'have'} "
            "elements outside it). "
            f"To encode it, use {name}({fix}), which {gives}. "
            'Otherwise handle_unknown="ignore" drops the elements outside the layout '
            f"(here {_symbols(here)}) from each formula, keeps the rest of the row, "
            "and warns."
        )

    def _outside_warning(self, formulas, labels, rows, z, outside):
        """One warning for a whole transform call with ``handle_unknown="ignore"``."""
        name = type(self).__name__
        current, fix, gives = self._widening()
        n_layout = int(self.accepts_z_.sum())
        out_rows, out_z = rows[outside], z[outside]
        affected = np.unique(out_rows)
        named = []
        for r in affected[:_N_NAMED]:
            named.append(f"{_quoted(str(formulas[r]))} (row {_row_text(r, labels)}: {_symbols(out_z[out_rows == r])})")
        more = len(affected) - len(named)
        listing = ", ".join(named) + (f" and {more:,} more" if more else "")
        elements, counts = np.unique(out_z, return_counts=True)
        dropped = ", ".join(
            f"{_symbols([e])} ({_rows_word(int(c))})" for e, c in zip(elements, counts)
        )
        has_inside = np.zeros(len(formulas), dtype=bool)
        has_inside[rows[~outside]] = True
        empty = affected[~has_inside[affected]]
        if len(empty):
            shown = ", ".join(f"{_quoted(str(formulas[r]))} (row {_row_text(r, labels)})" for r in empty[:_N_NAMED])
            if len(empty) > _N_NAMED:
                shown += f" and {len(empty) - _N_NAMED:,} more"
            verb = "has" if len(empty) == 1 else "have"
            emptiness = (
                f"{_rows_word(len(empty))} {verb} no element left and came out empty "
                f"(every element cell absent): {shown}."
            )
        else:
            emptiness = "No row came out empty."
        pretrained = getattr(self, "_pretrained_name", None)
        if pretrained is not None:
            advice = (
                f"The rows are kept, but the pretrained network {pretrained!r} has not seen these elements in "
                "training and predicts for what is left of each formula. "
                + _unseen_elements_advice(pretrained, self, _symbols(elements).split(", "))
            )
        else:
            advice = f"The rows are kept; to encode these elements use {name}({fix}), which {gives}."
        return (
            f'{name}({current}, handle_unknown="ignore") dropped elements outside its '
            f"{n_layout} elements from {len(affected):,} of {len(formulas):,} formulas: "
            f"{listing}. Dropped: {dropped}. {emptiness} {advice}"
        )

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
        self._validate_params()
        formula_column(X)
        # A refitted encoder no longer speaks for a pretrained network (see _outside_error).
        self.__dict__.pop("_pretrained_name", None)
        self.n_features_in_ = 1
        check_feature_names(self, X, reset=True)
        channels = self._channel_names()
        self.layout_ = self._make_layout()
        self.accepts_z_ = self._accepted_z(self.layout_)
        self.image_shape_ = (1 if channels is None else len(channels), *self.layout_.shape)
        return self

    def transform(self, X):
        """Encode formulas.

        Parameters
        ----------
        X : list, array of shape (n,) or (n, 1), Series or one-column DataFrame
            Chemical formulas.

        Returns
        -------
        ndarray of float32 or DataFrame
            Shape ``(n, channels, height, width)`` for ``output="image"``, or
            ``(n, channels * height * width)`` for ``output="flat"`` (channel
            by channel); one channel unless ``channels`` names several. With
            ``output="flat"`` and pandas output (:meth:`set_output`, or
            scikit-learn's global ``transform_output="pandas"``), a
            DataFrame with the columns of :meth:`get_feature_names_out` and
            the index of ``X`` when ``X`` is a Series or DataFrame. Images
            are always an array.

        Raises
        ------
        skmat.FormulaError
            A ``ValueError`` naming the formula and row of the first bad
            formula or, when ``handle_unknown="error"``, of the first formula
            with elements outside the layout, those elements, and the
            parameter value whose layout holds them (for the encoder of
            :func:`skmat.load_pretrained`: that the network has not seen
            them, and what to do instead). Also for the first formula with
            an element whose property a requested channel needs and Magpie
            does not have (the electronegativity of He, Ne, Ar, Rn, Lr ...),
            naming the element and the channel.
        ValueError
            If ``X`` is a DataFrame whose column name differs from the one
            seen in ``fit`` (scikit-learn's feature-name check), or if
            ``set_output(transform="pandas")`` was called on an encoder with
            ``output="image"``.

        Warns
        -----
        UserWarning
            Once per call, when ``handle_unknown="ignore"`` dropped elements
            outside the layout: the formulas concerned (the first few and a
            count), the elements dropped, and the rows left with no element
            present. Every row is still returned. Also scikit-learn's
            warning when ``X`` has a column name and ``fit`` saw none, or
            the reverse.
        """
        return self._wrap_output(self._encode(X), X)

    def _encode(self, X):
        """The array of :meth:`transform`, before any output container."""
        check_is_fitted(self, ["layout_", "accepts_z_"])
        formulas = formula_column(X)
        check_feature_names(self, X, reset=False)
        n = len(formulas)
        labels = _index_labels(X, n)  # errors name a row by its index label too
        rows, z, amounts = _parse_column(formulas, labels)
        layout = self.layout_
        if self.amounts == "fraction":
            totals = np.bincount(rows, weights=amounts, minlength=n)
            amounts = amounts / totals[rows]
        cells = layout.cell_of_z[z]
        outside = ~self.accepts_z_[z]
        if outside.any():
            if self.handle_unknown == "error":
                raise FormulaError(self._outside_error(formulas, labels, rows, z, outside))
            warnings.warn(
                self._outside_warning(formulas, labels, rows, z, outside), UserWarning, stacklevel=3
            )
            inside = ~outside
            rows, z, cells, amounts = rows[inside], z[inside], cells[inside], amounts[inside]
        template = np.where(layout.element_cells, self.absent_value, self.blank_value) * float(self.scale)
        scaled = amounts * float(self.scale)
        self._check_float32(template, scaled, formulas, labels, rows)
        channels = self._channel_names()
        if channels is None:
            out = np.empty((n, layout.n_cells), dtype=np.float32)
            out[:] = template.astype(np.float32)
            out[rows, cells] = scaled
            if self.output == "image":
                return out.reshape(n, 1, *layout.shape)
            return out
        out = self._stack_channels(channels, formulas, labels, rows, z, cells, scaled, template)
        if self.output == "image":
            return out.reshape(n, len(channels), *layout.shape)
        return out.reshape(n, -1)

    def set_output(self, *, transform=None):
        """Set the output container of ``transform`` and ``fit_transform``.

        Parameters
        ----------
        transform : {"default", "pandas", "polars"} or None, default=None
            ``"default"``: an ndarray; ``"pandas"`` or ``"polars"``: a data
            frame with the columns of :meth:`get_feature_names_out` (for
            ``output="flat"`` only); ``None``: unchanged.

        Returns
        -------
        self

        Notes
        -----
        A data frame holds 2-D data, and ``output="image"`` gives 4-D
        images ``(n, C, height, width)``. Asked for explicitly, a data frame
        of images is an error at ``transform`` that names
        ``output="flat"`` as the fix, as scikit-learn's own transformers do
        for output a data frame cannot hold (sparse matrices). Under
        scikit-learn's global ``set_config(transform_output="pandas")``,
        which applies to every transformer at once, images stay arrays, so
        that a pipeline of an image encoder and a CNN works under it.

        Examples
        --------
        >>> from skmat import PeriodicTableEncoder
        >>> encoder = PeriodicTableEncoder(output="flat").set_output(transform="pandas")
        >>> encoder.fit_transform(["Fe2O3"]).loc[0, ["Fe", "O"]].tolist()
        [2.0, 3.0]
        """
        if transform is None:
            return self
        if transform not in _CONTAINERS:
            raise ValueError(
                f"set_output(transform={transform!r}): transform must be one of "
                f"{', '.join(map(repr, _CONTAINERS))} or None."
            )
        # scikit-learn's attribute, which clone copies and Pipeline.set_output sets through this method.
        self._sklearn_output_config = {**getattr(self, "_sklearn_output_config", {}), "transform": transform}
        return self

    def _wrap_output(self, out, X):
        """``out`` in the container that ``set_output`` or the global config asks for."""
        explicit = getattr(self, "_sklearn_output_config", {}).get("transform")
        container = explicit if explicit is not None else get_config()["transform_output"]
        if container == "default":
            return out
        if self.output == "image":
            if explicit is None:
                return out  # the global config: images stay arrays (see set_output)
            raise ValueError(
                f'{type(self).__name__}(output="image") makes images of shape {out.shape}, which a '
                f"{container} data frame cannot hold, but set_output(transform={container!r}) asks for "
                'one. Use output="flat" for one named column per cell, or set_output(transform="default").'
            )
        return _data_frame(container, out, X, self.get_feature_names_out())

    def _stack_channels(self, channels, formulas, labels, rows, z, cells, scaled, template):
        """``(n, C, n_cells)``: the amount channel as for one channel; properties times the amount."""
        properties = _property_channels()
        out = np.zeros((len(formulas), len(channels), self.layout_.n_cells), dtype=np.float32)
        for c, name in enumerate(channels):  # a loop over channels; rows and cells are vectorized
            if name == "amount":
                out[:, c] = template.astype(np.float32)
                out[rows, c, cells] = scaled
                continue
            values = properties[name][z]
            unknown = np.isnan(values)
            if unknown.any():
                raise FormulaError(self._missing_property_error(name, formulas, labels, rows, z, unknown))
            out[rows, c, cells] = scaled * values  # 0 stays where the element is absent or no element sits
        return out

    def _missing_property_error(self, name, formulas, labels, rows, z, unknown):
        first = int(rows[np.argmax(unknown)])
        here = z[unknown & (rows == first)]
        lacking = np.flatnonzero(np.isnan(_property_channels()[name][1:])) + 1
        n_rows = int(np.unique(rows[unknown]).size)
        others = tuple(c for c in self._channel_names() if c != name)
        fix = f"channels={others!r}" if others else "channels=None"
        return (
            f"Formula {_quoted(str(formulas[first]))} at row {_row_text(first, labels)} has "
            f"{'element' if len(here) == 1 else 'elements'} "
            f"{_symbols(here)}, whose {name} the element table does not have (Magpie has no {name} for "
            f"{_symbols(lacking)}), so channel {name!r} cannot be encoded "
            f"({n_rows:,} of {_rows_word(len(formulas))} {'has' if n_rows == 1 else 'have'} such elements). "
            f"Leave {name!r} out of the channels ({fix}) or leave these formulas out."
        )

    def _check_float32(self, template, scaled, formulas, labels, rows):
        """Raise instead of writing a cell value that float32 cannot hold (it would become inf)."""
        limit = float(np.finfo(np.float32).max)
        if np.abs(template).max(initial=0.0) > limit:
            raise ValueError(
                f"absent_value={self.absent_value!r} or blank_value={self.blank_value!r} times "
                f"scale={self.scale!r} is beyond the float32 range of the image cells."
            )
        too_big = np.flatnonzero(np.abs(scaled) > limit)
        if len(too_big):
            row = int(rows[too_big[0]])
            raise FormulaError(
                f"Formula {_quoted(formulas[row])} at row {_row_text(row, labels)} has an amount of {scaled[too_big[0]] / self.scale:.4g}, "
                f"which times scale={self.scale!r} is beyond the float32 range of the image cells."
            )

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns: the element in each cell, or its position.

        With ``channels``, each name is prefixed with its channel:
        ``"amount_Fe"``, ``"electronegativity_Fe"``, channel by channel.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            The input column name, checked as scikit-learn does: it must
            have one entry and, if the encoder was fitted on a DataFrame,
            be ``feature_names_in_``.

        Returns
        -------
        ndarray of str, shape (channels * height * width,)

        Raises
        ------
        ValueError
            If ``input_features`` does not match the fitted input
            (scikit-learn's message).
        """
        check_is_fitted(self, "layout_")
        _check_feature_names_in(self, input_features, generate_names=False)
        cells = self.layout_.cell_names()
        channels = self._channel_names()
        if channels is None:
            return np.asarray(cells, dtype=object)
        return np.asarray([f"{channel}_{cell}" for channel in channels for cell in cells], dtype=object)

    # -- loading (skmat.models.load_pipeline) ----------------------------------

    #: The attributes a saved encoder may hold: fitted ones, the name of the
    #: pretrained network it serves (see _outside_error) and set_output's.
    _SAVED_ATTRIBUTES = frozenset({
        "n_features_in_", "feature_names_in_", "layout_", "accepts_z_", "image_shape_",
        "_pretrained_name", "_sklearn_output_config",
    })

    def _state_loaded(self):
        """Refuse fitted attributes from a file that ``transform`` could not use.

        Called by :func:`skmat.models.load_pipeline` after the stored
        attributes are set: a file whose checksum was recomputed after an
        edit must fail here, naming the attribute, not later with a
        ``TypeError`` (or an image with values in the wrong cells) at
        ``transform``.

        Raises
        ------
        ValueError
            Naming the attribute that is unknown, missing or of the wrong
            type, shape or value.
        """
        name = type(self).__name__
        unknown = sorted(set(vars(self)) - set(self.get_params(deep=False)) - self._SAVED_ATTRIBUTES)
        if unknown:
            raise ValueError(f"The file sets {', '.join(map(repr, unknown))} on {name}, which "
                             f"{'is not an attribute' if len(unknown) == 1 else 'are not attributes'} of it.")
        _check_saved_options(self)
        fitted = {"n_features_in_", "layout_", "accepts_z_", "image_shape_"}
        present = fitted.intersection(vars(self))
        if not present:
            return  # saved unfitted
        if present != fitted:
            raise ValueError(f"The file's {name} lacks the fitted {', '.join(sorted(fitted - present))} beside "
                             f"{', '.join(sorted(present))}.")
        _check_saved_layout(name, self.layout_, self.accepts_z_)
        channels = self._channel_names()
        expected = (1 if channels is None else len(channels), *self.layout_.shape)
        if not (isinstance(self.image_shape_, tuple) and self.image_shape_ == expected):
            raise _saved_error(name, "image_shape_", self.image_shape_, f"the tuple {expected}")
        if type(self.n_features_in_) is not int or self.n_features_in_ != 1:
            raise _saved_error(name, "n_features_in_", self.n_features_in_, "1")
        names = getattr(self, "feature_names_in_", None)
        if names is not None and not (
            isinstance(names, np.ndarray) and names.shape == (1,) and isinstance(names[0], str)
        ):
            raise _saved_error(name, "feature_names_in_", names, "an array of one column name")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.requires_fit = True
        return tags


def _saved_error(name, attribute, value, expected):
    shown = repr(value)
    if len(shown) > 100:
        shown = f"{shown[:100]}… ({len(shown):,} characters)"
    return ValueError(f"The file's {name} has {attribute}={shown}, where {expected} is expected: the file "
                      "is corrupted or was edited.")


def _check_saved_options(encoder):
    """The attributes of a loaded encoder that are not fitted state: the pretrained name, set_output's."""
    name = type(encoder).__name__
    pretrained = vars(encoder).get("_pretrained_name")
    if pretrained is not None and not isinstance(pretrained, str):
        raise _saved_error(name, "_pretrained_name", pretrained, "a network name")
    config = vars(encoder).get("_sklearn_output_config", {})
    if not (isinstance(config, dict) and set(config) <= {"transform"}
            and config.get("transform", "default") in _CONTAINERS):
        raise _saved_error(name, "_sklearn_output_config", config, "set_output's setting")


def _check_saved_layout(name, layout, accepts_z):
    """A loaded ``layout_`` and ``accepts_z_``: every element in its own cell, accepted only if it has one."""
    from .._layouts import Layout

    n_z = len(element_table()) + 1
    if not isinstance(layout, Layout):
        raise _saved_error(name, "layout_", layout, "a Layout")
    shape = layout.shape
    if not (isinstance(shape, tuple) and len(shape) == 2
            and all(type(side) is int and 0 < side <= n_z for side in shape)):
        raise _saved_error(name, "layout_.shape", shape, f"a tuple (height, width) of sides from 1 to {n_z}")
    cells = layout.cell_of_z
    placed = cells[cells >= 0] if isinstance(cells, np.ndarray) and cells.dtype.kind == "i" else None
    if (placed is None or cells.shape != (n_z,) or cells.min() < -1 or cells.max(initial=-1) >= layout.n_cells
            or cells[0] != -1 or len(np.unique(placed)) != len(placed)):
        raise _saved_error(name, "layout_.cell_of_z", cells,
                           f"an integer array of shape ({n_z},) giving each element its own cell or -1")
    if not (isinstance(accepts_z, np.ndarray) and accepts_z.dtype == bool and accepts_z.shape == (n_z,)
            and not (accepts_z & (cells < 0)).any()):
        raise _saved_error(name, "accepts_z_", accepts_z,
                           f"a boolean array of shape ({n_z},), true only for elements with a cell")


def _data_frame(container, values, X, columns):
    """``values`` as a pandas or polars data frame; pandas keeps the index of a Series or DataFrame ``X``."""
    if container == "pandas":
        import pandas as pd

        index = X.index if isinstance(X, (pd.Series, pd.DataFrame)) else None
        return pd.DataFrame(values, index=index, columns=list(columns), copy=False)
    import polars as pl

    return pl.DataFrame(values, schema=list(columns), orient="row")


def _unseen_elements_advice(name, encoder, symbols):
    """What to do about elements the pretrained network ``name`` has not seen (for the encoder's messages).

    Widening the encoder would only feed the network cells it was never
    trained on; the way to a prediction for those elements is data that
    contains them.
    """
    import inspect

    defaults = {k: p.default for k, p in inspect.signature(type(encoder)).parameters.items()}
    shown = []
    for key, value in encoder.get_params(deep=False).items():
        if key in ("elements", "handle_unknown") or value == defaults.get(key):
            continue
        shown.append(f'{key}="{value}"' if isinstance(value, str) else f"{key}={value!r}")
    added = ", ".join(f'"{symbol}"' for symbol in symbols)
    shown.append(f'elements=[*skmat.pretrained_info("{name}")["elements"], {added}]')
    what = " and ".join(symbols) if len(symbols) <= 2 else ", ".join(symbols[:-1]) + f" and {symbols[-1]}"
    return (
        f"To predict for formulas with {what}, fine-tune from this network on data that contains "
        f"{'it' if len(symbols) == 1 else 'them'}, behind a new encoder whose elements include "
        f"{'it' if len(symbols) == 1 else 'them'}: Pipeline([(\"encode\", "
        f"{type(encoder).__name__}({', '.join(shown)})), (\"model\", "
        f'PTRCNNRegressor.from_regressor(skmat.load_pretrained("{name}")))]).fit(X, y) '
        "(PTRCNNClassifier.from_regressor for classes); or use a model trained on such data."
    )
