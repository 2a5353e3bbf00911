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
        For any other type (a file holding one was not written by skmat),
        and for a tensor whose elements take more memory than the data
        stored for it (see ``_check_tensor_memory``).

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
    stack = [(_VALUE, content, "")]  # walked without recursion: a deeply nested file is no stack overflow
    while stack:
        what, value, place = stack.pop()
        if what is _KEY:
            _text(digest, b"K", value)
        else:
            stack.extend(reversed(_feed(digest, value, place)))
    return digest.hexdigest()


_KEY, _VALUE = object(), object()


def _text(digest, tag, text):
    data = text.encode("utf-8", "surrogatepass")
    digest.update(tag + struct.pack("<Q", len(data)) + data)


def _feed(digest, value, place):
    """Feed a scalar or tensor, or a container's header; return the container's parts to feed next, in order."""
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
        _check_tensor_memory(tensor, place)
        _text(digest, b"X", f"{tensor.dtype}{tuple(tensor.shape)}")
        flat = torch.empty(tensor.numel(), dtype=tensor.dtype).copy_(tensor.reshape(-1))  # stride 1, any layout
        digest.update(flat.view(torch.uint8).numpy().tobytes())
    elif isinstance(value, (list, tuple)):
        digest.update((b"L" if isinstance(value, list) else b"U") + struct.pack("<Q", len(value)))
        return [(_VALUE, item, f"{place}[{index}]") for index, item in enumerate(value)]
    elif isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise ValueError(f"The file holds a dict with keys that are not strings at {place or 'the top level'}, "
                             "which skmat never writes.")
        digest.update(b"M" + struct.pack("<Q", len(value)))
        parts = []
        for key in sorted(value):
            parts += [(_KEY, key, place), (_VALUE, value[key], f"{place}.{key}" if place else key)]
        return parts
    else:
        raise ValueError(f"The file holds a {type(value).__name__} at {place or 'the top level'}, which skmat never "
                         "writes.")
    return []


def _check_tensor_memory(tensor, place):
    """Refuse a tensor that would take more memory than the data the file holds for it.

    The digest copies every element; a tensor from a file may view a few
    stored bytes as millions of elements (``torch.zeros(1).expand(10**8)``:
    stride 0), so a small file could make that copy take gigabytes before
    its checksum is found wrong. skmat writes only dense tensors, whose
    elements all lie in their own storage, so the check costs a valid file
    nothing.
    """
    if tensor.layout is not torch.strided:
        raise ValueError(f"The file holds a {tensor.layout} tensor at {place or 'the top level'}, which skmat never "
                         "writes.")
    needed = tensor.numel() * tensor.element_size()
    stored = tensor.untyped_storage().nbytes()
    if needed > stored:
        raise ValueError(
            f"The file holds a tensor of shape {tuple(tensor.shape)} at {place or 'the top level'} whose "
            f"{tensor.numel():,} elements ({needed:,} bytes) view only {stored:,} stored bytes (strides "
            f"{tensor.stride()}); skmat writes every element of a tensor, so the file was not written by skmat."
        )
