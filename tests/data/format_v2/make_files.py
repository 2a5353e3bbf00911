"""Write the format-version-2 files that ``tests/test_saved_file_formats.py`` reads back.

These files were written by skmat at commit 7432b53 (the release before the
issue-21 restructuring, which moved private modules) with this script, run
from the repository root::

    python tests/data/format_v2/make_files.py

One small fitted pipeline per estimator and encoder, each beside its inputs
and the predictions the saving process made, plus the shipped ``oqmd``
network's predictions on a few formulas. Running the script with a later
skmat rewrites them in the current format; the point is that today's loader
still reads what users saved with that release and predicts the same.
"""

import json
from pathlib import Path

import numpy as np

from skmat import (
    GramianAngularFieldEncoder,
    MendeleevLineEncoder,
    PeriodicTableEncoder,
    PTRCNNClassifier,
    PTRCNNRegressor,
    RandomTableEncoder,
    SPTInverseFitRegressor,
    SPTSeq2SeqRegressor,
    load_pretrained,
)
from skmat.datasets import make_small_punch_test
from skmat.models import CurveMLP, GRUSeq2Seq, TransformerSeq2Seq, save_pipeline
from skmat.preprocessing import CurveResampler
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline

HERE = Path(__file__).parent
FORMULAS = ["Co2MnSi", "Fe2VAl", "Ni2MnGa", "Cu2MnAl", "Co2FeSi", "Fe2CrAl", "NiAl", "Fe3Si"] * 3
TINY_PTR = dict(max_epochs=2, module__n_filters=4, module__hidden_units=8, verbose=0, random_state=0)
TINY_SPT = {
    None: dict(module__hidden_size=8, module__num_layers=1, module__num_heads=2),
    CurveMLP: dict(module=CurveMLP, module__hidden_sizes=(16,)),
    GRUSeq2Seq: dict(module=GRUSeq2Seq, module__conv1d_channels=2, module__hidden_size=8, module__num_layers=1),
    TransformerSeq2Seq: dict(module=TransformerSeq2Seq, module__conv1d_channels=2, module__d_model=8,
                             module__nhead=2, module__num_layers=1, module__dim_feedforward=16),
}


def save(name, pipeline, X):
    save_pipeline(pipeline, HERE / f"{name}.skmat")
    pred = pipeline.predict_proba(X) if hasattr(pipeline, "predict_proba") else pipeline.predict(X)
    np.save(HERE / f"{name}_pred.npy", np.asarray(pred))


def main():
    rng = np.random.default_rng(0)
    y2 = np.column_stack([np.linspace(-0.5, 0.1, len(FORMULAS)), rng.uniform(5, 7, len(FORMULAS))])
    with open(HERE / "formulas.json", "w") as handle:
        json.dump(FORMULAS, handle)
    for name, encoder in [("ptr_regressor", PeriodicTableEncoder()), ("mendeleev_line", MendeleevLineEncoder()),
                          ("random_table", RandomTableEncoder(random_state=0))]:
        # random_state=4 for the line: with 0 this tiny network collapses to a constant on it.
        net = PTRCNNRegressor(**{**TINY_PTR, "random_state": 4 if name == "mendeleev_line" else 0})
        save(name, make_pipeline(encoder, net).fit(FORMULAS, y2), FORMULAS)
    base = make_pipeline(PeriodicTableEncoder(), PTRCNNRegressor(**TINY_PTR)).fit(FORMULAS, y2)
    tuned = PTRCNNRegressor.from_regressor(base[-1], max_epochs=2, freeze_features=True, verbose=0,
                                           random_state=0)
    save("ptr_fine_tuned", make_pipeline(PeriodicTableEncoder(), tuned).fit(FORMULAS, y2[:, 0]), FORMULAS)
    save("ptr_classifier", make_pipeline(PeriodicTableEncoder(), PTRCNNClassifier(**TINY_PTR))
         .fit(FORMULAS, y2[:, 0] > -0.2), FORMULAS)

    spt = make_small_punch_test(24, random_state=0)
    X, y = spt.data, spt.target
    np.save(HERE / "spt_inputs.npy", X)
    for module, params in TINY_SPT.items():
        name = "spt_seq2seq" if module is None else f"spt_{module.__name__.lower()}"
        net = SPTSeq2SeqRegressor(max_epochs=1, batch_size=8, verbose=0, random_state=0, **params)
        save(name, make_pipeline(GramianAngularFieldEncoder(8), net).fit(X, y), X)
    with_thickness = np.column_stack([X, spt.params["thickness"]])[:6]
    np.save(HERE / "spt_inverse_inputs.npy", with_thickness)
    save("spt_inverse", make_pipeline(SPTInverseFitRegressor()).fit(with_thickness, y[:6]), with_thickness)
    grid = np.linspace(0, 1, X.shape[1] - 1)
    curves = np.stack([np.broadcast_to(grid, X[:, :-1].shape), X[:, :-1]], axis=1)
    np.save(HERE / "resampler_inputs.npy", curves)
    save("curve_resampler", make_pipeline(CurveResampler(n_points=16), Ridge()).fit(curves, y), curves)

    oqmd = load_pretrained("oqmd")
    np.save(HERE / "oqmd_pred.npy", oqmd.predict(FORMULAS[:8]))


if __name__ == "__main__":
    main()
