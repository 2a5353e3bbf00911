"""Strict chemical-formula parsing.

Two formula styles occur in the bundled data: explicit counts without groups
(``Ta2Te1Zr1``, OQMD) and reduced pymatgen style with parenthesised groups
(``Ta(MnB2)2``, Materials Project). Both are parsed by :func:`parse_formula`;
:func:`parse_formulas` parses a whole column into a flat coordinate list that
the encoders scatter into images without a Python loop per cell.

Anything that is not a well-formed formula raises :class:`ValueError` naming
the formula and, for a column, its row index. Nothing is ever skipped or
turned into NaN.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

import numpy as np

from ._elements import element_table

__all__ = ["parse_formula", "parse_formulas", "FormulaError"]

# A whole formula in the flat style: symbols each followed by an optional
# non-negative decimal amount.  Checked with ``fullmatch`` before the fast
# ``findall`` path is taken; anything else goes through the full scanner.
_AMOUNT = r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"  # ASCII digits only
_FLAT_FORMULA = re.compile(rf"(?:[A-Z][a-z]?{_AMOUNT}?)+")
_FLAT_TOKEN = re.compile(rf"([A-Z][a-z]?)({_AMOUNT}?)")
_SCAN_TOKEN = re.compile(rf"\s*(?:([A-Z][a-z]?)|({_AMOUNT})|([(\[])|([)\]]))")
_CLOSING = {"(": ")", "[": "]"}


class FormulaError(ValueError):
    """A formula could not be parsed.

    Subclass of :class:`ValueError`; the message names the formula and, when
    it came from a column, its row index.
    """


def _where(formula, row):
    where = f"formula {formula!r}"
    return where if row is None else f"{where} at row {row}"


def _symbol_to_z():
    return element_table().z_of_symbol


def _parse_flat(formula, row, z_of):
    amounts: dict[int, float] = {}
    for symbol, amount in _FLAT_TOKEN.findall(formula):
        z = z_of.get(symbol)
        if z is None:
            raise FormulaError(f"Unknown element symbol {symbol!r} in {_where(formula, row)}.")
        value = float(amount) if amount else 1.0
        if not value > 0.0:  # checked per token: a repeat must not hide "Fe0"
            raise FormulaError(f"Non-positive amount {amount!r} in {_where(formula, row)}.")
        amounts[z] = amounts.get(z, 0.0) + value
    return amounts


def _parse_grouped(formula, row, z_of):
    """Recursive-descent scan for formulas with groups or whitespace."""
    stack: list[tuple[dict[int, float], str | None]] = [({}, None)]
    # What a following amount multiplies: Z -> (amount before the token, token's amount).
    last: dict[int, tuple[float, float]] | None = None
    position = 0
    end = len(formula.rstrip())
    while position < end:
        match = _SCAN_TOKEN.match(formula, position)
        if match is None:
            column = position + len(formula[position:]) - len(formula[position:].lstrip())
            raise FormulaError(
                f"Unexpected character {formula[column]!r} at position {column} "
                f"in {_where(formula, row)}."
            )
        symbol, amount, opening, closing = match.groups()
        position = match.end()
        current = stack[-1][0]
        if symbol is not None:
            z = z_of.get(symbol)
            if z is None:
                raise FormulaError(f"Unknown element symbol {symbol!r} in {_where(formula, row)}.")
            previous = current.get(z, 0.0)
            last = {z: (previous, 1.0)}
            current[z] = previous + 1.0
        elif amount is not None:
            if last is None:
                raise FormulaError(
                    f"Amount {amount!r} does not follow an element or group in "
                    f"{_where(formula, row)}."
                )
            factor = float(amount)
            if not factor > 0.0:
                raise FormulaError(
                    f"Non-positive amount {amount!r} in {_where(formula, row)}."
                )
            for z, (previous, value) in last.items():
                current[z] = previous + value * factor
            last = None
        elif opening is not None:
            stack.append(({}, opening))
            last = None
        else:
            group, opened = stack.pop() if len(stack) > 1 else (None, None)
            if group is None or _CLOSING[opened] != closing:
                raise FormulaError(f"Unbalanced {closing!r} in {_where(formula, row)}.")
            if not group:
                raise FormulaError(f"Empty group in {_where(formula, row)}.")
            parent = stack[-1][0]
            last = {z: (parent.get(z, 0.0), value) for z, value in group.items()}
            for z, value in group.items():
                parent[z] = parent.get(z, 0.0) + value
    if len(stack) > 1:
        raise FormulaError(f"Unclosed {stack[-1][1]!r} in {_where(formula, row)}.")
    return stack[0][0]


def _check_formula_type(formula, row):
    if formula is None or (isinstance(formula, float) and math.isnan(formula)):
        raise FormulaError(f"Missing formula ({formula!r}) at row {row}." if row is not None
                           else f"Missing formula ({formula!r}).")
    if not isinstance(formula, str):
        raise FormulaError(
            f"Formula must be a string, got {type(formula).__name__} {formula!r}"
            + ("" if row is None else f" at row {row}") + "."
        )


def _parse_one(formula, row, z_of):
    _check_formula_type(formula, row)
    if _FLAT_FORMULA.fullmatch(formula):
        amounts = _parse_flat(formula, row, z_of)
    else:
        amounts = _parse_grouped(formula, row, z_of)
    if not amounts:
        raise FormulaError(f"Empty {_where(formula, row)}.")
    for z, value in amounts.items():
        if not value > 0.0 or not math.isfinite(value):
            symbol = element_table().symbol[z - 1]
            raise FormulaError(
                f"Element {symbol} has non-positive or non-finite amount {value:g} "
                f"in {_where(formula, row)}."
            )
    return amounts


def parse_formula(formula: str) -> dict[str, float]:
    """Parse one chemical formula into element amounts.

    Parameters
    ----------
    formula : str
        A formula such as ``"Co2Mn1Si1"``, ``"Ta(MnB2)2"``, ``"Fe0.5Ni0.5"``
        or ``"Fe2 O3"``. Element symbols are case-sensitive; groups use ``()``
        or ``[]`` and may nest; whitespace is allowed between tokens.

    Returns
    -------
    dict of str to float
        Amount of each element, in order of first appearance. Repeated
        elements are summed.

    Raises
    ------
    ValueError
        For an unknown symbol, lowercase symbol, stray character, unbalanced
        group, zero or negative amount, empty string or a non-string.

    Examples
    --------
    >>> parse_formula("Ta(MnB2)2")
    {'Ta': 1.0, 'Mn': 2.0, 'B': 4.0}
    >>> parse_formula("Co2Mn1Si1")
    {'Co': 2.0, 'Mn': 1.0, 'Si': 1.0}
    """
    symbols = element_table().symbol
    amounts = _parse_one(formula, None, _symbol_to_z())
    return {str(symbols[z - 1]): value for z, value in amounts.items()}


def parse_formulas(formulas: Iterable) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parse a column of formulas into a coordinate list.

    Parameters
    ----------
    formulas : iterable of str
        The formulas, one per row.

    Returns
    -------
    rows : ndarray of int64, shape (n_entries,)
        Row index of each (row, element) entry.
    z : ndarray of int64, shape (n_entries,)
        Atomic number of the element.
    amounts : ndarray of float64, shape (n_entries,)
        Its amount in that row's formula.

    Raises
    ------
    ValueError
        Naming the first bad formula and its row index.

    Examples
    --------
    >>> rows, z, amounts = parse_formulas(["Co2MnSi", "NaCl"])
    >>> rows.tolist(), z.tolist(), amounts.tolist()
    ([0, 0, 0, 1, 1], [27, 25, 14, 11, 17], [2.0, 1.0, 1.0, 1.0, 1.0])
    """
    z_of = _symbol_to_z()
    fullmatch = _FLAT_FORMULA.fullmatch
    findall = _FLAT_TOKEN.findall
    rows: list[int] = []
    zs: list[int] = []
    values: list[float] = []
    for row, formula in enumerate(formulas):
        # Fast path for the common flat style: one regex match, one findall.
        if type(formula) is str and fullmatch(formula):
            n_before = len(zs)
            seen = set()
            for symbol, amount in findall(formula):
                z = z_of.get(symbol)
                if z is None or z in seen:
                    break
                value = float(amount) if amount else 1.0
                if not 0.0 < value < math.inf:
                    break
                seen.add(z)
                zs.append(z)
                values.append(value)
            else:
                rows.extend([row] * (len(zs) - n_before))
                continue
            # Unknown symbol, repeated element or zero amount: undo and let
            # the careful path sum repeats or raise with a precise message.
            del zs[n_before:], values[n_before:]
        amounts = _parse_one(formula, row, z_of)
        rows.extend([row] * len(amounts))
        zs.extend(amounts.keys())
        values.extend(amounts.values())
    return (
        np.asarray(rows, dtype=np.int64),
        np.asarray(zs, dtype=np.int64),
        np.asarray(values, dtype=np.float64),
    )
