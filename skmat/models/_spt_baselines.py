"""Baseline networks of Yang et al. (2025), Table II: ANN, GRU and Transformer Seq2Seq.

Each reads the same input as :class:`~skmat.models.GAFSeq2Seq` — the keys of
the dict made by :class:`~skmat.GramianAngularFieldEncoder`, ``sequence``
``(B, s)``, ``image`` ``(B, 1, s, s)`` and ``conditions`` ``(B, k)`` — but
uses only the sequence (and the conditions, which join every step's features
as in the proposed model), not the image (accepted and ignored), and returns
``(B, T)``.
They plug into the same regressor::

    SPTSeq2SeqRegressor(module=GRUSeq2Seq)

which sets ``sequence_length`` and ``n_outputs`` from the data. The paper's
fourth baseline, the "1D LSTM", is ``GAFSeq2Seq(use_gaf=False)`` (what the
regressor builds for bare curves).
"""

from __future__ import annotations

import torch
from torch import nn

from ._seq2seq import MultiScaleConv1d, append_conditions, checked_conditions, decoder_queries

__all__ = ["CurveMLP", "GRUSeq2Seq", "TransformerSeq2Seq"]


def _checked_sequence(sequence, sequence_length):
    """The sequence ``(B, s)``, checked against the length the network was built for."""
    if sequence.ndim != 2 or sequence.shape[-1] != sequence_length:
        raise ValueError(
            f"Expected sequences of shape (B, {sequence_length}); got {tuple(sequence.shape)}."
        )
    return sequence


class _SequenceNet(nn.Module):
    """What the baselines share: their sizes, the input keys they read, and the checks of that input."""

    input_keys = ("sequence", "conditions")

    def __init__(self, sequence_length, n_outputs, n_conditions):
        super().__init__()
        self.sequence_length = sequence_length
        self.n_outputs = n_outputs
        self.n_conditions = n_conditions

    def _checked(self, sequence, conditions):
        """``sequence`` and ``conditions`` checked against the sizes the network was built for."""
        return _checked_sequence(sequence, self.sequence_length), checked_conditions(conditions, self.n_conditions)


class CurveMLP(_SequenceNet):
    """Fully connected network from a load curve to a stress curve (the paper's "ANN").

    The sequence is flattened and passed through ``Linear → ReLU → Dropout``
    blocks and a linear output layer with one unit per output point. It sees
    the whole curve at once but has no notion of order, which the paper
    blames for its unsmooth predictions.

    Parameters
    ----------
    sequence_length : int, default=181
        Length ``s`` of the input sequence (set from the data by the regressor).
    n_outputs : int, default=35
        Length ``T`` of the predicted curve (set from ``y``).
    hidden_sizes : tuple of int, default=(256, 256)
        Widths of the hidden layers; ``()`` gives a linear model.
    dropout : float, default=0.1
        Dropout after each hidden layer.

    See Also
    --------
    GRUSeq2Seq, TransformerSeq2Seq, GAFSeq2Seq

    Notes
    -----
    The paper does not give the sizes of its baselines; the defaults here are
    this library's choice.

    Examples
    --------
    >>> import torch
    >>> from skmat.models import CurveMLP
    >>> net = CurveMLP(32, 35, hidden_sizes=(16,))
    >>> net(sequence=torch.zeros(4, 32)).shape
    torch.Size([4, 35])
    """

    def __init__(self, sequence_length=181, n_outputs=35, *, hidden_sizes=(256, 256), dropout=0.1,
                 n_conditions=0):
        super().__init__(sequence_length, n_outputs, n_conditions)
        layers, width = [], sequence_length + n_conditions
        for size in hidden_sizes:
            layers += [nn.Linear(width, size), nn.ReLU(), nn.Dropout(dropout)]
            width = size
        layers.append(nn.Linear(width, n_outputs))
        self.mlp = nn.Sequential(*layers)

    feature_modules = ()

    def forward(self, sequence, conditions=None, image=None):
        sequence, conditions = self._checked(sequence, conditions)
        return self.mlp(sequence if conditions is None else torch.cat([sequence, conditions], dim=1))


