"""Deep ensembles of skmat networks: the mean, the spread, its calibration, scikit-learn's tools and files."""

import io

import warnings

import numpy as np
import pytest
import torch
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.model_selection import GridSearchCV, KFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.utils import get_tags

from skmat import CorruptFileError, PeriodicTableEncoder, PTRCNNClassifier, PTRCNNRegressor
from skmat.models import DeepEnsembleClassifier, DeepEnsembleRegressor, load_pipeline, save_pipeline

# Two-epoch networks of a few weights often fit a constant; the ensemble's arithmetic is what is tested here.
pytestmark = pytest.mark.filterwarnings("ignore:.*collapsed to a constant:UserWarning")


def tiny_regressor(**params):
    return PTRCNNRegressor(**{"max_epochs": 2, "module__n_filters": 4, "module__hidden_units": 8,
                              "verbose": 0, **params})


def tiny_classifier(**params):
    return PTRCNNClassifier(**{"max_epochs": 2, "module__n_filters": 4, "module__hidden_units": 8,
                               "verbose": 0, **params})


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.random((50, 16))
    y = X[:, :4].sum(axis=1)
    return X, y


@pytest.fixture(scope="module")
def fitted(data):
    X, y = data
    return DeepEnsembleRegressor(tiny_regressor(), n_estimators=3, random_state=0).fit(X, y)


class SeedShift(RegressorMixin, BaseEstimator):
    """A member whose prediction is ``2 * x0 (+ x0)`` shifted by ``(0.5 + x1) * z``, with ``z ~ N(0, 1)`` from its seed.

    Over many members the spread is ``(0.5 + x1) * std(z)``: known exactly, so a test can make it too small.
    """

    def __init__(self, n_outputs=1, random_state=None):
        self.n_outputs = n_outputs
        self.random_state = random_state

    def fit(self, X, y):
        self.z_ = float(np.random.default_rng(self.random_state).standard_normal())
        self.n_fit_ = len(X)
        self.n_features_in_ = np.asarray(X).shape[1]
        return self

    def predict(self, X):
        X = np.asarray(X)
        centre = np.column_stack([2 * X[:, 0], X[:, 0]])[:, : self.n_outputs]
        shifted = centre + ((0.5 + X[:, 1]) * self.z_)[:, None]
        return shifted[:, 0] if self.n_outputs == 1 else shifted


def synthetic(n, factors, seed):
    """Rows whose errors around the members' centre are ``factors`` times the members' spread ``0.5 + x1``."""
    rng = np.random.default_rng(seed)
    X = rng.random((n, 2))
    centre = np.column_stack([2 * X[:, 0], X[:, 0]])[:, : len(factors)]
    y = centre + (0.5 + X[:, 1])[:, None] * np.asarray(factors) * rng.standard_normal((n, len(factors)))
    return X, (y[:, 0] if len(factors) == 1 else y)


# ------------------------------------------------------------------ mean and spread


def test_mean_and_std_are_those_of_the_members(data, fitted):
    X, _ = data
    members = np.stack([member.predict(X) for member in fitted.estimators_])
    mean, std = fitted.predict(X, return_std=True)
    assert mean.shape == std.shape == (len(X),)
    np.testing.assert_array_equal(mean, members.mean(axis=0))
    np.testing.assert_array_equal(fitted.predict(X), mean)
    np.testing.assert_allclose(std, members.std(axis=0, ddof=0))
    assert np.all(std > 0)
    np.testing.assert_array_equal(fitted.std_scale_, [1.0])
    assert fitted.n_outputs_ == 1 and fitted.n_features_in_ == 16


def test_multi_output_gives_a_std_per_target(data):
    X, y = data
    Y = np.column_stack([y, -2 * y, y ** 2])
    ensemble = DeepEnsembleRegressor(tiny_regressor(), n_estimators=2, random_state=1).fit(X, Y)
    mean, std = ensemble.predict(X[:7], return_std=True)
    assert mean.shape == std.shape == (7, 3)
    members = np.stack([member.predict(X[:7]) for member in ensemble.estimators_])
    np.testing.assert_allclose(std, members.std(axis=0))
    assert ensemble.n_outputs_ == 3 and ensemble.std_scale_.shape == (3,)


