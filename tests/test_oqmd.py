"""load_oqmd: CrabNet's full OQMD benchmark sets, bundled."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.utils import Bunch

import skmat.datasets._oqmd as oqmd
from skmat import PeriodicTableEncoder
from skmat.datasets import load_oqmd, load_oqmd_heusler, load_oqmd_multitask

SIZES = {"train": 239_190, "val": 51_255, "test": 51_255}
TASKS = ("formation_enthalpy", "volume_per_atom")


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("split", list(SIZES))
def test_split_sizes(task, split):
    X, y = load_oqmd(task, split, return_X_y=True)
    assert X.shape == y.shape == (SIZES[split],)
    assert X.dtype == object and y.dtype == np.float64
    assert np.isfinite(y).all()


@pytest.mark.parametrize("task", TASKS)
def test_all_is_the_three_splits_in_order(task):
    bunch = load_oqmd(task, "all")
    assert len(bunch.data) == 341_700
    assert bunch.frame["formula"].is_unique
    parts = [load_oqmd(task, split).data for split in SIZES]
    np.testing.assert_array_equal(bunch.data, np.concatenate(parts))


def test_tasks_share_formulas_but_not_splits():
    enthalpy = load_oqmd("formation_enthalpy", "all").frame.set_index("formula")
    volume = load_oqmd("volume_per_atom", "all").frame.set_index("formula")
    assert set(enthalpy.index) == set(volume.index)
    same_split = (enthalpy["split"] == volume.loc[enthalpy.index, "split"]).mean()
    assert 0.9 < same_split < 0.93  # 91.7 % of formulas are in the same split for both tasks


def test_values_agree_with_the_heusler_subset():
    heusler = load_oqmd_heusler().frame.set_index("formula")
    for task in TASKS:
        full = load_oqmd(task, "all").frame.set_index("formula")
        common = heusler.index.intersection(full.index)
        assert len(common) == len(heusler)
        np.testing.assert_allclose(full.loc[common, task], heusler.loc[common, task])
    enthalpy = load_oqmd("formation_enthalpy", "all").frame.set_index("formula")
    assert (enthalpy.loc[heusler.index, "split"] == heusler["split"]).all()


def test_known_row():
    frame = load_oqmd("formation_enthalpy", "all").frame.set_index("formula")
    assert frame.loc["Co2Mn1Si1", "formation_enthalpy"] == pytest.approx(-0.449, abs=5e-4)


def test_bunch_fields():
    bunch = load_oqmd("volume_per_atom", "test")
    assert isinstance(bunch, Bunch)
    assert bunch.units == "Å³/atom"
    assert bunch.target_names == ["volume_per_atom"]
    assert list(bunch.frame.columns) == ["formula", "volume_per_atom", "split", "is_outlier"]
    assert "Wang et al." in bunch.DESCR and "Saal" in bunch.DESCR
    assert (bunch.frame["split"] == "test").all()


def test_as_frame():
    X, y = load_oqmd("formation_enthalpy", "val", as_frame=True, return_X_y=True)
    assert isinstance(X, pd.DataFrame) and list(X.columns) == ["formula"]
    assert isinstance(y, pd.Series) and y.name == "formation_enthalpy"


def test_outliers_are_flagged_and_kept_by_default():
    bunch = load_oqmd("formation_enthalpy", "all")
    assert int(bunch.frame["is_outlier"].sum()) == 86
    assert bunch.target.min() < -198
    assert len(bunch.outliers) == 0


@pytest.mark.parametrize("task, n_outliers", [("formation_enthalpy", 86), ("volume_per_atom", 1)])
def test_outliers_drop(task, n_outliers):
    kept = load_oqmd(task, "all")
    dropped = load_oqmd(task, "all", outliers="drop")
    assert len(dropped.outliers) == n_outliers
    assert len(dropped.data) + n_outliers == len(kept.data)
    assert not dropped.frame["is_outlier"].any()
    assert dropped.outliers["is_outlier"].all()


def test_outlier_threshold():
    loose = load_oqmd("formation_enthalpy", "test", max_abs_target=50.0)
    strict = load_oqmd("formation_enthalpy", "test", max_abs_target=2.0)
    assert loose.frame["is_outlier"].sum() < strict.frame["is_outlier"].sum()


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"task": "bandgap"}, "task must be one of"),
        ({"split": "training"}, "split must be one of"),
        ({"split": None}, "split must be one of"),
        ({"outliers": "remove"}, "outliers must be one of"),
        ({"max_abs_target": -1}, "max_abs_target"),
        ({"max_abs_target": True}, "max_abs_target"),
    ],
)
def test_invalid_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        load_oqmd(**kwargs)


def test_returns_copies():
    first = load_oqmd("formation_enthalpy", "test")
    first.frame.loc[0, "formation_enthalpy"] = 1e9
    first.data[0] = "Xx"
    second = load_oqmd("formation_enthalpy", "test")
    assert second.frame.loc[0, "formation_enthalpy"] != 1e9
    assert second.data[0] != "Xx"
    assert oqmd._task_frame("formation_enthalpy")["target"].max() < 1e9


def test_every_formula_encodes_in_the_full_table():
    X = load_oqmd("formation_enthalpy", "all").data
    images = PeriodicTableEncoder(layout="full", amounts="fraction").fit_transform(X)
    assert images.shape == (341_700, 1, 9, 18)
    present = (images > 0).reshape(len(X), -1).sum(axis=1)
    assert present.min() >= 1
    np.testing.assert_allclose(np.where(images > 0, images, 0).reshape(len(X), -1).sum(axis=1), 1.0, atol=1e-5)


@pytest.mark.parametrize("split, n_rows", [("train", 226_382), ("val", 43_604), ("test", 43_409)])
def test_multitask_keeps_formulas_in_the_same_split_for_both_tasks(split, n_rows):
    bunch = load_oqmd_multitask(split)
    assert bunch.data.shape == (n_rows,) and bunch.target.shape == (n_rows, 2)
    assert bunch.target_names == ["formation_enthalpy", "volume_per_atom"]
    for column, task in enumerate(bunch.target_names):
        single = load_oqmd(task, split, as_frame=True).frame.set_index("formula")[task]
        assert np.array_equal(single.loc[bunch.data].to_numpy(), bunch.target[:, column])


def test_multitask_training_formulas_are_in_neither_test_split():
    train = set(load_oqmd_multitask("train").data)
    for task in ("formation_enthalpy", "volume_per_atom"):
        assert not train & set(load_oqmd(task, "test").data)


def test_multitask_drops_a_row_when_either_target_is_an_outlier():
    kept = load_oqmd_multitask("train")
    dropped = load_oqmd_multitask("train", outliers="drop")
    assert len(dropped.data) + len(dropped.outliers) == len(kept.data)
    assert len(dropped.outliers) == int(kept.frame["is_outlier"].sum()) > 0
    assert (np.abs(dropped.target[:, 0]) <= 5).all() and (dropped.target[:, 1] <= 200).all()


def test_multitask_rejects_a_bad_split():
    with pytest.raises(ValueError, match="split must be one of"):
        load_oqmd_multitask("all")


BAND_GAP_SIZES = {"train": 239_125, "val": 51_241, "test": 51_242}


@pytest.mark.parametrize("split", list(BAND_GAP_SIZES))
def test_band_gap_split_sizes_units_and_values(split):
    bunch = load_oqmd("band_gap", split)
    assert bunch.data.shape == bunch.target.shape == (BAND_GAP_SIZES[split],)
    assert bunch.units == "eV" and bunch.target_names == ["band_gap"]
    assert (bunch.target >= 0).all() and bunch.target.max() < 11
    assert 0.92 < np.mean(bunch.target == 0) < 0.94  # mostly metals, as OQMD's hypothetical compounds are
    assert not bunch.frame["is_outlier"].any()


def test_band_gap_known_rows_and_its_own_split():
    frame = load_oqmd("band_gap", "all").frame.set_index("formula")
    assert len(frame) == 341_608 and frame.index.is_unique
    assert frame.loc["Mg1O1", "band_gap"] == pytest.approx(4.972)
    assert frame.loc["Fe2O3", "band_gap"] == pytest.approx(1.093)
    assert frame.loc["Co2Mn1Si1", "band_gap"] == 0.0  # the Heusler half-metal
    assert frame.loc["Mg1O1", "split"] == "val" and frame.loc["Fe2O3", "split"] == "test"


def test_the_multitask_loader_keeps_its_two_targets():
    assert load_oqmd_multitask("val").target_names == ["formation_enthalpy", "volume_per_atom"]


@pytest.mark.parametrize("threshold", [np.float32(5), np.int64(5), np.float64(5.0)])
def test_numpy_thresholds_are_accepted(threshold):
    numpy_threshold = load_oqmd("formation_enthalpy", "test", max_abs_target=threshold)
    plain = load_oqmd("formation_enthalpy", "test", max_abs_target=5.0)
    assert np.array_equal(numpy_threshold.frame["is_outlier"], plain.frame["is_outlier"])


@pytest.mark.parametrize("threshold", [True, np.bool_(True), float("inf"), float("nan"), 0, "5"])
def test_bad_thresholds_are_named(threshold):
    with pytest.raises(ValueError, match=r"max_abs_target must be a finite positive number or None, got"):
        load_oqmd("formation_enthalpy", "test", max_abs_target=threshold)
