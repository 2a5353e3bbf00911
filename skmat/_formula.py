"""Strict chemical-formula parsing.

Two formula styles occur in the bundled data: explicit counts without groups
(``Ta2Te1Zr1``, OQMD) and reduced pymatgen style with parenthesised groups
(``Ta(MnB2)2``, Materials Project). Both are parsed by :func:`parse_formula`;
:func:`parse_formulas` parses a whole column into a flat coordinate list that
the encoders scatter into images without a Python loop per cell.

Anything that is not a well-formed formula raises :class:`skmat.FormulaError` (a
:class:`ValueError`) naming the formula and, for a column, its row index.
Nothing is ever skipped or turned into NaN.

Hydrates and adducts
--------------------
Formula units joined by ``·`` (U+00B7), ``*``, ``•`` (U+2022) or ``⋅``
(U+22C5) are added up, each unit optionally preceded by an integer or
decimal multiplier:

>>> parse_formula("CuSO4·5H2O")
{'Cu': 1.0, 'S': 1.0, 'O': 9.0, 'H': 10.0}
>>> parse_formula("CaSO4*0.5H2O")
{'Ca': 1.0, 'S': 1.0, 'O': 4.5, 'H': 1.0}
>>> parse_formula("3CaO·Al2O3")
{'Ca': 3.0, 'O': 6.0, 'Al': 2.0}

The conventional ASCII dot is read the same way where it cannot be, or is
not meant as, a decimal point; the full rule is in :func:`parse_formula`:

>>> parse_formula("CuSO4.5H2O") == parse_formula("CuSO4·5H2O")
True
>>> parse_formula("CaSO4.0.5H2O") == parse_formula("CaSO4·0.5H2O")
True
>>> parse_formula("Bi2Te2.7Se0.3")  # a decimal stays a decimal
{'Bi': 2.0, 'Te': 2.7, 'Se': 0.3}
>>> parse_formula("Al2O3.2SiO2")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
skmat.FormulaError: Ambiguous '.' at position 5 in formula 'Al2O3.2SiO2': ...

pymatgen (``Composition``, checked with pymatgen 2026.10.24) has no adducts:
it reads every ``.`` as part of a number, so ``"CuSO4.5H2O"`` silently gives
O 5.5 and H 2, ``"Al2O3.2SiO2"`` gives O 5.2, and ``·`` or ``*`` are errors.
For the formulas in the bundled and reference data sets (OQMD, Materials
Project, Matbench) the two parsers agree; see :func:`parse_formula`.

Amounts are stored by the encoders as float32, so every element's total
amount (after group and adduct multipliers) must lie in float32's normal
range, about 1.2e-38 to 3.4e38; anything outside, and any non-finite total,
is a :class:`skmat.FormulaError` rather than an ``inf`` or ``0`` image cell.
"""

from __future__ import annotations

import bisect
import math
import re
import string
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

# Adducts.  These characters always separate formula units; "." does where
# the rule in ``_adduct_separators`` says so.
_SEPARATORS = "\u00b7*\u2022\u22c5"  # middle dot, asterisk, bullet, dot operator
_SEPARATOR_SET = frozenset(_SEPARATORS)
_NEEDS_SPLIT = re.compile(r"[.\u00b7*\u2022\u22c5]")
# Solvent / adduct molecules after a conventional dot and a multiplier
# ("CuSO4.5H2O"): written exactly like this, they make that dot a separator.
SOLVENT_UNITS = frozenset({
    "H2O", "D2O", "H2O2", "NH3", "N2H4", "CO2", "SO2", "CH4", "HF", "HCl", "HBr",
    "CH3OH", "C2H5OH", "CH3CN", "C3H6O", "C4H8O", "(C2H5)2O", "C5H5N", "C6H6",
    "CHCl3", "CH2Cl2", "C3H7NO", "C2H6OS",
})
# In a formula of the flat style the only dot that might separate adduct
# units: a nonzero (or implicit) count, ".", a one- or two-digit multiplier
# without a leading zero, and an element.  A flat formula without such a dot
# takes the fast path unchanged.
_FLAT_ADDUCT_DOT = re.compile(r"[A-Za-z](?:[0-9]*[1-9][0-9]*)?\.[1-9][0-9]?[A-Z]")
# In parse_formulas' fast loop, which leaves for the careful path on any
# repeated element, a flat formula's dot can only be a separator before a
# solvent (the ambiguous case needs an element in both units): so only this
# needs checking there.
_FLAT_SOLVENT_DOT = re.compile(
    r"\.[1-9][0-9]?(?:"
    + "|".join(re.escape(unit) for unit in sorted(SOLVENT_UNITS, key=len, reverse=True))
    + r")(?=\.|$)"
)
_DOT_MULTIPLIER = re.compile(r"[1-9][0-9]?")
_UNIT_MULTIPLIER = re.compile(rf"\s*({_AMOUNT})")
_NUMERIC_RUN = re.compile(r"[0-9.]+")
_SYMBOL = re.compile(r"[A-Z][a-z]?")
_UNIT_START = frozenset(string.ascii_uppercase + "([")
_SPACES = re.compile(r"\s*")
_COUNT_BEFORE = frozenset(string.ascii_letters + ")]")

