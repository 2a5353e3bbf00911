"""Open the data files bundled in ``skmat/_data`` after checking their SHA-256."""

from __future__ import annotations

import hashlib
import io
from functools import lru_cache
from importlib import resources

from ._errors import CorruptFileError

__all__ = ["bundled_bytes", "read_bundled_csv"]


@lru_cache(maxsize=None)
def _expected_digests():
    text = resources.files("skmat._data").joinpath("SHA256SUMS").read_text()
    return dict(reversed(line.split("  ", 1)) for line in text.splitlines() if line.strip())


def bundled_bytes(name):
    """Return the bytes of a bundled data file, verified against ``SHA256SUMS``.

    Raises
    ------
    OSError
        If the file is missing: the installed package is damaged and should
        be reinstalled.
    skmat.CorruptFileError
        If its checksum does not match (an ``OSError`` too).
    """
    expected = _expected_digests().get(name)
    if expected is None:
        raise OSError(f"{name!r} is not listed in skmat/_data/SHA256SUMS.")
    data = resources.files("skmat._data").joinpath(name).read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        raise CorruptFileError(
            f"Checksum mismatch for bundled file {name!r}: expected {expected}, got {actual}. "
            "The installation is damaged; reinstall skmat or rebuild the data with "
            "tools/build_bundled_data.py."
        )
    return data


def read_bundled_csv(name):
    """Read a verified bundled CSV (optionally gzipped) into a DataFrame."""
    import pandas as pd

    return pd.read_csv(
        io.BytesIO(bundled_bytes(name)),
        compression="gzip" if name.endswith(".gz") else None,
        keep_default_na=False,  # the formula "NaN" (sodium nitride) is not missing
        na_values=[],
    )
