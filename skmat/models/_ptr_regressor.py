"""PTRCNNRegressor: the periodic-table CNN as a skorch/scikit-learn regressor."""

from __future__ import annotations

import torch
from skorch.callbacks import LRScheduler

from ._network_base import ImageInputMixin
from ._ptr_cnn import PTRCNN
from ._scaled_net import ScaledNetRegressor

__all__ = ["PTRCNNRegressor", "paper_training_params"]


def paper_training_params(n_samples, *, batch_size=64, iterations=100_000, step_size=10_000):
    """Keyword arguments reproducing the paper's optimiser and schedule.

    Zheng et al. trained for 100,000 iterations with Nesterov SGD (learning
    rate 0.01, momentum 0.85, weight decay 0.005), dividing the learning rate
    by 10 every 10,000 iterations. Their batch size is not stated; 64 is
    assumed here.

    Parameters
    ----------
    n_samples : int
        Training-set size, to turn iterations into epochs.
    batch_size : int, default=64
    iterations : int, default=100_000
    step_size : int, default=10_000
        Iterations between learning-rate drops (factor 0.1).

    Returns
    -------
    dict
        Pass to :class:`PTRCNNRegressor` as ``**params``.

    Examples
    --------
    >>> params = paper_training_params(6400, iterations=1000, step_size=100)
    >>> params["max_epochs"], params["optimizer__momentum"]
    (10, 0.85)
    """
    iterations_per_epoch = max(1, -(-n_samples // batch_size))
    return {
        "optimizer": torch.optim.SGD,
        "lr": 0.01,
        "optimizer__momentum": 0.85,
        "optimizer__nesterov": True,
        "optimizer__weight_decay": 0.005,
        "batch_size": batch_size,
        "max_epochs": max(1, -(-iterations // iterations_per_epoch)),
        "callbacks__lr_schedule": None,  # replaces the default cosine decay
        "callbacks": [
            (
                "lr_step",
                LRScheduler(
                    policy=torch.optim.lr_scheduler.StepLR,
                    step_size=step_size,
                    gamma=0.1,
                    step_every="batch",
                ),
            )
        ],
    }


class PTRCNNRegressor(ImageInputMixin, ScaledNetRegressor):
    """Multi-task CNN regressor on periodic-table images (Zheng et al. 2018).

    A :class:`skorch.NeuralNetRegressor` around :class:`PTRCNN` that behaves
    like any scikit-learn regressor: it takes the images of
    :class:`~skmat.PeriodicTableEncoder` (or any ``(n, C, H, W)``,
    ``(n, H, W)`` or flat ``(n, F)`` array, read as a ``1 x F`` line), infers
    the image shape and the number of targets at ``fit``, scales the targets,
    casts to float32 itself and returns predictions in the shape of the ``y``
    it was fitted on.

    Parameters
    ----------
    module : torch module class, default=PTRCNN
        The network; ``in_shape`` and ``n_outputs`` are filled in from the
        data unless given as ``module__in_shape`` / ``module__n_outputs``.
        Tune it with ``module__n_filters``, ``module__kernel_sizes``,
        ``module__hidden_units``, ``module__dropout``, …
    pretrained : skmat.models.PretrainedPTRCNN or None, default=None
        Trained weights that initialise this network (its architecture too):
        use :meth:`from_regressor`. Never modified; its input shape must
        match the images given to ``fit``.
    transfer : {"hidden", "features"}, default="hidden"
        What ``pretrained`` gives: every layer but the output layer, or the
        convolutions only. The output layer is always new (sized by ``y``).
    criterion : torch loss class, default=torch.nn.SmoothL1Loss
        The paper's smooth-L1 loss.
    optimizer : torch optimizer class, default=torch.optim.AdamW
        AdamW (weight decay 0.01) with ``lr=1e-3``, decayed to 0 over
        ``max_epochs`` by the default ``lr_schedule`` callback
        (:class:`~skmat.models.CosineDecay`), trains best on a CPU budget
        (see Notes). For the paper's Nesterov SGD with step decay use
        ``**skmat.models.paper_training_params(n_train)``.
    lr : float, default=1e-3
    max_epochs : int, default=40
    batch_size : int, default=32
    train_split : callable or None, default=None
        No internal validation split, as in scikit-learn; pass
        ``skorch.dataset.ValidSplit(0.1)`` for one (e.g. early stopping).
    target_scaling : {"whiten", "bound", None}, default="whiten"
        ``"whiten"``: subtract the training mean, divide by the training
        standard deviation, per target. ``"bound"``: min–max to [0, 1].
        Fitted on the training targets only; predictions are mapped back.
    freeze_features : bool or list of str, default=False
        Keep the convolutional layers (``module.features``) fixed while
        training: for fine-tuning a fitted network on a small set with
        ``warm_start=True``. A list names the submodules to keep fixed.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, dropout and batch shuffling (inside a
        forked torch RNG, so the global state is left untouched). An int
        makes CPU results identical run to run.
    n_threads : int or None, default=None
        Torch intra-op and BLAS threads for ``fit`` and ``predict`` (the
        previous setting is restored after). None keeps the process's
        setting: ``cpu_count // n_jobs`` in joblib's loky workers, one in
        Dask's nanny-started workers, all cores otherwise. Training results
        depend on the thread count (float sums split differently), so fix
        it to compare runs across engines or machines. See the docs'
        *Scaling out* page.
    device : str or torch.device, default="cpu"
    verbose : int, default=1
        1 prints skorch's per-epoch table once a fit has run for 10 s
        (:class:`~skmat.models.ProgressLog`); 0 silences it.
    **kwargs
        Any other :class:`skorch.NeuralNet` parameter (``module__*``,
        ``optimizer__*``, ``callbacks``, ``iterator_train__*``, …).

    Attributes
    ----------
    module_ : PTRCNN
        The trained network.
    input_shape_ : tuple of int
        ``(C, H, W)`` seen at fit.
    n_features_in_ : int
        Values per image, ``C * H * W``.
    feature_names_in_ : ndarray of str
        Column names of ``X``, when fitted on a DataFrame of flat features
        (e.g. ``PeriodicTableEncoder(output="flat")`` output in a frame)
        with string column names; ``predict`` then checks them as
        scikit-learn does.
    n_outputs_ : int
        Number of targets.
    target_offset_, target_scale_ : ndarray of shape (n_outputs,)
        Target scaling fitted on the training targets.
    history_ : skorch.History
        Per-epoch losses (skorch's, also ``history``).
    frozen_parameters_ : list of str
        Parameters kept fixed in the last fit (``freeze_features``).
    transferred_ : list of str
        Parameters copied from ``pretrained`` (empty without).

    See Also
    --------
    PeriodicTableEncoder : Builds the input images from formulas.
    PTRCNNRegressor.save, PTRCNNRegressor.load : Store a fitted model without pickle.
    skmat.models.paper_training_params : The paper's optimiser settings.

    Notes
    -----
    The paper trained for 100,000 iterations of Nesterov SGD (lr 0.01,
    momentum 0.85, weight decay 0.005, step decay every 10,000 iterations).
    On a CPU budget of a few minutes, AdamW at 1e-3 with cosine decay and
    the same smooth-L1 loss reaches a lower error. On 5,000 training / 5,000
    test compounds of the paper subset (2 CPU cores):
    ``python benchmarks/quick_ptr.py`` (these defaults, 40 epochs of batch
    32) gave 62.3 meV/atom and 0.72 % in 95 s;
    ``python benchmarks/quick_ptr.py --optimizer paper --models cnn
    --max-epochs 60`` (the paper's optimiser and ×20 image values, 60 epochs
    of batch 64) gave 73.5 meV/atom and 0.86 %. The results are in
    ``benchmarks/results/``.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from skmat import PeriodicTableEncoder, PTRCNNRegressor
    >>> from skmat.datasets import load_oqmd_heusler
    >>> X, y = load_oqmd_heusler(subset="paper", return_X_y=True)
    >>> model = make_pipeline(
    ...     PeriodicTableEncoder(),
    ...     PTRCNNRegressor(max_epochs=2, module__n_filters=8, random_state=0, verbose=0),
    ... )
    >>> model.fit(X[:200], y[:200]).predict(X[200:203]).shape
    (3, 2)
    """

    def __init__(
        self,
        module=PTRCNN,
        *,
        pretrained=None,
        transfer="hidden",
        criterion=torch.nn.SmoothL1Loss,
        optimizer=torch.optim.AdamW,
        lr=1e-3,
        max_epochs=40,
        batch_size=32,
        train_split=None,
        target_scaling="whiten",
        freeze_features=False,
        random_state=None,
        n_threads=None,
        device="cpu",
        verbose=1,
        **kwargs,
    ):
        super().__init__(
            module,
            pretrained=pretrained,
            transfer=transfer,
            target_scaling=target_scaling,
            freeze_features=freeze_features,
            random_state=random_state,
            n_threads=n_threads,
            criterion=criterion,
            optimizer=optimizer,
            lr=lr,
            max_epochs=max_epochs,
            batch_size=batch_size,
            train_split=train_split,
            device=device,
            verbose=verbose,
            **kwargs,
        )

    @classmethod
    def from_regressor(cls, regressor, *, freeze_features=False, **params):
        """A new regressor started from a fitted one's network (new output layer, sized at fit).

        Parameters
        ----------
        regressor : fitted PTRCNNRegressor or PTRCNNClassifier, or a fitted Pipeline ending in one
            (e.g. a pretrained model).
        freeze_features : bool, str or list of str, default=False
            Keep the copied convolutions fixed while training (or the named submodules).
        **params
            Other parameters (``transfer``, ``lr``, ``max_epochs``, …).

        Returns
        -------
        PTRCNNRegressor
            Unfitted; ``pretrained`` holds a copy of the network, so the new
            regressor survives ``sklearn.clone`` (``cross_validate``,
            ``GridSearchCV``). Fitting it on images of another shape than the
            source's is a ``ValueError`` naming both shapes.

        Examples
        --------
        >>> import numpy as np
        >>> from skmat import PTRCNNRegressor
        >>> X = np.random.default_rng(0).random((60, 16))
        >>> source = PTRCNNRegressor(max_epochs=1, module__n_filters=4, verbose=0, random_state=0)
        >>> source = source.fit(X, np.column_stack([X.sum(1), X[:, 0]]))  # two targets
        >>> tuned = PTRCNNRegressor.from_regressor(source, freeze_features=True, max_epochs=1, verbose=0)
        >>> tuned.fit(X[:20], X[:20, 3]).predict(X[:2]).shape  # one new target
        (2,)
        >>> tuned.transferred_[:2]
        ['features.0.bias', 'features.0.weight']
        """
        return super().from_regressor(regressor, freeze_features=freeze_features, **params)

    def _inferred_module_kwargs(self):
        return {"in_shape": self.input_shape_, "n_outputs": self.n_outputs_}