class GRUSeq2Seq(_SequenceNet):
    """GRU encoder–decoder without cross-attention (the paper's "GRU-based model").

    Per-step features are the sequence value and ReLU'd 1-D convolutions with
    kernel sizes 3, 5 and 7 (as in :class:`GAFSeq2Seq`, without the GAF
    branch). A multi-layer GRU encodes them; a multi-layer GRU decoder,
    started from the encoder's final hidden state, reads one learned query per
    output step (non-autoregressive, like :class:`GAFSeq2Seq`); a linear head
    gives one stress value per step. The decoder sees the input only through
    that initial state.

    Parameters
    ----------
    sequence_length : int, default=181
        Length ``s`` of the input sequence (set by the regressor; the GRU
        itself accepts any length).
    n_outputs : int, default=35
        Length ``T`` of the predicted curve (set from ``y``).
    conv1d_channels : int, default=16
        Channels of each 1-D convolution.
    kernel_sizes : tuple of int, default=(3, 5, 7)
        Odd kernel sizes of the 1-D convolutions.
    hidden_size : int, default=128
    num_layers : int, default=2
        Layers of the encoder and of the decoder GRU.
    dropout : float, default=0.1
        Dropout between GRU layers (when ``num_layers > 1``).

    See Also
    --------
    GAFSeq2Seq : the same layout with LSTMs, GAF features and cross-attention.
    TransformerSeq2Seq, CurveMLP

    Notes
    -----
    The paper does not give its baselines' sizes. Two layers are the default
    here to keep training fast; the proposed model uses five layers of 128.

    Examples
    --------
    >>> import torch
    >>> from skmat.models import GRUSeq2Seq
    >>> net = GRUSeq2Seq(32, 35, conv1d_channels=2, hidden_size=8, num_layers=1)
    >>> net(sequence=torch.zeros(4, 32)).shape
    torch.Size([4, 35])
    """

    def __init__(
        self,
        sequence_length=181,
        n_outputs=35,
        *,
        conv1d_channels=16,
        kernel_sizes=(3, 5, 7),
        hidden_size=128,
        num_layers=2,
        dropout=0.1,
        n_conditions=0,
    ):
        super().__init__(sequence_length, n_outputs, n_conditions)
        self.features = MultiScaleConv1d(conv1d_channels, kernel_sizes)
        layer_dropout = dropout if num_layers > 1 else 0.0
        self.encoder = nn.GRU(
            self.features.n_features + n_conditions, hidden_size, num_layers, batch_first=True,
            dropout=layer_dropout,
        )
        self.queries = nn.Parameter(torch.randn(n_outputs, hidden_size) * 0.1)
        if n_conditions:
            self.condition_queries = nn.Linear(n_conditions, hidden_size)
        self.decoder = nn.GRU(hidden_size, hidden_size, num_layers, batch_first=True, dropout=layer_dropout)
        self.head = nn.Linear(hidden_size, 1)

    feature_modules = ("features",)

    def forward(self, sequence, conditions=None, image=None):
        sequence, conditions = self._checked(sequence, conditions)
        _, state = self.encoder(append_conditions(self.features(sequence), conditions))
        queries = decoder_queries(self.queries, sequence.shape[0], conditions,
                                  getattr(self, "condition_queries", None))
        decoded, _ = self.decoder(queries, state)
        return self.head(decoded).squeeze(-1)


