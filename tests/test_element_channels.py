"""Element property channels of the composition encoders (``channels=``)."""

from __future__ import annotations

import copy
import io
import math

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.utils import estimator_checks as ec
from sklearn.utils._param_validation import InvalidParameterError

from skmat import (
    MendeleevLineEncoder,
    PeriodicTableEncoder,
    PTRCNNRegressor,
    RandomTableEncoder,
    element_table,
)
from skmat._formula import FormulaError
from skmat.encoders._base import CHANNELS
from skmat.models import load_pipeline, save_pipeline

TABLE = element_table()
FORMULAS = ["Fe2O3", "Co2MnSi", "Fe2TiAl", "Ta(MnB2)2", "Li0.5Ni0.5O", "NaCl"]
PROPERTIES = [c for c in CHANNELS if c != "amount"]
ALL = list(CHANNELS)
SMALL_PTR = dict(module__n_filters=4, module__hidden_units=8, verbose=0, random_state=0)

# The divisor of each property channel: the largest value over the 103 elements.
DIVISORS = {
    "electronegativity": 3.98, "covalent_radius": 260.0, "n_valence": 32.0,
    "first_ionization_energy": 24.587387, "melting_point": 3823.0, "atomic_weight": 262.0,
    "group": 18.0, "period": 7.0,
}


def make(cls, **params):
    if cls is PeriodicTableEncoder:
        params.setdefault("layout", "full")
    elif cls is RandomTableEncoder:
        params.setdefault("layout", "full")
        params.setdefault("random_state", 0)
    else:
        params.setdefault("elements", "all")
    return cls(**params)


ENCODERS = [PeriodicTableEncoder, RandomTableEncoder, MendeleevLineEncoder]


def prop(symbol, name):
    return float(getattr(TABLE, name)[TABLE.z_of_symbol[symbol] - 1])


def cell_index(encoder, symbol):
    return int(encoder.layout_.cell_of_z[TABLE.z_of_symbol[symbol]])


# -- the element table ------------------------------------------------------------


def test_channel_list_and_table_columns():
    assert CHANNELS[0] == "amount"
    assert set(PROPERTIES) == set(DIVISORS)
    assert PeriodicTableEncoder.CHANNELS == CHANNELS
    for name in PROPERTIES:
        values = np.asarray(getattr(TABLE, name), dtype=float)
        assert values.shape == (103,)
        assert np.all(values[~np.isnan(values)] > 0), name
        assert math.isclose(np.nanmax(values), DIVISORS[name]), name


@pytest.mark.parametrize(
    "name, missing",
    [
        ("electronegativity", {"He", "Ne", "Ar", "Rn", "Lr"}),
        ("covalent_radius", {"Bk", "Cf", "Es", "Fm", "Md", "No", "Lr"}),
        ("first_ionization_energy", {"At"}),
        ("melting_point", {"He", "Fr"}),
        ("n_valence", set()),
        ("atomic_weight", set()),
    ],
)
def test_missing_magpie_values_stay_missing(name, missing):
    values = np.asarray(getattr(TABLE, name), dtype=float)
    assert {str(s) for s in TABLE.symbol[np.isnan(values)]} == missing


@pytest.mark.parametrize(
    "symbol, name, value",
    [("Fe", "electronegativity", 1.83), ("O", "electronegativity", 3.44), ("Fe", "covalent_radius", 132.0),
     ("Fe", "n_valence", 8), ("Bi", "n_valence", 29), ("O", "first_ionization_energy", 13.61805),
     ("Fe", "melting_point", 1811.0), ("Fe", "atomic_weight", 55.845)],
)
def test_a_few_magpie_values(symbol, name, value):
    assert prop(symbol, name) == value


def test_build_script_reproduces_elements_csv_byte_for_byte():
    import importlib.util
    from importlib import resources
    from pathlib import Path

    pytest.importorskip("matminer")
    pytest.importorskip("pymatgen")
    script = Path(__file__).resolve().parents[1] / "tools" / "build_bundled_data.py"
    spec = importlib.util.spec_from_file_location("build_bundled_data", script)
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    written = build.build_elements().to_csv(index=False, lineterminator="\n").encode()
    assert written == resources.files("skmat._data").joinpath("elements.csv").read_bytes()
    assert list(build.ELEMENT_PROPERTIES) == PROPERTIES[:-2]  # group and period come from the layout columns


