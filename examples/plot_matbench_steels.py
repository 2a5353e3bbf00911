"""
Fine-tune the pretrained OQMD network on 250 steel yield strengths
==================================================================

A metallurgist has a few hundred measured yield strengths and their
compositions. Trained from scratch, a network learns little from so few;
started from a network that already learned formation enthalpies and
volumes of 226,000 OQMD compounds, it starts from features that know the
periodic table. This example fine-tunes :func:`skmat.load_pretrained`'s
``"oqmd"`` network on one of Matbench's official ``steels`` folds
(:func:`skmat.datasets.load_matbench`) and compares it with the same
network trained from random weights and with a random forest on the
element fractions. It runs in well under a minute on a laptop CPU;
``benchmarks/matbench.py`` runs all five folds and the four composition
tasks with the Magpie baselines.
"""

# %%
# Data: Matbench's ``steels`` task, official fold 0
# --------------------------------------------------
import time

import matplotlib.pyplot as plt
import numpy as np
from sklearn.base import clone
from sklearn.ensemble import RandomForestRegressor
from sklearn.metrics import mean_absolute_error
from sklearn.pipeline import Pipeline

import skmat
from skmat import PeriodicTableEncoder, PTRCNNRegressor
from skmat.datasets import load_matbench

steels = load_matbench("steels")
train, test = steels.folds[0]
X, y = steels.data, steels.target
print(f"{len(train)} training and {len(test)} test steels; yield strength {y.min():.0f}-{y.max():.0f} MPa")

# %%
# The pretrained network
# ----------------------
# ``load_pretrained`` returns a fitted Pipeline that predicts the OQMD
# targets from formulas. Its encoder accepts only the elements the network
# was trained on; every element of the steels is one of them.
base = skmat.load_pretrained("oqmd")
info = skmat.pretrained_info("oqmd")
print("pretrained on", info["n_train"], "OQMD formulas; test MAE", info["test_MAE"])
print(base.predict(["Fe", "Fe3C"]))  # formation enthalpy (eV/atom), volume (Å³/atom)

# %%
# Fine-tune, and train the same network from scratch
# --------------------------------------------------
# ``PTRCNNRegressor.from_regressor`` copies every layer but the output one,
# which is new and sized for the yield strength. The fine-tuning runs the
# default AdamW with cosine decay for 200 epochs over the 250 steels.
params = dict(max_epochs=200, batch_size=64, random_state=0, verbose=0)
models = {
    "fine-tuned from OQMD": Pipeline([
        ("encode", clone(base[0])),
        ("model", PTRCNNRegressor.from_regressor(base, **params)),
    ]),
    "same network from scratch": Pipeline([
        ("encode", PeriodicTableEncoder(layout="full", amounts="fraction")),
        ("model", PTRCNNRegressor(module__mixed_precision=True, **params)),
    ]),
    "random forest on fractions": Pipeline([
        ("encode", PeriodicTableEncoder(layout="full", amounts="fraction", output="flat")),
        ("model", RandomForestRegressor(n_estimators=300, random_state=0)),
    ]),
}
predictions = {}
for name, model in models.items():
    start = time.perf_counter()
    model.fit(X[train], y[train])
    predictions[name] = model.predict(X[test])
    mae = mean_absolute_error(y[test], predictions[name])
    print(f"{name:28s} MAE {mae:6.1f} MPa  ({time.perf_counter() - start:.0f} s)")

# %%
# Predicted against measured
# --------------------------
fig, ax = plt.subplots(figsize=(4.5, 4.5))
for name, predicted in predictions.items():
    ax.scatter(y[test], predicted, s=12, alpha=0.7, label=name)
lims = [y.min() * 0.9, y.max() * 1.05]
ax.plot(lims, lims, color="black", linewidth=0.8)
ax.set(xlim=lims, ylim=lims, xlabel="measured yield strength (MPa)", ylabel="predicted (MPa)",
       title="Matbench steels, fold 0")
ax.legend(fontsize=8)
fig.tight_layout()
