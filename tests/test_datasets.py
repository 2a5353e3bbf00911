"""The bundled OQMD and Materials Project X2YZ data sets."""

from __future__ import annotations

import hashlib
import io

import numpy as np
import pandas as pd
import pytest
from conftest import CorruptingFiles
from sklearn.utils import Bunch

import skmat._bundled as bundled
import skmat.datasets._heusler as heusler
from skmat import CorruptFileError, element_table, parse_formulas
from skmat.datasets import load_mp_heusler_stability, load_oqmd_heusler
from skmat.encoders import periodic_table_layout

N_OQMD = 185_279
N_OQMD_PAPER = 65_815
N_OQMD_OUTLIERS = 77
N_MP = 6_667
N_MP_STABLE = 3_173
OQMD_COLUMNS = [
    "formula", "X", "Y", "Z", "formation_enthalpy", "volume_per_atom", "split",
    "lattice_parameter", "is_outlier",
]
MP_COLUMNS = ["formula", "X", "Y", "Z", "e_above_hull", "split", "stable"]
DATA_FILES = [
    "elements.csv",
    "oqmd_heusler.csv.gz",
    "mp_heusler_stability.csv.gz",
    "oqmd_formation_enthalpy.csv.gz",
    "oqmd_volume_per_atom.csv.gz",
    "oqmd_band_gap.csv.gz",  # tests/test_oqmd.py
    "spt_fem.csv.gz",  # tests/test_small_punch_fem.py
    "matbench_expt_gap.csv.gz",  # tests/test_matbench.py
    "matbench_steels.csv.gz",
    "matbench_expt_is_metal.csv.gz",
    "matbench_glass.csv.gz",
]


# Captured at import: a test may monkeypatch the module attribute.
_EXPECTED_DIGESTS = bundled._expected_digests


def clear_caches():
    _EXPECTED_DIGESTS.cache_clear()
    heusler._oqmd_frame.cache_clear()
    heusler._mp_frame.cache_clear()


@pytest.fixture
def fresh_caches():
    """Empty the loaders' caches around a test that tampers with the files."""
    clear_caches()
    yield
    clear_caches()


@pytest.fixture(scope="module")
def oqmd():
    return load_oqmd_heusler()


@pytest.fixture(scope="module")
def mp():
    return load_mp_heusler_stability()


def check_x2yz(frame):
    """Each formula has exactly X, Y, Z with X:Y:Z = 2:1:1, Y and Z in formula order."""
    rows, z, amounts = parse_formulas(frame["formula"])
    n = len(frame)
    assert (np.bincount(rows, minlength=n) == 3).all()
    z = z.reshape(n, 3)
    amounts = amounts.reshape(n, 3)
    fractions = amounts / amounts.sum(axis=1, keepdims=True)
    symbols = element_table().symbol[z - 1]
    is_x = np.isclose(fractions, 0.5)
    assert (is_x.sum(axis=1) == 1).all()
    assert np.isclose(fractions[~is_x], 0.25).all()
    np.testing.assert_array_equal(symbols[is_x], frame["X"].to_numpy())
    others = symbols[~is_x].reshape(n, 2)
    np.testing.assert_array_equal(others[:, 0], frame["Y"].to_numpy())
    np.testing.assert_array_equal(others[:, 1], frame["Z"].to_numpy())


# --------------------------------------------------------------------------
# load_oqmd_heusler
# --------------------------------------------------------------------------


def test_oqmd_full_set(oqmd):
    assert isinstance(oqmd, Bunch)
    assert oqmd.data.shape == (N_OQMD,)
    assert oqmd.data.dtype == object
    assert oqmd.target.shape == (N_OQMD, 2)
    assert oqmd.target.dtype == np.float64
    assert oqmd.target_names == ["formation_enthalpy", "lattice_parameter"]
    assert oqmd.feature_names == ["formula"]
    assert list(oqmd.frame.columns) == OQMD_COLUMNS
    assert len(oqmd.frame) == N_OQMD
    np.testing.assert_array_equal(oqmd.data, oqmd.frame["formula"].to_numpy())
    np.testing.assert_array_equal(
        oqmd.target, oqmd.frame[["formation_enthalpy", "lattice_parameter"]].to_numpy()
    )
    assert oqmd.frame["formula"].is_unique
    assert oqmd.frame.notna().all().all()
    assert set(oqmd.frame["split"]) == {"train", "val", "test"}
    assert "OQMD" in oqmd.DESCR and "CC-BY" in oqmd.DESCR
    assert len(oqmd.outliers) == 0
    assert list(oqmd.outliers.columns) == OQMD_COLUMNS


