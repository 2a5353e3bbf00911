"""Deep ensembles of skmat networks: the mean of several seeds, and their spread as an uncertainty.

:class:`DeepEnsembleRegressor` and :class:`DeepEnsembleClassifier` fit
``n_estimators`` clones of one network, each with its own seed drawn from
``random_state`` (and, optionally, on its own resample of the rows), in
parallel with joblib, and combine them as Lakshminarayanan et al. (2017)
did: the regressor's prediction is the members' mean and
``predict(X, return_std=True)`` adds their spread (scikit-learn's
convention of :class:`~sklearn.gaussian_process.GaussianProcessRegressor`
and :class:`~sklearn.linear_model.BayesianRidge`); the classifier averages
the members' probabilities. The regressor can rescale the spread on held-out
rows (``calibration="holdout"``). Both save and load like the single
networks, without pickle: the file holds every member's payload.
"""

from __future__ import annotations

import copy
import math
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, RegressorMixin, clone
from sklearn.utils import check_random_state, get_tags
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    StrOptions,
    validate_parameter_constraints,
)
from sklearn.utils.validation import check_is_fitted

from .._validation import IntegerInterval
from ._allowed_classes import public_name, resolve_class
from ._persistence import SavableModel, SavableNetMixin, _require, check_fitted_entries
from ._plain_data import check_decoded_object, decode_value, encode_value
from ._ptr_classifier import check_labels
from ._rows import n_rows, take_rows
from ._scaled_net import read_targets

__all__ = ["DeepEnsembleClassifier", "DeepEnsembleRegressor", "member_seeds"]

def member_seeds(random_state, n_estimators):
    """The members' integer seeds and the generator of the row draws, from ``random_state``.

    One :class:`numpy.random.SeedSequence` is built from ``random_state``
    (an int as is; a ``RandomState`` gives one draw; None fresh entropy);
    its first child draws the rows (hold-out, folds, bootstrap), child
    ``i + 1`` gives member ``i``'s seed. A member's seed therefore does not
    depend on ``n_estimators``: a larger ensemble keeps the members of a
    smaller one.

    Parameters
    ----------
    random_state : int, RandomState instance or None
    n_estimators : int

    Returns
    -------
    seeds : list of int
        In ``[0, 2**32)``, as ``random_state`` of each member.
    rows : numpy.random.Generator

    Examples
    --------
    >>> seeds, _ = member_seeds(0, 3)
    >>> seeds[:2] == member_seeds(0, 2)[0]
    True
    """
    if random_state is None or isinstance(random_state, Integral):
        entropy = None if random_state is None else int(random_state)
    else:
        entropy = int(check_random_state(random_state).randint(np.iinfo(np.int32).max))
    rows, *members = np.random.SeedSequence(entropy).spawn(n_estimators + 1)
    return [int(child.generate_state(1)[0]) for child in members], np.random.default_rng(rows)


def members_output(members, method, X):
    """``getattr(member, method)(X)`` of every member, stacked (float64); each distinct warning they give, once.

    The members read the same input, so an input warning (a thickness
    outside the range seen at fit, forces in other units) comes from each;
    the user sees it once, unchanged, not once per member.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        outputs = np.stack([np.asarray(getattr(member, method)(X), dtype=np.float64) for member in members])
    seen = set()
    for warning in caught:
        key = (warning.category, str(warning.message))
        if key not in seen:
            seen.add(key)
            warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
    return outputs


def _fit_member(member, X, y, rows, fit_params):
    """Fit one member on rows ``rows`` (None: all); run in joblib's workers."""
    return member.fit(take_rows(X, rows), take_rows(y, rows), **fit_params)