# -- default: unchanged --------------------------------------------------------------


@pytest.mark.parametrize("cls", ENCODERS)
@pytest.mark.parametrize("output", ["image", "flat"])
def test_default_is_bit_identical_to_an_encoder_without_channels(cls, output):
    plain = make(cls, output=output, amounts="fraction", scale=20.0)
    explicit = make(cls, output=output, amounts="fraction", scale=20.0, channels=None)
    a, b = plain.fit_transform(FORMULAS), explicit.fit_transform(FORMULAS)
    assert a.dtype == b.dtype == np.float32
    assert a.tobytes() == b.tobytes() and a.shape == b.shape
    np.testing.assert_array_equal(plain.get_feature_names_out(), explicit.get_feature_names_out())
    assert plain.image_shape_ == explicit.image_shape_ and plain.image_shape_[0] == 1
    assert "channels" in plain.get_params() and plain.get_params()["channels"] is None


@pytest.mark.parametrize("cls", ENCODERS)
def test_amount_channel_alone_is_the_default_image(cls):
    plain = make(cls).fit(FORMULAS)
    one = make(cls, channels=["amount"]).fit(FORMULAS)
    assert one.transform(FORMULAS).tobytes() == plain.transform(FORMULAS).tobytes()
    assert one.image_shape_ == plain.image_shape_
    # ... but flat names say which channel each column is.
    assert list(one.get_feature_names_out()) == [f"amount_{n}" for n in plain.get_feature_names_out()]


def test_default_paper_encoder_unchanged_values():
    # The docstring values of the Co2MnSi image, as before channels: absent elements 0 by default
    # (since file format 3), the paper's -1 with absent_value=-1.
    images = PeriodicTableEncoder(scale=20).fit_transform(["Co2MnSi", "Fe2TiAl"])
    assert images.shape == (2, 1, 5, 16)
    np.testing.assert_array_equal(images[0, 0, 2, 6:9], [20.0, 0.0, 40.0])
    paper = PeriodicTableEncoder(scale=20, absent_value=-1).fit_transform(["Co2MnSi", "Fe2TiAl"])
    assert paper.shape == (2, 1, 5, 16)
    np.testing.assert_array_equal(paper[0, 0, 2, 6:9], [20.0, -20.0, 40.0])


# -- shapes and values ---------------------------------------------------------------


@pytest.mark.parametrize("cls", ENCODERS)
@pytest.mark.parametrize("k", [1, 2, 5, len(CHANNELS)])
def test_shape_with_k_channels(cls, k):
    channels = ALL[:k]
    encoder = make(cls, channels=channels).fit(FORMULAS)
    h, w = encoder.layout_.shape
    images = encoder.transform(FORMULAS)
    assert images.shape == (len(FORMULAS), k, h, w) and images.dtype == np.float32
    assert encoder.image_shape_ == (k, h, w)
    flat = clone(encoder).set_params(output="flat").fit_transform(FORMULAS)
    assert flat.shape == (len(FORMULAS), k * h * w)
    np.testing.assert_array_equal(flat, images.reshape(len(FORMULAS), -1))


@pytest.mark.parametrize("cls", ENCODERS)
@pytest.mark.parametrize("amounts", ["count", "fraction"])
@pytest.mark.parametrize("scale", [1.0, 20.0])
def test_property_channel_is_property_times_amount_at_the_element_cell(cls, amounts, scale):
    encoder = make(cls, amounts=amounts, scale=scale, channels=ALL).fit(FORMULAS)
    images = encoder.transform(["Fe2O3", "Li0.5Ni0.5O"]).reshape(2, len(ALL), -1)
    expected_amounts = [
        {"Fe": 2.0, "O": 3.0} if amounts == "count" else {"Fe": 0.4, "O": 0.6},
        {"Li": 0.5, "Ni": 0.5, "O": 1.0} if amounts == "count" else {"Li": 0.25, "Ni": 0.25, "O": 0.5},
    ]
    for row, present in enumerate(expected_amounts):
        for symbol, amount in present.items():
            cell = cell_index(encoder, symbol)
            assert images[row, 0, cell] == np.float32(amount * scale)
            for c, name in enumerate(ALL[1:], start=1):
                expected = np.float32(prop(symbol, name) / DIVISORS[name] * amount * scale)
                assert images[row, c, cell] == pytest.approx(expected, rel=1e-6), (symbol, name)