def test_oqmd_formulas_are_x2yz(oqmd):
    check_x2yz(oqmd.frame)
    elements = set(oqmd.frame[["X", "Y", "Z"]].to_numpy().ravel())
    assert len(elements) == 84


def test_oqmd_lattice_parameter_is_cube_root_of_16_volumes(oqmd):
    frame = oqmd.frame
    np.testing.assert_allclose(
        frame["lattice_parameter"], np.cbrt(16 * frame["volume_per_atom"]), rtol=1e-12
    )
    assert (frame["volume_per_atom"] > 0).all()


def test_oqmd_co2mnsi(oqmd):
    row = oqmd.frame.set_index("formula").loc["Co2Mn1Si1"]
    assert (row.X, row.Y, row.Z) == ("Co", "Mn", "Si")
    assert float(row.volume_per_atom) == pytest.approx(11.0626)
    assert float(row.lattice_parameter) == pytest.approx(5.6147, abs=5e-4)
    assert round(float(row.lattice_parameter), 3) == 5.615
    assert float(row.formation_enthalpy) == pytest.approx(-0.449205, abs=1e-6)
    assert not row.is_outlier


def test_oqmd_paper_subset():
    bunch = load_oqmd_heusler(subset="paper")
    frame = bunch.frame
    assert len(frame) == N_OQMD_PAPER
    assert bunch.data.shape == (N_OQMD_PAPER,)
    assert bunch.target.shape == (N_OQMD_PAPER, 2)
    elements = set(frame[["X", "Y", "Z"]].to_numpy().ravel())
    assert len(elements) == 52
    paper = set(periodic_table_layout("paper").elements)
    assert elements == paper - {"C", "N", "O", "P", "S", "Se"}
    assert frame.index.equals(pd.RangeIndex(N_OQMD_PAPER))
    # Every row of the full set whose elements are all among the 52 is kept.
    full = load_oqmd_heusler().frame
    inside = full[["X", "Y", "Z"]].isin(elements).all(axis=1)
    assert int(inside.sum()) == N_OQMD_PAPER
    assert set(frame["formula"]) == set(full.loc[inside, "formula"])


def test_oqmd_paper_subset_encodes_in_the_paper_layout():
    from skmat import PeriodicTableEncoder

    X, _ = load_oqmd_heusler(subset="paper", return_X_y=True)
    images = PeriodicTableEncoder().fit_transform(X[:2000])
    assert images.shape == (2000, 1, 5, 16)


@pytest.mark.parametrize(
    "targets, shape",
    [
        ("formation_enthalpy", (N_OQMD,)),
        ("lattice_parameter", (N_OQMD,)),
        ("volume_per_atom", (N_OQMD,)),
        (["formation_enthalpy"], (N_OQMD, 1)),
        (("volume_per_atom", "formation_enthalpy"), (N_OQMD, 2)),
        (["formation_enthalpy", "lattice_parameter", "volume_per_atom"], (N_OQMD, 3)),
    ],
)
def test_oqmd_target_shapes(targets, shape):
    bunch = load_oqmd_heusler(targets=targets)
    assert bunch.target.shape == shape
    names = [targets] if isinstance(targets, str) else list(targets)
    assert bunch.target_names == names
    expected = bunch.frame[names[0]] if isinstance(targets, str) else bunch.frame[names]
    np.testing.assert_array_equal(bunch.target, expected.to_numpy())


def test_oqmd_as_frame():
    bunch = load_oqmd_heusler(as_frame=True)
    assert isinstance(bunch.data, pd.DataFrame)
    assert list(bunch.data.columns) == ["formula"]
    assert isinstance(bunch.target, pd.DataFrame)
    assert list(bunch.target.columns) == ["formation_enthalpy", "lattice_parameter"]
    single = load_oqmd_heusler(targets="formation_enthalpy", as_frame=True)
    assert isinstance(single.target, pd.Series)
    assert single.target.name == "formation_enthalpy"
    assert len(single.data) == len(single.target) == N_OQMD


