"""
The shipped OQMD average: one mix of eight networks per number of elements
==========================================================================

``skmat.load_pretrained("oqmd-average")`` predicts the weighted mean of
eight shipped networks (six read the periodic table, two the elements' line
by Mendeleev number). Its weights were fitted on validation formulas, apart
for the formulas of 1, 2, 3, and 4 or more distinct elements
(:class:`~skmat.models.PretrainedAverage` with ``weights_by="n_elements"``),
because the networks do not err alike on binaries and on quaternaries.

This example predicts 2,000 formulas of CrabNet's OQMD test split with it,
shows the weights of each group, the error per number of elements, and how
the members' spread (``return_std=True``) tracks the error. Nothing is
trained; it takes a few seconds.
"""

# %%
# Predict, with the members' spread
# ---------------------------------
import matplotlib.pyplot as plt
import numpy as np

import skmat
from skmat.datasets import load_oqmd

model = skmat.load_pretrained("oqmd-average")
average = model[-1]
test = load_oqmd("formation_enthalpy", "test")
formulas, target = test.data[:2000], test.target[:2000]
mean, std = model.predict(formulas, return_std=True)
error = np.abs(mean[:, 0] - target)  # column 0: formation enthalpy (eV/atom); column 1: volume per atom
print(f"MAE on {len(target)} test formulas: {error.mean():.4f} eV/atom")

# %%
# Error by number of elements
# ---------------------------
# Binaries are the hardest for every network; ternaries are most of OQMD.
GROUPS = ("1", "2", "3", "4+")  # the groups of weights_by="n_elements", in the order of weights_
groups = np.array([min(len(skmat.parse_formula(f)), 4) - 1 for f in formulas])
for g, label in enumerate(GROUPS):
    rows = groups == g
    if rows.any():
        print(f"{label:>2} elements: {rows.sum():5d} formulas, MAE {error[rows].mean():.4f} eV/atom")

# %%
# The weights of each group
# -------------------------
# ``weights_`` has one table per group (here no unary was in the fitting
# formulas, so the unaries take the weights fitted on all of them).
names = list(average.networks)
fig, ax = plt.subplots(figsize=(7, 3.5))
width = 0.2
for g, label in enumerate(GROUPS):
    ax.bar(np.arange(len(names)) + (g - 1.5) * width, average.weights_[g][:, 0], width, label=f"{label} elements")
ax.set_xticks(np.arange(len(names)), names, rotation=30, ha="right", fontsize=8)
ax.set_ylabel("weight (formation enthalpy)")
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %%
# Does the spread say which predictions to trust?
# -----------------------------------------------
# The spread is how much the members disagree, not a calibrated error bar,
# but the formulas they disagree on most are the ones they get most wrong.
order = np.argsort(std[:, 0])
for part, rows in zip(("lowest", "middle", "highest"), np.array_split(order, 3)):
    print(f"{part:7s} third of the spread: mean spread {std[rows, 0].mean():.4f}, MAE {error[rows].mean():.4f} eV/atom")