def test_fe2o3_fe_and_o_cells_by_hand():
    channels = ["amount", "electronegativity", "n_valence", "group", "period"]
    image = PeriodicTableEncoder(amounts="fraction", channels=channels).fit_transform(["Fe2O3"])[0]
    fe, o = image[:, 2, 7], image[:, 0, 15]  # the paper layout: Fe period 4 group 8, O period 2 group 16
    np.testing.assert_allclose(fe, np.array([1, 1.83 / 3.98, 8 / 32, 8 / 18, 4 / 7]) * 0.4, rtol=1e-6)
    np.testing.assert_allclose(o, np.array([1, 3.44 / 3.98, 6 / 32, 16 / 18, 2 / 7]) * 0.6, rtol=1e-6)


@pytest.mark.parametrize("cls", ENCODERS)
def test_property_channels_are_zero_in_absent_and_blank_cells(cls):
    encoder = make(cls, absent_value=-1.0, blank_value=0.5, channels=ALL).fit(FORMULAS)
    images = encoder.transform(FORMULAS).reshape(len(FORMULAS), len(ALL), -1)
    element_cells = encoder.layout_.element_cells
    for row, formula in enumerate(FORMULAS):
        present = element_cells & (images[row, 0] > 0)
        # The amount channel keeps absent_value and blank_value.
        assert set(images[row, 0, element_cells & ~present].tolist()) == {-1.0}
        assert set(images[row, 0, ~element_cells].tolist()) <= {0.5}
        for c in range(1, len(ALL)):
            assert (images[row, c, ~present] == 0).all(), (formula, ALL[c])
            assert (images[row, c, present] > 0).all(), (formula, ALL[c])


def test_channel_order_follows_the_parameter():
    forward = PeriodicTableEncoder(channels=["amount", "group", "period"]).fit_transform(FORMULAS[:3])
    backward = PeriodicTableEncoder(channels=["period", "group", "amount"]).fit_transform(FORMULAS[:3])
    np.testing.assert_array_equal(forward, backward[:, ::-1])


def test_a_string_is_one_channel():
    encoder = PeriodicTableEncoder(channels="electronegativity").fit(["Fe2O3"])
    assert encoder.image_shape_ == (1, 5, 16)
    assert encoder.get_feature_names_out()[0] == "electronegativity_Li"


def test_random_table_property_follows_the_element():
    encoder = RandomTableEncoder(layout="full", random_state=3, amounts="fraction",
                                 channels=["amount", "electronegativity"]).fit(["Fe2O3"])
    flat = encoder.transform(["Fe2O3"]).reshape(2, -1)
    cell = cell_index(encoder, "Fe")
    assert flat[0, cell] == np.float32(0.4)
    assert flat[1, cell] == pytest.approx(1.83 / 3.98 * 0.4, rel=1e-6)


# -- flat names ------------------------------------------------------------------------


@pytest.mark.parametrize("cls", ENCODERS)
def test_flat_names(cls):
    encoder = make(cls, output="flat", channels=["amount", "electronegativity"]).fit(FORMULAS)
    names = list(encoder.get_feature_names_out())
    cells = list(make(cls).fit(FORMULAS).get_feature_names_out())
    assert names == [f"amount_{c}" for c in cells] + [f"electronegativity_{c}" for c in cells]
    assert len(set(names)) == len(names) == encoder.transform(FORMULAS).shape[1]
    assert "amount_Fe" in names and "electronegativity_Fe" in names
    frame = pd.DataFrame(encoder.transform(["Fe2O3"]), columns=names)
    assert frame.loc[0, "amount_Fe"] == 2.0
    assert frame.loc[0, "electronegativity_Fe"] == pytest.approx(1.83 / 3.98 * 2, rel=1e-6)


def test_flat_names_paper_layout_blank_cells():
    names = PeriodicTableEncoder(output="flat", channels=["amount", "period"]).fit(["Fe"]).get_feature_names_out()
    assert names[2] == "amount_blank_r0_c2" and names[80 + 2] == "period_blank_r0_c2"


# -- errors ----------------------------------------------------------------------------