# The encoders store amounts as float32: totals must stay in its normal range.
_F32_MAX = float(np.finfo(np.float32).max)
_F32_TINY = float(np.finfo(np.float32).tiny)


class FormulaError(ValueError):
    """A formula that skmat cannot parse or encode.

    Raised by :func:`~skmat.parse_formula`, :func:`~skmat.parse_formulas`
    and every formula encoder (:class:`~skmat.PeriodicTableEncoder`,
    :class:`~skmat.RandomTableEncoder`, :class:`~skmat.MendeleevLineEncoder`,
    so also by a pipeline such as :func:`~skmat.load_pretrained`'s) for a
    formula that is not well formed, whose amounts are out of float32's
    range, or (with ``handle_unknown="error"``) that has an element the
    encoder does not accept. The message names the formula and, when it came
    from a column, its row index, then what to do. Nothing is ever skipped
    or turned into NaN.

    A subclass of :class:`ValueError`, so ``except ValueError`` catches it
    too, and scikit-learn's ``cross_validate`` and ``GridSearchCV`` count the
    fit as failed (``error_score``). Import it as ``skmat.FormulaError``.

    See Also
    --------
    parse_formula : The formula syntax, and which formulas are errors.
    PeriodicTableEncoder : ``handle_unknown="ignore"`` drops unknown elements instead.

    Examples
    --------
    >>> import skmat
    >>> try:
    ...     skmat.parse_formula("Fe2Xx3")
    ... except skmat.FormulaError as error:
    ...     print(error)
    Unknown element symbol 'Xx' in formula 'Fe2Xx3'.
    >>> skmat.PeriodicTableEncoder().fit_transform(["H2O"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    skmat.FormulaError: Formula 'H2O' at row 0 has element H outside the 58 elements of ...
    >>> issubclass(skmat.FormulaError, ValueError)
    True
    """

    # Shown as ``skmat.FormulaError`` in tracebacks and doctests, and pickled
    # (joblib workers send errors back by pickle) under that public name.
    __module__ = "skmat"


# Error messages show at most this many characters of a formula (or of an
# amount), then how long it is: a message must stay readable for any input.
_SHOWN_CHARS = 100


def _quoted(text):
    """``repr(text)``, cut after ``_SHOWN_CHARS`` characters with the total length when longer.

    Examples
    --------
    >>> _quoted("Fe2O3")
    "'Fe2O3'"
    >>> _quoted("Fe" * 150)  # doctest: +ELLIPSIS
    "'FeFe...FeFe'… (300 characters)"
    """
    if isinstance(text, str) and len(text) > _SHOWN_CHARS:
        return f"{text[:_SHOWN_CHARS]!r}… ({len(text):,} characters)"
    shown = repr(text)
    if len(shown) > _SHOWN_CHARS:  # a long non-string (a list, an array) given as a formula
        return f"{shown[:_SHOWN_CHARS]}… ({len(shown):,} characters of repr)"
    return shown