def test_members_have_distinct_seeds_and_one_training_thread(fitted):
    seeds = [member.random_state for member in fitted.estimators_]
    assert len(set(seeds)) == 3 and all(isinstance(seed, int) for seed in seeds)
    # trained on one thread each (results must not follow n_jobs), then back to the estimator's setting
    assert all(member.n_threads is None for member in fitted.estimators_)
    ensemble = DeepEnsembleRegressor(SeedShift(), n_estimators=4, random_state=0)
    first = [m.random_state for m in ensemble.fit(np.zeros((6, 2)), np.zeros(6)).estimators_]
    again = [m.random_state for m in ensemble.set_params(n_estimators=2).fit(np.zeros((6, 2)), np.zeros(6)).estimators_]
    assert again == first[:2]  # a member is the same whatever n_estimators


@pytest.mark.parametrize("backend", [
    "threading",
    # loky starts two processes that import torch: ~20 s on two busy cores
    pytest.param("loky", marks=pytest.mark.slow),
])
def test_same_random_state_same_predictions_whatever_n_jobs(data, fitted, backend):
    from joblib import parallel_backend

    X, y = data
    expected = fitted.predict(X, return_std=True)
    with parallel_backend(backend):
        again = DeepEnsembleRegressor(tiny_regressor(), n_estimators=3, random_state=0, n_jobs=2).fit(X, y)
    for a, b in zip(again.predict(X, return_std=True), expected):
        np.testing.assert_array_equal(a, b)
    repeated = DeepEnsembleRegressor(tiny_regressor(), n_estimators=3, random_state=0).fit(X, y)
    np.testing.assert_array_equal(repeated.predict(X), expected[0])
    other = DeepEnsembleRegressor(tiny_regressor(), n_estimators=3, random_state=1).fit(X, y)
    assert not np.array_equal(other.predict(X), expected[0])


