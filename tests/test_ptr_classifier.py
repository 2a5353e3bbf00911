"""PTRCNNClassifier: labels, probabilities, transfer from a regressor, sklearn integration."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.pipeline import Pipeline

from skmat import PeriodicTableEncoder, PTRCNNClassifier, PTRCNNRegressor
from skmat.datasets import load_mp_heusler_stability, load_oqmd_heusler
from skmat.models import PTRCNN, PretrainedPTRCNN, pretrained_network

SMALL = dict(module__n_filters=4, module__hidden_units=8)


@pytest.fixture(scope="module")
def regression_images():
    X, y = load_oqmd_heusler(subset="paper", outliers="drop", return_X_y=True)
    index = np.random.default_rng(0).permutation(len(X))[:300]
    return PeriodicTableEncoder().fit_transform(X[index]), y[index]


@pytest.fixture(scope="module")
def regressor(regression_images):
    images, y = regression_images
    return PTRCNNRegressor(max_epochs=3, random_state=0, **SMALL).fit(images, y)


@pytest.fixture(scope="module")
def stability():
    frame = load_mp_heusler_stability().frame
    from skmat.encoders import periodic_table_layout

    cells = set(periodic_table_layout("paper").elements)
    frame = frame[frame[["X", "Y", "Z"]].isin(cells).all(axis=1)].iloc[:240]
    images = PeriodicTableEncoder().fit_transform(frame["formula"].to_numpy(object))
    return images, frame["stable"].to_numpy(bool)


def tiny(**params):
    return PTRCNNClassifier(**{"max_epochs": 2, "random_state": 0, **SMALL, **params})


def test_bool_labels(stability):
    images, y = stability
    model = tiny().fit(images, y)
    np.testing.assert_array_equal(model.classes_, [False, True])
    proba = model.predict_proba(images)
    assert proba.shape == (len(y), 2) and proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    predicted = model.predict(images)
    assert predicted.dtype == bool
    np.testing.assert_array_equal(predicted, model.classes_[proba.argmax(axis=1)])


def test_string_and_multiclass_labels(stability):
    images, y = stability
    labels = np.array(["unstable", "stable", "maybe"], dtype=object)[np.arange(len(y)) % 3]
    model = tiny().fit(images, labels)
    assert list(model.classes_) == ["maybe", "stable", "unstable"]
    assert model.predict_proba(images).shape == (len(y), 3)
    assert set(model.predict(images)) <= set(labels)


def test_learns_a_separable_label(regression_images):
    images, _ = regression_images
    label = (images[:, 0, 2, :] > 0).any(axis=1)  # "has a period-4 element": visible in the image
    assert 0.3 < label.mean() < 0.8
    model = PTRCNNClassifier(max_epochs=15, lr=1e-2, random_state=0, **SMALL).fit(images, label)
    assert (model.predict(images) == label).mean() > 0.9


def test_random_state_is_reproducible(stability):
    images, y = stability
    first = tiny(random_state=3).fit(images, y).predict_proba(images)
    second = tiny(random_state=3).fit(images, y).predict_proba(images)
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(first, tiny(random_state=4).fit(images, y).predict_proba(images))


def test_one_class_raises(stability):
    images, _ = stability
    with pytest.raises(ValueError, match="only one class"):
        tiny().fit(images, np.ones(len(images), bool))


def test_continuous_labels_raise(stability):
    images, _ = stability
    with pytest.raises(ValueError, match="Unknown label type"):
        tiny().fit(images, np.linspace(0, 1, len(images)))


def test_unfitted_raises(stability):
    images, _ = stability
    with pytest.raises(NotFittedError):
        tiny().predict(images)


def test_string_input_is_rejected_with_a_hint():
    with pytest.raises(ValueError, match="encode formulas first"):
        tiny().fit(np.array(["Co2MnSi", "Fe2TiAl"], dtype=object), [0, 1])


def test_nan_row_is_named(stability):
    images, y = stability
    images = images.copy()
    images[7, 0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="row 7"):
        tiny().fit(images, y)


def test_wrong_shape_at_predict(stability):
    images, y = stability
    model = tiny().fit(images, y)
    with pytest.raises(ValueError, match="expecting 80 features"):
        model.predict(np.zeros((2, 1, 9, 18), np.float32))


def label_images(n=60):
    return np.random.default_rng(0).random((n, 16))


@pytest.mark.parametrize("labels, message", [
    (["a"] * 30 + [None] + ["b"] * 29, r"y has a missing label \(None\) at row 30"),
    ([0.0] * 30 + [np.nan] + [1.0] * 29, r"y has a missing label \(nan\) at row 30"),
    (np.array(["a"] * 31 + [np.nan] + ["b"] * 28, dtype=object), r"missing label \(nan\) at row 31"),
    (["a"] * 30 + [3] + ["b"] * 29, r"y mixes kinds of labels: 'a' \(string\) at row 0 but 3 \(number\) at row 30"),
    (np.array([1] * 30 + ["b"] * 30, dtype=object), r"1 \(number\) at row 0 but 'b' \(string\) at row 30"),
])
def test_bad_labels_name_their_row(labels, message):
    with pytest.raises(ValueError, match=message):
        tiny(verbose=0).fit(label_images(), labels)


def test_bad_classes_of_partial_fit_are_named():
    with pytest.raises(ValueError, match=r"classes has a missing label \(None\) at row 2"):
        tiny(verbose=0).partial_fit(label_images(), ["a", "b"] * 30, classes=["a", "b", None])


def test_labels_of_one_kind_still_fit():
    X = label_images()
    assert tiny(verbose=0, max_epochs=1).fit(X, [0] * 30 + [1.0] * 30).classes_.tolist() == [0.0, 1.0]
    objects = np.array(["a", "b"] * 30, dtype=object)
    assert tiny(verbose=0, max_epochs=1).fit(X, objects).classes_.tolist() == ["a", "b"]


@pytest.mark.parametrize("params, message", [
    ({"max_epochs": 0}, "'max_epochs' parameter of PTRCNNClassifier.*Got 0"),
    ({"lr": -1}, "'lr' parameter of PTRCNNClassifier.*Got -1"),
    ({"batch_size": 0}, "'batch_size' parameter of PTRCNNClassifier.*Got 0"),
    ({"module__hidden_units": -3}, "'module__hidden_units' parameter of PTRCNNClassifier.*Got -3"),
])
def test_network_hyperparameters_are_validated_at_fit(params, message):
    with pytest.raises(ValueError, match=message):
        tiny(verbose=0, **params).fit(label_images(), ["a", "b"] * 30)


@pytest.mark.parametrize("param, value", [("transfer", "everything"), ("freeze_features", "yes")])
def test_invalid_params(stability, param, value):
    images, y = stability
    with pytest.raises(ValueError, match=param):
        tiny(**{param: value}).fit(images, y)


# -- transfer -------------------------------------------------------------------


def test_transfer_copies_every_layer_but_the_output(regressor, stability):
    images, y = stability
    model = PTRCNNClassifier.from_regressor(regressor, max_epochs=1, lr=0.0, random_state=0).fit(images, y)
    source = regressor.module_.state_dict()
    target = model.module_.state_dict()
    output = "predictor.7."  # Dropout, Linear, ReLU, Dropout, Linear, ReLU, Dropout, Linear
    assert model.transferred_ == sorted(name for name in source if not name.startswith(output))
    for name in model.transferred_:
        torch.testing.assert_close(target[name], source[name])
    assert target[output + "weight"].shape == (2, 8)


def test_transfer_features_only(regressor, stability):
    images, y = stability
    model = PTRCNNClassifier.from_regressor(
        regressor, transfer="features", max_epochs=1, lr=0.0, random_state=0
    ).fit(images, y)
    assert model.transferred_ and all(name.startswith("features.") for name in model.transferred_)
    torch.testing.assert_close(model.module_.features[0].weight, regressor.module_.features[0].weight)
    assert not torch.equal(model.module_.predictor[1].weight, regressor.module_.predictor[1].weight)


def test_freeze_features_keeps_the_convolutions(regressor, stability):
    images, y = stability
    model = PTRCNNClassifier.from_regressor(
        regressor, freeze_features=True, max_epochs=3, lr=1e-2, random_state=0
    ).fit(images, y)
    for mine, theirs in zip(model.module_.features.parameters(), regressor.module_.features.parameters()):
        torch.testing.assert_close(mine, theirs)
    assert not torch.equal(model.module_.predictor[1].weight, regressor.module_.predictor[1].weight)


def test_fine_tuning_changes_the_copy_not_the_regressor(regressor, stability):
    images, y = stability
    before = {k: v.clone() for k, v in regressor.module_.state_dict().items()}
    model = PTRCNNClassifier.from_regressor(regressor, max_epochs=3, lr=1e-2, random_state=0).fit(images, y)
    assert not torch.equal(model.module_.features[0].weight, before["features.0.weight"])
    for name, value in regressor.module_.state_dict().items():
        torch.testing.assert_close(value, before[name])


def test_from_pipeline_and_network(regressor, regression_images):
    images, y = regression_images
    pipeline = Pipeline([("encode", PeriodicTableEncoder()), ("model", clone(regressor))])
    X, _ = load_oqmd_heusler(subset="paper", return_X_y=True)
    pipeline.fit(X[:100], y[:100])
    assert isinstance(pretrained_network(pipeline), PretrainedPTRCNN)
    weights = pretrained_network(regressor.module_)
    rebuilt = weights.build()
    assert isinstance(rebuilt, PTRCNN) and weights.in_shape == (1, 5, 16)
    torch.testing.assert_close(rebuilt(torch.as_tensor(images[:4])), regressor.module_(torch.as_tensor(images[:4])))


def test_unfitted_regressor_is_refused_with_the_reason():
    with pytest.raises(ValueError, match="sklearn.clone resets"):
        PTRCNNClassifier.from_regressor(PTRCNNRegressor())


def test_a_bare_network_is_refused_with_what_to_pass(regressor):
    with pytest.raises(TypeError, match="pretrained_network"):
        PTRCNNClassifier(pretrained=regressor.module_)
    assert PTRCNNClassifier(pretrained=pretrained_network(regressor.module_)).pretrained.in_shape == (1, 5, 16)


def test_image_shape_mismatch(regressor):
    images = np.zeros((4, 1, 9, 18), np.float32)
    model = PTRCNNClassifier.from_regressor(regressor, max_epochs=1)
    with pytest.raises(ValueError, match=r"reads images of shape \(1, 5, 16\)"):
        model.fit(images, [0, 1, 0, 1])


def test_contradicting_architecture(regressor, stability):
    images, y = stability
    model = PTRCNNClassifier.from_regressor(regressor, max_epochs=1, module__n_filters=6)
    with pytest.raises(ValueError, match="does not match"):
        model.fit(images, y)


def test_clone_keeps_the_weights_and_cross_validate_works(regressor, regression_images):
    images, _ = regression_images
    label = (images[:, 0, 2, :] > 0).any(axis=1)  # "has a period-4 element", as in test_learns_a_separable_label
    model = PTRCNNClassifier.from_regressor(regressor, max_epochs=15, lr=1e-2, random_state=0)
    copy = clone(model)
    assert isinstance(copy.pretrained, PretrainedPTRCNN)
    for name, weights in model.pretrained.state_dict.items():
        torch.testing.assert_close(copy.pretrained.state_dict[name], weights)
    scores = cross_validate(copy, images, label, cv=StratifiedKFold(3), scoring="roc_auc")
    # Held-out folds: 0.98-1.0 for random_state 0-4; chance is 0.5.
    assert scores["test_score"].min() > 0.95, scores["test_score"]


def test_pipeline_on_formulas_and_pickle(regressor):
    frame = load_mp_heusler_stability().frame
    from skmat.encoders import periodic_table_layout

    cells = set(periodic_table_layout("paper").elements)
    frame = frame[frame[["X", "Y", "Z"]].isin(cells).all(axis=1)].iloc[:120]
    X, y = frame["formula"].to_numpy(object), frame["stable"].to_numpy()
    X_before = X.copy()
    pipeline = Pipeline(
        [("encode", PeriodicTableEncoder()), ("model", PTRCNNClassifier.from_regressor(regressor, max_epochs=2, random_state=0))]
    ).fit(X, y)
    np.testing.assert_array_equal(X, X_before)
    restored = pickle.loads(pickle.dumps(pipeline))
    np.testing.assert_allclose(restored.predict_proba(X), pipeline.predict_proba(X))


def test_partial_fit_continues(stability):
    images, y = stability
    model = tiny(max_epochs=1)
    model.partial_fit(images[:100], y[:100], classes=[False, True])
    first = model.module_.features[0].weight.detach().clone()
    model.partial_fit(images[100:], y[100:])
    assert not torch.equal(first, model.module_.features[0].weight)
    with pytest.raises(ValueError, match="not among the classes"):
        model.partial_fit(images[:3], np.array([2, 2, 2]))


def test_warm_start_keeps_training(stability):
    images, y = stability
    model = tiny(max_epochs=1, warm_start=True).fit(images, y)
    model.fit(images, y)
    assert len(model.history) == 2


def test_a_classifier_fit_that_collapses_to_a_constant_warns():
    X = np.ones((30, 1, 5, 16), dtype=np.float32)
    y = np.arange(30) % 2 == 0
    with pytest.warns(UserWarning, match="PTRCNNClassifier gives the same output"):
        PTRCNNClassifier(max_epochs=1, module__n_filters=4, random_state=0, verbose=0).fit(X, y)


# -- one network base: freeze_features as on the regressor, transfer in both directions ------------------------


def test_freeze_features_takes_submodule_names_as_on_the_regressor(regressor, stability):
    images, y = stability
    model = PTRCNNClassifier.from_regressor(
        regressor, freeze_features=["predictor"], max_epochs=2, lr=1e-2, random_state=0
    ).fit(images, y)
    assert model.frozen_parameters_ and all(name.startswith("predictor.") for name in model.frozen_parameters_)
    torch.testing.assert_close(model.module_.predictor[1].weight, regressor.module_.predictor[1].weight)
    assert not torch.equal(model.module_.features[0].weight, regressor.module_.features[0].weight)
    with pytest.raises(ValueError, match=r"freeze_features names \['conv'\], which are not submodules of PTRCNN"):
        PTRCNNClassifier.from_regressor(regressor, freeze_features="conv", max_epochs=1).fit(images, y)
    with pytest.raises(ValueError, match=r"'freeze_features' parameter of PTRCNNClassifier must be .* Got 3"):
        tiny(freeze_features=3).fit(images, y)


def test_freeze_features_without_pretrained_is_ignored_as_before(stability):
    images, y = stability
    model = tiny(freeze_features=True).fit(images, y)
    assert model.frozen_parameters_ == []
    assert all(parameter.requires_grad for parameter in model.module_.parameters())


def test_a_regressor_starts_from_a_fitted_classifier(stability):
    images, y = stability
    classifier = tiny().fit(images, y)
    weights = pretrained_network(classifier)
    assert isinstance(weights, PretrainedPTRCNN) and weights.hparams["n_outputs"] == 2
    target = images.reshape(len(images), -1).sum(axis=1)
    regressor = PTRCNNRegressor.from_regressor(classifier, max_epochs=1, lr=0.0, random_state=0, verbose=0)
    regressor.fit(images, target)
    source = classifier.module_.state_dict()
    assert regressor.transferred_ == sorted(name for name in source if not name.startswith("predictor.7."))
    assert regressor.module_.predictor[7].weight.shape == (1, 8)


def test_invalid_transfer_names_the_parameter_and_the_choices(stability):
    images, y = stability
    with pytest.raises(ValueError, match=r"'transfer' parameter of PTRCNNClassifier must be a str among"):
        tiny(transfer="everything").fit(images, y)
