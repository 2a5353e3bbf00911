"""The 40 bundled finite-element small punch runs: load_small_punch_fem."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import CorruptingFiles
from sklearn.utils import Bunch

import skmat._bundled as bundled
from skmat import CorruptFileError
import skmat.datasets._small_punch_fem as small_punch_fem
from skmat.datasets import load_small_punch_fem, make_small_punch_test
from skmat._small_punch._simulator import DEFAULT_STRAIN
from skmat.metrics import curve_mape, interpolate_curves

ROOT = Path(__file__).resolve().parents[1]
SHARED_SPT_FEM = ROOT.parent / "shared" / "data" / "spt-fem"
FILE = "spt_fem.csv.gz"
PARAM_COLUMNS = [
    "yield_stress", "strength_coefficient", "hardening_exponent", "thickness",
    "elastic_modulus", "source_yield_stress", "run", "source_id",
]

# Captured at import: a test may monkeypatch the module attribute.
_EXPECTED_DIGESTS = bundled._expected_digests


def exact_stress(strain, K, n, E):
    """The law of the runs at total strain: elastic up to K·0.01^n, then σ = K·max(ε − σ/E, 0.01)^n.

    Solved by bisection on [σy, max(Eε, σy)], where σ − K·max(ε − σ/E, 0.01)^n
    goes from ≤ 0 to ≥ 0; independent of the library's own solver.
    """
    K, n, E = (np.asarray(v, dtype=float)[:, None] for v in (K, n, E))
    eps = np.broadcast_to(np.asarray(strain, dtype=float), (len(K), np.shape(strain)[-1]))
    yield_stress = K * 0.01**n
    lo = np.broadcast_to(yield_stress, eps.shape).copy()
    hi = np.maximum(E * eps, yield_stress)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        above = mid > K * np.maximum(eps - mid / E, 0.01) ** n
        lo, hi = np.where(above, lo, mid), np.where(above, mid, hi)
    return np.where(E * eps <= yield_stress, E * eps, 0.5 * (lo + hi))


def law_of(bunch, strain):
    p = bunch.params
    return exact_stress(strain, p["strength_coefficient"], p["hardening_exponent"], p["elastic_modulus"])


@pytest.fixture(scope="module")
def fem():
    return load_small_punch_fem()


@pytest.fixture(scope="module")
def fem_default():
    return load_small_punch_fem(strain_grid="default")


@pytest.fixture
def fresh_caches():
    """Empty the caches around a test that tampers with the files."""
    _EXPECTED_DIGESTS.cache_clear()
    small_punch_fem._table.cache_clear()
    yield
    _EXPECTED_DIGESTS.cache_clear()
    small_punch_fem._table.cache_clear()


# --------------------------------------------------------------------------
# Contents
# --------------------------------------------------------------------------


def test_shapes_and_dtypes(fem):
    assert isinstance(fem, Bunch)
    assert fem.data.shape == (40, 181) and fem.data.dtype == np.float64
    assert fem.target.shape == (40, 35) and fem.target.dtype == np.float64
    assert fem.strain.shape == (40, 35) and fem.strain.dtype == np.float64
    assert fem.displacement.shape == (181,) and fem.displacement.dtype == np.float64
    for array in (fem.data, fem.target, fem.strain, fem.displacement):
        assert np.all(np.isfinite(array))
    np.testing.assert_allclose(fem.displacement, np.arange(181) * 0.025, atol=1e-12)
    assert fem.strain_grid == "own"
    assert len(fem.feature_names) == 181 and fem.feature_names[:2] == ["force_at_0", "force_at_0.025"]
    assert fem.target_names == [f"stress_p{k}" for k in range(35)]
    assert "Nneeiill/MFDNN" in fem.DESCR and "Advances in Manufacturing" in fem.DESCR


def test_curves_start_at_zero_and_rise(fem):
    np.testing.assert_array_equal(fem.data[:, 0], 0.0)
    assert np.all(fem.data[:, 1:] > 0)
    np.testing.assert_array_equal(fem.target[:, 0], 0.0)
    np.testing.assert_array_equal(fem.strain[:, 0], 0.0)
    assert np.all(np.diff(fem.strain, axis=1) > 0)
    assert np.all(np.diff(fem.target, axis=1) > 0)  # power-law hardening: every curve rises


def test_params_use_the_names_of_make_small_punch_test(fem):
    simulated = make_small_punch_test(3, random_state=0).params
    assert list(fem.params.columns[: simulated.shape[1]]) == list(simulated.columns)
    assert list(fem.params.columns) == PARAM_COLUMNS
    assert fem.params.shape == (40, 8)
    assert fem.params["run"].tolist() == list(range(40)) and fem.params["source_id"].is_unique
    for name in simulated.columns:
        assert fem.params[name].dtype == np.float64


def test_published_facts(fem):
    p = fem.params
    assert p["thickness"].value_counts().sort_index().to_dict() == {
        1.0: 25, 1.5: 5, 2.0: 2, 2.5: 2, 3.0: 2, 3.5: 2, 4.0: 2,
    }
    assert p["strength_coefficient"].between(200, 550).all()
    assert p["hardening_exponent"].between(0.10, 0.48).all()
    assert (p["elastic_modulus"] == 70_000).all()
    # Run 0 (K 200, n 0.1), as in the data README: 126.19 MPa at yield, 140.85 at strain 0.032.
    assert p.loc[0, ["strength_coefficient", "hardening_exponent", "thickness"]].tolist() == [200.0, 0.1, 1.0]
    assert fem.target[0, 1] == pytest.approx(126.19, abs=0.005)
    assert fem.strain[0, 2] == pytest.approx(0.032, abs=0.0001)
    assert fem.target[0, 2] == pytest.approx(140.85, abs=0.005)
    # Its force curve, as in docs/spt-notes.md: 142 N at 0.025 mm, maximum 1930 N at 2.475 mm.
    assert fem.data[0, 1] == pytest.approx(142, abs=0.5)
    assert fem.displacement[np.argmax(fem.data[0])] == pytest.approx(2.475)
    assert fem.data[0].max() == pytest.approx(1930, abs=0.5)


def test_strain_points_are_yield_then_plastic_steps_of_003(fem):
    E = fem.params["elastic_modulus"].to_numpy()[:, None]
    plastic = fem.strain - fem.target / E
    np.testing.assert_allclose(fem.strain[:, 1], fem.params["yield_stress"] / E[:, 0], rtol=1e-5)
    np.testing.assert_allclose(plastic[:, 2:], np.arange(1, 34) * 0.03 + np.zeros((40, 1)), atol=2e-6)


def test_stress_follows_the_law_at_own_points(fem):
    exact = law_of(fem, fem.strain)
    np.testing.assert_array_equal(exact[:, 0], 0.0)
    np.testing.assert_allclose(fem.target[:, 1:], exact[:, 1:], rtol=1e-5)  # 6 significant digits


def test_yield_stress_is_the_curve_s_stress_at_yield(fem):
    p = fem.params
    np.testing.assert_allclose(p["yield_stress"], p["strength_coefficient"] * 0.01 ** p["hardening_exponent"])
    np.testing.assert_allclose(p["yield_stress"], fem.target[:, 1], atol=1e-3)
    # The published sheets' own column, about K·0.0109^n, is kept beside it.
    ratio = p["source_yield_stress"] / p["yield_stress"]
    assert ratio.between(1.007, 1.047).all()
    np.testing.assert_allclose(
        p["source_yield_stress"], p["strength_coefficient"] * 0.0109 ** p["hardening_exponent"], rtol=5e-3
    )


# --------------------------------------------------------------------------
# strain_grid="default"
# --------------------------------------------------------------------------


def test_default_grid_shapes(fem, fem_default):
    assert fem_default.target.shape == (40, 35) and fem_default.strain.shape == (35,)
    np.testing.assert_array_equal(fem_default.strain, DEFAULT_STRAIN)
    assert fem_default.strain is not DEFAULT_STRAIN  # a copy: changing it cannot change the library
    np.testing.assert_array_equal(fem_default.data, fem.data)
    pd.testing.assert_frame_equal(fem_default.params, fem.params)
    assert fem_default.target_names[:2] == ["stress_at_0", "stress_at_0.0291176"]
    assert fem_default.strain_grid == "default"
    assert "interpolated" in fem_default.DESCR


def test_default_grid_is_linear_interpolation_of_own_points(fem, fem_default):
    pairs = zip(fem.strain, fem.target, strict=True)
    expected = np.stack([np.interp(DEFAULT_STRAIN, x, y) for x, y in pairs])
    np.testing.assert_allclose(fem_default.target, expected, rtol=1e-12)


def test_default_grid_interpolation_error(fem_default):
    """The error stated in the docstring: max 0.56 %, median 0.007 % after strain 0."""
    exact = law_of(fem_default, DEFAULT_STRAIN)
    np.testing.assert_array_equal(fem_default.target[:, 0], 0.0)
    relative = np.abs(fem_default.target[:, 1:] / exact[:, 1:] - 1)
    assert relative.max() <= small_punch_fem.DEFAULT_GRID_MAX_ERROR
    assert np.median(relative) <= small_punch_fem.DEFAULT_GRID_MEDIAN_ERROR
    # The stated figures are measured, not loose bounds.
    assert relative.max() > 0.95 * small_punch_fem.DEFAULT_GRID_MAX_ERROR
    assert np.median(relative) > 0.95 * small_punch_fem.DEFAULT_GRID_MEDIAN_ERROR
    doc = load_small_punch_fem.__doc__
    assert "at most\n        0.56 % (median 0.007 %)" in doc


def test_perfect_prediction_scores_near_zero_at_own_plastic_points(fem):
    """The floor of scoring a DEFAULT_STRAIN prediction at the runs' own points (Notes)."""
    on_default = law_of(fem, DEFAULT_STRAIN)
    on_own = interpolate_curves(on_default, DEFAULT_STRAIN, fem.strain, extrapolate="linear")
    per_curve = np.mean(np.abs(on_own[:, 2:] / fem.target[:, 2:] - 1), axis=1)
    assert per_curve.max() < 0.00053 and np.median(per_curve) < 0.00037  # as stated in Notes
    with pytest.raises(ValueError, match="outside the curve's from_strain range 0 to 0.99"):
        interpolate_curves(on_default, DEFAULT_STRAIN, fem.strain)  # the last own points pass 0.99
    # The same through the metrics' points option.
    np.testing.assert_allclose(curve_mape(fem.target, on_own, points=slice(2, None)), per_curve, rtol=1e-12)
    with_yield_point = curve_mape(fem.target, on_own, points=slice(1, None))
    assert with_yield_point.max() > 0.02  # a DEFAULT_STRAIN prediction cannot resolve the yield point


