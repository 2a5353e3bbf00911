"""save(path) / load(path): one file, no pickle, identical predictions in a fresh process."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.exceptions import NotFittedError

from skmat import GramianAngularFieldEncoder, PTRCNNClassifier, PTRCNNRegressor, SPTSeq2SeqRegressor
from skmat.models import CurveMLP
from skmat.models._plain_data import decode_value, encode_value
from skmat.models._persistence import write_payload

RNG = np.random.default_rng(0)
X_LINE = RNG.random((48, 16))
Y_TWO = np.column_stack([X_LINE.sum(axis=1), X_LINE[:, 0] * 3.0])


def curves(n=40, m=24, seed=1):
    rng = np.random.default_rng(seed)
    x = np.linspace(0, 1, m)
    peak = rng.uniform(500, 3000, (n, 1))
    return peak * np.sin(np.pi * x) ** 2, rng.uniform(0.4, 0.6, n)


def fitted_models():
    loads, thickness = curves()
    encoded = GramianAngularFieldEncoder(8, n_conditions=1).fit_transform(np.column_stack([loads, thickness]))
    stress = loads[:, ::3] / 10.0
    small_s2s = dict(max_epochs=2, module__hidden_size=8, module__num_layers=1, module__num_heads=2,
                     module__conv1d_channels=2, verbose=0, random_state=0)
    regressor = PTRCNNRegressor(max_epochs=2, module__n_filters=4, module__hidden_units=8, verbose=0,
                                random_state=0).fit(X_LINE, Y_TWO)
    return {
        "ptr-regressor": (regressor, X_LINE),
        "ptr-classifier": (
            PTRCNNClassifier(max_epochs=2, module__n_filters=4, module__hidden_units=8, verbose=0,
                             random_state=0).fit(X_LINE, np.where(Y_TWO[:, 0] > 8, "high", "low")),
            X_LINE,
        ),
        "ptr-transfer": (
            PTRCNNClassifier.from_regressor(regressor, freeze_features=True, max_epochs=1, verbose=0,
                                            random_state=0).fit(X_LINE, Y_TWO[:, 0] > 8),
            X_LINE,
        ),
        "spt-gaf-conditions": (SPTSeq2SeqRegressor(**small_s2s).fit(encoded, stress), encoded),
        "spt-mlp-bare": (
            SPTSeq2SeqRegressor(module=CurveMLP, module__hidden_sizes=(8,), max_epochs=2, verbose=0,
                                random_state=0).fit(loads, stress),
            loads,
        ),
    }


MODELS = fitted_models()


def outputs(model, X):
    return model.predict_proba(X) if hasattr(model, "classes_") else model.predict(X)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_round_trip_predicts_identically(name, tmp_path):
    model, X = MODELS[name]
    path = tmp_path / "model.pt"
    model.save(path)
    loaded = type(model).load(path)
    np.testing.assert_array_equal(outputs(loaded, X), outputs(model, X))
    assert loaded.get_params(deep=False).keys() == model.get_params(deep=False).keys()
    if hasattr(model, "classes_"):
        np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert loaded.history[:, "train_loss"] == model.history[:, "train_loss"]


@pytest.mark.parametrize("name", sorted(MODELS))
def test_file_is_plain_data(name, tmp_path):
    model, _ = MODELS[name]
    path = tmp_path / "model.pt"
    model.save(path)
    payload = torch.load(path, weights_only=True)
    assert payload["format"] == "skmat-network"
    assert payload["estimator"].endswith(type(model).__name__)
    assert set(payload["state_dict"]) == set(model.module_.state_dict())
    assert {"n_features_in_"} <= set(payload["fitted"])


def test_fresh_process_predicts_identically(tmp_path):
    model, X = MODELS["spt-gaf-conditions"]
    path = tmp_path / "model.pt"
    model.save(path)
    np.save(tmp_path / "X_sequence.npy", X["sequence"])
    np.save(tmp_path / "X_image.npy", X["image"])
    np.save(tmp_path / "X_conditions.npy", X["conditions"])
    script = textwrap.dedent(
        f"""
        import numpy as np
        from skmat import SPTSeq2SeqRegressor
        X = {{key: np.load(r"{tmp_path}/X_" + key + ".npy") for key in ("sequence", "image", "conditions")}}
        np.save(r"{tmp_path}/pred.npy", SPTSeq2SeqRegressor.load(r"{path}").predict(X))
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=300)
    np.testing.assert_array_equal(np.load(tmp_path / "pred.npy"), model.predict(X))