def _index_labels(X, n):
    """The index labels of a pandas ``X`` of ``n`` rows, or None when they are the positions 0 … n-1.

    Error messages name a row by its position and, when the input has an
    index of its own (a filtered DataFrame, a Series indexed by material
    id), by its label too.
    """
    index = getattr(X, "index", None)
    if index is None or callable(index) or len(index) != n:  # a list's .index is a method
        return None
    labels = np.asarray(index)
    if labels.dtype.kind in "iu" and np.array_equal(labels, np.arange(n)):
        return None
    return labels


def _row_text(row, labels=None):
    """``"2"``, or ``"2 (index 102)"`` when the input has its own index labels."""
    if labels is None:
        return f"{row}"
    label = labels[row]
    label = label.item() if isinstance(label, np.generic) else label
    return f"{row} (index {_quoted(label) if isinstance(label, str) else label})"


def _where(formula, row):
    """``"formula 'Xx' at row 2"``: ``row`` is a position or its ``_row_text``, or None."""
    where = f"formula {_quoted(formula)}"
    return where if row is None else f"{where} at row {row}"


def _symbol_to_z():
    return element_table().z_of_symbol


def _parse_flat(formula, row, z_of, start=0, end=None):
    amounts: dict[int, float] = {}
    end = len(formula) if end is None else end
    for symbol, amount in _FLAT_TOKEN.findall(formula, start, end):
        z = z_of.get(symbol)
        if z is None:
            raise FormulaError(f"Unknown element symbol {symbol!r} in {_where(formula, row)}.")
        value = float(amount) if amount else 1.0
        if not value > 0.0:  # checked per token: a repeat must not hide "Fe0"
            raise FormulaError(f"Non-positive amount {_quoted(amount)} in {_where(formula, row)}.")
        amounts[z] = amounts.get(z, 0.0) + value
    return amounts