# --------------------------------------------------------------------------
# Options and the returned objects
# --------------------------------------------------------------------------


@pytest.mark.parametrize("strain_grid", ["own", "default"])
def test_return_X_y(strain_grid):
    bunch = load_small_punch_fem(strain_grid=strain_grid)
    X, y = load_small_punch_fem(strain_grid=strain_grid, return_X_y=True)
    np.testing.assert_array_equal(X, bunch.data)
    np.testing.assert_array_equal(y, bunch.target)
    X_frame, y_frame = load_small_punch_fem(strain_grid=strain_grid, return_X_y=True, as_frame=True)
    assert isinstance(X_frame, pd.DataFrame) and isinstance(y_frame, pd.DataFrame)
    np.testing.assert_array_equal(X_frame.to_numpy(), X)
    np.testing.assert_array_equal(y_frame.to_numpy(), y)


@pytest.mark.parametrize("strain_grid", ["own", "default"])
def test_as_frame(strain_grid):
    bunch = load_small_punch_fem(strain_grid=strain_grid, as_frame=True)
    arrays = load_small_punch_fem(strain_grid=strain_grid)
    assert list(bunch.data.columns) == bunch.feature_names
    assert list(bunch.target.columns) == bunch.target_names
    assert (bunch.data.dtypes == np.float64).all() and (bunch.target.dtypes == np.float64).all()
    np.testing.assert_array_equal(bunch.data.to_numpy(), arrays.data)
    np.testing.assert_array_equal(bunch.target.to_numpy(), arrays.target)
    assert isinstance(bunch.strain, np.ndarray) and isinstance(bunch.displacement, np.ndarray)
    strain_columns = [f"strain_p{k}" for k in range(35)] if strain_grid == "own" else []
    expected = PARAM_COLUMNS + bunch.feature_names + strain_columns + bunch.target_names
    assert list(bunch.frame.columns) == expected
    if strain_grid == "own":
        np.testing.assert_array_equal(bunch.frame[strain_columns].to_numpy(), bunch.strain)