def test_file_objects_work():
    model, X = MODELS["ptr-regressor"]
    buffer = io.BytesIO()
    model.save(buffer)
    buffer.seek(0)
    np.testing.assert_array_equal(PTRCNNRegressor.load(buffer).predict(X), model.predict(X))


def test_loaded_model_keeps_scaling_and_frozen_layers(tmp_path):
    model, _ = MODELS["ptr-transfer"]
    model.save(tmp_path / "m.pt")
    loaded = PTRCNNClassifier.load(tmp_path / "m.pt")
    frozen = {name for name, p in loaded.module_.named_parameters() if not p.requires_grad}
    assert frozen and all(name.startswith("features.") for name in frozen)
    regressor, _ = MODELS["ptr-regressor"]
    regressor.save(tmp_path / "r.pt")
    again = PTRCNNRegressor.load(tmp_path / "r.pt")
    np.testing.assert_array_equal(again.target_offset_, regressor.target_offset_)
    assert again.input_shape_ == regressor.input_shape_


def test_load_overrides_parameters(tmp_path):
    model, X = MODELS["ptr-regressor"]
    model.save(tmp_path / "m.pt")
    loaded = PTRCNNRegressor.load(tmp_path / "m.pt", max_epochs=7, verbose=0)
    assert loaded.max_epochs == 7
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_unfitted_cannot_be_saved(tmp_path):
    with pytest.raises(NotFittedError):
        PTRCNNRegressor().save(tmp_path / "m.pt")


def test_corrupted_file_is_a_clear_error(tmp_path):
    model, _ = MODELS["ptr-regressor"]
    path = tmp_path / "m.pt"
    model.save(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="not a readable skmat model file"):
        PTRCNNRegressor.load(path)
    path.write_bytes(b"not a model at all")
    with pytest.raises(ValueError, match="not a readable skmat model file"):
        PTRCNNRegressor.load(path)


def test_foreign_file_is_a_clear_error(tmp_path):
    path = tmp_path / "weights.pt"
    torch.save(MODELS["ptr-regressor"][0].module_.state_dict(), path)
    with pytest.raises(ValueError, match="not a skmat model file"):
        PTRCNNRegressor.load(path)


def test_other_class_is_a_clear_error(tmp_path):
    MODELS["spt-mlp-bare"][0].save(tmp_path / "m.pt")
    with pytest.raises(ValueError, match="holds a SPTSeq2SeqRegressor, not a PTRCNNRegressor"):
        PTRCNNRegressor.load(tmp_path / "m.pt")


def test_pickled_code_in_the_file_is_refused(tmp_path):
    """A file carrying a pickled object (not plain data) is rejected, not executed."""
    path = tmp_path / "evil.pt"
    torch.save({"format": "skmat-network", "payload": np.random.default_rng(0)}, path)
    with pytest.raises(ValueError, match="not a readable skmat model file"):
        PTRCNNRegressor.load(path)


def test_untrusted_class_must_be_passed_again(tmp_path):
    model, X = MODELS["ptr-regressor"]
    model.save(tmp_path / "m.pt")
    payload = torch.load(tmp_path / "m.pt", weights_only=True)
    payload["params"]["criterion"] = {"__class__": "os:system"}
    del payload["content_sha256"]
    write_payload(payload, tmp_path / "m.pt")  # edited and checksummed again, as an attacker would
    with pytest.raises(ValueError, match="criterion"):
        PTRCNNRegressor.load(tmp_path / "m.pt")
    loaded = PTRCNNRegressor.load(tmp_path / "m.pt", criterion=torch.nn.SmoothL1Loss)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_unstorable_parameter_names_itself(tmp_path):
    model = PTRCNNRegressor(max_epochs=1, module__n_filters=4, verbose=0, predict_nonlinearity=lambda out: out)
    model.fit(X_LINE, Y_TWO)
    with pytest.raises(TypeError, match="predict_nonlinearity"):
        model.save(tmp_path / "m.pt")


