"""Write the format-version-1 files that ``tests/test_saved_file_formats.py`` reads back.

These files were written by skmat at commit 9883f11 (the last version that
wrote format 1: private module paths, no checksum) with this script, run from
the repository root::

    python tests/data/format_v1/make_files.py

Running it with a later skmat writes the current format instead; the point
of the files is that today's loader still reads what users saved then. Each
file comes with the inputs and the predictions the saving process made.
"""

from pathlib import Path

import numpy as np
from sklearn.compose import TransformedTargetRegressor
from sklearn.kernel_ridge import KernelRidge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmat import GramianAngularFieldEncoder, PeriodicTableEncoder, PTRCNNRegressor, SPTSeq2SeqRegressor
from skmat.models import PTRCNNClassifier, save_pipeline

HERE = Path(__file__).parent
FORMULAS = ["Co2MnSi", "Fe2VAl", "Ni2MnGa", "Cu2MnAl", "Co2FeSi", "Fe2CrAl"] * 4


def curves(n=24, m=20, seed=1):
    rng = np.random.default_rng(seed)
    x = np.linspace(0, 1, m)
    peak = rng.uniform(500, 3000, (n, 1))
    return peak * np.sin(np.pi * x) ** 2, rng.uniform(0.4, 0.6, n)


def main():
    y = np.linspace(-0.5, 0.1, len(FORMULAS))
    small = dict(max_epochs=2, module__n_filters=4, module__hidden_units=8, verbose=0, random_state=0)
    ptr = make_pipeline(PeriodicTableEncoder(), PTRCNNRegressor(**small)).fit(FORMULAS, y)
    save_pipeline(ptr, HERE / "ptr_pipeline.pt")
    np.save(HERE / "ptr_pipeline_pred.npy", ptr.predict(FORMULAS))

    images = PeriodicTableEncoder().fit_transform(FORMULAS)
    classifier = PTRCNNClassifier(**small).fit(images, y > -0.2)
    classifier.save(HERE / "ptr_classifier.pt")
    np.save(HERE / "ptr_classifier_images.npy", images)
    np.save(HERE / "ptr_classifier_proba.npy", classifier.predict_proba(images))

    loads, thickness = curves()
    X = np.column_stack([loads, thickness])
    spt = make_pipeline(
        GramianAngularFieldEncoder(8, n_conditions=1),
        SPTSeq2SeqRegressor(max_epochs=1, module__hidden_size=8, module__num_layers=1, module__num_heads=2,
                            verbose=0, random_state=0),
    ).fit(X, loads[:, ::4])
    save_pipeline(spt, HERE / "spt_pipeline.pt")
    np.save(HERE / "spt_inputs.npy", X)
    np.save(HERE / "spt_pipeline_pred.npy", spt.predict(X))

    krr = make_pipeline(StandardScaler(), TransformedTargetRegressor(KernelRidge(alpha=1e-3),
                                                                     transformer=StandardScaler()))
    krr.fit(loads, loads[:, ::4])
    save_pipeline(krr, HERE / "krr_pipeline.pt")
    np.save(HERE / "krr_pipeline_pred.npy", krr.predict(loads))


if __name__ == "__main__":
    main()