def _parse_grouped(formula, row, z_of, start=0, end=None):
    """Recursive-descent scan for formulas with groups or whitespace."""
    stack: list[tuple[dict[int, float], str | None]] = [({}, None)]
    # What a following amount multiplies: Z -> (amount before the token, token's amount).
    last: dict[int, tuple[float, float]] | None = None
    position = start
    end = len(formula) if end is None else end
    while end > position and formula[end - 1].isspace():  # without copying: called once per adduct unit
        end -= 1
    while position < end:
        match = _SCAN_TOKEN.match(formula, position, end)
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
                    f"Amount {_quoted(amount)} does not follow an element or group in "
                    f"{_where(formula, row)}."
                )
            factor = float(amount)
            if not factor > 0.0:
                raise FormulaError(
                    f"Non-positive amount {_quoted(amount)} in {_where(formula, row)}."
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


def _parse_body(formula, row, z_of, start, end):
    """Amounts of ``formula[start:end]``: one formula unit, no multiplier."""
    if _FLAT_FORMULA.fullmatch(formula, start, end):
        return _parse_flat(formula, row, z_of, start, end)
    return _parse_grouped(formula, row, z_of, start, end)


def _try_unit(formula, row, z_of, start, end):
    """Amounts of the unit ``formula[start:end]``, or None if it is not valid."""
    try:
        amounts = _parse_body(formula, row, z_of, start, end)
    except FormulaError:
        return None
    return amounts or None


def _inside_group(formula, row, position, what):
    return FormulaError(
        f"{what} at position {position} is inside a group in {_where(formula, row)}: "
        f"adduct units are joined at the top level only, as in 'CuSO4·5H2O'."
    )


def _ambiguous(formula, row, dot, count_start, unit_start, unit_end):
    """The error for a '.' that reads as a decimal point and as a separator."""
    # The amount as a decimal, with the element symbol (or ')') it follows.
    symbol_start = count_start - 1
    if formula[symbol_start].islower():
        symbol_start -= 1
    as_decimal = formula[symbol_start:unit_start]
    multiplier = formula[dot + 1:unit_start]
    unit = formula[unit_start:unit_end].strip()
    return FormulaError(
        f"Ambiguous '.' at position {dot} in {_where(formula, row)}: it reads as a decimal "
        f"point ({_quoted(as_decimal)} followed by {_quoted(unit)}) and as an adduct separator "
        f"({multiplier} × {_quoted(unit)} added to {_quoted(formula[:dot])}), and both readings are "
        f"valid formulas. For the adduct write "
        f"{_quoted(formula[:dot] + '·' + formula[dot + 1:])} (or '*' instead of '·'); for the "
        f"decimal amount put a space after it: "
        f"{_quoted(formula[:unit_start] + ' ' + formula[unit_start:])}."
    )


def _ambiguous_multiplier(formula, row, first_dot, second_dot, unit_start, unit_end):
    """The error for "X2.5.3Y": X2 + 5.3 Y, or X2.5 + 3 Y."""
    unit = formula[unit_start:unit_end].strip()
    adduct = formula[:first_dot] + "·" + formula[first_dot + 1:]
    other = formula[:second_dot] + "·" + formula[second_dot + 1:]
    return FormulaError(
        f"Ambiguous '.' at position {first_dot} in {_where(formula, row)}: it reads as "
        f"{formula[first_dot + 1:unit_start]} × {_quoted(unit)} added to {_quoted(formula[:first_dot])} "
        f"and as {formula[second_dot + 1:unit_start]} × {_quoted(unit)} added to "
        f"{_quoted(formula[:second_dot])}. Write {_quoted(adduct)} or {_quoted(other)} (or '*' instead of '·')."
    )


def _adduct_separators(formula, row, z_of):
    """Positions of the characters that separate adduct units, in order.

    Explicit separators always count; each ``.`` is decided right to left,
    so that the unit following a dot (which runs to the next separator) is
    known when that dot is decided.  See :func:`parse_formula` for the rule.
    """
    n = len(formula)
    explicit = []
    dot_depth = {}
    depth = 0
    for i, character in enumerate(formula):
        if character in "([":
            depth += 1
        elif character in ")]":
            depth = depth - 1 if depth else 0  # the scanner reports the imbalance
        elif character == ".":
            dot_depth[i] = depth
        elif character in _SEPARATOR_SET:
            if depth:
                raise _inside_group(formula, row, i, f"Adduct separator {character!r}")
            explicit.append(i)
    if not dot_depth:
        return explicit
    # Each dot is looked at once and each piece of the formula parsed a bounded
    # number of times, so that the time stays linear in the formula's length.
    decided = []  # the dots decided to be separators, right to left
    runs = [m for m in _NUMERIC_RUN.finditer(formula) if "." in m.group()]
    for run in reversed(runs):
        begin, after = run.span()
        text = run.group()
        first_dot = begin + text.index(".")
        depth = dot_depth[first_dot]
        if text.endswith("."):
            # "Na2CO3.H2O", "Fe2. O3", "CuSO4. 5H2O": a '.' followed by a formula
            # unit (or a spaced multiplier) cannot be a decimal point.
            following = _SPACES.match(formula, after).end()
            # (A digit can follow only after spaces: it would be in the run.)
            if following < n and (formula[following] in _UNIT_START or formula[following] in string.digits):
                if depth:
                    raise _inside_group(formula, row, after - 1, "A '.' followed by a formula unit")
                decided.append(after - 1)
            continue  # "Fe5." (a trailing decimal point), or left to the scanner
        previous = formula[begin - 1] if begin else ""
        if depth or previous not in _COUNT_BEFORE:
            continue  # inside a group, or a leading multiplier: a decimal point
        if after >= n or formula[after] not in _UNIT_START:
            continue  # nothing follows directly ("Fe2O3.5", "Fe0.5 Ni"): a decimal point
        parts = text.split(".")
        count = parts[0]
        if count and not count.strip("0"):
            continue  # "Li0.5Ni0.5O": a zero count before a separator is no formula
        unit_end = _next_separator(explicit, decided, after, n)
        if len(parts) == 2:
            # "CuSO4.5H2O" or "Cu1.5Se": separator + integer multiplier, or decimal?
            if not _DOT_MULTIPLIER.fullmatch(parts[1]):
                continue  # "Fe2.05Ni", "Fe1.500Ni": not a multiplier
            if formula.find(".", after, unit_end) >= 0:
                continue  # "Bi2Te2.7Se0.3": a unit with a decimal count is no solvent, and not ambiguous
            unit = _try_unit(formula, row, z_of, after, unit_end)
            if unit is None:
                continue  # the adduct reading is no formula
            unit_text = formula[after:unit_end].strip()
            if unit_text in SOLVENT_UNITS:
                decided.append(first_dot)
                continue
            if len(unit) >= 2:
                left_symbols = _left_unit_symbols(formula, explicit, first_dot, begin)
                if left_symbols.intersection(_SYMBOL.findall(unit_text)) and left_symbols <= z_of.keys():
                    raise _ambiguous(formula, row, first_dot, begin, after, unit_end)
            continue  # a decimal point: "Cu1.5Se", "Bi2Te2.7Se0.3", "Fe1.5Co2Ni3"
        if len(parts) == 3 and parts[1] and parts[2]:
            # "CaSO4.0.5H2O": separator + decimal multiplier.  The other reading,
            # "CaSO4.0" + separator + "5H2O", needs a pointless ".0"; with a
            # nonzero integer part ("X2.5.3Y") both readings are plausible.
            whole, fraction = parts[1], parts[2]
            if not (whole + fraction).strip("0"):
                continue  # a zero multiplier: left to the scanner's error
            unit = _try_unit(formula, row, z_of, after, unit_end)
            if unit is None:
                continue
            other_reading = (
                whole.strip("0")
                and formula[after:unit_end].strip() not in SOLVENT_UNITS
                and _DOT_MULTIPLIER.fullmatch(fraction)
                and _left_unit_symbols(formula, explicit, first_dot, begin) <= z_of.keys()
            )
            if other_reading:
                second_dot = first_dot + 1 + len(whole)
                raise _ambiguous_multiplier(formula, row, first_dot, second_dot, after, unit_end)
            decided.append(first_dot)
        # Anything else ("Fe2..3", "Fe2.5.3") is left to the scanner's error.
    return sorted([*explicit, *decided])


def _next_separator(explicit, decided, after, n):
    """Where the unit starting at ``after`` ends: the nearest separator right of it, or ``n``.

    ``explicit`` is sorted; ``decided`` holds the dots decided so far, right
    to left, all of them right of ``after``.
    """
    i = bisect.bisect_right(explicit, after)
    candidates = [explicit[i]] if i < len(explicit) else []
    if decided:
        candidates.append(decided[-1])
    return min(candidates, default=n)


def _left_unit_symbols(formula, explicit, first_dot, begin):
    """Symbols of the unit before the dot at ``first_dot``, whose amount starts at ``begin``.

    Only separators to the right of a dot are decided when it is, so the
    unit starts after the nearest explicit separator on its left; an
    unknown symbol is the scanner's error.
    """
    i = bisect.bisect_left(explicit, first_dot)
    unit_begin = explicit[i - 1] + 1 if i else 0
    return set(_SYMBOL.findall(formula, unit_begin, begin))


def _parse_adduct(formula, row, z_of, separators):
    amounts: dict[int, float] = {}
    bounds = [-1, *separators, len(formula)]
    for left, right in zip(bounds, bounds[1:]):
        start = left + 1
        factor = 1.0
        multiplier = _UNIT_MULTIPLIER.match(formula, start, right)
        if multiplier is not None:
            factor = float(multiplier.group(1))
            if not factor > 0.0:
                raise FormulaError(
                    f"Non-positive multiplier {_quoted(multiplier.group(1))} in {_where(formula, row)}."
                )
            start = multiplier.end()
        if not formula[start:right].strip():
            raise FormulaError(
                f"Empty adduct unit at position {start} in {_where(formula, row)}: each "
                f"separator ('·', '*', '•', '⋅' or a conventional '.') must stand between "
                f"two formula units, as in 'CuSO4·5H2O'."
            )
        for z, value in _parse_body(formula, row, z_of, start, right).items():
            amounts[z] = amounts.get(z, 0.0) + value * factor
    return amounts


def _check_formula_type(formula, row):
    if formula is None or (isinstance(formula, float) and math.isnan(formula)):
        raise FormulaError(f"Missing formula ({formula!r}) at row {row}." if row is not None
                           else f"Missing formula ({formula!r}).")
    if not isinstance(formula, str):
        raise FormulaError(
            f"Formula must be a string, got {type(formula).__name__} {_quoted(formula)}"
            + ("" if row is None else f" at row {row}") + "."
        )


def _parse_one(formula, row, z_of):
    _check_formula_type(formula, row)
    flat = _FLAT_FORMULA.fullmatch(formula)
    if flat and not ("." in formula and _FLAT_ADDUCT_DOT.search(formula)):
        amounts = _parse_flat(formula, row, z_of)
    else:
        separators = _adduct_separators(formula, row, z_of) if _NEEDS_SPLIT.search(formula) else ()
        if separators:
            amounts = _parse_adduct(formula, row, z_of, separators)
        elif flat:
            amounts = _parse_flat(formula, row, z_of)
        else:
            amounts = _parse_grouped(formula, row, z_of)
    if not amounts:
        raise FormulaError(f"Empty {_where(formula, row)}.")
    for z, value in amounts.items():
        if not _F32_TINY <= value <= _F32_MAX:
            symbol = element_table().symbol[z - 1]
            if not value > 0.0 or math.isnan(value):
                problem = f"non-positive or non-finite amount {value:g}"
            elif value > _F32_MAX:
                problem = (f"amount {value:.4g}, beyond the float32 range the encoders store "
                           f"amounts in (largest {_F32_MAX:.4g})")
            else:
                problem = (f"amount {value:.4g}, below float32's smallest normal number "
                           f"({_F32_TINY:.4g}) that the encoders can store")
            raise FormulaError(f"Element {symbol} has {problem} in {_where(formula, row)}.")
    return amounts


def parse_formula(formula: str) -> dict[str, float]:
    """Parse one chemical formula into element amounts.

    Parameters
    ----------
    formula : str
        A formula such as ``"Co2Mn1Si1"``, ``"Ta(MnB2)2"``, ``"Fe0.5Ni0.5"``,
        ``"Fe2 O3"`` or ``"CuSO4·5H2O"``. Element symbols are case-sensitive;
        groups use ``()`` or ``[]`` and may nest; whitespace is allowed
        between tokens. Hydrates and adducts join formula units with ``·``
        (U+00B7), ``*``, ``•`` (U+2022), ``⋅`` (U+22C5) or, under the rule in
        the Notes, ``.``; each unit may be preceded by a multiplier.

    Returns
    -------
    dict of str to float
        Amount of each element, in order of first appearance. Repeated
        elements, and the units of an adduct times their multipliers, are
        summed.

    Raises
    ------
    FormulaError
        A :class:`ValueError`, for an unknown symbol, lowercase symbol, stray
        character, unbalanced group, zero or negative amount, empty string
        or unit, a separator inside a group, an ambiguous ``.`` (see Notes),
        a total amount outside float32's normal range (about 1.2e-38 to
        3.4e38, where the encoders would store ``inf`` or ``0``) or a
        non-string.

    Notes
    -----
    **Explicit separators.** ``·``, ``*``, ``•`` and ``⋅`` always separate
    formula units, at the top level only (not inside a group). Each unit may
    start with an integer or decimal multiplier (``"CaSO4·0.5H2O"``,
    ``"3CaO·Al2O3"``); a formula without a separator may not (``"2Fe"`` is an
    error).

    **The conventional dot.** A ``.`` at the top level is an adduct
    separator, not a decimal point, when

    1. it is followed (after optional spaces) by an element, ``(``, ``[``, or
       a spaced multiplier: ``"Na2CO3.H2O"``, ``"Fe(OH)3.H2O"``. (``"Fe5."``
       at the end stays the decimal 5.)
    2. it stands between a count and a decimal multiplier, which is followed
       directly by a formula unit: ``"CaSO4.0.5H2O"`` is ``CaSO4·0.5H2O``.
       (Read as decimals, ``"4.0.5"`` would be two amounts in a row.) If the
       integer part of the multiplier is not zero and the unit is not a
       solvent, ``"X2.5.3Y"`` is ambiguous (``X2·5.3Y`` or ``X2.5·3Y``).
    3. it stands between a nonzero count (or an element or group with an
       implicit count, ``"NaCl.2H2O"``) and a one- or two-digit multiplier
       without a leading zero, directly followed by a unit that is exactly
       one of the solvent/adduct molecules in ``SOLVENT_UNITS`` (``H2O``,
       ``D2O``, ``H2O2``, ``NH3``, ``N2H4``, ``CO2``, ``SO2``, ``CH4``, ``HF``,
       ``HCl``, ``HBr``, ``CH3OH``, ``C2H5OH``, ``CH3CN``, ``C3H6O``,
       ``C4H8O``, ``(C2H5)2O``, ``C5H5N``, ``C6H6``, ``CHCl3``, ``CH2Cl2``,
       ``C3H7NO``, ``C2H6OS``; ``D`` itself is no element symbol here) up to
       the next separator or the end: ``"CuSO4.5H2O"`` is ``CuSO4·5H2O``.

    Otherwise the dot is a decimal point, as before: ``"Fe0.5Ni0.5"``,
    ``"Cu1.5Se"`` (one-element unit), ``"Bi2Te2.7Se0.3"`` (the unit would have
    a decimal count), ``"Li0.5Ni0.5O"`` (a zero count cannot end a unit),
    ``"Fe2O3.5"`` (nothing follows), ``"Fe1.125NiO"`` and ``"Fe2.05NiO"``
    (three digits or a leading zero make no multiplier), ``"Fe1.5Co2Ni3"``
    (no element shared, see below), and any dot inside a group — except in
    one case, which is an error: case 3 without a solvent,
    where the unit after the multiplier has two or more elements, only
    integer counts, and shares an element with the unit before the dot, as in
    ``"Al2O3.2SiO2"`` (``Al2 O3.2 Si O2``, with O written twice, or
    ``Al2O3·2SiO2``). The error shows both spellings that are unambiguous:
    ``"Al2O3·2SiO2"`` for the adduct, ``"Al2O3.2 SiO2"`` (a space after the
    decimal amount) for the decimal. A repeated element is what adduct
    notation looks like (oxides, salts with a common ion) and what
    non-stoichiometric decimal formulas avoid: without that condition, 8
    Matbench formulas such as ``"Ba1.88Ta15O32"`` and ``"Zr1.86Cu1S4"``
    would be errors.

    Checked on every formula of the bundled data (``skmat/_data``: OQMD,
    Materials Project, the four Matbench composition sets) and of CrabNet's
    OQMD and Materials Project benchmark files: none of those formulas
    changes its amounts or becomes an error under this rule. The only dotted
    ones are the 1,625 decimal compositions of the Matbench sets.

    **pymatgen.** ``pymatgen.core.Composition`` has no adduct syntax: it
    reads ``.`` as part of a number wherever one can start, so
    ``"CuSO4.5H2O"`` gives O 5.5 and H 2, ``"NaCl.2H2O"`` gives Cl 0.2 and
    ``"Al2O3.2SiO2"`` O 5.2, without an error; ``"Na2CO3.H2O"`` comes out
    right only because ``"3."`` is the number 3; ``·``, ``•``, ``⋅`` and
    ``"CaSO4.0.5H2O"`` are errors and ``*`` is an error inside a number.
    It also accepts exponents (``"Fe1e3"``) and amounts beyond float32
    (``"Fe"`` and 40 nines gives 1e40), which this parser rejects.

    Examples
    --------
    >>> parse_formula("Ta(MnB2)2")
    {'Ta': 1.0, 'Mn': 2.0, 'B': 4.0}
    >>> parse_formula("Co2Mn1Si1")
    {'Co': 2.0, 'Mn': 1.0, 'Si': 1.0}
    >>> parse_formula("CuSO4·5H2O")
    {'Cu': 1.0, 'S': 1.0, 'O': 9.0, 'H': 10.0}
    >>> parse_formula("CuSO4.5H2O")
    {'Cu': 1.0, 'S': 1.0, 'O': 9.0, 'H': 10.0}
    >>> parse_formula("Na2CO3.H2O")
    {'Na': 2.0, 'C': 1.0, 'O': 4.0, 'H': 2.0}
    >>> parse_formula("Cu1.5Se")
    {'Cu': 1.5, 'Se': 1.0}
    >>> parse_formula("Al2O3.2 SiO2")
    {'Al': 2.0, 'O': 5.2, 'Si': 1.0}
    >>> parse_formula("Al2O3.2SiO2")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    skmat.FormulaError: Ambiguous '.' at position 5 in formula 'Al2O3.2SiO2': ...
    >>> parse_formula("Fe" + "9" * 40)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    skmat.FormulaError: Element Fe has amount 1e+40, beyond the float32 range ...
    """
    symbols = element_table().symbol
    amounts = _parse_one(formula, None, _symbol_to_z())
    return {str(symbols[z - 1]): value for z, value in amounts.items()}


def parse_formulas(formulas: Iterable) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parse a column of formulas into a coordinate list.

    Every formula is parsed as by :func:`parse_formula` (adducts, the
    float32 range check and all); flat formulas without a possible adduct
    dot take a fast path.

    Parameters
    ----------
    formulas : iterable of str
        The formulas, one per row. Errors name a row by its position and,
        for a pandas Series with an index other than 0 … n-1, by its index
        label too: ``"at row 2 (index 102)"``.

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
    FormulaError
        A :class:`ValueError` naming the first bad formula and its row
        (position, and index label where the Series has its own index).

    Examples
    --------
    >>> rows, z, amounts = parse_formulas(["Co2MnSi", "NaCl"])
    >>> rows.tolist(), z.tolist(), amounts.tolist()
    ([0, 0, 0, 1, 1], [27, 25, 14, 11, 17], [2.0, 1.0, 1.0, 1.0, 1.0])
    >>> import pandas as pd
    >>> parse_formulas(pd.Series(["Fe2O3", "Xx"], index=[100, 101]))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    skmat.FormulaError: Unknown element symbol 'Xx' in formula 'Xx' at row 1 (index 101).
    """
    labels = _index_labels(formulas, len(formulas)) if hasattr(formulas, "index") else None
    return _parse_column(formulas, labels)


def _parse_column(formulas, labels=None):
    """:func:`parse_formulas`, with errors naming row ``i`` also by ``labels[i]`` (see ``_index_labels``)."""
    z_of = _symbol_to_z()
    fullmatch = _FLAT_FORMULA.fullmatch
    findall = _FLAT_TOKEN.findall
    solvent_dot = _FLAT_SOLVENT_DOT.search
    smallest, largest = _F32_TINY, _F32_MAX
    rows: list[int] = []
    zs: list[int] = []
    values: list[float] = []
    for row, formula in enumerate(formulas):
        # Fast path for the common flat style: one regex match, one findall.
        # (A repeated element leaves it, so no '.' here can be ambiguous.)
        if (type(formula) is str and fullmatch(formula)
                and ("." not in formula or not solvent_dot(formula))):
            n_before = len(zs)
            seen = set()
            for symbol, amount in findall(formula):
                z = z_of.get(symbol)
                if z is None or z in seen:
                    break
                value = float(amount) if amount else 1.0
                if not smallest <= value <= largest:
                    break
                seen.add(z)
                zs.append(z)
                values.append(value)
            else:
                rows.extend([row] * (len(zs) - n_before))
                continue
            # Unknown symbol, repeated element or amount out of range: undo and
            # let the careful path sum repeats (or decide adduct dots) or raise
            # with a precise message.
            del zs[n_before:], values[n_before:]
        amounts = _parse_one(formula, row if labels is None else _row_text(row, labels), z_of)
        rows.extend([row] * len(amounts))
        zs.extend(amounts.keys())
        values.extend(amounts.values())
    return (
        np.asarray(rows, dtype=np.int64),
        np.asarray(zs, dtype=np.int64),
        np.asarray(values, dtype=np.float64),
    )
