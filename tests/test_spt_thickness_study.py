"""benchmarks/spt_thickness_study.py: a tiny run writes every part of the study, finite and labelled."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from benchmarks import spt_thickness_study as study

THICKNESSES = {1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0}


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    """One variant, 2-fold instead of 5-fold, one profile value: a few seconds."""
    out = tmp_path_factory.mktemp("study") / "spt_thickness_study.csv"
    study.main(["--variants", "all9", "locexp-at-default", "--folds", "2", "--profile", "0.2", "--out", str(out)])
    assert out.read_text().startswith("# made by: python ")
    return pd.read_csv(out, comment="#", keep_default_na=False, na_values=[""])


def test_the_columns_and_parts(table):
    assert list(table.columns) == study.COLUMNS
    assert set(table.part) == {"score", "constants", "attribution", "floor", "one constant per thickness",
                               "n coverage", "profile"}
    scores = table[table.part == "score"]
    assert set(scores.variant) == {"all9", "locexp-at-default"}
    assert set(scores.evaluation) == {"in sample", "2-fold", "leave one thickness out"}


def test_every_score_is_finite(table):
    scored = table[table.part != "constants"]
    for column in ("nrmse_median_pct", "nrmse_p90_pct", "nrmse_max_pct", "n_curves"):
        values = scored[column].to_numpy(dtype=float)
        assert np.isfinite(values).all() and (values >= 0).all(), column
    constants = table[(table.part == "constants") & (table.thickness != "spread")]
    assert np.isfinite(constants.value.to_numpy(dtype=float)).all()
    assert (constants.value.to_numpy(dtype=float) > 0).sum() >= 8 * 9  # the exponents may reach their bound


def test_leave_one_thickness_out_rows_name_their_held_out_thickness(table):
    loto = table[(table.part == "score") & (table.evaluation == "leave one thickness out") & (table.runs == "all")]
    for _, rows in loto.groupby("variant"):
        per_fold = rows[rows.thickness != "all"]
        assert {float(t) for t in per_fold.thickness} == THICKNESSES
        # each fold is fitted on the other thicknesses' runs and scored on its own
        assert (per_fold.n_train.astype(int) + per_fold.n_curves.astype(int) == 40).all()
        assert int(rows[rows.thickness == "all"].n_curves.iloc[0]) == 40
    folds = table[(table.part == "constants") & (table.evaluation == "leave one thickness out")
                  & (table.thickness != "spread")]
    assert {float(t) for t in folds.thickness} == THICKNESSES


def test_the_shipped_recipe_reproduces_spt_calibration(table):
    """all9 is spt_calibration.py's "refit (defaults)": 2.86 % in sample and 4.0 % leaving one thickness out."""
    scores = table[(table.part == "score") & (table.variant == "all9") & (table.thickness == "all")]
    median = dict(zip(scores.evaluation, scores.nrmse_median_pct))
    assert median["in sample"] == pytest.approx(2.86, abs=0.02)
    assert median["leave one thickness out"] == pytest.approx(4.0, abs=0.02)
    leaky = table[table.part == "score"].set_index("variant").leaky.astype(str)
    assert set(leaky["all9"]) == {"False"} and set(leaky["locexp-at-default"]) == {"True"}


def test_equal_weights_repeat_curves_so_each_thickness_counts_alike(monkeypatch):
    seen = {}

    def fake_calibrate(displacement, force, *, thickness, **options):
        seen["thickness"] = thickness
        return options["start"]

    monkeypatch.setattr(study, "calibrate_small_punch", fake_calibrate)
    fem = study.load_small_punch_fem()
    study.fit(fem, np.arange(40), study.NAMES, study.VARIANTS["all9-equal-weights"])
    _, counts = np.unique(seen["thickness"], return_counts=True)
    assert len(set(counts)) == 1 and len(counts) == 7