class TransformerSeq2Seq(_SequenceNet):
    """Transformer encoder–decoder (the paper's "Transformer-based model").

    Per-step features (the sequence value and 1-D convolutions with kernel
    sizes 3, 5, 7, as in :class:`GRUSeq2Seq`) are projected to ``d_model``,
    given learned positional embeddings and encoded by a
    :class:`torch.nn.TransformerEncoder`. A :class:`torch.nn.TransformerDecoder`
    reads one learned query per output step (plus a learned positional
    embedding), self-attends among them and cross-attends to the encoder
    output; a linear head gives one stress value per step. Decoding is
    non-autoregressive (no causal mask, no previous outputs as input).

    Parameters
    ----------
    sequence_length : int, default=181
        Length ``s`` of the input sequence (set from the data by the
        regressor); sizes the positional embeddings.
    n_outputs : int, default=35
        Length ``T`` of the predicted curve (set from ``y``).
    conv1d_channels : int, default=16
        Channels of each 1-D convolution.
    kernel_sizes : tuple of int, default=(3, 5, 7)
        Odd kernel sizes of the 1-D convolutions.
    d_model : int, default=64
    nhead : int, default=4
        Attention heads; must divide ``d_model``.
    num_layers : int, default=2
        Layers of the encoder and of the decoder.
    dim_feedforward : int, default=128
    dropout : float, default=0.1

    See Also
    --------
    GRUSeq2Seq, CurveMLP, GAFSeq2Seq

    Notes
    -----
    The paper says its GRU and Transformer baselines "lack a cross-attention
    mechanism" but does not describe them further; a Transformer decoder
    without cross-attention would not see the input at all, so this one keeps
    the standard encoder–decoder cross-attention. Its sizes are this
    library's choice.

    Examples
    --------
    >>> import torch
    >>> from skmat.models import TransformerSeq2Seq
    >>> net = TransformerSeq2Seq(32, 35, conv1d_channels=2, d_model=8, nhead=2,
    ...                          num_layers=1, dim_feedforward=16)
    >>> net(sequence=torch.zeros(4, 32)).shape
    torch.Size([4, 35])
    """

    def __init__(
        self,
        sequence_length=181,
        n_outputs=35,
        *,
        conv1d_channels=16,
        kernel_sizes=(3, 5, 7),
        d_model=64,
        nhead=4,
        num_layers=2,
        dim_feedforward=128,
        dropout=0.1,
        n_conditions=0,
    ):
        super().__init__(sequence_length, n_outputs, n_conditions)
        if d_model % nhead:
            raise ValueError(f"d_model {d_model} must be divisible by nhead {nhead}.")
        self.features = MultiScaleConv1d(conv1d_channels, kernel_sizes)
        self.projection = nn.Linear(self.features.n_features + n_conditions, d_model)
        if n_conditions:
            self.condition_queries = nn.Linear(n_conditions, d_model)
        self.input_positions = nn.Parameter(torch.randn(sequence_length, d_model) * 0.02)
        self.queries = nn.Parameter(torch.randn(n_outputs, d_model) * 0.1)
        self.output_positions = nn.Parameter(torch.randn(n_outputs, d_model) * 0.02)
        encoder_layer = nn.TransformerEncoderLayer(
            d_model, nhead, dim_feedforward, dropout, batch_first=True
        )
        self.encoder = nn.TransformerEncoder(encoder_layer, num_layers, enable_nested_tensor=False)
        decoder_layer = nn.TransformerDecoderLayer(
            d_model, nhead, dim_feedforward, dropout, batch_first=True
        )
        self.decoder = nn.TransformerDecoder(decoder_layer, num_layers)
        self.head = nn.Linear(d_model, 1)

    feature_modules = ("features",)

    def forward(self, sequence, conditions=None, image=None):
        sequence, conditions = self._checked(sequence, conditions)
        features = append_conditions(self.features(sequence), conditions)
        memory = self.encoder(self.projection(features) + self.input_positions)
        queries = decoder_queries(self.queries + self.output_positions, sequence.shape[0], conditions,
                                  getattr(self, "condition_queries", None))
        return self.head(self.decoder(queries, memory)).squeeze(-1)
