"""
Periodic-table CNN quickstart
=============================

Predict the formation enthalpy and the lattice parameter of full-Heusler
(X\\ :sub:`2`\\ YZ) compounds from their formula alone, with the
periodic-table representation and multi-task CNN of Zheng, Zheng & Zhang
(*Chem. Sci.* 9, 8426, 2018).

Each formula becomes a 5 x 16 image of the periodic table
(:class:`~skmat.PeriodicTableEncoder`), and a small convolutional network
(:class:`~skmat.PTRCNNRegressor`) learns both properties at once. The two are
chained in an ordinary scikit-learn pipeline.

To keep this example to well under a minute on a laptop CPU it trains on
1,500 compounds for 15 epochs with a third of the paper's filters. The paper
trained on up to 60,000 compounds for 100,000 iterations and reached
7 meV/atom and 0.40 %; with 40 times less data and far shorter training,
expect errors many times larger.
"""

# %%
# Load the data
# -------------
# :func:`~skmat.datasets.load_oqmd_heusler` returns the OQMD X\ :sub:`2`\ YZ
# compositions bundled with skmat. ``subset="paper"`` keeps the compounds
# made of the 52 elements that occur in the paper's Heusler data (its 5 x 16
# table has 58; C, N, O, P, S and Se never occur); ``outliers="drop"`` removes
# failed calculations (formation enthalpy beyond ±5 eV/atom) and says how
# many it removed (none in this subset). The target has two columns:
# formation enthalpy (eV/atom) and lattice parameter (Å).
import matplotlib.pyplot as plt
import numpy as np
from sklearn.pipeline import make_pipeline

from skmat import PeriodicTableEncoder, PTRCNNRegressor
from skmat.datasets import load_oqmd_heusler

data = load_oqmd_heusler(subset="paper", outliers="drop")
print(data.DESCR.splitlines()[0])
print("targets:", data.target_names)

# A random sample: 1,500 compounds to train on, 500 to test on.
rng = np.random.default_rng(0)
sample = rng.choice(len(data.data), size=2000, replace=False)
train, test = sample[:1500], sample[1500:]
X_train, y_train = data.data[train], data.target[train]
X_test, y_test = data.data[test], data.target[test]
print(f"train: {len(X_train)} compounds, test: {len(X_test)} compounds")

# %%
# What the network sees
# ---------------------
# :class:`~skmat.PeriodicTableEncoder` puts every element of the paper's
# table (periods 2–6, groups 1–16, no f-block) in its own cell. A cell holds
# the element's atom count if the element is in the compound and 0 if it is
# not, as does a cell that holds no element at all (the paper marked absent
# elements -1: ``PeriodicTableEncoder(absent_value=-1)``; 0 trains better,
# see the collapse study in the docs). Here is Co\ :sub:`2`\ MnSi: Co = 2,
# Mn = Si = 1.
encoder = PeriodicTableEncoder().fit(X_train)
image = encoder.transform(["Co2MnSi"])[0, 0]
names = np.array(encoder.layout_.cell_names()).reshape(image.shape)

fig, ax = plt.subplots(figsize=(9, 3.4))
shown = ax.imshow(image, cmap="RdBu_r", vmin=-2, vmax=2)
for (row, col), name in np.ndenumerate(names):
    if name.startswith("blank_"):
        continue
    value = image[row, col]
    ax.text(
        col,
        row,
        name,
        ha="center",
        va="center",
        fontsize=8,
        fontweight="bold" if value > 0 else "normal",
        color="white" if abs(value) > 1.5 else "black",
    )
ax.set_xticks(range(image.shape[1]), labels=[str(g) for g in range(1, 17)])
ax.set_yticks(range(image.shape[0]), labels=[str(p) for p in range(2, 7)])
ax.set_xlabel("group")
ax.set_ylabel("period")
ax.set_title("PeriodicTableEncoder image of Co$_2$MnSi")
fig.colorbar(shown, ax=ax, label="cell value", fraction=0.025, pad=0.02)
fig.tight_layout()

# %%
# Fit the pipeline
# ----------------
# The encoder turns formulas into images of shape ``(n, 1, 5, 16)``; the
# regressor infers that shape and the number of targets from the data,
# whitens the targets on the training set and predicts in the original
# units. ``module__n_filters=32`` narrows the paper's 96 filters per
# convolution to save time; ``random_state`` makes the run repeatable.

model = make_pipeline(
    PeriodicTableEncoder(),
    PTRCNNRegressor(max_epochs=15, module__n_filters=32, random_state=0),
)
model.fit(X_train, y_train)

# %%
# Test-set errors
# ---------------
# Mean absolute error of the formation enthalpy, in meV/atom, and mean
# absolute percentage error of the lattice parameter.
y_pred = model.predict(X_test)
enthalpy_mae = 1000 * np.mean(np.abs(y_pred[:, 0] - y_test[:, 0]))
lattice_mape = 100 * np.mean(np.abs(y_pred[:, 1] - y_test[:, 1]) / y_test[:, 1])
print(f"formation enthalpy MAE: {enthalpy_mae:.0f} meV/atom")
print(f"lattice parameter MAPE: {lattice_mape:.2f} %")

# %%
# Parity plot
# -----------
# Predicted against DFT values for the 500 test compounds. Points on the
# diagonal are predicted exactly.
fig, axes = plt.subplots(1, 2, figsize=(9, 4.2))
panels = [
    ("formation enthalpy (eV/atom)", f"MAE {enthalpy_mae:.0f} meV/atom"),
    ("lattice parameter (Å)", f"MAPE {lattice_mape:.2f} %"),
]
for k, (ax, (label, score)) in enumerate(zip(axes, panels)):
    ax.scatter(y_test[:, k], y_pred[:, k], s=8, alpha=0.5, edgecolors="none")
    low = min(y_test[:, k].min(), y_pred[:, k].min())
    high = max(y_test[:, k].max(), y_pred[:, k].max())
    ax.plot([low, high], [low, high], color="black", linewidth=1)
    ax.set_xlabel(f"OQMD {label}")
    ax.set_ylabel(f"predicted {label}")
    ax.set_title(score)
    ax.set_aspect("equal")
fig.suptitle(f"PTR-CNN, {len(X_train)} training compounds, {len(X_test)} test compounds")
fig.tight_layout()
plt.show()
