"""Saved files cannot be turned against the user: no code runs on load, corruption is refused, not mispredicted.

An attacker can write any file that ``torch.load(weights_only=True)``
accepts and store the right checksum in it; these tests do exactly that
(:func:`resigned`) and check that loading raises a ``ValueError`` naming the
place, and that the command the file asks for never runs.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch
from sklearn.compose import TransformedTargetRegressor
from sklearn.kernel_ridge import KernelRidge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from skmat import CorruptFileError, PeriodicTableEncoder, PTRCNNRegressor, SPTSeq2SeqRegressor
from skmat.models import PTRCNNClassifier, allowed_names, load_pipeline, save_pipeline
from skmat.models._persistence import FORMAT_VERSION, write_payload

FORMULAS = ["Co2MnSi", "Fe2VAl", "Ni2MnGa", "Cu2MnAl", "Co2FeSi", "Fe2CrAl"] * 4
Y = np.linspace(-0.5, 0.1, len(FORMULAS))
SMALL = dict(max_epochs=2, module__n_filters=4, module__hidden_units=8, verbose=0, random_state=0)
FORMAT_1 = Path(__file__).parent / "data" / "format_v1"


@pytest.fixture(scope="module")
def pipeline():
    return make_pipeline(PeriodicTableEncoder(), PTRCNNRegressor(**SMALL)).fit(FORMULAS, Y)


@pytest.fixture(scope="module")
def saved(pipeline):
    buffer = io.BytesIO()
    save_pipeline(pipeline, buffer)
    return buffer.getvalue()


def read(data):
    return torch.load(io.BytesIO(data), weights_only=True)


def resigned(payload, path):
    """Write an edited payload with a valid checksum, as an attacker who read the format would."""
    payload = dict(payload)
    payload.pop("content_sha256", None)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20_000))  # torch.save recurses into nested lists; loading must not
    try:
        write_payload(payload, path)
    finally:
        sys.setrecursionlimit(limit)
    return path


# ------------------------------------------------------------------ code execution


def attacks(marker_file):
    """Entries that would run ``touch marker_file`` (or import/call something) if loading resolved them."""
    command = {"command": f"touch {marker_file}"}
    return {
        "torch-os-system": {"__object__": "torch:os.system", "params": command},
        "numpy-os-system": {"__object__": "numpy:os.system", "params": command},
        "sklearn-path": {"__object__": "sklearn.utils:_joblib.os.system", "params": command},
        "skorch-path": {"__object__": "skorch:utils.os.system", "params": command},
        "os-system": {"__object__": "os:system", "params": command},
        "nested-attribute": {"__object__": "torch.nn.modules.loss:torch.os.system", "params": command},
        "public-style-function": {"__object__": "os.system", "params": command},
        "function-not-class": {"__class__": "torch:save"},
        "function-marker": {"__function__": "builtins:exec"},
        "numpy-load": {"__function__": "numpy:load"},
        "allowed-module-wrong-place": {"__object__": "skorch.callbacks.Checkpoint", "params": {"dirname": "/tmp"}},
        "unknown-named-value": {"__named__": "os.system"},
        "dtype-attribute": {"__dtype__": "save"},
        "two-markers": {"__class__": "torch.nn.MSELoss", "__object__": "os:system", "params": command},
    }


def places(payload_pipeline, evil):
    """Each decoded place of a pipeline file, with ``evil`` put there; (name, payload, place word)."""
    def edit(fn):
        payload = {**payload_pipeline, "steps": [dict(step) for step in payload_pipeline["steps"]]}
        network = dict(payload["steps"][1]["payload"])
        payload["steps"][1]["payload"] = network
        network["params"] = dict(network["params"])
        network["fitted"] = dict(network["fitted"])
        network["history"] = list(network["history"])
        payload["steps"][0]["object"] = dict(payload["steps"][0]["object"])
        payload["steps"][0]["object"]["params"] = dict(payload["steps"][0]["object"]["params"])
        payload["steps"][0]["fitted"] = dict(payload["steps"][0]["fitted"])
        fn(payload, network)
        return payload

    def param(p, n):
        n["params"]["lr"] = evil

    def fitted(p, n):
        n["fitted"]["target_offset_"] = evil

    def history(p, n):
        n["history"][0] = {"__dict__": {"epoch": 1, "train_loss": evil}}

    def callbacks(p, n):
        n["params"]["callbacks"] = [evil]

    def step_object(p, n):
        p["steps"][0]["object"] = evil

    def step_param(p, n):
        p["steps"][0]["object"]["params"]["layout"] = evil

    def step_fitted(p, n):
        p["steps"][0]["fitted"]["layout_"] = evil

    def estimator_name(p, n):
        n["estimator"] = evil.get("__object__") or evil.get("__class__") or "os:system"

    return [
        ("network parameter", edit(param), "lr"),
        ("network fitted attribute", edit(fitted), "target_offset_"),
        ("history", edit(history), "history"),
        ("callbacks", edit(callbacks), "callbacks"),
        ("pipeline step", edit(step_object), "periodictableencoder"),
        ("step parameter", edit(step_param), "layout"),
        ("step fitted attribute", edit(step_fitted), "periodictableencoder.layout_"),
        ("network class", edit(estimator_name), "step 'ptrcnnregressor'"),
    ]


def test_the_reported_exploit_runs_nothing(tmp_path):
    """The exploit of the report: a stored parameter naming ``torch:os.system``."""
    marker = tmp_path / "pwned"
    net = PTRCNNRegressor(**SMALL).fit(np.random.default_rng(0).random((24, 16)), Y)
    net.save(tmp_path / "net.pt")
    payload = torch.load(tmp_path / "net.pt", weights_only=True)
    payload["params"]["lr"] = {"__object__": "torch:os.system", "params": {"command": f"touch {marker}"}}
    torch.save(payload, tmp_path / "edited.pt")  # checksum left stale: refused before anything is decoded
    with pytest.raises(ValueError, match="checksum"):
        PTRCNNRegressor.load(tmp_path / "edited.pt")
    resigned(payload, tmp_path / "evil.pt")
    with pytest.raises(ValueError, match=r"'torch:os.system' for lr, which is not a class skmat loads"):
        PTRCNNRegressor.load(tmp_path / "evil.pt")
    assert not marker.exists()


@pytest.mark.parametrize("attack", sorted(attacks("x")))
def test_no_attack_runs_code_at_any_place(attack, saved, tmp_path):
    marker = tmp_path / "pwned"
    evil = attacks(marker)[attack]
    for place, payload, word in places(read(saved), evil):
        path = resigned(payload, tmp_path / "evil.pt")
        with pytest.raises(ValueError) as error:
            load_pipeline(path)
        assert word in str(error.value), (place, str(error.value))
        assert not marker.exists(), place


def test_single_network_file_places(tmp_path):
    """The same attacks in a network file: parameters, fitted attributes, history, class name."""
    marker = tmp_path / "pwned"
    evil = attacks(marker)["torch-os-system"]
    net = PTRCNNRegressor(**SMALL).fit(np.random.default_rng(0).random((24, 16)), Y)
    net.save(tmp_path / "net.pt")
    clean = torch.load(tmp_path / "net.pt", weights_only=True)
    edits = {
        "optimizer": lambda p: p["params"].__setitem__("optimizer", evil),
        "input_shape_": lambda p: p["fitted"].__setitem__("input_shape_", evil),
        "history": lambda p: p.__setitem__("history", [evil]),
        "estimator": lambda p: p.__setitem__("estimator", "torch:os.system"),
        "callbacks__print_log": lambda p: p["params"].__setitem__("callbacks__print_log", evil),
    }
    for word, edit in edits.items():
        payload = torch.load(tmp_path / "net.pt", weights_only=True)
        edit(payload)
        with pytest.raises(ValueError, match=word if word != "input_shape_" else "input_shape_"):
            PTRCNNRegressor.load(resigned(payload, tmp_path / "evil.pt"))
        assert not marker.exists()
    assert clean["estimator"] == "skmat.PTRCNNRegressor"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("criterion", {"__class__": "torch.optim.Adam"}, "not a module class"),
        ("optimizer", {"__class__": "torch.nn.MSELoss"}, "not a optimizer class"),
        ("callbacks", [{"__object__": "sklearn.preprocessing.StandardScaler", "params": {}}], "not a skorch callback"),
        ("callbacks__lr_schedule", {"__object__": "skorch.callbacks.LRScheduler",
                                    "params": {"policy": "sys"}}, "not a class skmat loads"),
        ("iterator_train", {"__class__": "skmat.models.PTRCNN"}, "not a data_loader class"),
        ("torch_load_kwargs", {"__dict__": {"weights_only": False}}, "weights_only=True"),
    ],
)
def test_allowed_classes_of_the_wrong_kind_are_refused(key, value, message, tmp_path):
    net = PTRCNNRegressor(**SMALL).fit(np.random.default_rng(0).random((24, 16)), Y)
    net.save(tmp_path / "net.pt")
    payload = torch.load(tmp_path / "net.pt", weights_only=True)
    payload["params"][key] = value
    with pytest.raises(ValueError, match=message):
        PTRCNNRegressor.load(resigned(payload, tmp_path / "evil.pt"))


def test_a_file_cannot_choose_a_cache_folder_or_set_computed_attributes(saved, tmp_path):
    payload = read(saved)
    payload["steps"][0]["object"]["params"]["memory"] = "/tmp/cache"  # not a PeriodicTableEncoder parameter
    with pytest.raises(ValueError, match="encode"):
        load_pipeline(resigned(payload, tmp_path / "a.pt"))
    payload = read(saved)
    payload["steps"][0]["fitted"]["__class__"] = {"__class__": "skmat.SPTSeq2SeqRegressor"}
    with pytest.raises(ValueError, match="not a plain attribute name"):
        load_pipeline(resigned(payload, tmp_path / "b.pt"))
    inner = make_pipeline(StandardScaler())
    inner.fit(np.eye(3))
    outer = make_pipeline(FunctionTransformer(), StandardScaler()).fit(np.eye(3))
    buffer = io.BytesIO()
    save_pipeline(outer, buffer)
    payload = read(buffer.getvalue())
    payload["steps"][0]["object"] = {"__object__": "sklearn.pipeline.Pipeline",
                                     "params": {"steps": [{"__tuple__": ["s", payload["steps"][1]["object"]]}],
                                                "memory": "/tmp/attacker-cache", "transform_input": None,
                                                "verbose": False}}
    with pytest.raises(ValueError, match="memory='/tmp/attacker-cache'"):
        load_pipeline(resigned(payload, tmp_path / "c.pt"))


def test_functions_are_not_saved():
    model = make_pipeline(FunctionTransformer(np.log1p), StandardScaler()).fit(np.eye(3) + 1)
    with pytest.raises(TypeError, match="holds no functions"):
        save_pipeline(model, io.BytesIO())


def test_library_default_functions_round_trip_as_named_values(tmp_path):
    """EarlyStopping's ``sink=print`` and EpochScoring's ``target_extractor`` are stored by name."""
    from skorch.callbacks import EarlyStopping, EpochScoring

    X = np.random.default_rng(0).random((40, 16))
    net = PTRCNNRegressor(**SMALL, callbacks=[("stop", EarlyStopping(monitor="train_loss", patience=3)),
                                              ("r2", EpochScoring("r2", lower_is_better=False))])
    net.fit(X, np.arange(40.0))
    net.save(tmp_path / "net.pt")
    loaded = PTRCNNRegressor.load(tmp_path / "net.pt")
    assert loaded.callbacks[0][1].sink is print
    np.testing.assert_array_equal(loaded.predict(X), net.predict(X))


class _OwnMLP(torch.nn.Module):
    def __init__(self, sequence_length=8, n_outputs=2):
        super().__init__()
        self.linear = torch.nn.Linear(sequence_length, n_outputs)

    def forward(self, sequence):
        return self.linear(sequence)


def test_own_classes_load_only_when_trusted(tmp_path):
    X = np.random.default_rng(0).random((30, 8))
    net = SPTSeq2SeqRegressor(module=_OwnMLP, max_epochs=2, verbose=0, random_state=0).fit(X, X[:, :2])
    net.save(tmp_path / "own.pt")
    with pytest.raises(ValueError, match=r"_OwnMLP' for module.*trusted=\[YourClass\]"):
        SPTSeq2SeqRegressor.load(tmp_path / "own.pt")
    loaded = SPTSeq2SeqRegressor.load(tmp_path / "own.pt", trusted=[_OwnMLP])
    np.testing.assert_array_equal(loaded.predict(X), net.predict(X))


def test_allow_list_holds_only_classes_of_their_kind():
    from skmat.models._allowed_classes import KINDS, resolve_class

    for kind in KINDS:
        for name in allowed_names(kind):
            cls = resolve_class(name, "test", kind=kind)
            assert isinstance(cls, type), name
            assert cls.__module__.split(".")[0] == name.split(".")[0], name
    for refused in ("skorch.callbacks.Checkpoint", "skorch.callbacks.LoadInitState", "skorch.callbacks.TensorBoard",
                    "torch.load", "numpy.load", "sklearn.utils.Bunch"):
        assert refused not in allowed_names()


# ------------------------------------------------------------------ corruption


def test_every_bit_flip_is_refused_or_changes_nothing(pipeline, saved):
    """300 single-bit flips of a saved pipeline: each raises ValueError or predicts bit-identically."""
    reference = pipeline.predict(FORMULAS)
    rng = np.random.default_rng(20261205)
    outcomes = {"refused": 0, "identical": 0}
    for position in rng.choice(len(saved) * 8, size=300, replace=False):
        data = bytearray(saved)
        data[position // 8] ^= 1 << int(position % 8)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # a flip must not turn the file into an unchecked one
                predicted = load_pipeline(io.BytesIO(bytes(data))).predict(FORMULAS)
        except ValueError:
            outcomes["refused"] += 1
            continue
        np.testing.assert_array_equal(predicted, reference, err_msg=f"bit {position} changed the predictions")
        outcomes["identical"] += 1
    assert outcomes["refused"] > 100, outcomes  # the weights and the structure are most of the file


def test_stale_checksum_is_refused(saved, tmp_path):
    payload = read(saved)
    payload["steps"][1]["payload"]["fitted"]["target_offset_"] = {"__ndarray__": torch.tensor([5.0])}
    path = tmp_path / "edited.pt"
    torch.save(payload, path)
    with pytest.raises(CorruptFileError, match="does not match the checksum"):
        load_pipeline(path)


def _nested(depth):
    value = 1
    for _ in range(depth):
        value = [value]
    return value


def _malformed(saved):
    def edited(fn):
        payload = read(saved)
        fn(payload)
        return payload

    network = lambda p: p["steps"][1]["payload"]  # noqa: E731
    return {
        "no steps": (edited(lambda p: p.pop("steps")), "no 'steps' entry"),
        "steps not a list": (edited(lambda p: p.__setitem__("steps", {"a": 1})), "not a list"),
        "no steps at all": (edited(lambda p: p.__setitem__("steps", [])), "without steps"),
        "version as text": (edited(lambda p: p.__setitem__("format_version", "2")), "format_version='2'"),
        "version zero": (edited(lambda p: p.__setitem__("format_version", 0)), "format_version=0"),
        "newer version": (edited(lambda p: p.__setitem__("format_version", 99)), "newer"),
        "unknown step kind": (edited(lambda p: p["steps"][0].__setitem__("kind", "shell")), "has kind 'shell'"),
        "repeated step name": (edited(lambda p: p["steps"][1].__setitem__("name", p["steps"][0]["name"])), "repeated"),
        "step not a dict": (edited(lambda p: p["steps"].__setitem__(0, "encode")), "not a step entry"),
        "step is a class": (edited(lambda p: p["steps"][0].__setitem__(
            "object", {"__class__": "sklearn.preprocessing.StandardScaler"})), "not a fitted estimator"),
        "deeply nested": (edited(lambda p: network(p)["params"].__setitem__("lr", _nested(3000))),
                          "not a valid PTRCNNRegressor file: RecursionError"),
        "class swapped": (edited(lambda p: network(p).__setitem__("estimator", "skmat.SPTSeq2SeqRegressor")),
                          "lacks the fitted attributes"),
        "classifier for regressor": (edited(lambda p: network(p).__setitem__("estimator", "skmat.PTRCNNClassifier")),
                                     "lacks the fitted attributes"),
        "NaN weight": (edited(lambda p: next(iter(network(p)["state_dict"].values())).view(-1).__setitem__(
            0, float("nan"))), "holds NaN or infinity"),
        "inf scaling": (edited(lambda p: network(p)["fitted"].__setitem__(
            "target_scale_", {"__ndarray__": torch.tensor([np.inf])})), "target_scale_"),
        "weight not a tensor": (edited(lambda p: network(p)["state_dict"].__setitem__(
            next(iter(network(p)["state_dict"])), [1.0])), "not a tensor"),
        "missing weight": (edited(lambda p: network(p)["state_dict"].pop(next(iter(network(p)["state_dict"])))),
                           "do not fit the rebuilt network"),
        "no history": (edited(lambda p: network(p).pop("history")), "no 'history' entry"),
        "unknown parameter": (edited(lambda p: network(p)["params"].__setitem__("no_such_parameter", 1)),
                              "no_such_parameter"),
        "private attribute": (edited(lambda p: network(p)["fitted"].__setitem__("_lock", 1)), "_lock"),
        "set a set": (edited(lambda p: network(p)["params"].__setitem__("lr", {"a", "b"})), "a set at steps.*lr"),
    }


@pytest.mark.parametrize("case", [
    "no steps", "steps not a list", "no steps at all", "version as text", "version zero", "newer version",
    "unknown step kind", "repeated step name", "step not a dict", "step is a class", "deeply nested", "class swapped", "classifier for regressor",
    "NaN weight", "inf scaling", "weight not a tensor", "missing weight", "no history", "unknown parameter",
    "private attribute", "set a set",
])
def test_malformed_files_get_a_clear_value_error(case, saved, tmp_path):
    payload, message = _malformed(saved)[case]
    with pytest.raises(ValueError, match=message):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "version zero" etc. are refused, never loaded with a warning
            load_pipeline(resigned(payload, tmp_path / "bad.pt"))


def test_corrupt_pretrained_manifest_is_a_value_error(tmp_path, monkeypatch):
    import skmat.models._shipped as pretrained

    (tmp_path / "manifest.json").write_text('{"oqmd": {"file": "oqmd.sk')
    monkeypatch.setattr(pretrained.resources, "files", lambda package: tmp_path)
    pretrained._manifest.cache_clear()
    try:
        with pytest.raises(ValueError, match="manifest .* is corrupted .*JSONDecodeError"):
            pretrained.load_pretrained("oqmd")
        (tmp_path / "manifest.json").write_text(json.dumps(["oqmd"]))
        pretrained._manifest.cache_clear()
        with pytest.raises(ValueError, match="not a table of networks"):
            pretrained.available_pretrained()
    finally:
        pretrained._manifest.cache_clear()


# ------------------------------------------------------------------ older files


@pytest.mark.parametrize("name", ["ptr_pipeline", "spt_pipeline", "krr_pipeline"])
def test_format_1_pipelines_still_load_and_predict_identically(name):
    inputs = {"ptr_pipeline": FORMULAS, "spt_pipeline": np.load(FORMAT_1 / "spt_inputs.npy"),
              "krr_pipeline": np.load(FORMAT_1 / "spt_inputs.npy")[:, :-1]}[name]
    with pytest.warns(UserWarning, match="format version 1, which has no checksum"):
        loaded = load_pipeline(FORMAT_1 / f"{name}.pt")
    # Equal to float rounding: another CPU's kernels may sum in another order (1e-9 relative on an AMD EPYC
    # for files written on an Intel CPU); a misread file is off by far more.
    np.testing.assert_allclose(loaded.predict(inputs), np.load(FORMAT_1 / f"{name}_pred.npy"), rtol=1e-6, atol=1e-7)


def test_format_1_pipeline_loads_in_a_fresh_process():
    """Format-1 third-party names resolve without the test process having imported their modules first."""
    script = (
        "import warnings, numpy as np; warnings.simplefilter('ignore'); from skmat.models import load_pipeline; "
        f"m = load_pipeline(r'{FORMAT_1 / 'krr_pipeline.pt'}'); "
        f"X = np.load(r'{FORMAT_1 / 'spt_inputs.npy'}')[:, :-1]; "
        f"print(np.array_equal(m.predict(X), np.load(r'{FORMAT_1 / 'krr_pipeline_pred.npy'}')))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.stdout.strip() == "True", done.stderr[-2000:]


def test_format_1_network_still_loads_and_resaves_in_the_current_format(tmp_path):
    images = np.load(FORMAT_1 / "ptr_classifier_images.npy")
    with pytest.warns(UserWarning, match="format version 1"):
        loaded = PTRCNNClassifier.load(FORMAT_1 / "ptr_classifier.pt")
    np.testing.assert_allclose(loaded.predict_proba(images), np.load(FORMAT_1 / "ptr_classifier_proba.npy"),
                               rtol=1e-6, atol=1e-7)  # to float rounding, as above
    loaded.save(tmp_path / "again.pt")
    payload = torch.load(tmp_path / "again.pt", weights_only=True)
    assert payload["format_version"] == FORMAT_VERSION and payload["estimator"] == "skmat.PTRCNNClassifier"
    # Written under the old defaults, it now names them, so it does not depend on today's defaults.
    assert payload["params"]["module__activation"] == "relu" and payload["params"]["module__init"] == "default"
    assert len(payload["content_sha256"]) == 64
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(PTRCNNClassifier.load(tmp_path / "again.pt").predict_proba(images),
                                      loaded.predict_proba(images))


def test_shipped_network_is_in_the_current_format_with_public_names():
    from importlib import resources

    data = (resources.files("skmat._weights") / "oqmd.skmat").read_bytes()
    payload = read(data)
    assert 2 <= payload["format_version"] <= FORMAT_VERSION  # checksummed
    names = json.dumps(payload, default=lambda value: None)
    assert "._" not in "".join(part for part in names.split('"') if part.startswith("skmat"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_pipeline(io.BytesIO(data))


# ------------------------------------------------------------------ regression check


def test_transformed_target_pipeline_still_round_trips(tmp_path):
    X = np.random.default_rng(1).random((20, 5))
    model = make_pipeline(StandardScaler(), TransformedTargetRegressor(KernelRidge(alpha=1e-2),
                                                                       transformer=StandardScaler()))
    model.fit(X, X[:, :2])
    save_pipeline(model, tmp_path / "krr.pt")
    np.testing.assert_array_equal(load_pipeline(tmp_path / "krr.pt").predict(X), model.predict(X))


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        # A fitted attribute named like a method would replace it: predict would print the user's data.
        ("transform", {"__named__": "print"}, "'transform' of periodictableencoder, which is a method of PeriodicTableEncoder"),
        ("get_feature_names_out", {"__named__": "skorch.utils.noop"}, "which is a method of"),
        ("_validate_params", {"__named__": "print"}, "which is a method of"),
        # A method the class lacks (an allowed class or a named function as a value) is code too.
        ("predict_proba", {"__class__": "sklearn.preprocessing.StandardScaler"}, "never a class or a function"),
        ("elements_", {"__named__": "print"}, "never a class or a function"),
    ],
)
def test_a_file_cannot_put_code_in_place_of_fitted_data(key, value, message, saved, tmp_path):
    payload = read(saved)
    payload["steps"][0]["fitted"][key] = value
    with pytest.raises(ValueError, match=message):
        load_pipeline(resigned(payload, tmp_path / "evil.pt"))


# ------------------------------------------------------------------ memory and fitted state


def test_a_tensor_viewing_few_bytes_as_many_elements_is_refused_before_copying(saved, tmp_path):
    payload = read(saved)
    payload["extra"] = torch.zeros(1).expand(50_000_000)  # 4 bytes in the file, 200 MB as elements
    payload["content_sha256"] = "0" * 64  # the digest cannot even be computed for it
    torch.save(payload, tmp_path / "expanded.pt")
    assert (tmp_path / "expanded.pt").stat().st_size < 100_000
    with pytest.raises(ValueError, match=r"tensor of shape \(50000000,\) at extra whose 50,000,000 elements "
                                         r"\(200,000,000 bytes\) view only 4 stored bytes"):
        load_pipeline(tmp_path / "expanded.pt")


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("accepts_z_", None, "accepts_z_=None, where a boolean array of shape (104,)"),
        ("accepts_z_", {"__ndarray__": torch.ones(104, dtype=torch.bool)}, "true only for elements with a cell"),
        ("image_shape_", {"__tuple__": [1, 5, 15]}, "image_shape_=(1, 5, 15), where the tuple (1, 5, 16)"),
        ("n_features_in_", 2, "n_features_in_=2, where 1 is expected"),
        ("feature_names_in_", {"__ndarray__": [3], "dtype": "|O"}, "feature_names_in_=array([3], dtype=object)"),
        ("extra_", {"__ndarray__": ["x"], "dtype": "<U25"}, "sets 'extra_' on PeriodicTableEncoder, which is not"),
        ("layout_", {"__object__": "skmat.encoders.Layout",
                     "params": {"shape": {"__tuple__": [5, 16]},
                                "cell_of_z": {"__ndarray__": torch.zeros(104, dtype=torch.int64)}}},
         "layout_.cell_of_z=array([0, 0"),
    ],
)
def test_an_encoder_with_unusable_fitted_state_is_refused_at_load(key, value, message, saved, tmp_path):
    payload = read(saved)
    payload["steps"][0]["fitted"][key] = value
    with pytest.raises(ValueError, match=re.escape(message)):
        load_pipeline(resigned(payload, tmp_path / "edited.pt"))


def test_an_unfitted_encoder_step_still_loads(tmp_path):
    from sklearn.pipeline import Pipeline

    unfitted = Pipeline([("encode", PeriodicTableEncoder(layout="full").set_output(transform="default"))])
    save_pipeline(unfitted, tmp_path / "unfitted.pt")
    assert load_pipeline(tmp_path / "unfitted.pt").fit(["H2O"]).transform(["H2O"]).shape == (1, 1, 9, 18)


def test_an_array_of_huge_string_items_is_refused_before_it_is_allocated(saved, tmp_path):
    payload = read(saved)
    payload["steps"][0]["fitted"]["feature_names_in_"] = {"__ndarray__": ["formula"], "dtype": "<U25000000"}
    with pytest.raises(ValueError, match="items of 100,000,000 bytes"):
        load_pipeline(resigned(payload, tmp_path / "big.pt"))


@pytest.mark.parametrize(
    ("key", "value", "place"),
    [
        ("module__n_filters", 200_000, "'features.0.weight' is (4, 1, 1, 3) in the file and (200000, 1, 1, 3) in the "
                                       "network (320,020,400,089 weights)"),
        ("module__hidden_units", 3_000_000, "'predictor.1.weight' is (8, 48) in the file and (3000000, 48)"),
        ("module__element_embedding", 10_000_000, "'features.0.bias' is (4,) in the file and missing in the network "
                                                  "(280,000,625 weights)"),
    ],
)
def test_parameters_asking_for_a_huge_network_are_refused_before_its_memory_is_taken(key, value, place, tmp_path):
    """A resigned file whose parameters build a network far larger than its weights: refused, nothing allocated.

    Built for real, each of these networks would take 1 to 30 GB before ``load_state_dict`` saw the mismatch.
    """
    net = PTRCNNRegressor(**SMALL).fit(np.random.default_rng(0).random((24, 16)), Y)
    net.save(tmp_path / "net.pt")
    payload = torch.load(tmp_path / "net.pt", weights_only=True)
    payload["params"][key] = value
    with pytest.raises(ValueError, match=r"do not fit the rebuilt network: " + re.escape(place)):
        PTRCNNRegressor.load(resigned(payload, tmp_path / "huge.pt"))
    loaded = PTRCNNRegressor.load(tmp_path / "net.pt")  # the untouched file still loads and predicts the same
    X = np.random.default_rng(1).random((5, 16))
    np.testing.assert_array_equal(loaded.predict(X), net.predict(X))
