"""skorch callbacks used by skmat's estimators."""

from __future__ import annotations

from skorch.callbacks import LRScheduler
from torch.optim.lr_scheduler import CosineAnnealingLR

__all__ = ["CosineDecay"]


class CosineDecay(LRScheduler):
    """Cosine decay of the learning rate to ``eta_min`` over each fit's ``max_epochs``.

    A :class:`skorch.callbacks.LRScheduler` around
    :class:`torch.optim.lr_scheduler.CosineAnnealingLR` whose period is read
    from the net at the start of training, so it stays right when
    ``max_epochs`` is changed with ``set_params`` or tuned in ``GridSearchCV``.
    A warm-started ``fit`` or a ``partial_fit`` starts a new decay from the
    initial learning rate.
    It is :class:`~skmat.PTRCNNRegressor`'s default ``lr_schedule``
    callback; switch it off with ``callbacks__lr_schedule=None``.

    Parameters
    ----------
    eta_min : float, default=0.0
        Learning rate reached at the last epoch.

    Examples
    --------
    >>> from skmat import PTRCNNRegressor
    >>> from skmat.models import CosineDecay
    >>> net = PTRCNNRegressor(callbacks__lr_schedule=CosineDecay(eta_min=1e-5))
    """

    def __init__(self, eta_min=0.0, **kwargs):
        super().__init__(policy=CosineAnnealingLR, eta_min=eta_min, **kwargs)

    def _get_scheduler(self, net, policy, **scheduler_kwargs):
        # Every fit (also a warm-started fit or a partial_fit) gets its own
        # full decay from the initial learning rate, instead of continuing
        # the cosine past its period from the length of the history.
        for group in net.optimizer_.param_groups:
            group["lr"] = group.get("initial_lr", group["lr"])
        scheduler_kwargs.setdefault("T_max", max(1, net.max_epochs))
        scheduler_kwargs.setdefault("last_epoch", -1)
        return super()._get_scheduler(net, policy, **scheduler_kwargs)
