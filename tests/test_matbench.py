"""The bundled Matbench v0.1 composition tasks and their official folds."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest
from conftest import CorruptingFiles
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.model_selection import KFold, StratifiedKFold, cross_validate
from sklearn.utils import Bunch

import skmat._bundled as bundled
import skmat.datasets._matbench as matbench
from skmat import CorruptFileError, parse_formulas
from skmat.datasets import load_matbench

SIZES = {"expt_gap": 4604, "steels": 312, "expt_is_metal": 4921, "glass": 5680}
TASK_TYPES = {
    "expt_gap": "regression", "steels": "regression",
    "expt_is_metal": "classification", "glass": "classification",
}
# Share of True in Matbench's dataset metadata (matbench_v0.1_dataset_metadata.json).
FRAC_TRUE = {"expt_is_metal": 0.4980694980694981, "glass": 0.710387323943662}
TASKS = list(SIZES)


@pytest.fixture
def fresh_caches():
    bundled._expected_digests.cache_clear()
    matbench._task_frame.cache_clear()
    yield
    bundled._expected_digests.cache_clear()
    matbench._task_frame.cache_clear()


@pytest.mark.parametrize("task", TASKS)
def test_sizes_types_and_dtypes(task):
    bunch = load_matbench(task)
    assert isinstance(bunch, Bunch)
    n = SIZES[task]
    assert bunch.data.shape == (n,) and bunch.data.dtype == object
    assert all(isinstance(f, str) and f for f in bunch.data)
    assert len(set(bunch.data)) == n
    assert bunch.target.shape == (n,)
    assert bunch.task_type == TASK_TYPES[task]
    if bunch.task_type == "regression":
        assert bunch.target.dtype == np.float64 and np.isfinite(bunch.target).all()
    else:
        assert bunch.target.dtype == bool and bunch.units is None
        assert bunch.target.mean() == pytest.approx(FRAC_TRUE[task], abs=1e-12)
    assert "Dunn" in bunch.DESCR and "crabnet 2.0.8" in bunch.DESCR


def test_known_values():
    gap = load_matbench("expt_gap")
    assert gap.units == "eV" and gap.data[0] == "Ag(AuS)2" and gap.target[0] == 0.0
    assert gap.target.min() == 0.0 and 10 < gap.target.max() < 12
    steels = load_matbench("steels")
    assert steels.units == "MPa" and steels.target[0] == 2411.5
    assert 1000 < steels.target.min() and steels.target.max() < 2600
    glass = load_matbench("glass")
    assert glass.data[:2].tolist() == ["Al", "Al(NiB)2"] and glass.target[:2].tolist() == [False, True]


@pytest.mark.parametrize("task", TASKS)
def test_folds_are_the_official_partition(task):
    bunch = load_matbench(task)
    n = SIZES[task]
    assert len(bunch.folds) == 5
    tests = [np.asarray(test) for _, test in bunch.folds]
    all_test = np.sort(np.concatenate(tests))
    np.testing.assert_array_equal(all_test, np.arange(n))  # a partition of all rows
    sizes = sorted((len(t) for t in tests), reverse=True)
    assert sizes[0] - sizes[-1] <= 1 and sum(sizes) == n
    for k, (train, test) in enumerate(bunch.folds):
        assert train.dtype.kind == "i" and test.dtype.kind == "i"
        np.testing.assert_array_equal(np.sort(np.concatenate([train, test])), np.arange(n))
        assert np.all(bunch.fold[test] == k)
    cv = (KFold if bunch.task_type == "regression" else StratifiedKFold)(
        5, shuffle=True, random_state=18012019
    )
    for (train, test), (ref_train, ref_test) in zip(bunch.folds, cv.split(bunch.data, bunch.target)):
        np.testing.assert_array_equal(test, np.sort(ref_test))
        np.testing.assert_array_equal(train, np.sort(ref_train))


def test_fold_sizes():
    sizes = {task: [len(test) for _, test in load_matbench(task).folds] for task in TASKS}
    assert sizes["steels"] == [63, 63, 62, 62, 62]
    assert sizes["expt_gap"] == [921, 921, 921, 921, 920]
    assert sorted(sizes["expt_is_metal"]) == [984, 984, 984, 984, 985]
    assert sizes["glass"] == [1136] * 5


@pytest.mark.parametrize("task, model", [("steels", DummyRegressor()), ("glass", DummyClassifier())])
def test_folds_work_with_cross_validate(task, model):
    X, y = load_matbench(task, return_X_y=True)
    folds = load_matbench(task).folds
    scores = cross_validate(model, X.reshape(-1, 1), y, cv=folds)
    assert len(scores["test_score"]) == 5


@pytest.mark.parametrize("task", TASKS)
def test_formulas_parse(task):
    X, _ = load_matbench(task, return_X_y=True)
    rows, z, amounts = parse_formulas(X)
    assert set(rows.tolist()) == set(range(SIZES[task]))
    assert (z >= 1).all() and (amounts > 0).all()


def test_return_x_y_and_as_frame():
    X, y = load_matbench("expt_is_metal", return_X_y=True)
    assert X.shape == (4921,) and y.dtype == bool
    X, y = load_matbench("expt_gap", return_X_y=True, as_frame=True)
    assert isinstance(X, pd.DataFrame) and X.columns.tolist() == ["formula"]
    assert isinstance(y, pd.Series) and y.name == "gap expt" and len(y) == 4604
    bunch = load_matbench("steels", as_frame=True)
    assert isinstance(bunch.data, pd.DataFrame) and isinstance(bunch.target, pd.Series)
    assert bunch.frame.columns.tolist() == ["formula", "target", "fold"]


def test_results_are_copies():
    first = load_matbench("steels")
    first.data[0] = "X"
    first.target[0] = -1
    first.frame.loc[0, "formula"] = "Y"
    second = load_matbench("steels")
    assert second.data[0].startswith("Fe0.620") and second.target[0] == 2411.5
    assert second.frame.loc[0, "formula"].startswith("Fe0.620")


@pytest.mark.parametrize("task", [None, "steels_yield", "mp_gap", "Glass", 3])
def test_unknown_task_raises(task):
    with pytest.raises(ValueError, match="expt_gap.*steels.*expt_is_metal.*glass"):
        load_matbench(task)


@pytest.mark.parametrize("task", TASKS)
def test_checksum_listed_and_verified(task):
    name = f"matbench_{task}.csv.gz"
    data = bundled.bundled_bytes(name)
    assert hashlib.sha256(data).hexdigest() == bundled._expected_digests()[name]


def test_corrupted_file_raises(monkeypatch, fresh_caches):
    name = "matbench_glass.csv.gz"
    with monkeypatch.context() as patch:
        patch.setattr(bundled, "resources", CorruptingFiles(name))
        with pytest.raises(CorruptFileError, match="Checksum mismatch") as excinfo:
            load_matbench("glass")
        assert name in str(excinfo.value)
    assert load_matbench("glass").data.shape == (5680,)