@pytest.mark.parametrize(
    "value",
    [None, 3, 2.5, "x", (1, (2, "a")), [1.0, None], {"a": (1, 2)}, np.arange(3), np.array(["a", "bc"]),
     np.array([True, False]), torch.float32, torch.nn.MSELoss],
)
def test_encode_decode_round_trip(value):
    back = decode_value(encode_value(value))
    if isinstance(value, np.ndarray):
        np.testing.assert_array_equal(back, value)
        assert back.dtype == value.dtype
    else:
        assert back == value


# ---------------------------------------------------------------- whole pipelines


def fitted_pipelines():
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.kernel_ridge import KernelRidge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skmat import MendeleevLineEncoder, PeriodicTableEncoder

    formulas = ["Co2MnSi", "Fe2VAl", "Ni2MnGa", "Cu2MnAl", "Co2FeSi", "Fe2CrAl"] * 4
    y = np.linspace(-0.5, 0.1, len(formulas))
    loads, thickness = curves()
    small = dict(max_epochs=1, module__n_filters=4, module__hidden_units=8, verbose=0, random_state=0)
    return {
        "periodic-table": (make_pipeline(PeriodicTableEncoder(), PTRCNNRegressor(**small)).fit(formulas, y), formulas),
        "mendeleev-classifier": (
            make_pipeline(MendeleevLineEncoder(elements="all"), PTRCNNClassifier(**small)).fit(formulas, y > -0.2),
            formulas,
        ),
        "gaf-conditions": (
            make_pipeline(GramianAngularFieldEncoder(8, n_conditions=1),
                          SPTSeq2SeqRegressor(max_epochs=1, module__hidden_size=8, module__num_layers=1,
                                              module__num_heads=2, verbose=0, random_state=0)).fit(
                np.column_stack([loads, thickness]), loads[:, ::4]),
            np.column_stack([loads, thickness]),
        ),
        "krr-transformed-target": (
            make_pipeline(StandardScaler(), TransformedTargetRegressor(KernelRidge(alpha=1e-3),
                                                                       transformer=StandardScaler()))
            .fit(loads, loads[:, ::4]),
            loads,
        ),
        "scaler-mlp": (
            make_pipeline(StandardScaler(), SPTSeq2SeqRegressor(module=CurveMLP, max_epochs=1, verbose=0,
                                                                random_state=0)).fit(loads, loads[:, ::4]),
            loads,
        ),
    }


PIPELINES = fitted_pipelines()


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_pipeline_round_trip(name, tmp_path):
    from skmat import load_pipeline, save_pipeline

    pipeline, X = PIPELINES[name]
    save_pipeline(pipeline, tmp_path / "p.pt")
    assert torch.load(tmp_path / "p.pt", weights_only=True)["format"] == "skmat-pipeline"
    loaded = load_pipeline(tmp_path / "p.pt")
    assert [n for n, _ in loaded.steps] == [n for n, _ in pipeline.steps]
    method = "predict_proba" if hasattr(pipeline, "classes_") else "predict"
    np.testing.assert_array_equal(getattr(loaded, method)(X), getattr(pipeline, method)(X))


def test_pipeline_in_a_fresh_process(tmp_path):
    from skmat import save_pipeline

    pipeline, X = PIPELINES["gaf-conditions"]
    save_pipeline(pipeline, tmp_path / "p.pt")
    np.save(tmp_path / "X.npy", X)
    script = (
        "import numpy as np; from skmat import load_pipeline; "
        f"np.save(r'{tmp_path}/pred.npy', load_pipeline(r'{tmp_path}/p.pt').predict(np.load(r'{tmp_path}/X.npy')))"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=300)
    np.testing.assert_array_equal(np.load(tmp_path / "pred.npy"), pipeline.predict(X))


