"""The GAF + multi-scale convolution + LSTM encoder–decoder network of Yang et al. (2025)."""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["MultiScaleConv1d", "GAFSeq2Seq", "append_conditions", "checked_conditions", "decoder_queries"]


def checked_conditions(conditions, n_conditions):
    """The ``(B, k)`` test conditions a network built for ``n_conditions = k`` reads, or None if k = 0.

    Raises a ``ValueError`` if the batch carries another number of conditions.
    """
    given = 0 if conditions is None else conditions.shape[-1]
    if given != n_conditions:
        raise ValueError(
            f"The network was built for {n_conditions} test conditions but the input has {given}."
        )
    return conditions if n_conditions else None


def append_conditions(features, conditions):
    """Append conditions ``(B, k)`` to every step of ``features`` ``(B, s, d)``; None: unchanged."""
    if conditions is None:
        return features
    return torch.cat([features, conditions.unsqueeze(1).expand(-1, features.shape[1], -1)], dim=2)


def decoder_queries(queries, batch_size, conditions=None, projection=None):
    """Learned output queries ``(T, d)`` for a batch, shifted by projected conditions if any."""
    expanded = queries.unsqueeze(0).expand(batch_size, -1, -1)
    if conditions is None:
        return expanded
    return expanded + projection(conditions).unsqueeze(1)


