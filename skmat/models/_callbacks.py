"""skorch callbacks used by skmat's estimators."""

from __future__ import annotations

import math
import re
import sys
import time

from skorch.callbacks import Callback, LRScheduler, PrintLog
from torch.optim.lr_scheduler import CosineAnnealingLR

__all__ = ["CosineDecay", "NonFiniteLossError", "ProgressLog", "StopOnNonFiniteLoss"]

#: The colour codes skorch's PrintLog puts around each epoch's best value (``skorch.utils.Ansi``).
_ANSI_COLOUR = re.compile(r"\x1b\[[0-9;]*m")


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
        # the cosine past its period from the length of the history. A
        # learning rate changed with set_params since the last fit (e.g. a
        # lower one for fine-tuning) is the new initial one.
        changed = getattr(self, "lr_used_", None) is not None and net.lr != self.lr_used_
        for group in net.optimizer_.param_groups:
            start = net.lr if changed else group.get("initial_lr", group["lr"])
            group["lr"] = group["initial_lr"] = start
        self.lr_used_ = net.lr
        scheduler_kwargs.setdefault("T_max", max(1, net.max_epochs))
        scheduler_kwargs.setdefault("last_epoch", -1)
        return super()._get_scheduler(net, policy, **scheduler_kwargs)


class ProgressLog(PrintLog):
    """skorch's per-epoch table, shown once a fit has run for ``delay`` seconds.

    Short fits (tests, small grid-search cells) stay quiet; a fit that takes
    longer prints the rows of the epochs so far as soon as ``delay`` has
    passed, then one row per epoch. It is the default ``print_log`` callback
    of skmat's network estimators; ``verbose=0`` silences it, as it does
    skorch's :class:`~skorch.callbacks.PrintLog`, and ``delay=0`` prints
    every fit.

    skorch colours each column's best value so far with ANSI escape codes.
    They are kept only when the table goes to a terminal: with the default
    ``sink=print`` when ``sys.stdout.isatty()`` at the time of printing, with
    a stream's method as sink (``sys.stderr.write``) when that stream's
    ``isatty()`` is true. Notebooks, log files, pipes, captured output and
    other sinks (a logger, a list's ``append``) get plain text, so a log
    never holds ``\\x1b[36m0.2923\\x1b[0m``.

    Parameters
    ----------
    delay : float, default=10.0
        Seconds of training before the table appears.
    color : {"auto", True, False}, default="auto"
        "auto" colours the best values on a terminal only (see above);
        True always, False never.
    **kwargs
        Passed to :class:`skorch.callbacks.PrintLog` (``keys_ignored``,
        ``sink``, ``floatfmt``, …).

    Examples
    --------
    >>> from skmat import PTRCNNRegressor
    >>> from skmat.models import ProgressLog
    >>> net = PTRCNNRegressor(callbacks__print_log=ProgressLog(delay=0))
    """

    def __init__(self, delay=10.0, color="auto", **kwargs):
        super().__init__(**kwargs)
        self.delay = delay
        self.color = color

    def initialize(self):
        if not (isinstance(self.color, str) and self.color == "auto") and self.color not in (True, False):
            raise ValueError(f"ProgressLog: color must be 'auto', True or False, got {self.color!r}.")
        return super().initialize()

    def _colours(self):
        """Whether the table keeps skorch's colour codes: on a terminal, or when ``color`` says so."""
        if not isinstance(self.color, str):
            return bool(self.color)
        stream = sys.stdout if self.sink is print else getattr(self.sink, "__self__", None)
        isatty = getattr(stream, "isatty", None)
        try:
            return bool(isatty()) if callable(isatty) else False
        except (OSError, ValueError):  # a closed or detached stream
            return False

    def on_train_begin(self, net, **kwargs):
        self.start_time_ = time.monotonic()
        self.first_epoch_ = len(net.history)
        self.showing_ = self.delay <= 0
        return super().on_train_begin(net, **kwargs)

    def _show(self, row, verbose):
        tabulated = self.table(row)
        if not self._colours():
            tabulated = _ANSI_COLOUR.sub("", tabulated)
        if self.first_iteration_:
            header, lines = tabulated.split("\n", 2)[:2]
            self._sink(header, verbose)
            self._sink(lines, verbose)
            self.first_iteration_ = False
        self._sink(tabulated.rsplit("\n", 1)[-1], verbose)

    def on_epoch_end(self, net, **kwargs):
        if not self.showing_:
            if time.monotonic() - self.start_time_ < self.delay:
                return
            self.showing_ = True
            for row in net.history[self.first_epoch_ : -1]:
                self._show(row, net.verbose)
        self._show(net.history[-1], net.verbose)
        if self.sink is print:
            sys.stdout.flush()


class NonFiniteLossError(FloatingPointError):
    """A fit stopped because its training loss became NaN or infinite.

    Raised by skmat's networks (through
    :class:`~skmat.models.StopOnNonFiniteLoss`, a default callback) instead
    of returning a model that predicts NaN. The usual cause is a learning
    rate too high for the data; the message names the epoch and batch and
    suggests a lower ``lr``. The estimator's weights are unusable
    afterwards: fit it again. A subclass of :class:`FloatingPointError`; in
    ``GridSearchCV`` and ``cross_validate`` the fit counts as failed
    (``error_score``). Import it as ``skmat.NonFiniteLossError`` (also
    ``skmat.models.NonFiniteLossError``).

    See Also
    --------
    skmat.models.StopOnNonFiniteLoss : The callback that raises it.
    """

    # Shown as ``skmat.NonFiniteLossError`` in tracebacks, and pickled under that public name.
    __module__ = "skmat"


class StopOnNonFiniteLoss(Callback):
    """Stop training at the first batch whose training loss is NaN or infinite.

    The ``finite_loss`` default callback of skmat's network estimators;
    ``callbacks__finite_loss=None`` switches it off.

    Raises
    ------
    NonFiniteLossError
        Naming the epoch, the batch and the learning rate.

    Examples
    --------
    >>> import numpy as np, pytest
    >>> from skmat import PTRCNNRegressor
    >>> X, y = np.random.default_rng(0).random((40, 16)), np.arange(40.0)
    >>> net = PTRCNNRegressor(lr=1e12, max_epochs=3, module__n_filters=4, random_state=0, verbose=0)
    >>> with pytest.raises(FloatingPointError, match="lower lr"):
    ...     _ = net.fit(X, y)
    """

    def on_batch_end(self, net, batch=None, training=None, loss=None, **kwargs):
        if not training or loss is None:
            return
        value = float(loss.detach().float().cpu()) if hasattr(loss, "detach") else float(loss)
        if math.isfinite(value):
            return
        epoch = len(net.history)
        batch_number = len(net.history[-1, "batches"]) if epoch else 0  # this batch's row is already there
        raise NonFiniteLossError(
            f"{type(net).__name__}: the training loss became {value} at epoch {epoch}, batch {batch_number}: the "
            f"fit diverged, so it was stopped instead of returning a network that predicts NaN. lr={net.lr:g} is "
            f"probably too high for these data; try a lower lr (e.g. lr={net.lr / 10:g}). Fit again: the weights "
            "are unusable now."
        )