def test_thickness_as_a_trailing_input_column(fem):
    X = np.column_stack([fem.data, fem.params["thickness"]])
    assert X.shape == (40, 182)
    np.testing.assert_array_equal(X[:, -1], fem.params["thickness"])


@pytest.mark.parametrize("strain_grid", ["mine", "Own", None, 0])
def test_bad_strain_grid(strain_grid):
    with pytest.raises(ValueError, match=r"strain_grid must be one of \['own', 'default'\]"):
        load_small_punch_fem(strain_grid=strain_grid)


def test_returned_arrays_are_fresh_copies():
    first = load_small_punch_fem()
    first.data[:] = -1.0
    first.target[:] = -1.0
    first.strain[:] = -1.0
    first.params.loc[:, "thickness"] = -1.0
    second = load_small_punch_fem()
    assert second.data[0, 1] > 0 and second.target[0, 1] > 0 and second.strain[0, 1] > 0
    assert (second.params["thickness"] > 0).all()


# --------------------------------------------------------------------------
# The bundled file and its checksum
# --------------------------------------------------------------------------


def test_bundled_file_is_listed_and_matches_its_checksum():
    digests = bundled._expected_digests()
    assert FILE in digests
    data = resources.files("skmat._data").joinpath(FILE).read_bytes()
    assert hashlib.sha256(data).hexdigest() == digests[FILE]
    assert len(data) < 100_000  # small: one gzipped table