@pytest.mark.parametrize("cls", ENCODERS)
def test_unknown_channel_is_named_with_the_valid_ones(cls):
    encoder = make(cls, channels=["amount", "electronegativty"])
    with pytest.raises(ValueError, match="'electronegativty', which is not a channel") as info:
        encoder.fit(FORMULAS)
    for name in CHANNELS:
        assert name in str(info.value)


@pytest.mark.parametrize(
    "channels, match",
    [([], "non-empty"), (("amount", "amount"), "repeats 'amount'"), (["group", 3], "3, which is not a channel"),
     (["fraction"], "'fraction', which is not a channel")],
)
def test_bad_channel_lists(channels, match):
    with pytest.raises(ValueError, match=match):
        PeriodicTableEncoder(channels=channels).fit(FORMULAS)


@pytest.mark.parametrize("channels", [3, {"amount"}, 1.5])
def test_channels_type_is_checked_by_parameter_validation(channels):
    with pytest.raises(InvalidParameterError, match="'channels' parameter"):
        PeriodicTableEncoder(channels=channels).fit(FORMULAS)


@pytest.mark.parametrize(
    "formula, symbol, channel",
    [("HeFe", "He", "electronegativity"), ("ArF", "Ar", "electronegativity"), ("BkO2", "Bk", "covalent_radius"),
     ("NaAt", "At", "first_ionization_energy"), ("FrCl", "Fr", "melting_point")],
)
def test_missing_property_is_an_error_naming_formula_element_and_channel(formula, symbol, channel):
    encoder = PeriodicTableEncoder(layout="full", channels=["amount", channel]).fit(["Fe"])
    with pytest.raises(FormulaError) as info:
        encoder.transform(["Fe2O3", formula])
    message = str(info.value)
    assert f"Formula {formula!r} at row 1" in message
    assert f"element {symbol}," in message and f"channel {channel!r}" in message
    assert "channels=('amount',)" in message
    # The same formula is fine without that channel, and the other channels need nothing missing.
    others = [c for c in CHANNELS if c == "amount" or not np.isnan(prop(symbol, c))]
    assert channel not in others
    assert PeriodicTableEncoder(layout="full", channels=others).fit_transform([formula]).shape[1] == len(others)


def test_dropped_element_needs_no_property():
    # handle_unknown="ignore" drops He (outside the paper layout) before the properties are looked up.
    encoder = PeriodicTableEncoder(handle_unknown="ignore", channels=["amount", "electronegativity"]).fit(["Fe"])
    with pytest.warns(UserWarning, match="dropped"):
        image = encoder.transform(["HeFe2O3"])
    assert image.shape == (1, 2, 5, 16)


def test_outside_layout_error_comes_first():
    encoder = PeriodicTableEncoder(channels=["amount", "electronegativity"]).fit(["Fe"])
    with pytest.raises(FormulaError, match='layout="full"'):
        encoder.transform(["HeFe"])


# -- input, state, sklearn API ------------------------------------------------------


@pytest.mark.parametrize("cls", ENCODERS)
def test_input_not_mutated(cls):
    formulas = list(FORMULAS)
    series = pd.Series(FORMULAS, name="formula")
    frame = pd.DataFrame({"formula": FORMULAS})
    array = np.array(FORMULAS, dtype=object)
    kept = [copy.deepcopy(x) for x in (formulas, series, frame, array)]
    channels = ["amount", "electronegativity", "period"]
    encoder = make(cls, channels=channels)
    before = copy.deepcopy(encoder.get_params())
    for X, original in zip((formulas, series, frame, array), kept):
        encoder.fit(X).transform(X)
        if isinstance(X, (pd.Series, pd.DataFrame)):
            assert X.equals(original)
        elif isinstance(X, np.ndarray):
            np.testing.assert_array_equal(X, original)
        else:
            assert X == original
    assert encoder.get_params() == before
    assert encoder.channels == channels


@pytest.mark.parametrize("cls", ENCODERS)
def test_rows_are_encoded_independently_with_channels(cls):
    encoder = make(cls, channels=ALL).fit(FORMULAS)
    full = encoder.transform(FORMULAS)
    for i, formula in enumerate(FORMULAS):
        np.testing.assert_array_equal(encoder.transform([formula])[0], full[i])