def test_oqmd_return_x_y():
    result = load_oqmd_heusler(return_X_y=True)
    assert isinstance(result, tuple) and len(result) == 2
    X, y = result
    assert X.shape == (N_OQMD,) and y.shape == (N_OQMD, 2)
    X, y = load_oqmd_heusler(targets="formation_enthalpy", as_frame=True, return_X_y=True)
    assert isinstance(X, pd.DataFrame) and isinstance(y, pd.Series)
    X, y = load_oqmd_heusler(subset="paper", return_X_y=True)
    assert X.shape == (N_OQMD_PAPER,) and y.shape == (N_OQMD_PAPER, 2)


def test_oqmd_outliers_keep(oqmd):
    frame = oqmd.frame
    assert int(frame["is_outlier"].sum()) == N_OQMD_OUTLIERS
    np.testing.assert_array_equal(frame["is_outlier"], frame["formation_enthalpy"].abs() > 5.0)
    assert len(oqmd.outliers) == 0
    assert frame["formation_enthalpy"].abs().max() == pytest.approx(43.5, abs=0.1)


def test_oqmd_outliers_drop(oqmd):
    bunch = load_oqmd_heusler(outliers="drop")
    assert len(bunch.frame) == N_OQMD - N_OQMD_OUTLIERS
    assert bunch.data.shape == (N_OQMD - N_OQMD_OUTLIERS,)
    assert bunch.target.shape == (N_OQMD - N_OQMD_OUTLIERS, 2)
    assert not bunch.frame["is_outlier"].any()
    assert (bunch.frame["formation_enthalpy"].abs() <= 5.0).all()
    assert len(bunch.outliers) == N_OQMD_OUTLIERS
    assert (bunch.outliers["formation_enthalpy"].abs() > 5.0).all()
    assert bunch.outliers["is_outlier"].all()
    assert list(bunch.outliers.columns) == OQMD_COLUMNS
    assert bunch.frame.index.equals(pd.RangeIndex(len(bunch.frame)))
    assert bunch.outliers.index.equals(pd.RangeIndex(N_OQMD_OUTLIERS))
    # Kept + dropped = everything, nothing duplicated.
    kept, dropped = set(bunch.frame["formula"]), set(bunch.outliers["formula"])
    assert not kept & dropped
    assert kept | dropped == set(oqmd.frame["formula"])
    assert dropped == set(oqmd.frame.loc[oqmd.frame["is_outlier"], "formula"])


def test_oqmd_outliers_threshold():
    strict = load_oqmd_heusler(max_abs_enthalpy=1.0)
    n_strict = int(strict.frame["is_outlier"].sum())
    assert n_strict > N_OQMD_OUTLIERS
    assert n_strict == int((strict.frame["formation_enthalpy"].abs() > 1.0).sum())
    dropped = load_oqmd_heusler(max_abs_enthalpy=1.0, outliers="drop")
    assert len(dropped.frame) + len(dropped.outliers) == N_OQMD


def test_oqmd_paper_subset_with_outliers_dropped():
    bunch = load_oqmd_heusler(subset="paper", outliers="drop")
    assert len(bunch.frame) + len(bunch.outliers) == N_OQMD_PAPER
    assert (bunch.outliers["formation_enthalpy"].abs() > 5.0).all()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"subset": "all"},
        {"subset": "Paper"},
        {"subset": 1},
        {"outliers": "remove"},
        {"outliers": None},
        {"targets": "enthalpy"},
        {"targets": []},
        {"targets": ()},
        {"targets": ["formation_enthalpy", "bogus"]},
        {"targets": ["formula"]},
    ],
)
def test_oqmd_invalid_args(kwargs):
    with pytest.raises(ValueError):
        load_oqmd_heusler(**kwargs)


def test_oqmd_loader_returns_copies():
    first = load_oqmd_heusler()
    first.frame.loc[0, "formation_enthalpy"] = 1e9
    first.frame.loc[0, "formula"] = "Xx"
    del first.frame["volume_per_atom"]
    first.data[1] = "Yy"
    first.target[2, 0] = -1e9
    second = load_oqmd_heusler()
    assert second.frame.loc[0, "formation_enthalpy"] != 1e9
    assert second.frame.loc[0, "formula"] != "Xx"
    assert "volume_per_atom" in second.frame.columns
    assert second.data[1] != "Yy"
    assert second.target[2, 0] != -1e9
    # Nor does a subset or a frame view leak back.
    paper = load_oqmd_heusler(subset="paper", as_frame=True)
    paper.frame.loc[0, "lattice_parameter"] = 0.0
    paper.frame.loc[0, "formula"] = "Zz"
    again = load_oqmd_heusler(subset="paper")
    assert again.frame.loc[0, "formula"] != "Zz"
    assert again.frame.loc[0, "lattice_parameter"] != 0.0
    dropped = load_oqmd_heusler(outliers="drop")
    dropped.outliers.loc[0, "formation_enthalpy"] = 0.0
    assert (load_oqmd_heusler(outliers="drop").outliers["formation_enthalpy"].abs() > 5).all()


