"""skmat's networks trained through Hugging Face Accelerate (skorch's ``AccelerateMixin``).

One fit spread over several GPUs (``accelerate launch``), in mixed precision,
with gradient accumulation: what Accelerate's ``Accelerator`` is configured
to do. A fitted model saves to the plain estimator's file format, so it is
read back with ``PTRCNNRegressor.load`` (or the matching class) on any
machine, without Accelerate.
"""

from __future__ import annotations

import torch
from skorch.callbacks import LRScheduler
from skorch.hf import AccelerateMixin

from ._allowed_classes import public_name
from ._ptr_classifier import PTRCNNClassifier
from ._ptr_regressor import PTRCNNRegressor
from ._spt_regressor import SPTSeq2SeqRegressor

__all__ = ["AcceleratedPTRCNNClassifier", "AcceleratedPTRCNNRegressor", "AcceleratedSPTSeq2SeqRegressor"]

#: Constructor parameters of a run, not of the model: not written by ``save``.
_ACCELERATE_PARAMS = ("accelerator", "unwrap_after_train", "callbacks__print_log__sink")


class _AcceleratedSkmatNet(AccelerateMixin):
    """What every accelerated skmat network adds to skorch's mixin."""

    #: The plain skmat class whose file format ``save`` writes.
    _plain_class = None

    def _initialize_accelerator(self):
        """Hand the network, the optimizer and any scheduler to Accelerate (once per initialisation).

        As skorch's, except that the frozen layers are set first (DDP
        records which parameters learn when it is built) and that a
        criterion without parameters (every skmat loss) is left as it is:
        wrapped in ``DistributedDataParallel`` it would be an error under
        ``accelerate launch`` with several processes.
        """
        if self._wrapped_with_accelerator:
            return self
        self._apply_freeze(self.module_)
        prepare = self.accelerator.prepare
        for kind, names in (("criterion", self._criteria), ("module", self._modules)):
            with self._current_init_context(kind):
                for name in names:
                    value = getattr(self, name + "_")
                    if isinstance(value, torch.nn.Module) and any(p.requires_grad for p in value.parameters()):
                        setattr(self, name + "_", prepare(value))
        with self._current_init_context("optimizer"):
            for name in self._optimizers:
                value = getattr(self, name + "_")
                if isinstance(value, torch.optim.Optimizer):
                    setattr(self, name + "_", prepare(value))
        for _, callback in self.callbacks_:
            if isinstance(callback, LRScheduler):
                callback.policy_ = prepare(callback.policy_)
        self._wrapped_with_accelerator = True
        return self

    def _bare_module(self):
        return self.accelerator.unwrap_model(self.module_, keep_fp32_wrapper=False)

    def _saved_params(self):
        params = {key: value for key, value in super()._saved_params().items() if key not in _ACCELERATE_PARAMS}
        return {**params, "device": "cpu"}

    def _payload(self):
        payload = super()._payload()
        payload["estimator"] = public_name(self._plain_class)
        return payload


_DOC = """{plain} trained through Hugging Face Accelerate.

    skorch's :class:`~skorch.hf.AccelerateMixin` on :class:`~skmat.{path}`:
    pass an ``accelerate.Accelerator`` configured for what you want
    (``mixed_precision="bf16"`` or ``"fp16"``, ``gradient_accumulation_steps``)
    and start the script with ``accelerate launch`` to train on several
    GPUs. Every other parameter is {plain}'s; ``device`` is left to the
    accelerator (None). Needs ``pip install "skmat[distributed]"``.

    ``save`` writes the plain {plain} file format (the weights, the fitted
    scaling, the history; not the accelerator), so the fitted model is read
    back with ``{plain}.load(path)`` on any machine, without Accelerate.
    The docs' *Scaling out* page has the ``accelerate launch`` recipe for
    the pretrained OQMD network.

    Parameters
    ----------
    accelerator : accelerate.Accelerator
    unwrap_after_train : bool, default=True
        Unwrap the module after training so that it can be saved and
        pickled (skorch's default).
    **kwargs
        Parameters of {plain}.

    Examples
    --------
    >>> import numpy as np
    >>> from accelerate import Accelerator
    >>> from skmat.models import {name}
    >>> {data}
    >>> net = {name}({example}, accelerator=Accelerator(cpu=True))
    >>> net.fit(X, y).predict(X[:3]).shape
    {shape}
    """


class AcceleratedPTRCNNRegressor(_AcceleratedSkmatNet, PTRCNNRegressor):
    _plain_class = PTRCNNRegressor


class AcceleratedPTRCNNClassifier(_AcceleratedSkmatNet, PTRCNNClassifier):
    _plain_class = PTRCNNClassifier


class AcceleratedSPTSeq2SeqRegressor(_AcceleratedSkmatNet, SPTSeq2SeqRegressor):
    _plain_class = SPTSeq2SeqRegressor


_X = "np.random.default_rng(0).random((40, 5, 16), dtype=np.float32)"
AcceleratedPTRCNNRegressor.__doc__ = _DOC.format(
    plain="PTRCNNRegressor", path="PTRCNNRegressor", name="AcceleratedPTRCNNRegressor",
    example="max_epochs=2, module__n_filters=4, random_state=0, verbose=0",
    data=f"X = {_X}; y = X.sum((1, 2))", shape="(3,)",
)
AcceleratedPTRCNNClassifier.__doc__ = _DOC.format(
    plain="PTRCNNClassifier", path="models.PTRCNNClassifier", name="AcceleratedPTRCNNClassifier",
    example="max_epochs=2, module__n_filters=4, random_state=0, verbose=0",
    data=f"X = {_X}; y = X[:, 0, 0] > 0.5", shape="(3,)",
)
AcceleratedSPTSeq2SeqRegressor.__doc__ = _DOC.format(
    plain="SPTSeq2SeqRegressor", path="SPTSeq2SeqRegressor", name="AcceleratedSPTSeq2SeqRegressor",
    example="max_epochs=2, module__num_layers=1, module__hidden_size=8, module__num_heads=2, random_state=0, verbose=0",
    data="X = np.random.default_rng(0).random((20, 30)); y = np.cumsum(X, axis=1)[:, ::3]", shape="(3, 10)",
)