class _BaseDeepEnsemble(MetaEstimatorMixin, SavableModel, BaseEstimator):
    """What the regressor and the classifier share: seeds, resampling, the parallel fit, tags and files."""

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        "resample": [StrOptions({"bootstrap", "folds"}), None],
        "random_state": ["random_state"],
        # joblib's convention: -1 all cores, -2 all but one, ...; 0 has no meaning.
        "n_jobs": [IntegerInterval(None, -1, closed="right"), IntegerInterval(1, None, closed="left"), None],
        "verbose": ["verbose"],
    }

    def __init__(self, estimator=None, *, n_estimators=5, resample=None, random_state=None, n_jobs=None,
                 verbose=0):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.resample = resample
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.verbose = verbose

    # -- what subclasses say ---------------------------------------------------

    def _default_estimator(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def _check_target(self, y):  # pragma: no cover - abstract
        """Raise a ``ValueError`` naming the user's row of the first bad target, before any row is split off."""
        raise NotImplementedError

    def _holdout_rows(self, y, rng):
        """Rows kept out of every member's fit (the regressor's calibration rows), or None."""
        return None

    def _after_fit(self, X, y, held_out):  # pragma: no cover - abstract
        """Fitted attributes derived from the members (classes, the spread's scale)."""
        raise NotImplementedError

    def _folds(self, y, n_splits, seed):
        from sklearn.model_selection import KFold

        return KFold(n_splits, shuffle=True, random_state=seed).split(np.zeros((len(y), 1)))

    # -- checks ----------------------------------------------------------------

    def _check_params(self):
        name = type(self).__name__
        validate_parameter_constraints(self._parameter_constraints, self.get_params(deep=False), caller_name=name)
        template = self._template()
        if "random_state" not in template.get_params(deep=False):
            raise ValueError(
                f"{name}: estimator={template!r} has no random_state parameter, which gives each member its seed; "
                "pass a skmat network (or any estimator with random_state)."
            )
        return template

    def _template(self):
        return self._default_estimator() if self.estimator is None else self.estimator

    # -- fitting ---------------------------------------------------------------

    def _member_rows(self, rows, y, rng):
        """For each member, the row indices it fits on (None: every row)."""
        n = self.n_estimators
        if self.resample is None:
            return [rows] * n
        available = np.arange(len(y)) if rows is None else rows
        if self.resample == "bootstrap":
            return [np.sort(available[rng.integers(0, len(available), len(available))]) for _ in range(n)]
        if n < 2:
            raise ValueError(f"{type(self).__name__}: resample='folds' needs n_estimators >= 2, got {n}.")
        if len(available) < n:
            raise ValueError(
                f"{type(self).__name__}: resample='folds' splits the {len(available)} training rows into "
                f"n_estimators={n} folds; it needs at least one row per fold."
            )
        seed = int(rng.integers(np.iinfo(np.int32).max))
        folds = self._folds(take_rows(y, available), n, seed)
        return [np.sort(available[train]) for train, _ in folds]

    def _member_threads(self, template):
        """``n_threads`` for training the members: the estimator's if set, else 1 (see the class docstring)."""
        if "n_threads" not in template.get_params(deep=False):
            return {}
        threads = template.get_params(deep=False)["n_threads"]
        return {"n_threads": 1 if threads is None else threads}

    def fit(self, X, y, **fit_params):
        """Fit ``n_estimators`` clones of ``estimator``, each with its own seed, in parallel.

        Parameters
        ----------
        X : array-like or dict
            What ``estimator`` reads (images, curves).
        y : array-like
            Targets or class labels.
        **fit_params
            Passed to every member's ``fit``; only where every member fits
            on every row (``resample=None`` and no calibration rows).

        Returns
        -------
        self
        """
        from joblib import Parallel, delayed

        template = self._check_params()
        y_rows = y if hasattr(y, "iloc") else np.asarray(y)
        if n_rows(X) != len(y_rows):
            raise ValueError(f"X has {n_rows(X)} samples but y has {len(y_rows)}.")
        # Here, on every row: calibration rows never reach a member's own check, and a member's row numbers
        # are those of its resample.
        self._check_target(y)
        seeds, rng = member_seeds(self.random_state, self.n_estimators)
        held_out = self._holdout_rows(y_rows, rng)
        rows = None if held_out is None else np.setdiff1d(np.arange(len(y_rows)), held_out)
        member_rows = self._member_rows(rows, y_rows, rng)
        if fit_params and any(r is not None for r in member_rows):
            raise ValueError(
                f"{type(self).__name__}: fit parameters {sorted(fit_params)} cannot follow the members' subsets "
                "of rows; pass them with resample=None and without calibration."
            )
        threads = self._member_threads(template)
        members = [clone(template).set_params(random_state=seed, **threads) for seed in seeds]
        members = Parallel(n_jobs=self.n_jobs, verbose=self.verbose)(
            delayed(_fit_member)(member, X, y_rows, r, fit_params) for member, r in zip(members, member_rows)
        )
        if threads:  # predict with the estimator's own setting, as the single network would
            for member in members:
                member.set_params(n_threads=template.get_params(deep=False)["n_threads"])
        self.estimators_ = list(members)
        for key in ("n_features_in_", "feature_names_in_"):
            if hasattr(members[0], key):
                setattr(self, key, copy.deepcopy(getattr(members[0], key)))
        self._after_fit(X, y_rows, held_out)
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        member = get_tags(self._template())
        tags.input_tags = copy.deepcopy(member.input_tags)
        tags.target_tags.multi_output = member.target_tags.multi_output
        tags.target_tags.single_output = member.target_tags.single_output
        tags.non_deterministic = self.random_state is None
        return tags

    # -- files -----------------------------------------------------------------

    def save(self, path):
        """Write the fitted ensemble (every member's network) to one file at ``path``, without pickle.

        The file holds the ensemble's parameters and fitted attributes,
        ``estimator``'s parameters, and each member as its own ``save``
        writes it; ``torch.load(path, weights_only=True)`` reads it, and a
        SHA-256 digest of all of it is checked on load.

        Parameters
        ----------
        path : str or path-like or file-like

        Returns
        -------
        path

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If the ensemble is not fitted.
        TypeError
            If the members are not skmat networks (only those are stored),
            or naming a parameter that cannot be stored without pickle.
        """
        return super().save(path)

    @classmethod
    def load(cls, path, *, trusted=(), **params):
        """Read an ensemble written by :meth:`save`; it predicts exactly as the saved one.

        Loading never runs code from the file: every class it names (the
        ensemble's, the members', their modules) is resolved from skmat's
        allow-list or ``trusted``, and the content is checked against the
        checksum stored with it.

        Parameters
        ----------
        path : str or path-like or file-like
        trusted : sequence of classes, default=()
            Classes of your own (a network module) that the file may name.
        **params
            Parameters that replace the stored ones: the ensemble's
            (``n_jobs=4``), and the members' as ``estimator__<name>``
            (``estimator__device="cpu"`` for networks saved on a GPU).

        Returns
        -------
        estimator
            Fitted.

        Raises
        ------
        ValueError
            If the file is not a skmat model file, does not match its
            checksum, holds another class, names a class that is not
            allowed, or a member is malformed; the message names the file
            and the member.
        """
        return super().load(path, trusted=trusted, **params)

    def _payload(self):
        check_is_fitted(self, "estimators_")
        name = type(self).__name__
        others = sorted({type(m).__name__ for m in self.estimators_ if not isinstance(m, SavableNetMixin)})
        template = self.estimator
        if others or not (template is None or isinstance(template, SavableNetMixin)):
            raise TypeError(
                f"{name}.save stores ensembles of skmat networks; its estimator is "
                f"{type(self._template()).__name__}."
            )
        params = {key: encode_value(value, key) for key, value in self.get_params(deep=False).items()
                  if key != "estimator"}
        fitted = {key: encode_value(value, key) for key, value in vars(self).items()
                  if key.endswith("_") and not key.startswith("_") and key != "estimators_"}
        return {
            **self._payload_header(),
            "params": params,
            "template": None if template is None else {
                "estimator": public_name(type(template)),
                "params": {key: encode_value(value, f"estimator.{key}")
                           for key, value in template._saved_params().items()},
            },
            "fitted": fitted,
            "members": [member._payload() for member in self.estimators_],
        }

    @staticmethod
    def _network_class(name, where, source, trusted):
        try:
            network = resolve_class(name, where, kind="network", trusted=trusted)
        except ValueError as error:
            raise ValueError(f"{source!r}: {error}") from None
        if not issubclass(network, SavableNetMixin):
            raise ValueError(f"{source!r} names {name!r} for {where}, which is not a single skmat network.")
        return network

    @classmethod
    def _build_from_payload(cls, payload, source, params, trusted):
        if not isinstance(payload, dict):
            raise ValueError(f"The ensemble entry {source!r} is a {type(payload).__name__}, not a dict.")
        stored = _require(payload, "params", dict, source)
        fitted = _require(payload, "fitted", dict, source)
        members = _require(payload, "members", list, source)
        check_fitted_entries(fitted, source, refused=("estimators_",))
        if "estimator" in stored:
            raise ValueError(f"The file {source!r} sets the ensemble's estimator among its parameters.")
        member_params = {key.partition("__")[2]: value for key, value in params.items()
                         if key.startswith("estimator__")}
        params = {key: value for key, value in params.items() if not key.startswith("estimator__")}
        entry = payload.get("template")
        template_cls = None
        if entry is not None and "estimator" not in params:
            if not isinstance(entry, dict):
                raise ValueError(f"The file {source!r} has a {type(entry).__name__} as 'template', not a dict.")
            template_cls = cls._network_class(_require(entry, "estimator", str, source), "the estimator", source,
                                              trusted)
            params["estimator"] = template_cls._from_params(
                _require(entry, "params", dict, source), f"{source}, estimator", member_params, trusted)
        decoded = {key: decode_value(value, key, trusted=trusted)
                   for key, value in stored.items() if key not in params}
        try:
            ensemble = cls(**decoded, **params)
        except TypeError as error:
            raise ValueError(f"The parameters in {source!r} do not build a {cls.__name__}: {error}") from None
        check_decoded_object(ensemble, source)
        if not members or len(members) != ensemble.n_estimators:
            raise ValueError(
                f"{source!r} holds {len(members)} members for n_estimators={ensemble.n_estimators!r}; it is "
                "corrupted or was edited."
            )
        ensemble.estimators_ = []
        for index, member in enumerate(members):
            where = f"{source}, member {index}"
            if not isinstance(member, dict):
                raise ValueError(f"Member {index} of {source!r} is a {type(member).__name__}, not a network entry.")
            network = cls._network_class(member.get("estimator"), f"member {index}", source, trusted)
            if template_cls is not None and network is not template_cls:
                raise ValueError(
                    f"Member {index} of {source!r} is a {network.__name__}, not a {template_cls.__name__} like the "
                    "ensemble's estimator."
                )
            ensemble.estimators_.append(network._from_payload(member, where, member_params, trusted))
        cls._set_fitted(ensemble, fitted, source, trusted)
        return ensemble


class DeepEnsembleRegressor(RegressorMixin, _BaseDeepEnsemble):
    """An ensemble of skmat network regressors: the mean prediction and its spread (a deep ensemble).

    Fits ``n_estimators`` clones of ``estimator`` that differ only in their
    seed (weight initialisation, dropout, batch order), as Lakshminarayanan
    et al. (2017) recommend, or also in the rows they see (``resample``).
    ``predict(X)`` is the members' mean; ``predict(X, return_std=True)``
    also returns the members' standard deviation, per row and per target,
    as scikit-learn's :class:`~sklearn.gaussian_process.GaussianProcessRegressor`
    does. Works for single-target, multi-target and curve outputs
    (:class:`~skmat.SPTSeq2SeqRegressor`: one standard deviation per point
    of the curve).

    Parameters
    ----------
    estimator : skmat network regressor, default=None
        The member, cloned ``n_estimators`` times (never fitted itself);
        None is ``PTRCNNRegressor()``. Any regressor with a
        ``random_state`` parameter fits; :meth:`save` stores skmat networks
        only. Its parameters tune as ``estimator__<name>`` in
        :class:`~sklearn.model_selection.GridSearchCV`.
    n_estimators : int, default=5
        Number of members (>= 1; the spread needs 2).
    resample : {None, "bootstrap", "folds"}, default=None
        The rows each member fits on. None: all of them (the deep ensemble;
        only the seeds differ). ``"bootstrap"``: as many rows drawn with
        replacement (bagging). ``"folds"``: the rows split into
        ``n_estimators`` folds, member ``i`` fitting on all but fold ``i``
        (a cross-validation committee).
    calibration : {None, "holdout"}, default=None
        Rescaling of the spread. ``"holdout"``: ``calibration_fraction`` of
        the rows (drawn with ``random_state``) are kept out of every
        member's fit, and the factor that makes the spread match the errors
        on them is stored in ``std_scale_`` (see Notes). The members are not
        refitted on those rows: what was calibrated is what predicts.
    calibration_fraction : float in (0, 1), default=0.2
        Share of the rows held out with ``calibration="holdout"``.
    random_state : int, RandomState instance or None, default=None
        Gives each member its seed (see Notes); an int makes the
        predictions identical run to run, whatever ``n_jobs``.
    n_jobs : int or None, default=None
        Members fitted at once by :class:`joblib.Parallel`, which follows
        ``joblib.parallel_backend`` (``"loky"``, ``"threading"``,
        ``"dask"``). None is 1 unless a backend context says otherwise;
        -1 is every core, -2 all but one, and so on; 0 is an error.
    verbose : int, default=0
        joblib's progress messages.

    Attributes
    ----------
    estimators_ : list of fitted estimators
        The members, each with its own ``random_state``.
    std_scale_ : ndarray of shape (n_outputs,)
        Factor applied to the members' standard deviation by
        ``predict(X, return_std=True)``: 1 without calibration.
    n_outputs_ : int
        Number of targets (values per row of ``y``).
    n_features_in_ : int
        As the members (where they have it).

    See Also
    --------
    DeepEnsembleClassifier : The same for a classifier: averaged probabilities.
    PTRCNNRegressor, SPTSeq2SeqRegressor : The networks to ensemble.

    Notes
    -----
    **Seeds.** A :class:`numpy.random.SeedSequence` of ``random_state``
    spawns one child per member (its ``random_state``, an int) and one for
    the row draws, so member ``i`` is the same network whatever
    ``n_estimators``. Members train on one thread each unless
    ``estimator`` sets ``n_threads`` (training results depend on the thread
    count, so it must not follow ``n_jobs``), then predict with the
    estimator's ``n_threads``.

    **Spread.** The standard deviation of the members' predictions with
    ``ddof=0``: that of the equally weighted mixture of members that
    Lakshminarayanan et al. predict with (their networks also predict a
    variance; skmat's predict a value, so the spread is over the members'
    means only). With few members it underestimates the uncertainty and is
    itself noisy; ``calibration`` corrects the scale.

    **Calibration.** With ``calibration="holdout"``, on the held-out rows
    the factor is ``s = sqrt(mean(((y - mean) / std) ** 2))`` per target,
    the maximum-likelihood scale of a Gaussian ``N(mean, (s * std) ** 2)``
    (σ-scaling, Laves et al. 2020). Rows where the members agree exactly
    (``std = 0``) are left out of it.

    References
    ----------
    Lakshminarayanan, B., Pritzel, A. & Blundell, C. Simple and scalable
    predictive uncertainty estimation using deep ensembles. NeurIPS 30
    (2017).

    Laves, M.-H., Ihler, S., Fast, J. F., Kahrs, L. A. & Ortmaier, T.
    Well-calibrated regression uncertainty in medical imaging with deep
    learning. MIDL (2020).

    Examples
    --------
    >>> import numpy as np
    >>> from skmat import PTRCNNRegressor
    >>> from skmat.models import DeepEnsembleRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.random((40, 16))
    >>> y = X[:, :4].sum(axis=1)
    >>> net = PTRCNNRegressor(max_epochs=2, module__n_filters=4, verbose=0)
    >>> ensemble = DeepEnsembleRegressor(net, n_estimators=3, random_state=0).fit(X, y)
    >>> mean, std = ensemble.predict(X[:5], return_std=True)
    >>> mean.shape, std.shape
    ((5,), (5,))
    >>> bool(np.all(std > 0))
    True
    """

    _parameter_constraints = {
        **_BaseDeepEnsemble._parameter_constraints,
        "calibration": [StrOptions({"holdout"}), None],
        "calibration_fraction": [Interval(Real, 0, 1, closed="neither")],
    }
    @classmethod
    def _required_fitted_attributes(cls):
        return ("std_scale_", "n_outputs_")

    def __init__(self, estimator=None, *, n_estimators=5, resample=None, calibration=None, calibration_fraction=0.2,
                 random_state=None, n_jobs=None, verbose=0):
        super().__init__(estimator, n_estimators=n_estimators, resample=resample, random_state=random_state,
                         n_jobs=n_jobs, verbose=verbose)
        self.calibration = calibration
        self.calibration_fraction = calibration_fraction

    def _default_estimator(self):
        from ._ptr_regressor import PTRCNNRegressor

        return PTRCNNRegressor()

    def _check_target(self, y):
        read_targets(y, type(self).__name__)

    def _holdout_rows(self, y, rng):
        if self.calibration is None:
            return None
        name = type(self).__name__
        if self.n_estimators < 2:
            raise ValueError(f"{name}: calibration={self.calibration!r} needs a spread, so n_estimators >= 2; "
                             f"got n_estimators={self.n_estimators}.")
        n = len(y)
        n_held = int(math.ceil(self.calibration_fraction * n))
        if n_held < 2 or n - n_held < 2:
            raise ValueError(
                f"{name}: calibration_fraction={self.calibration_fraction} of {n} rows holds out {n_held}; both the "
                "calibration rows and the training rows need at least 2."
            )
        return np.sort(rng.permutation(n)[:n_held])

    def _after_fit(self, X, y, held_out):
        y = np.asarray(y, dtype=np.float64)
        self.n_outputs_ = 1 if y.ndim == 1 else int(np.prod(y.shape[1:]))
        self.std_scale_ = np.ones(self.n_outputs_)
        if held_out is None:
            return
        mean, std = self._members_mean_std(take_rows(X, held_out))
        errors = (y[held_out] - mean).reshape(len(held_out), -1)
        std = std.reshape(len(held_out), -1)
        scale = np.empty(self.n_outputs_)
        for k in range(self.n_outputs_):
            spread = std[:, k] > 0
            if not spread.any():
                raise ValueError(
                    f"{type(self).__name__}: the members agree exactly on every calibration row for target {k}, so "
                    "their spread cannot be scaled; the members do not differ (check estimator's random_state use)."
                )
            scale[k] = np.sqrt(np.mean((errors[spread, k] / std[spread, k]) ** 2))
        self.std_scale_ = scale

    def _members_mean_std(self, X):
        predictions = members_output(self.estimators_, "predict", X)
        return predictions.mean(axis=0), predictions.std(axis=0)

    def predict(self, X, return_std=False):
        """The members' mean prediction, and with ``return_std=True`` their (calibrated) spread.

        Parameters
        ----------
        X : array-like or dict
            As at fit.
        return_std : bool, default=False
            Also return the standard deviation of the members' predictions
            (``ddof=0``) times ``std_scale_``; needs ``n_estimators >= 2``
            (one member has no spread: ``ValueError``). A
            :class:`~sklearn.pipeline.Pipeline` ending in the ensemble
            passes it on: ``pipeline.predict(X, return_std=True)``.

        Returns
        -------
        y_mean : ndarray of shape (n,) or (n, n_outputs)
            In the shape of the ``y`` the members were fitted on.
        y_std : ndarray of the same shape
            Only with ``return_std=True``.
        """
        check_is_fitted(self, "estimators_")
        if return_std and len(self.estimators_) < 2:
            raise ValueError(
                f"{type(self).__name__}: return_std=True needs the spread of at least 2 members, but the ensemble "
                f"has n_estimators={len(self.estimators_)}; fit it with n_estimators >= 2."
            )
        mean, std = self._members_mean_std(X)
        if not return_std:
            return mean
        scale = self.std_scale_.reshape(mean.shape[1:]) if mean.ndim > 1 else self.std_scale_[0]
        return mean, std * scale


class DeepEnsembleClassifier(ClassifierMixin, _BaseDeepEnsemble):
    """An ensemble of skmat network classifiers that averages their probabilities (a deep ensemble).

    Fits ``n_estimators`` clones of ``estimator`` that differ in their seed
    (and, optionally, in their rows: ``resample``) and predicts the mean of
    their class probabilities, as Lakshminarayanan et al. (2017) did;
    ``predict`` is the most probable class. Averaged probabilities are
    better calibrated than one network's; to recalibrate them further wrap
    the ensemble in :class:`~sklearn.calibration.CalibratedClassifierCV`.

    Parameters
    ----------
    estimator : skmat network classifier, default=None
        The member, cloned ``n_estimators`` times (never fitted itself);
        None is ``PTRCNNClassifier()``. It needs ``predict_proba`` and a
        ``random_state`` parameter; :meth:`save` stores skmat networks
        only.
    n_estimators : int, default=5
    resample : {None, "bootstrap", "folds"}, default=None
        As for :class:`DeepEnsembleRegressor`; ``"folds"`` keeps the
        classes' shares in every fold. Every member must see every class.
    random_state : int, RandomState instance or None, default=None
        Gives each member its seed, as for :class:`DeepEnsembleRegressor`.
    n_jobs : int or None, default=None
        Members fitted at once by :class:`joblib.Parallel`.
    verbose : int, default=0

    Attributes
    ----------
    estimators_ : list of fitted estimators
    classes_ : ndarray of shape (n_classes,)
        The members' classes (identical in every member).
    n_features_in_ : int
        As the members (where they have it).

    See Also
    --------
    DeepEnsembleRegressor : The regressor, with the spread as an uncertainty.
    PTRCNNClassifier : The network to ensemble.

    References
    ----------
    Lakshminarayanan, B., Pritzel, A. & Blundell, C. Simple and scalable
    predictive uncertainty estimation using deep ensembles. NeurIPS 30
    (2017).

    Examples
    --------
    >>> import numpy as np
    >>> from skmat import PTRCNNClassifier
    >>> from skmat.models import DeepEnsembleClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.random((40, 16))
    >>> y = np.where(X[:, 0] > 0.5, "metal", "insulator")
    >>> net = PTRCNNClassifier(max_epochs=2, module__n_filters=4, verbose=0)
    >>> ensemble = DeepEnsembleClassifier(net, n_estimators=3, random_state=0).fit(X, y)
    >>> proba = ensemble.predict_proba(X[:4])
    >>> proba.shape, bool(np.allclose(proba.sum(axis=1), 1.0))
    ((4, 2), True)
    >>> ensemble.classes_.tolist()
    ['insulator', 'metal']
    """

    _parameter_constraints = {
        **_BaseDeepEnsemble._parameter_constraints,
        "estimator": [HasMethods(["fit", "predict_proba"]), None],
    }
    @classmethod
    def _required_fitted_attributes(cls):
        return ("classes_",)

    def _default_estimator(self):
        from ._ptr_classifier import PTRCNNClassifier

        return PTRCNNClassifier()

    def _check_target(self, y):
        labels = np.asarray(y, dtype=object) if isinstance(y, (list, tuple)) else np.asarray(y)
        for column in labels.reshape(len(labels), -1).T:  # one label per row, or one per row and output
            check_labels(column)

    def _folds(self, y, n_splits, seed):
        from sklearn.model_selection import StratifiedKFold

        return StratifiedKFold(n_splits, shuffle=True, random_state=seed).split(np.zeros((len(y), 1)), y)

    def _after_fit(self, X, y, held_out):
        classes = self.estimators_[0].classes_
        for index, member in enumerate(self.estimators_[1:], start=1):
            if not np.array_equal(member.classes_, classes):
                raise ValueError(
                    f"{type(self).__name__}: member {index} learned the classes {list(member.classes_)}, member 0 "
                    f"{list(classes)}; with resample={self.resample!r} every member must see every class (use "
                    "resample=None or 'folds', or more rows of the rare class)."
                )
        self.classes_ = copy.deepcopy(classes)

    def predict_proba(self, X):
        """The mean of the members' class probabilities, columns in the order of ``classes_``.

        Parameters
        ----------
        X : array-like or dict
            As at fit.

        Returns
        -------
        ndarray of shape (n, n_classes)
            Each row sums to 1.
        """
        check_is_fitted(self, "estimators_")
        return members_output(self.estimators_, "predict_proba", X).mean(axis=0)

    def predict(self, X):
        """The class with the highest mean probability.

        Parameters
        ----------
        X : array-like or dict

        Returns
        -------
        ndarray of shape (n,)
        """
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]