def test_dask_backend_gives_the_sequential_members(data, fitted):
    distributed = pytest.importorskip("distributed")
    from joblib import parallel_backend

    X, y = data
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None):
        with parallel_backend("dask"):
            ensemble = DeepEnsembleRegressor(tiny_regressor(), n_estimators=3, random_state=0, n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(ensemble.predict(X), fitted.predict(X))


def test_the_users_estimator_is_neither_fitted_nor_changed(data):
    X, y = data
    net = tiny_regressor(random_state=7)
    before = net.get_params(deep=False)
    DeepEnsembleRegressor(net, n_estimators=2, random_state=0).fit(X, y)
    assert not hasattr(net, "module_") and not hasattr(net, "n_outputs_")
    after = net.get_params(deep=False)
    assert before.keys() == after.keys() and all(after[key] is before[key] for key in before)


# ------------------------------------------------------------------ resampling


def test_folds_and_bootstrap_give_members_their_own_rows():
    X, y = np.random.default_rng(0).random((30, 2)), np.zeros(30)
    folds = DeepEnsembleRegressor(SeedShift(), n_estimators=3, resample="folds", random_state=0).fit(X, y)
    assert [member.n_fit_ for member in folds.estimators_] == [20, 20, 20]
    boot = DeepEnsembleRegressor(SeedShift(), n_estimators=3, resample="bootstrap", random_state=0).fit(X, y)
    assert [member.n_fit_ for member in boot.estimators_] == [30, 30, 30]
    with pytest.raises(ValueError, match="n_estimators=5 folds"):
        DeepEnsembleRegressor(SeedShift(), n_estimators=5, resample="folds").fit(X[:4], y[:4])


def test_classifier_folds_keep_every_class_and_bootstrap_that_misses_one_is_named():
    X = np.random.default_rng(0).random((40, 16))
    y = np.r_[np.zeros(36, int), np.ones(4, int)]
    ensemble = DeepEnsembleClassifier(tiny_classifier(), n_estimators=2, resample="folds", random_state=0).fit(X, y)
    np.testing.assert_array_equal(ensemble.classes_, [0, 1])
    y = np.r_[np.zeros(20, int), np.ones(19, int), [2]]  # a bootstrap sample misses the one row of class 2 (p=0.36)
    with pytest.raises(ValueError, match=r"member \d learned the classes .*every member must see every class"):
        DeepEnsembleClassifier(tiny_classifier(), n_estimators=5, resample="bootstrap", random_state=0).fit(X, y)


# ------------------------------------------------------------------ calibration


@pytest.mark.parametrize("factors", [(3.0,), (3.0, 0.5)])
def test_holdout_calibration_recovers_the_known_factor(factors):
    X, y = synthetic(4000, factors, seed=0)
    ensemble = DeepEnsembleRegressor(SeedShift(n_outputs=len(factors)), n_estimators=200, calibration="holdout",
                                     calibration_fraction=0.25, random_state=0).fit(X, y)
    z = np.array([member.z_ for member in ensemble.estimators_])
    assert [member.n_fit_ for member in ensemble.estimators_[:2]] == [3000, 3000]  # the rest, not refitted
    # spread of the members is (0.5 + x1) * std(z): the factor is the true scale over std(z)
    np.testing.assert_allclose(ensemble.std_scale_ * z.std(), factors, rtol=0.08)
    X_test, y_test = synthetic(4000, factors, seed=1)
    mean, std = ensemble.predict(X_test, return_std=True)
    within = np.abs(y_test - mean) <= 2 * std
    assert 0.93 <= within.mean() <= 0.97
    raw = DeepEnsembleRegressor(SeedShift(n_outputs=len(factors)), n_estimators=200, random_state=0).fit(X, y)
    raw_mean, raw_std = raw.predict(X_test, return_std=True)
    assert (np.abs(y_test - raw_mean) <= 2 * raw_std).reshape(len(y_test), -1)[:, 0].mean() < 0.6


def test_holdout_calibration_of_networks(data):
    X, y = data
    ensemble = DeepEnsembleRegressor(tiny_regressor(), n_estimators=2, calibration="holdout", random_state=0)
    ensemble.fit(X, y)
    assert ensemble.std_scale_.shape == (1,) and np.isfinite(ensemble.std_scale_).all() and ensemble.std_scale_[0] > 0
    mean, std = ensemble.predict(X, return_std=True)
    raw = np.stack([member.predict(X) for member in ensemble.estimators_]).std(axis=0)
    np.testing.assert_allclose(std, raw * ensemble.std_scale_[0])
    assert ensemble.estimators_[0].history[-1, "epoch"] == 2


# ------------------------------------------------------------------ classifier


def test_classifier_averages_probabilities():
    rng = np.random.default_rng(0)
    X = rng.random((50, 16))
    y = np.where(X[:, 0] > 0.5, "metal", "insulator")
    ensemble = DeepEnsembleClassifier(tiny_classifier(), n_estimators=3, random_state=0).fit(X, y)
    proba = ensemble.predict_proba(X)
    members = np.stack([member.predict_proba(X) for member in ensemble.estimators_])
    np.testing.assert_array_equal(proba, members.mean(axis=0))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(ensemble.classes_, ["insulator", "metal"])
    np.testing.assert_array_equal(ensemble.predict(X), ensemble.classes_[proba.argmax(axis=1)])
    assert 0.0 <= ensemble.score(X, y) <= 1.0
    buffer = io.BytesIO()
    ensemble.save(buffer)
    buffer.seek(0)
    loaded = DeepEnsembleClassifier.load(buffer)
    np.testing.assert_array_equal(loaded.predict_proba(X), proba)
    np.testing.assert_array_equal(loaded.predict(X), ensemble.predict(X))


# ------------------------------------------------------------------ scikit-learn's tools


@pytest.fixture(scope="module")
def formulas():
    from skmat.datasets import load_oqmd_heusler

    X, y = load_oqmd_heusler(subset="paper", return_X_y=True)
    return list(X[:50]), np.asarray(y)[:50, 0]


def test_pipeline_passes_return_std_on_and_round_trips(formulas, tmp_path):
    X, y = formulas
    model = make_pipeline(PeriodicTableEncoder(),
                          DeepEnsembleRegressor(tiny_regressor(), n_estimators=2, random_state=0)).fit(X, y)
    mean, std = model.predict(X[:5], return_std=True)
    assert mean.shape == std.shape == (5,)
    np.testing.assert_array_equal(mean, model.predict(X[:5]))
    save_pipeline(model, tmp_path / "ensemble.pt")
    loaded = load_pipeline(tmp_path / "ensemble.pt")
    for a, b in zip(loaded.predict(X, return_std=True), model.predict(X, return_std=True)):
        np.testing.assert_array_equal(a, b)


def test_clone_params_and_tags(fitted):
    copy = clone(fitted)
    assert not hasattr(copy, "estimators_")
    params = fitted.get_params(deep=True)
    assert params["estimator__lr"] == 1e-3 and params["n_estimators"] == 3
    assert fitted.set_params(estimator__lr=1e-3) is fitted
    tags = get_tags(fitted)
    assert tags.input_tags.three_d_array and tags.target_tags.multi_output and not tags.non_deterministic
    assert get_tags(DeepEnsembleRegressor(tiny_regressor())).non_deterministic
    assert get_tags(DeepEnsembleClassifier(tiny_classifier())).estimator_type == "classifier"


def test_cross_validate_and_grid_search(data):
    X, y = data
    ensemble = DeepEnsembleRegressor(tiny_regressor(), n_estimators=2, random_state=0)
    scores = cross_validate(ensemble, X, y, cv=KFold(2), scoring="neg_mean_absolute_error")
    assert np.isfinite(scores["test_score"]).all()
    search = GridSearchCV(ensemble, {"estimator__lr": [1e-3, 3e-3]}, cv=KFold(2),
                          scoring="neg_mean_absolute_error").fit(X, y)
    assert search.best_params_["estimator__lr"] in (1e-3, 3e-3)
    assert len(search.best_estimator_.estimators_) == 2


# ------------------------------------------------------------------ files


def test_save_load_predicts_identically(data, fitted, tmp_path):
    X, _ = data
    path = fitted.save(tmp_path / "ensemble.pt")
    loaded = DeepEnsembleRegressor.load(path)
    for a, b in zip(loaded.predict(X, return_std=True), fitted.predict(X, return_std=True)):
        np.testing.assert_array_equal(a, b)
    assert loaded.get_params(deep=False).keys() == fitted.get_params(deep=False).keys()
    assert loaded.estimator.get_params()["module__n_filters"] == 4
    assert [m.random_state for m in loaded.estimators_] == [m.random_state for m in fitted.estimators_]
    assert DeepEnsembleRegressor.load(path, n_jobs=2).n_jobs == 2
    payload = torch.load(path, weights_only=True)  # plain data, no pickle
    assert payload["estimator"] == "skmat.DeepEnsembleRegressor" and len(payload["members"]) == 3


def test_tampered_member_is_refused(fitted, tmp_path):
    path = fitted.save(tmp_path / "ensemble.pt")
    payload = torch.load(path, weights_only=True)
    weights = payload["members"][1]["state_dict"]
    key = next(iter(weights))
    weights[key] = weights[key] + 1.0
    torch.save(payload, tmp_path / "tampered.pt")
    with pytest.raises(CorruptFileError, match="checksum"):
        DeepEnsembleRegressor.load(tmp_path / "tampered.pt")


def test_malformed_ensemble_files_name_the_member(fitted, tmp_path):
    from skmat.models._persistence import write_payload

    fitted.save(tmp_path / "ensemble.pt")

    def refused(edit, message, cls=DeepEnsembleRegressor):
        payload = torch.load(tmp_path / "ensemble.pt", weights_only=True)
        payload.pop("content_sha256")
        edit(payload)
        write_payload(payload, tmp_path / "edited.pt")  # a valid checksum: the content itself is checked
        with pytest.raises(ValueError, match=message):
            cls.load(tmp_path / "edited.pt")

    refused(lambda p: p["members"].pop(), "2 members for n_estimators=3")
    refused(lambda p: p["members"][2].update(estimator="skmat.DeepEnsembleRegressor"), "not a single skmat network")
    refused(lambda p: p["members"][0].update(estimator="os.system"), "not a class skmat loads")
    refused(lambda p: p["members"][1]["state_dict"].clear(), "member 1")
    refused(lambda p: p["fitted"].update(estimators_=[]), "not a fitted attribute")
    refused(lambda p: p["fitted"].pop("std_scale_"), "std_scale_")
    refused(lambda p: None, "holds a DeepEnsembleRegressor, not a DeepEnsembleClassifier", DeepEnsembleClassifier)


def test_only_networks_are_saved():
    ensemble = DeepEnsembleRegressor(SeedShift(), n_estimators=2, random_state=0).fit(np.zeros((4, 2)), np.zeros(4))
    with pytest.raises(TypeError, match="ensembles of skmat networks; its estimator is SeedShift"):
        ensemble.save(io.BytesIO())


# ------------------------------------------------------------------ curves (SPTSeq2SeqRegressor)


def test_curve_outputs_get_a_std_per_point_and_round_trip(tmp_path):
    from sklearn.pipeline import Pipeline

    from skmat import GramianAngularFieldEncoder, SPTSeq2SeqRegressor
    from skmat.datasets import make_small_punch_test

    spt = make_small_punch_test(60, random_state=0)
    net = SPTSeq2SeqRegressor(max_epochs=2, batch_size=32, module__hidden_size=8, module__num_layers=1,
                              module__num_heads=2, module__conv1d_channels=2, module__conv2d_channels=2, verbose=0)
    model = Pipeline([("gaf", GramianAngularFieldEncoder(16)),
                      ("ensemble", DeepEnsembleRegressor(net, n_estimators=2, calibration="holdout",
                                                         random_state=0))]).fit(spt.data, spt.target)
    mean, std = model.predict(spt.data[:4], return_std=True)
    n_points = np.asarray(spt.target).shape[1]
    assert mean.shape == std.shape == (4, n_points)
    assert model[-1].std_scale_.shape == (n_points,)
    save_pipeline(model, tmp_path / "curves.pt")
    for a, b in zip(load_pipeline(tmp_path / "curves.pt").predict(spt.data[:4], return_std=True), (mean, std)):
        np.testing.assert_array_equal(a, b)


class WarnsOnPredict(SeedShift):
    """A SeedShift that warns about its input (the same message from every member) and about itself (its own)."""

    def predict(self, X):
        warnings.warn("curve 3 lies outside the range seen at fit", UserWarning)
        warnings.warn(f"member with z = {self.z_:.3f}", RuntimeWarning)
        return super().predict(X)


def test_a_warning_every_member_gives_is_given_once_and_member_specific_ones_each():
    X, y = synthetic(50, [1.0], seed=0)
    ensemble = DeepEnsembleRegressor(WarnsOnPredict(), n_estimators=4, random_state=0).fit(X, y)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ensemble.predict(X[:3], return_std=True)
    messages = [str(w.message) for w in caught]
    assert messages.count("curve 3 lies outside the range seen at fit") == 1
    assert sum(m.startswith("member with z") for m in messages) == len({m.z_ for m in ensemble.estimators_}) == 4
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # the user's filter still applies to what is passed on
        with pytest.raises(UserWarning, match="curve 3 lies outside"):
            ensemble.predict(X[:3])


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize("params, message", [
    ({"n_estimators": 0}, "'n_estimators' parameter of DeepEnsembleRegressor.*Got 0"),
    ({"calibration": "isotonic"}, "'calibration' parameter of DeepEnsembleRegressor.*Got 'isotonic'"),
    ({"calibration_fraction": 1.5}, "'calibration_fraction' parameter.*Got 1.5"),
    ({"resample": "jackknife"}, "'resample' parameter.*Got 'jackknife'"),
    ({"n_estimators": 1, "calibration": "holdout"}, "n_estimators >= 2; got n_estimators=1"),
    ({"calibration": "holdout", "calibration_fraction": 0.01}, "calibration_fraction=0.01 of 50 rows"),
    ({"n_jobs": 0}, "'n_jobs' parameter of DeepEnsembleRegressor.*Got 0"),
    ({"n_jobs": True}, "'n_jobs' parameter of DeepEnsembleRegressor.*Got True instead"),
    ({"n_jobs": False}, "'n_jobs' parameter of DeepEnsembleRegressor.*Got False instead"),
    ({"n_jobs": 1.5}, "'n_jobs' parameter of DeepEnsembleRegressor.*Got 1.5"),
])
def test_bad_parameters_are_named(data, params, message):
    X, y = data
    with pytest.raises(ValueError, match=message):
        DeepEnsembleRegressor(SeedShift(), **params).fit(X[:, :2], y)


@pytest.mark.parametrize("n_jobs", [0, True])
def test_classifier_n_jobs_is_checked_before_joblib(n_jobs):
    from sklearn.linear_model import LogisticRegression

    from skmat.models import DeepEnsembleClassifier

    with pytest.raises(ValueError, match="'n_jobs' parameter of DeepEnsembleClassifier"):
        DeepEnsembleClassifier(LogisticRegression(), n_jobs=n_jobs).fit(np.zeros((4, 2)), [0, 1, 0, 1])


def calibration_rows(n_rows, n_estimators, fraction=0.2, random_state=0):
    """The rows ``calibration="holdout"`` keeps out of the members' fits (as ``fit`` draws them)."""
    from skmat.models._ensemble import member_seeds

    _, rng = member_seeds(random_state, n_estimators)
    return np.sort(rng.permutation(n_rows)[: int(np.ceil(fraction * n_rows))])


@pytest.mark.parametrize("bad, text", [(np.nan, "NaN"), (np.inf, r"an infinite value \(inf\)")])
def test_a_bad_target_in_a_calibration_row_is_named(bad, text):
    X, y = synthetic(50, (1.0,), 0)
    row = int(calibration_rows(50, 2)[0])  # a row no member fits on: their own checks never see it
    y[row] = bad
    with pytest.raises(ValueError, match=f"DeepEnsembleRegressor: y contains {text} at row {row};"):
        DeepEnsembleRegressor(SeedShift(), n_estimators=2, calibration="holdout", random_state=0).fit(X, y)


@pytest.mark.parametrize("resample", ["bootstrap", "folds"])
def test_a_bad_target_is_named_by_the_users_row_not_a_resampled_one(resample):
    rng = np.random.default_rng(0)
    X = rng.random((20, 16))
    y = X[:, :4].sum(axis=1)
    y[17] = np.nan
    with pytest.raises(ValueError, match="y contains NaN at row 17;"):
        DeepEnsembleRegressor(tiny_regressor(max_epochs=1, random_state=0), n_estimators=2, resample=resample,
                              random_state=0).fit(X, y)


def test_complex_targets_are_refused_by_the_ensemble():
    X, y = synthetic(20, (1.0,), 0)
    with pytest.raises(ValueError, match="complex values.*at row 4"):
        DeepEnsembleRegressor(SeedShift(), n_estimators=2).fit(X, y + 1j * (np.arange(20) == 4))


def test_return_std_of_a_single_member_is_refused():
    X, y = synthetic(20, (1.0,), 0)
    ensemble = DeepEnsembleRegressor(SeedShift(), n_estimators=1, random_state=0).fit(X, y)
    np.testing.assert_array_equal(ensemble.predict(X), ensemble.estimators_[0].predict(X))
    with pytest.raises(ValueError, match="return_std=True needs the spread of at least 2 members.*n_estimators=1"):
        ensemble.predict(X, return_std=True)


@pytest.mark.parametrize("labels, message", [
    (np.array(["a", "b"] * 10, dtype=object), r"missing label \(None\) at row 13"),
    (np.array([0.0, 1.0] * 10), r"missing label \(nan\) at row 13"),
])
def test_classifier_ensemble_names_a_missing_label_by_the_users_row(labels, message):
    labels[13] = None if labels.dtype == object else np.nan
    X = np.random.default_rng(0).random((20, 16))
    with pytest.raises(ValueError, match=message):
        DeepEnsembleClassifier(tiny_classifier(random_state=0), n_estimators=2, resample="bootstrap",
                               random_state=0).fit(X, labels)


def test_estimator_without_random_state_is_refused(data):
    from sklearn.linear_model import LinearRegression

    X, y = data
    with pytest.raises(ValueError, match=r"estimator=LinearRegression\(\) has no random_state parameter"):
        DeepEnsembleRegressor(LinearRegression()).fit(X, y)


def test_unfitted_ensemble_cannot_predict_or_save():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        DeepEnsembleRegressor(tiny_regressor()).predict(np.zeros((2, 16)))
    with pytest.raises(NotFittedError):
        DeepEnsembleRegressor(tiny_regressor()).save(io.BytesIO())
