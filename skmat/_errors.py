"""The exception types skmat raises for each kind of failure, in one place.

=========================  ==========================================================
failure                    exception
=========================  ==========================================================
bad input value            :class:`ValueError` naming the value and where it is
bad formula                :class:`skmat.FormulaError` (a :class:`ValueError`)
damaged or edited file     :class:`skmat.CorruptFileError` (a :class:`ValueError`
                           and an :class:`OSError`)
diverging fit              :class:`skmat.NonFiniteLossError` (a
                           :class:`FloatingPointError`)
=========================  ==========================================================
"""

from __future__ import annotations

__all__ = ["CorruptFileError"]


class CorruptFileError(ValueError, OSError):
    """A file's content does not match the checksum it was shipped or saved with.

    Raised for the bundled data sets, the shipped pretrained networks and
    files written by :func:`skmat.save_pipeline` or an estimator's ``save``,
    before anything in the file is used. It subclasses both
    :class:`ValueError` (what :func:`skmat.load_pipeline` raised for a bad
    file) and :class:`OSError` (what the bundled data loaders raised), so
    code written against either keeps working.

    Examples
    --------
    >>> from skmat import CorruptFileError
    >>> issubclass(CorruptFileError, ValueError) and issubclass(CorruptFileError, OSError)
    True
    """