def test_clone_pickle_and_set_params():
    import pickle

    encoder = PeriodicTableEncoder(layout="full", channels=("amount", "covalent_radius")).fit(FORMULAS)
    np.testing.assert_array_equal(clone(encoder).fit_transform(FORMULAS), encoder.transform(FORMULAS))
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(encoder)).transform(FORMULAS),
                                  encoder.transform(FORMULAS))
    assert encoder.set_params(channels=None).fit(FORMULAS).image_shape_ == (1, 9, 18)


# -- with the network ---------------------------------------------------------------

X_TRAIN = ["Co2MnSi", "Fe2TiAl", "Cu2MnAl", "Ni2MnGa", "Co2FeSi", "Fe2VAl", "Co2TiSn", "Ni2TiAl",
           "Fe2O3", "Cu2O", "Ni2MnAl", "Co2MnGe"]
Y_TRAIN = np.linspace(-1.0, 0.5, len(X_TRAIN))
CHANNELS_3 = ("amount", "electronegativity", "covalent_radius")


def test_ptrcnn_fits_on_a_multichannel_image():
    encoder = PeriodicTableEncoder(amounts="fraction", channels=CHANNELS_3)
    images = encoder.fit_transform(X_TRAIN)
    model = PTRCNNRegressor(max_epochs=2, **SMALL_PTR).fit(images, Y_TRAIN)
    assert model.input_shape_ == (3, 5, 16)
    prediction = model.predict(images)
    assert prediction.shape == Y_TRAIN.shape and np.isfinite(prediction).all()


def test_grid_search_over_channels_in_a_pipeline():
    pipe = Pipeline([("encode", PeriodicTableEncoder(amounts="fraction")),
                     ("model", PTRCNNRegressor(max_epochs=2, **SMALL_PTR))])
    search = GridSearchCV(pipe, {"encode__channels": [None, CHANNELS_3]}, cv=2, error_score="raise")
    search.fit(X_TRAIN, Y_TRAIN)
    assert search.best_params_["encode__channels"] in (None, CHANNELS_3)
    assert search.predict(["Co2MnSi"]).shape == (1,)
    assert len(search.cv_results_["mean_test_score"]) == 2


@pytest.mark.parametrize("kind", [list, tuple])
def test_saved_pipeline_with_channels_predicts_identically(tmp_path, kind):
    pipe = Pipeline([("encode", PeriodicTableEncoder(layout="full", amounts="fraction", channels=kind(CHANNELS))),
                     ("model", PTRCNNRegressor(max_epochs=2, **SMALL_PTR))]).fit(X_TRAIN, Y_TRAIN)
    path = save_pipeline(pipe, tmp_path / "channels.pt")
    loaded = load_pipeline(path)
    test = ["Co2MnSi", "NaCl", "Fe2O3", "LaNi5"]
    np.testing.assert_array_equal(loaded.predict(test), pipe.predict(test))
    encoder = loaded.named_steps["encode"]
    assert encoder.channels == kind(CHANNELS) and encoder.image_shape_ == (len(CHANNELS), 9, 18)
    buffer = io.BytesIO()
    save_pipeline(pipe, buffer)
    buffer.seek(0)
    np.testing.assert_array_equal(load_pipeline(buffer).predict(test), pipe.predict(test))


# -- scikit-learn's generic checks, on encoders with channels ------------------------

CHANNEL_ENCODERS = [
    PeriodicTableEncoder(amounts="fraction", channels=("amount", "electronegativity")),
    RandomTableEncoder(layout="full", random_state=0, channels=ALL, output="flat"),
    MendeleevLineEncoder(elements="all", channels=["amount", "period"]),
]
GENERIC_CHECKS = [
    ec.check_estimator_cloneable, ec.check_estimator_repr, ec.check_no_attributes_set_in_init,
    ec.check_get_params_invariance, ec.check_set_params, ec.check_do_not_raise_errors_in_init_or_set_params,
    ec.check_parameters_default_constructible, ec.check_transformers_unfitted,
]


@pytest.mark.parametrize("estimator", CHANNEL_ENCODERS, ids=lambda e: type(e).__name__)
@pytest.mark.parametrize("check", GENERIC_CHECKS, ids=lambda c: c.__name__)
def test_generic_sklearn_checks(estimator, check):
    check(type(estimator).__name__, clone(estimator))
