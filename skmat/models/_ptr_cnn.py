"""The convolutional network of Zheng, Zheng & Zhang (Chem. Sci. 2018)."""

from __future__ import annotations

import math
import numbers

import torch
from torch import nn

__all__ = ["ElementEmbedding", "PTRCNN"]

#: ``activation`` -> the layer after each convolution and hidden fully connected layer.
_ACTIVATIONS = {"relu": nn.ReLU, "leaky_relu": nn.LeakyReLU, "gelu": nn.GELU, "silu": nn.SiLU}
#: ``norm`` -> (layer after each convolution, layer after each hidden fully connected layer), built from the width.
_NORMS = {
    None: None,
    "batch": (nn.BatchNorm2d, nn.BatchNorm1d),
    "layer": (lambda channels: nn.GroupNorm(1, channels), nn.LayerNorm),
}
_INITS = ("default", "kaiming")
#: The slope of ``nn.LeakyReLU()`` for negative inputs (torch's default), which its Kaiming gain uses.
_LEAKY_SLOPE = 0.01


def _check_option(name, value, choices):
    """Raise a ``ValueError`` naming ``name``, ``value`` and the choices unless ``value`` is one of them."""
    if not any(value is choice or (isinstance(value, str) and value == choice) for choice in choices):
        shown = ", ".join(repr(choice) for choice in choices)
        raise ValueError(f"PTRCNN got {name}={value!r}, which is not one of {shown}.")


def _kaiming_init(module, activation):
    """Kaiming-normal (fan-in) weights and zero biases for every convolution and linear layer of ``module``.

    The gain follows ``activation`` (a leaky ReLU's slope; GELU and SiLU
    take the ReLU gain, which they approach for large inputs); the output
    layer, followed by no activation, gets the linear gain.
    """
    linears = [m for m in module.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    nonlinearity = "leaky_relu" if activation == "leaky_relu" else "relu"
    for index, layer in enumerate(linears):
        last = index == len(linears) - 1
        nn.init.kaiming_normal_(
            layer.weight, a=_LEAKY_SLOPE, mode="fan_in", nonlinearity="linear" if last else nonlinearity
        )
        if layer.bias is not None:
            nn.init.zeros_(layer.bias)


def _fit_kernel(size, kernel, padding):
    """Kernel and padding along one image axis so the map stays >= 1 wide.

    An axis of length 1 (a line image) gets a kernel of 1 and no padding; a
    kernel wider than the padded map gets just enough padding to fit.
    """
    if size == 1:
        return 1, 0
    if size + 2 * padding - kernel + 1 < 1:
        padding = math.ceil((kernel - size) / 2)
    return kernel, padding


class ElementEmbedding(nn.Module):
    """A learned vector per image cell, scaled by the cell's amount, added to the image as channels.

    For an image ``X`` of shape (n, C, H, W) the output is ``X`` with
    ``dim`` more channels: channel ``C + j`` of a cell is ``X[:, 0]`` of
    that cell (the amount, 0 where the element is absent) times the cell's
    learned value ``weight[j]``. So each element of a periodic-table image
    gets a vector of its own, learned from the data, next to the fixed
    element properties of the encoder's channels.

    Parameters
    ----------
    dim : int
        Length of each cell's vector (channels added).
    height, width : int
        Image size (cells).

    Examples
    --------
    >>> import torch
    >>> from skmat.models import ElementEmbedding
    >>> layer = ElementEmbedding(4, 9, 18)
    >>> layer(torch.zeros(2, 3, 9, 18)).shape
    torch.Size([2, 7, 9, 18])
    """

    def __init__(self, dim, height, width):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(int(dim), int(height), int(width)))
        nn.init.normal_(self.weight)

    def forward(self, X):
        return torch.cat([X, X[:, :1] * self.weight.to(X.dtype)], dim=1)