def test_pipeline_errors(tmp_path):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    from skmat import load_pipeline, save_pipeline

    model, _ = MODELS["ptr-regressor"]
    model.save(tmp_path / "net.pt")
    with pytest.raises(ValueError, match="not a skmat pipeline file"):
        load_pipeline(tmp_path / "net.pt")
    with pytest.raises(TypeError, match="takes a Pipeline"):
        save_pipeline(model, tmp_path / "p.pt")
    odd = make_pipeline(FunctionTransformer(lambda v: v), PTRCNNRegressor(max_epochs=1, verbose=0))
    odd.fit(X_LINE, Y_TWO)
    with pytest.raises(TypeError, match="functiontransformer"):
        save_pipeline(odd, tmp_path / "p.pt")


# ---------------------------------------------------------------- values a file cannot hold, bad paths


class _Custom(TransformerMixin, BaseEstimator):
    """A transformer of the caller's own, with one parameter and settable fitted state."""

    def __init__(self, a=1):
        self.a = a

    def fit(self, X, y=None):
        self.fitted_ = 1
        return self

    def transform(self, X):
        return X


def _custom_pipeline(a=1, **fitted):
    from sklearn.pipeline import make_pipeline

    step = _Custom(a=a).fit([[1.0]])
    for key, value in fitted.items():
        setattr(step, key, value)
    return make_pipeline(step)


def _cycle():
    items = [1]
    items.append(items)
    return items


def _self_referencing_step():
    pipeline = _custom_pipeline()
    pipeline[0].extra_ = pipeline[0]
    return pipeline


UNSTORABLE = {
    "set parameter": (lambda: _custom_pipeline(a={"Fe", "O"}), r"_custom\.a=.*set.*would be lost"),
    "frozenset parameter": (lambda: _custom_pipeline(a=frozenset({"Fe"})), r"_custom\.a=.*frozenset"),
    "object() parameter": (lambda: _custom_pipeline(a=object()), r"_custom\.a=.*bare object\(\)"),
    "complex parameter": (lambda: _custom_pipeline(a=1 + 2j), r"_custom\.a=.*complex"),
    "bytes parameter": (lambda: _custom_pipeline(a=b"Fe"), r"_custom\.a=.*bytes"),
    "set inside a parameter": (lambda: _custom_pipeline(a=[1, {"Fe"}]), r"_custom\.a\[1\]=.*set"),
    "object array parameter": (lambda: _custom_pipeline(a=np.array([object()], dtype=object)),
                               r"_custom\.a .*item \(0,\) is <object"),
    "fitted object array": (lambda: _custom_pipeline(extra_=np.array(["Fe", object()], dtype=object)),
                            r"_custom\.extra_ .*item \(1,\)"),
    "fitted array of sets": (lambda: _custom_pipeline(extra_=np.array([{"Fe"}], dtype=object)),
                             r"_custom\.extra_ .*item \(0,\) is \{'Fe'\} \(set\)"),
    "fitted bytes array": (lambda: _custom_pipeline(extra_=np.array([b"Fe"])), r"_custom\.extra_ .*dtype \|S2"),
    "fitted complex array": (lambda: _custom_pipeline(extra_=np.array([1j])), r"_custom\.extra_ .*complex128"),
    "fitted longdouble": (lambda: _custom_pipeline(extra_=np.longdouble(1)), r"_custom\.extra_=.*longdouble"),
    "fitted datetime64": (lambda: _custom_pipeline(extra_=np.datetime64(1, "ns")),
                          r"_custom\.extra_=.*datetime64\[ns\]"),
    "self-referencing list": (lambda: _custom_pipeline(extra_=_cycle()), r"_custom\.extra_\[1\] .*reference cycle"),
    "self-referencing step": (_self_referencing_step, r"_custom\.extra_ .*reference cycle"),
}


