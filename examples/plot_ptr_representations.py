"""
Does the periodic table's layout matter?
========================================

Zheng, Zheng & Zhang's central claim is that a CNN learns chemistry from the
*two-dimensional arrangement* of the periodic table: the same network on the
same values, with the elements shuffled in the table or laid out on a line,
does worse. This example runs that comparison in miniature, all through one
scikit-learn harness: only the encoder step of the pipeline changes.

* :class:`~skmat.PeriodicTableEncoder`: the 5 x 16 table (PTR);
* :class:`~skmat.RandomTableEncoder`: the same cells, elements shuffled;
* :class:`~skmat.MendeleevLineEncoder`: one line in Mendeleev-number order,
  and the same line in random order;
* kernel ridge on the Mendeleev line, the paper's non-neural baseline.

It trains on 1,500 compounds with a small network so that it runs in well
under a minute on a laptop CPU. At this size the ranking need not be the
paper's: the one-dimensional Mendeleev line is a strong representation in
its own right (Pettifor's scale was built to sort chemistry), and a small
network on little data cannot exploit much two-dimensional structure. The
full learning curves (1k–60k compounds) are on the :doc:`../results` page.
"""

# %%
# One fixed split, five pipelines
# -------------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.compose import TransformedTargetRegressor
from sklearn.kernel_ridge import KernelRidge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmat import MendeleevLineEncoder, PeriodicTableEncoder, PTRCNNRegressor, RandomTableEncoder
from skmat.datasets import load_oqmd_heusler

X, y = load_oqmd_heusler(subset="paper", outliers="drop", return_X_y=True)
order = np.random.default_rng(0).permutation(len(X))
train, test = order[:1500], order[1500:4500]


def cnn():
    return PTRCNNRegressor(
        max_epochs=15, batch_size=32, module__n_filters=32, module__hidden_units=64, random_state=0
    )


models = {
    "periodic table": make_pipeline(PeriodicTableEncoder(), cnn()),
    "random table": make_pipeline(RandomTableEncoder(random_state=1), cnn()),
    "Mendeleev line": make_pipeline(MendeleevLineEncoder(), cnn()),
    "random line": make_pipeline(MendeleevLineEncoder(order="random", random_state=1), cnn()),
    "KRR, Mendeleev line": make_pipeline(
        MendeleevLineEncoder(output="flat"),
        TransformedTargetRegressor(
            regressor=KernelRidge(kernel="laplacian", alpha=1e-2, gamma=0.1), transformer=StandardScaler()
        ),
    ),
}

# %%
# Fit and score
# -------------
# Formation-enthalpy MAE in meV/atom and lattice-parameter MAPE in %.
mae, mape = {}, {}
for name, model in models.items():
    prediction = model.fit(X[train], y[train]).predict(X[test])
    mae[name] = 1000 * np.mean(np.abs(prediction[:, 0] - y[test, 0]))
    mape[name] = 100 * np.mean(np.abs(prediction[:, 1] - y[test, 1]) / y[test, 1])
    print(f"{name:20s} ΔHf MAE {mae[name]:6.1f} meV/atom   a MAPE {mape[name]:.2f} %")

# %%
# Plot
# ----
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
names = list(models)
colors = ["C0", "C1", "C2", "C3", "grey"]
axes[0].barh(names, [mae[n] for n in names], color=colors)
axes[0].set_xlabel("formation enthalpy MAE (meV/atom)")
axes[1].barh(names, [mape[n] for n in names], color=colors)
axes[1].set_xlabel("lattice parameter MAPE (%)")
axes[1].set_yticklabels([])
for ax in axes:
    ax.invert_yaxis()
fig.suptitle("1,500 training compounds, 3,000 test")
fig.tight_layout()
plt.show()

# %%
# Reading the result
# ------------------
# Every CNN row uses the same network, optimiser and seed: only the encoder
# differs, which is what makes the comparison fair. Run
# ``benchmarks/ptr_learning_curves.py`` for the paper's full comparison at
# 1k to 60k compounds.