def test_docstrings_have_attribution():
    for loader in (load_oqmd_heusler, load_mp_heusler_stability):
        assert "{attribution}" not in loader.__doc__
        assert "CrabNet" in loader.__doc__


# --------------------------------------------------------------------------
# load_mp_heusler_stability
# --------------------------------------------------------------------------


def test_mp_stability(mp):
    frame = mp.frame
    assert list(frame.columns) == MP_COLUMNS
    assert len(frame) == N_MP
    assert mp.data.shape == (N_MP,) and mp.data.dtype == object
    assert mp.target.shape == (N_MP,)
    assert mp.target.dtype == bool
    assert int(mp.target.sum()) == N_MP_STABLE
    assert mp.target_names == ["stable"]
    np.testing.assert_array_equal(frame["stable"], frame["e_above_hull"] == 0.0)
    assert (frame["e_above_hull"] >= 0.0).all()
    assert frame["formula"].is_unique
    assert set(frame["split"]) == {"train", "val", "test"}
    assert "Materials Project" in mp.DESCR


def test_mp_no_missing_values(mp):
    frame = mp.frame
    assert frame.notna().all().all()
    assert not frame["formula"].isna().any()
    assert all(isinstance(f, str) and f for f in frame["formula"])
    # Symbols that look like missing-value markers survive as strings.
    symbols = set(frame[["X", "Y", "Z"]].to_numpy().ravel())
    assert {"Na", "N"} <= symbols
    assert symbols <= set(map(str, element_table().symbol))


def test_mp_formulas_are_x2yz(mp):
    check_x2yz(mp.frame)


def test_mp_targets_and_frames():
    e = load_mp_heusler_stability(target="e_above_hull")
    assert e.target.shape == (N_MP,) and e.target.dtype == np.float64
    assert int((e.target == 0).sum()) == N_MP_STABLE
    both = load_mp_heusler_stability(target=["stable", "e_above_hull"], as_frame=True)
    assert isinstance(both.target, pd.DataFrame)
    assert list(both.target.columns) == ["stable", "e_above_hull"]
    assert isinstance(both.data, pd.DataFrame) and list(both.data.columns) == ["formula"]
    X, y = load_mp_heusler_stability(as_frame=True, return_X_y=True)
    assert isinstance(X, pd.DataFrame) and isinstance(y, pd.Series) and y.name == "stable"
    X, y = load_mp_heusler_stability(return_X_y=True)
    assert X.shape == (N_MP,) and y.shape == (N_MP,)


@pytest.mark.parametrize("target", ["Stable", "formation_enthalpy", [], ["stable", "x"]])
def test_mp_invalid_target(target):
    with pytest.raises(ValueError):
        load_mp_heusler_stability(target=target)


def test_mp_loader_returns_copies():
    first = load_mp_heusler_stability()
    first.frame.loc[0, "stable"] = not first.frame.loc[0, "stable"]
    first.frame.loc[0, "formula"] = "Xx"
    first.target[:] = False
    second = load_mp_heusler_stability()
    assert second.frame.loc[0, "formula"] != "Xx"
    assert int(second.target.sum()) == N_MP_STABLE
    np.testing.assert_array_equal(second.frame["stable"], second.frame["e_above_hull"] == 0.0)


def test_mp_formulas_encode():
    from skmat import PeriodicTableEncoder

    X, _ = load_mp_heusler_stability(return_X_y=True)
    images = PeriodicTableEncoder(layout="full").fit_transform(X)
    assert images.shape == (N_MP, 1, 9, 18)


# --------------------------------------------------------------------------
# Checksums and CSV reading
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", DATA_FILES)
def test_bundled_files_match_sha256sums(name):
    data = bundled.bundled_bytes(name)
    assert hashlib.sha256(data).hexdigest() == bundled._expected_digests()[name]


def test_sha256sums_lists_exactly_the_data_files():
    assert set(bundled._expected_digests()) == set(DATA_FILES)
    assert all(len(d) == 64 for d in bundled._expected_digests().values())


def test_unlisted_file_raises():
    with pytest.raises(OSError, match="not listed"):
        bundled.bundled_bytes("nope.csv")