class MultiScaleConv1d(nn.Module):
    """Per-step features ``(B, s, 1 + channels * len(kernel_sizes))`` of a sequence ``(B, s)``.

    The value itself and ReLU'd 1-D convolutions with "same" padding, one per
    kernel size.
    """

    def __init__(self, channels, kernel_sizes):
        super().__init__()
        kernel_sizes = tuple(int(k) for k in kernel_sizes)
        if not kernel_sizes or any(k < 1 or k % 2 == 0 for k in kernel_sizes):
            raise ValueError(f"kernel_sizes must be odd positive integers, got {kernel_sizes}.")
        self.convs = nn.ModuleList(nn.Conv1d(1, channels, k, padding=k // 2) for k in kernel_sizes)
        self.n_features = 1 + channels * len(kernel_sizes)

    def forward(self, sequence):
        seq = sequence.unsqueeze(1)  # (B, 1, s)
        parts = [seq] + [torch.relu(conv(seq)) for conv in self.convs]
        return torch.cat(parts, dim=1).transpose(1, 2)


class GAFSeq2Seq(nn.Module):
    """Seq2Seq network from a load curve (and its GAF image) to a stress curve.

    Feature extraction as in the paper: the GAF image goes through 2-D
    convolutions and is averaged over one image axis, giving one feature
    vector per time step; the sequence goes through 1-D convolutions with
    kernel sizes 3, 5 and 7; both are concatenated with the sequence itself
    into the feature matrix ``(s, d)``. A multi-layer LSTM encodes it; a
    multi-layer LSTM decoder, started from the encoder's final state, reads
    one learned query per output step (non-autoregressive: no teacher
    forcing, no ground truth at inference) and attends over the encoder
    states with multi-head cross-attention; a linear head gives one stress
    value per step.

    Named ``SPTSeq2Seq`` before skmat 0.2: that name still imports from
    :mod:`skmat.models` (with a ``FutureWarning``), and files that name it
    still load.

    Parameters
    ----------
    sequence_length : int, default=181
        Length ``s`` of the input sequence (set from the data by the regressor).
    n_outputs : int, default=35
        Length ``T`` of the predicted curve (set from ``y``).
    use_gaf : bool, default=True
        ``False`` drops the 2-D branch: the paper's "1D LSTM" ablation.
    use_attention : bool, default=True
        ``False`` drops the cross-attention: the decoder sees the encoder
        only through its initial state.
    conv1d_channels : int, default=16
        Channels of each 1-D convolution (kernel sizes 3, 5, 7).
    conv2d_channels : int, default=16
        Channels of the two 2-D convolutions.
    kernel_sizes : tuple of int, default=(3, 5, 7)
    hidden_size : int, default=128
    num_layers : int, default=5
        Layers of the encoder and of the decoder LSTM.
    num_heads : int, default=4
    dropout : float, default=0.1
    n_conditions : int, default=0
        Number of test conditions (e.g. thickness) given as ``conditions``;
        they join every step's features and shift the decoder's queries.

    Notes
    -----
    ``forward(sequence, image=None, conditions=None)`` takes the keys of the
    dict made by :class:`~skmat.GramianAngularFieldEncoder`: ``sequence``
    ``(B, s)``, ``image`` ``(B, 1, s, s)`` (needed with ``use_gaf=True``) and
    ``conditions`` ``(B, k)``. ``input_keys`` names the ones it reads and
    ``feature_modules`` the submodules that ``freeze_features=True`` of the
    regressor keeps fixed.

    Examples
    --------
    >>> import torch
    >>> from skmat.models import GAFSeq2Seq
    >>> net = GAFSeq2Seq(sequence_length=32, n_outputs=35, hidden_size=16, num_layers=2)
    >>> net(sequence=torch.zeros(4, 32), image=torch.zeros(4, 1, 32, 32)).shape
    torch.Size([4, 35])
    """

    def __init__(
        self,
        sequence_length=181,
        n_outputs=35,
        *,
        use_gaf=True,
        use_attention=True,
        conv1d_channels=16,
        conv2d_channels=16,
        kernel_sizes=(3, 5, 7),
        hidden_size=128,
        num_layers=5,
        num_heads=4,
        dropout=0.1,
        n_conditions=0,
    ):
        super().__init__()
        if hidden_size % num_heads:
            raise ValueError(f"hidden_size {hidden_size} must be divisible by num_heads {num_heads}.")
        self.use_gaf = use_gaf
        self.use_attention = use_attention
        self.n_outputs = n_outputs
        self.n_conditions = n_conditions
        self.conv1d = MultiScaleConv1d(conv1d_channels, kernel_sizes)
        n_features = self.conv1d.n_features + n_conditions
        if use_gaf:
            self.conv2d = nn.Sequential(
                nn.Conv2d(1, conv2d_channels, 3, padding=1),
                nn.ReLU(),
                nn.Conv2d(conv2d_channels, conv2d_channels, 3, padding=1),
                nn.ReLU(),
            )
            n_features += conv2d_channels
        layer_dropout = dropout if num_layers > 1 else 0.0
        self.encoder = nn.LSTM(n_features, hidden_size, num_layers, batch_first=True, dropout=layer_dropout)
        self.queries = nn.Parameter(torch.randn(n_outputs, hidden_size) * 0.1)
        if n_conditions:
            self.condition_queries = nn.Linear(n_conditions, hidden_size)
        self.decoder = nn.LSTM(hidden_size, hidden_size, num_layers, batch_first=True, dropout=layer_dropout)
        if use_attention:
            self.attention = nn.MultiheadAttention(hidden_size, num_heads, dropout=dropout, batch_first=True)
            self.norm = nn.LayerNorm(hidden_size)
        self.head = nn.Linear(hidden_size, 1)

    @property
    def feature_modules(self):
        """Submodules that ``freeze_features=True`` keeps fixed: the convolutions (1-D, and 2-D with GAF)."""
        return ("conv1d", "conv2d") if self.use_gaf else ("conv1d",)

    @property
    def input_keys(self):
        """Input entries this network reads."""
        return ("sequence", "image", "conditions") if self.use_gaf else ("sequence", "conditions")

    def features(self, sequence, image=None, conditions=None):
        """The feature matrix ``(B, s, d)`` of the paper's Algorithm 1."""
        conditions = checked_conditions(conditions, self.n_conditions)
        features = append_conditions(self.conv1d(sequence), conditions)
        if not self.use_gaf:
            return features
        if image is None:
            raise ValueError("use_gaf=True needs GAF images: pass image of shape (B, 1, s, s).")
        image_features = self.conv2d(image).mean(dim=2).transpose(1, 2)  # mean over one image axis
        return torch.cat([features, image_features], dim=2)

    def forward(self, sequence, image=None, conditions=None):
        encoded, state = self.encoder(self.features(sequence, image, conditions))
        queries = decoder_queries(self.queries, sequence.shape[0], checked_conditions(conditions, self.n_conditions),
                                  getattr(self, "condition_queries", None))
        decoded, _ = self.decoder(queries, state)
        if self.use_attention:
            context, _ = self.attention(decoded, encoded, encoded, need_weights=False)
            decoded = self.norm(decoded + context)
        return self.head(decoded).squeeze(-1)


# Pickles made before the rename name the class by this path.
SPTSeq2Seq = GAFSeq2Seq
