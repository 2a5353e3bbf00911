"""
Transfer learning: from formation enthalpies to stability
=========================================================

Zheng et al. trained their CNN on tens of thousands of DFT formation
enthalpies, then *fine-tuned* it on a few hundred compounds labelled as
stable or not. A network that starts from weights that already know the
chemistry of the periodic table should need fewer labels than one trained
from scratch.

Here the labels are public: "on the convex hull" in Materials Project
(:func:`~skmat.datasets.load_mp_heusler_stability`), the honest stand-in for
the paper's non-public ICSD set. The steps:

1. pretrain a :class:`~skmat.PTRCNNRegressor` on OQMD X\\ :sub:`2`\\ YZ
   enthalpies and lattice parameters;
2. build a :class:`~skmat.PTRCNNClassifier` from it with
   :meth:`~skmat.PTRCNNClassifier.from_regressor` (every layer but the
   output is copied; ``freeze_features=True`` keeps the convolutions fixed);
3. compare it with the same classifier trained from scratch, on 300 labels,
   by 3-fold ``cross_validate`` and on a held-out test set.

The networks are small so the example runs in about a minute; the
full-size comparison is on the :doc:`../results` page.
"""

# %%
# Pretrain on OQMD
# ----------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import RocCurveDisplay
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline

from skmat import PeriodicTableEncoder, PTRCNNClassifier, PTRCNNRegressor
from skmat.datasets import load_mp_heusler_stability, load_oqmd_heusler
from skmat.encoders import periodic_table_layout

small = dict(module__n_filters=32, module__hidden_units=64, random_state=0)
X_oqmd, y_oqmd = load_oqmd_heusler(subset="paper", outliers="drop", return_X_y=True)
pretrain = np.random.default_rng(0).permutation(len(X_oqmd))[:3000]
regressor = make_pipeline(PeriodicTableEncoder(), PTRCNNRegressor(max_epochs=15, **small))
regressor.fit(X_oqmd[pretrain], y_oqmd[pretrain])

# %%
# Stability labels
# ----------------
# Keep the Materials Project X2YZ compounds the paper's 5 x 16 table can
# encode, and use CrabNet's test split as the fixed test set.
frame = load_mp_heusler_stability().frame
cells = set(periodic_table_layout("paper").elements)
frame = frame[frame[["X", "Y", "Z"]].isin(cells).all(axis=1)]
pool, test = frame[frame["split"] != "test"], frame[frame["split"] == "test"]
labelled = pool.sample(300, random_state=0)
X_fit, y_fit = labelled["formula"].to_numpy(object), labelled["stable"].to_numpy()
X_test, y_test = test["formula"].to_numpy(object), test["stable"].to_numpy()
print(f"{len(y_fit)} labels ({y_fit.mean():.0%} stable); test set {len(y_test)} ({y_test.mean():.0%} stable)")

# %%
# Scratch against transfer, in the same harness
# ---------------------------------------------
# ``from_regressor`` stores a copy of the trained weights as a plain
# parameter, so the classifier survives ``sklearn.clone`` inside
# ``cross_validate``.
fine_tune = dict(max_epochs=40, random_state=0)
classifiers = {
    "from scratch": make_pipeline(
        PeriodicTableEncoder(), PTRCNNClassifier(module__n_filters=32, module__hidden_units=64, **fine_tune)
    ),
    "transfer": make_pipeline(PeriodicTableEncoder(), PTRCNNClassifier.from_regressor(regressor, **fine_tune)),
    "transfer, frozen convolutions": make_pipeline(
        PeriodicTableEncoder(), PTRCNNClassifier.from_regressor(regressor, freeze_features=True, **fine_tune)
    ),
}
# A random forest on the flattened table is the obvious non-neural reference.
from sklearn.ensemble import RandomForestClassifier  # noqa: E402

classifiers["random forest"] = make_pipeline(
    PeriodicTableEncoder(output="flat"), RandomForestClassifier(n_estimators=300, random_state=0)
)
for name, model in classifiers.items():
    scores = cross_validate(model, X_fit, y_fit, cv=StratifiedKFold(3), scoring="roc_auc")
    print(f"{name:30s} 3-fold ROC AUC {scores['test_score'].mean():.3f} ± {scores['test_score'].std():.3f}")

# %%
# Being "on the hull" is hard to read from the composition alone: it depends
# on every competing phase, none of which the pretraining data contains, and
# 300 labels is little. Expect ROC AUCs not far above 0.5 here for every
# model; the full benchmark shows how they grow with the number of labels.
#
# Held-out test set
# -----------------
fig, ax = plt.subplots(figsize=(5, 4.5))
for name, model in classifiers.items():
    model.fit(X_fit, y_fit)
    RocCurveDisplay.from_predictions(y_test, model.predict_proba(X_test)[:, 1], name=name, ax=ax)
ax.plot([0, 1], [0, 1], "k:", lw=1)
ax.set_title("On the MP hull? 300 labels")
fig.tight_layout()
plt.show()

# %%
# Which X-site elements does the fine-tuned model call stable?
# ------------------------------------------------------------
# The paper's Fig. 3 counts OQMD X2YZ compounds with p > 0.99 by their X
# element. With this small model and 300 labels the counts are only
# indicative; ``benchmarks/ptr_transfer.py`` makes the full figure.
transfer = classifiers["transfer"]
proba = transfer.predict_proba(X_oqmd)[:, 1]
x_site = load_oqmd_heusler(subset="paper", outliers="drop").frame["X"].to_numpy()
elements, counts = np.unique(x_site[proba > 0.99], return_counts=True)
top = np.argsort(counts)[::-1][:10]
print("most frequent X among p > 0.99:", ", ".join(f"{elements[i]} {counts[i]}" for i in top))