class PTRCNN(nn.Module):
    """Convolutional feature extractor plus fully connected predictor.

    With a 1 x 5 x 16 input and ``activation="relu", init="default"`` this is
    the paper's network: zero-pad 1, conv 3 x 3 (96), ReLU → 5 x 16; pad 1,
    conv 5 x 5 (96), ReLU → 3 x 14; conv 3 x 3 (96), ReLU → 1 x 12; then two
    fully connected layers of 192 with ReLU and a linear output layer. No
    pooling. The defaults swap ReLU for leaky ReLU and initialise the
    weights Kaiming-normal, which keeps a network trained from scratch from
    collapsing to a constant (see Notes).

    Other input shapes work too: along an axis of length 1 (a Mendeleev line
    image, 1 x 1 x L) kernels become 1 wide, and a kernel wider than its map
    is padded just enough to fit, so every layout and flat feature vectors
    give a valid network.

    Parameters
    ----------
    in_shape : tuple of int, default=(1, 5, 16)
        ``(channels, height, width)`` of one input image. Set from the data
        by :class:`PTRCNNRegressor`.
    n_outputs : int, default=1
        Number of predicted properties. Set from ``y`` by the regressor.
    n_filters : int or sequence of int, default=96
        Feature maps per convolution (one value for all layers, or one per
        layer).
    kernel_sizes : sequence of int, default=(3, 5, 3)
        Square kernel size of each convolution; its length sets the number
        of convolutional layers.
    paddings : sequence of int, default=(1, 1, 0)
        Zero padding before each convolution.
    hidden_units : int, default=192
        Width of each fully connected hidden layer.
    n_hidden_layers : int, default=2
        Number of fully connected hidden layers.
    dropout : float, default=0.0
        Dropout probability before each fully connected layer.
    mixed_precision : bool, default=False
        Train in bfloat16 mixed precision (``torch.autocast``): about twice
        the training throughput on CPUs with AVX-512 BF16 and on recent
        GPUs. Only training steps use it; evaluation and prediction run in
        float32, so predictions do not depend on it.
    activation : {"relu", "leaky_relu", "gelu", "silu"}, default="leaky_relu"
        The nonlinearity after each convolution and hidden fully connected
        layer: one that passes a gradient for negative inputs (leaky ReLU
        with slope 0.01, GELU, SiLU), so a unit that is off for every input
        can come back, or the paper's ``"relu"`` (the default of earlier
        releases; see Notes).
    norm : {None, "batch", "layer"}, default=None
        A normalisation layer between each convolution or hidden fully
        connected layer and its activation: ``"batch"``, ``BatchNorm2d`` /
        ``BatchNorm1d`` (statistics over the batch, running averages at
        prediction; training batches need at least two samples); ``"layer"``,
        ``GroupNorm(1, C)`` / ``LayerNorm`` (statistics over one sample).
        ``None`` is the paper's network. With ``freeze_features`` the
        batch-norm running averages of the frozen layers still follow the
        training data.
    init : {"kaiming", "default"}, default="kaiming"
        Weight initialisation: Kaiming-normal (fan-in, gain of
        ``activation``; linear gain for the output layer) with zero biases,
        or torch's default for each layer (``"default"``, the default of
        earlier releases).
    channels_last : bool, default=False
        Keep the convolution weights and their input images in torch's
        channels-last memory layout. On a 2-core AVX-512 CPU that trains
        1.2–1.3 times faster in bfloat16 and 1.07–1.13 times in float32
        (``benchmarks/ptr_throughput.py``); the parameters, their names and
        a seeded initialisation are the same, and results differ from the
        default layout only in float rounding. ``tools/pretrain.py`` uses
        it.
    element_embedding : int, default=0
        Give each image cell (element) a learned vector of this length,
        scaled by the cell's amount (input channel 0, as
        :class:`~skmat.PeriodicTableEncoder` puts it) and added as that many
        input channels before the first convolution
        (:class:`~skmat.models.ElementEmbedding`, the first layer of ``features``, so
        ``freeze_features`` keeps it fixed too). 0 (the default) adds none:
        the network of earlier releases.

    Attributes
    ----------
    hparams : dict
        The constructor arguments, so a copy of the architecture (e.g. for
        transfer learning) can be built: ``PTRCNN(**net.hparams)``.
    feature_shape : tuple of int
        ``(channels, height, width)`` after the convolutions.

    Notes
    -----
    The defaults are leaky ReLU and Kaiming initialisation since file format
    version 3 (earlier releases: ReLU and torch's initialisation):
    ``benchmarks/ptr_collapse_study.py`` found that the paper's ReLU with
    torch's default initialisation lets a network trained from scratch die
    (every unit off, one constant prediction) on most Matbench ``glass``
    folds and some ``expt_gap`` folds, and that the new pair scores better
    on an OQMD subset and on all four Matbench tasks (docs: "Why fits from
    scratch collapsed"). ``activation="relu", init="default"`` is the
    paper's network, with the parameter names and seeded initialisation of
    earlier versions.

    A file saved by an earlier skmat (format version 2 or older) that does
    not name ``activation`` or ``init`` was built with the old defaults;
    loading it restores them (``changed_defaults``), so saved and shipped
    networks predict exactly as before. ``norm`` adds layers and so shifts
    the parameter names after the first.

    Examples
    --------
    >>> import torch
    >>> from skmat.models import PTRCNN
    >>> net = PTRCNN(in_shape=(1, 5, 16), n_outputs=2)
    >>> net.feature_shape
    (96, 1, 12)
    >>> net.hparams["in_shape"], net.hparams["n_outputs"]
    ((1, 5, 16), 2)
    >>> net(torch.zeros(4, 1, 5, 16)).shape
    torch.Size([4, 2])
    >>> normed = PTRCNN(activation="gelu", norm="batch", init="kaiming")
    >>> [type(layer).__name__ for layer in normed.features][:3]
    ['Conv2d', 'BatchNorm2d', 'GELU']
    >>> normed(torch.zeros(4, 1, 5, 16)).shape
    torch.Size([4, 1])
    """

    #: Defaults that changed, by the file format version that came with the change: a network saved in an
    #: earlier format without naming these parameters was built with these values, which loading restores.
    changed_defaults = {3: {"activation": "relu", "init": "default"}}

    def __init__(
        self,
        in_shape=(1, 5, 16),
        n_outputs=1,
        n_filters=96,
        kernel_sizes=(3, 5, 3),
        paddings=(1, 1, 0),
        hidden_units=192,
        n_hidden_layers=2,
        dropout=0.0,
        mixed_precision=False,
        activation="leaky_relu",
        norm=None,
        init="kaiming",
        channels_last=False,
        element_embedding=0,
    ):
        super().__init__()
        _check_option("activation", activation, tuple(_ACTIVATIONS))
        _check_option("norm", norm, tuple(_NORMS))
        _check_option("init", init, _INITS)
        self.hparams = {
            "in_shape": tuple(int(v) for v in in_shape),
            "n_outputs": int(n_outputs),
            "n_filters": n_filters,
            "kernel_sizes": tuple(kernel_sizes),
            "paddings": tuple(paddings),
            "hidden_units": int(hidden_units),
            "n_hidden_layers": int(n_hidden_layers),
            "dropout": float(dropout),
            "mixed_precision": bool(mixed_precision),
            "activation": activation,
            "norm": norm,
            "init": init,
            "channels_last": bool(channels_last),
            "element_embedding": element_embedding,
        }
        if isinstance(element_embedding, bool) or not isinstance(element_embedding, numbers.Integral) \
                or element_embedding < 0:
            raise ValueError(f"PTRCNN got element_embedding={element_embedding!r}; it must be an integer >= 0.")
        self.hparams["element_embedding"] = int(element_embedding)
        if len(in_shape) != 3:
            raise ValueError(f"in_shape must be (channels, height, width), got {in_shape!r}.")
        if len(paddings) != len(kernel_sizes):
            raise ValueError(
                f"paddings {paddings!r} and kernel_sizes {kernel_sizes!r} differ in length."
            )
        filters = [n_filters] * len(kernel_sizes) if isinstance(n_filters, int) else list(n_filters)
        if len(filters) != len(kernel_sizes):
            raise ValueError(f"n_filters {n_filters!r} does not match kernel_sizes {kernel_sizes!r}.")
        channels, height, width = (int(v) for v in in_shape)
        act = _ACTIVATIONS[activation]
        conv_norm, fc_norm = _NORMS[norm] or (None, None)
        layers = []
        if element_embedding:
            layers.append(ElementEmbedding(element_embedding, height, width))
            channels += int(element_embedding)
        for out_channels, kernel, padding in zip(filters, kernel_sizes, paddings):
            kh, ph = _fit_kernel(height, kernel, padding)
            kw, pw = _fit_kernel(width, kernel, padding)
            layers.append(nn.Conv2d(channels, out_channels, (kh, kw), padding=(ph, pw)))
            if conv_norm is not None:
                layers.append(conv_norm(out_channels))
            layers.append(act())
            channels, height, width = out_channels, height + 2 * ph - kh + 1, width + 2 * pw - kw + 1
        self.features = nn.Sequential(*layers)
        self.feature_shape = (channels, height, width)
        fc = []
        n_in = channels * height * width
        for _ in range(n_hidden_layers):
            fc += [nn.Dropout(dropout), nn.Linear(n_in, hidden_units)]
            if fc_norm is not None:
                fc.append(fc_norm(hidden_units))
            fc.append(act())
            n_in = hidden_units
        fc += [nn.Dropout(dropout), nn.Linear(n_in, n_outputs)]
        self.predictor = nn.Sequential(*fc)
        if init == "kaiming":
            _kaiming_init(self, activation)
        if channels_last:
            self.features.to(memory_format=torch.channels_last)

    #: Submodules kept fixed by ``freeze_features=True`` of the estimators.
    feature_modules = ("features",)

    def forward(self, X):
        if self.hparams.get("channels_last") and X.dim() == 4:
            X = X.contiguous(memory_format=torch.channels_last)
        if self.training and self.hparams["mixed_precision"]:
            with torch.autocast(device_type=X.device.type, dtype=torch.bfloat16):
                out = self.predictor(torch.flatten(self.features(X), start_dim=1))
            return out.float()
        return self.predictor(torch.flatten(self.features(X), start_dim=1))