@pytest.mark.parametrize("case", sorted(UNSTORABLE))
def test_unstorable_values_are_refused_at_save_and_leave_the_file(case, tmp_path):
    from skmat import save_pipeline

    build, message = UNSTORABLE[case]
    path = tmp_path / "p.skmat"
    save_pipeline(_custom_pipeline(), path)
    before = path.read_bytes()
    with pytest.raises(TypeError, match=message):
        save_pipeline(build(), path)
    assert path.read_bytes() == before  # the good file is untouched
    with pytest.raises(TypeError, match=message):
        save_pipeline(build(), tmp_path / "new.skmat")
    assert not (tmp_path / "new.skmat").exists()


def test_storable_object_arrays_and_numpy_scalars_round_trip(tmp_path):
    from skmat import load_pipeline, save_pipeline

    fitted = {
        "names_": np.array(["Fe", None, 1, 2.5, True, np.float64(0.5)], dtype=object),
        "grid_": np.array([["Fe", "O"], ["Co", "Ni"]], dtype=object),
        "scalars_": (np.float32(1.5), np.int64(3), np.bool_(True)),
        "shared_": [[1, 2]] * 2,  # the same list twice is no cycle
    }
    save_pipeline(_custom_pipeline(a=("Fe", "O"), **fitted), tmp_path / "p.skmat")
    loaded = load_pipeline(tmp_path / "p.skmat", trusted=(_Custom,))[0]
    assert loaded.a == ("Fe", "O")
    for key in ("names_", "grid_"):
        assert loaded.__dict__[key].dtype == object
        assert loaded.__dict__[key].tolist() == fitted[key].tolist()
    assert loaded.scalars_ == (1.5, 3, True)
    assert loaded.shared_ == [[1, 2], [1, 2]]


@pytest.mark.parametrize("value", [{"Fe"}, object(), np.longdouble(1), np.array([object()], dtype=object)])
def test_encode_value_refuses_what_would_not_come_back_equal(value):
    with pytest.raises(TypeError, match="^where"):
        encode_value(value, "where")


def test_network_with_an_unstorable_fitted_attribute_is_refused(tmp_path):
    model = PTRCNNRegressor(max_epochs=1, module__n_filters=4, verbose=0).fit(X_LINE, Y_TWO)
    model.elements_ = {"Fe", "O"}
    with pytest.raises(TypeError, match=r"elements_=.*set"):
        model.save(tmp_path / "m.pt")
    assert not (tmp_path / "m.pt").exists()


def _save_network(path):
    return MODELS["ptr-regressor"][0].save(path)


def _save_pipeline(path):
    from skmat import save_pipeline

    return save_pipeline(_custom_pipeline(), path)


@pytest.mark.parametrize("save", [_save_network, _save_pipeline], ids=["network", "pipeline"])
def test_bad_save_paths_are_clear_errors_naming_the_path(save, tmp_path):
    with pytest.raises(IsADirectoryError, match=f"{tmp_path}.*is a directory"):
        save(tmp_path)
    missing = tmp_path / "missing" / "m.skmat"
    with pytest.raises(FileNotFoundError, match=f"{missing}.*directory .*missing.* does not exist"):
        save(missing)
    (tmp_path / "file").write_bytes(b"keep")
    with pytest.raises(NotADirectoryError, match="file.* is a file"):
        save(tmp_path / "file" / "m.skmat")
    assert (tmp_path / "file").read_bytes() == b"keep"
    with pytest.raises(TypeError, match="Cannot save to 3: .*got int"):
        save(3)
    buffer = io.BytesIO()
    assert save(buffer) is buffer and buffer.getvalue()  # file objects are still written to
    assert save(str(tmp_path / "ok.skmat")) == str(tmp_path / "ok.skmat")


def test_write_payload_checks_the_path_before_writing(tmp_path):
    with pytest.raises(IsADirectoryError, match="is a directory"):
        write_payload({"format": "x"}, tmp_path)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        write_payload({"format": "x"}, tmp_path / "missing" / "p.pt")