def test_wrong_digest_raises(monkeypatch, fresh_caches):
    digests = dict(bundled._expected_digests())
    digests[FILE] = "0" * 64
    monkeypatch.setattr(bundled, "_expected_digests", lambda: digests)
    with pytest.raises(CorruptFileError, match="Checksum mismatch") as excinfo:
        load_small_punch_fem()
    assert FILE in str(excinfo.value) and "0" * 64 in str(excinfo.value)




def test_corrupted_file_raises_and_is_not_cached(monkeypatch, fresh_caches):
    with monkeypatch.context() as patch:
        patch.setattr(bundled, "resources", CorruptingFiles(FILE))
        with pytest.raises(CorruptFileError, match="Checksum mismatch") as excinfo:
            load_small_punch_fem()
        assert FILE in str(excinfo.value)
    assert load_small_punch_fem().data.shape == (40, 181)


def test_loads_from_the_package_alone(tmp_path):
    """Only the bundled copy is read: no file of the source folder, from any working directory."""
    script = """
import json, sys
opened = []
sys.addaudithook(lambda event, args: opened.append(str(args[0])) if event == "open" else None)
from skmat.datasets import load_small_punch_fem
fem = load_small_punch_fem()
print(json.dumps({"shape": list(fem.data.shape), "opened": [p for p in opened if "spt" in p.lower()]}))
"""
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["shape"] == [40, 181]
    assert [Path(p).name for p in report["opened"]] == [FILE]
    assert Path(report["opened"][0]).parent.name == "_data"


@pytest.mark.skipif(not SHARED_SPT_FEM.is_dir(), reason="needs the source folder ../shared/data/spt-fem")
def test_build_script_reproduces_the_bundle_byte_for_byte(tmp_path):
    script = ROOT / "tools" / "build_bundled_data.py"
    spec = importlib.util.spec_from_file_location("build_bundled_data", script)
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    frame = build.build_spt_fem(SHARED_SPT_FEM.parents[1])
    build.write_csv_gz(frame, tmp_path / FILE, float_format="%.15g")
    assert (tmp_path / FILE).read_bytes() == resources.files("skmat._data").joinpath(FILE).read_bytes()
    # The published values, unchanged.
    fem = load_small_punch_fem()
    force = pd.read_csv(SHARED_SPT_FEM / "force_N.csv.gz")
    stress = pd.read_csv(SHARED_SPT_FEM / "true_stress_MPa.csv.gz")
    strain = pd.read_csv(SHARED_SPT_FEM / "true_strain.csv.gz")
    np.testing.assert_array_equal(fem.data, force.drop(columns="run").to_numpy())
    np.testing.assert_array_equal(fem.target, stress.drop(columns="run").to_numpy())
    np.testing.assert_array_equal(fem.strain, strain.drop(columns="run").to_numpy())