@pytest.mark.parametrize(
    "loader, name",
    [(load_oqmd_heusler, "oqmd_heusler.csv.gz"),
     (load_mp_heusler_stability, "mp_heusler_stability.csv.gz")],
)
def test_wrong_digest_raises(monkeypatch, fresh_caches, loader, name):
    digests = dict(bundled._expected_digests())
    digests[name] = "0" * 64
    monkeypatch.setattr(bundled, "_expected_digests", lambda: digests)
    with pytest.raises(CorruptFileError, match="Checksum") as excinfo:
        loader()
    assert name in str(excinfo.value)
    assert "0" * 64 in str(excinfo.value)




@pytest.mark.parametrize(
    "loader, name",
    [(load_oqmd_heusler, "oqmd_heusler.csv.gz"),
     (load_mp_heusler_stability, "mp_heusler_stability.csv.gz")],
)
def test_corrupted_file_raises(monkeypatch, fresh_caches, loader, name):
    monkeypatch.setattr(bundled, "resources", CorruptingFiles(name))
    with pytest.raises(CorruptFileError, match="Checksum mismatch") as excinfo:
        loader()
    assert name in str(excinfo.value)


def test_failed_load_is_not_cached(monkeypatch, fresh_caches):
    digests = dict(bundled._expected_digests())
    digests["mp_heusler_stability.csv.gz"] = "f" * 64
    with monkeypatch.context() as patch:
        patch.setattr(bundled, "_expected_digests", lambda: digests)
        with pytest.raises(OSError):
            load_mp_heusler_stability()
    assert len(load_mp_heusler_stability().data) == N_MP


def test_read_bundled_csv_keeps_nan_like_strings(monkeypatch):
    text = b"formula,X\nNaN,Na\nNA,N\nnan,None\nnull,n/a\n"
    monkeypatch.setattr(bundled, "bundled_bytes", lambda name: text)
    frame = bundled.read_bundled_csv("anything.csv")
    assert frame["formula"].tolist() == ["NaN", "NA", "nan", "null"]
    assert frame["X"].tolist() == ["Na", "N", "None", "n/a"]
    assert frame.notna().all().all()


def test_read_bundled_csv_gzip(monkeypatch):
    import gzip

    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb") as handle:
        handle.write(b"formula\nNaN\n")
    monkeypatch.setattr(bundled, "bundled_bytes", lambda name: buffer.getvalue())
    assert bundled.read_bundled_csv("x.csv.gz")["formula"].tolist() == ["NaN"]


def test_heusler_targets_read_once_from_a_generator():
    mp = load_mp_heusler_stability(target=(t for t in ["stable"]))
    assert mp.target.shape == (N_MP, 1) and mp.target_names == ["stable"]
    oqmd = load_oqmd_heusler(targets=(t for t in ["formation_enthalpy", "volume_per_atom"]))
    assert oqmd.target.shape[1] == 2 and oqmd.target_names == ["formation_enthalpy", "volume_per_atom"]
    X, y = load_oqmd_heusler(targets=iter(["lattice_parameter"]), return_X_y=True, as_frame=True)
    assert list(y.columns) == ["lattice_parameter"]


@pytest.mark.parametrize(
    "loader, kwargs",
    [
        (load_mp_heusler_stability, {"target": ["stable", "stable"]}),
        (load_oqmd_heusler, {"targets": ("formation_enthalpy", "volume_per_atom", "formation_enthalpy")}),
    ],
)
def test_heusler_repeated_targets_are_named(loader, kwargs):
    repeated = "stable" if "target" in kwargs else "formation_enthalpy"
    with pytest.raises(ValueError, match=rf"\['{repeated}'\] more than once"):
        loader(**kwargs)


@pytest.mark.parametrize("threshold", [np.float32(5), np.int64(5), np.float64(5.0), 5])
def test_oqmd_heusler_accepts_numpy_thresholds(threshold):
    bunch = load_oqmd_heusler(max_abs_enthalpy=threshold)
    assert int(bunch.frame["is_outlier"].sum()) == 77
    assert "> 5" in bunch.DESCR


@pytest.mark.parametrize(
    "threshold", [True, False, np.bool_(True), float("inf"), float("nan"), 0, -1.0, "5", None]
)
def test_oqmd_heusler_rejects_bad_thresholds(threshold):
    with pytest.raises(ValueError, match="max_abs_enthalpy must be a finite positive number"):
        load_oqmd_heusler(max_abs_enthalpy=threshold)
