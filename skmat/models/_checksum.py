"""A SHA-256 digest of a saved file's content, so that a corrupted file is refused instead of mispredicting.

The digest is taken over the content as loaded (every key, number, string
and tensor value, with its type, dtype and shape), not over the file's
bytes: ``torch.save`` writes a zip archive whose bytes may differ between
torch versions for the same content, and a change that leaves the content
as it was cannot change a prediction.
"""

from __future__ import annotations

import hashlib
import struct

import torch

__all__ = ["content_digest"]


def content_digest(content):
    """Hex SHA-256 of ``content``: nested dicts (string keys), lists, tuples, tensors and scalars.

    Parameters
    ----------
    content : dict, list, tuple, torch.Tensor, str, int, float, bool or None

    Returns
    -------
    str

    Raises
    ------
    ValueError
        For any other type (a file holding one was not written by skmat).

    Examples
    --------
    >>> import torch
    >>> a = content_digest({"w": torch.zeros(2), "n": 1})
    >>> a == content_digest({"n": 1, "w": torch.zeros(2)})
    True
    >>> a == content_digest({"w": torch.zeros(2), "n": 1.0})
    False
    """
    digest = hashlib.sha256()
    try:
        _feed(digest, content)
    except _Unexpected as error:
        place = "".join(reversed(error.path)).lstrip(".") or "the top level"
        raise ValueError(f"The file holds a {error.type_name} at {place}, which skmat never writes.") from None
    return digest.hexdigest()


class _Unexpected(Exception):
    def __init__(self, type_name):
        super().__init__(type_name)
        self.type_name = type_name
        self.path = []  # innermost first


def _text(digest, tag, text):
    data = text.encode("utf-8", "surrogatepass")
    digest.update(tag + struct.pack("<Q", len(data)) + data)


def _feed(digest, value):
    if value is None:
        digest.update(b"N")
    elif isinstance(value, bool):
        digest.update(b"T" if value else b"F")
    elif isinstance(value, int):
        _text(digest, b"I", str(value))
    elif isinstance(value, float):
        digest.update(b"D" + struct.pack("<d", value))
    elif isinstance(value, str):
        _text(digest, b"S", value)
    elif isinstance(value, torch.Tensor):
        tensor = value.detach().cpu()
        _text(digest, b"X", f"{tensor.dtype}{tuple(tensor.shape)}")
        flat = torch.empty(tensor.numel(), dtype=tensor.dtype).copy_(tensor.reshape(-1))  # stride 1, any layout
        digest.update(flat.view(torch.uint8).numpy().tobytes())
    elif isinstance(value, (list, tuple)):
        digest.update((b"L" if isinstance(value, list) else b"U") + struct.pack("<Q", len(value)))
        for index, item in enumerate(value):
            try:
                _feed(digest, item)
            except _Unexpected as error:
                error.path.append(f"[{index}]")
                raise
    elif isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise _Unexpected("dict with keys that are not strings")
        digest.update(b"M" + struct.pack("<Q", len(value)))
        for key in sorted(value):
            _text(digest, b"K", key)
            try:
                _feed(digest, value[key])
            except _Unexpected as error:
                error.path.append(f".{key}")
                raise
    else:
        raise _Unexpected(type(value).__name__)
