"""
Small punch models on finite-element runs: simulate, fine-tune, compare
=======================================================================

A user with a few expensive curves (finite-element runs or experiments) and a
cheap simulator trains on many simulated curves, fine-tunes on the few real
ones and predicts the rest. This example does that with the 40 published
LS-DYNA runs bundled with skmat (:func:`~skmat.datasets.load_small_punch_fem`)
and compares it with what a practitioner would do without any network: fit
the simulator's strength coefficient ``K`` and hardening exponent ``n`` to
each curve (:class:`~skmat.models.SPTInverseFitRegressor`).

Scores are per-curve MAPE over the plastic points of each run's own true
stress–strain curve: predictions, made on ``DEFAULT_STRAIN``, are
interpolated onto the run's strain points (the truth is never resampled).
To build in seconds the network here is a small ANN trained briefly;
``benchmarks/spt_fem.py`` runs every model at full size.
"""

# %%
# Data: simulated curves for training, FE runs for fine-tuning and testing
# ------------------------------------------------------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.pipeline import make_pipeline

from skmat import GramianAngularFieldEncoder, SPTSeq2SeqRegressor
from skmat.datasets import DEFAULT_STRAIN, load_small_punch_fem, make_small_punch_test
from skmat.metrics import curve_mape, interpolate_curves
from skmat.models import CurveMLP, SPTInverseFitRegressor

fem = load_small_punch_fem()  # each run's own strain points
fem_default = load_small_punch_fem(strain_grid="default")  # the same stress on DEFAULT_STRAIN, for training
X_fem = np.column_stack([fem.data, fem.params["thickness"]])

sim = make_small_punch_test(1500, random_state=0, strength_coefficient_range=(150, 700),
                            hardening_exponent_range=(0.06, 0.55))
X_sim = np.column_stack([sim.data, sim.params["thickness"]])


def fe_mape(y_pred, runs):
    """Median MAPE (%) over the plastic points of the given runs, at their own strain points."""
    at_own = interpolate_curves(y_pred, DEFAULT_STRAIN, fem.strain[runs], extrapolate="linear")
    return 100 * np.median(curve_mape(fem.target[runs], at_own, points=slice(2, None)))


rng = np.random.default_rng(0)
tune = np.sort(rng.choice(40, size=10, replace=False))  # 10 FE runs to fine-tune on
test = np.setdiff1d(np.arange(40), tune)  # the other 30 to score

# %%
# Trained on simulations only
# ---------------------------
model = make_pipeline(
    GramianAngularFieldEncoder(32, n_conditions=1),
    SPTSeq2SeqRegressor(module=CurveMLP, max_epochs=60, random_state=0, verbose=0),
)
model.fit(X_sim, sim.target)
sim_only = model.predict(X_fem[test])
print(f"sim-only ANN:       {fe_mape(sim_only, test):.2f} %")

# %%
# Fine-tuned on 10 FE runs
# ------------------------
# The last step continues from its weights (``warm_start``) with a learning
# rate 20 times lower (a larger one undoes what the simulations taught), on
# what the fitted encoder makes of the 10 runs, so the encoder keeps the
# scaling it learned on the simulations. ``benchmarks/spt_fem.py`` finds
# that this helps a model that transfers badly (GAF-Seq2Seq: about 6.5 % to
# 2.7 % with 20 runs) more than one that already transfers well, like this
# ANN.
network = model[-1].set_params(warm_start=True, max_epochs=30, batch_size=8, lr=1e-4)
network.fit(model[:-1].transform(X_fem[tune]), fem_default.target[tune])
fine_tuned = model.predict(X_fem[test])
print(f"fine-tuned ANN:     {fe_mape(fine_tuned, test):.2f} %")

# %%
# The classical inverse fit
# -------------------------
inverse = SPTInverseFitRegressor().fit(X_fem[tune])
inverse_pred = inverse.predict(X_fem[test])
print(f"inverse fit (K, n): {fe_mape(inverse_pred, test):.2f} %")

# %%
# Three test runs
# ---------------
fig, axes = plt.subplots(1, 3, figsize=(12, 3.6))
for ax, i in zip(axes, test[[0, len(test) // 2, -1]]):
    j = int(np.flatnonzero(test == i)[0])
    ax.plot(fem.strain[i], fem.target[i], "k-", lw=2.5, label="FE truth")
    ax.plot(DEFAULT_STRAIN, sim_only[j], "--", label="sim-only ANN")
    ax.plot(DEFAULT_STRAIN, fine_tuned[j], "-", label="fine-tuned ANN")
    ax.plot(DEFAULT_STRAIN, inverse_pred[j], ":", lw=2, label="inverse fit")
    t, k, n = fem.params.loc[i, ["thickness", "strength_coefficient", "hardening_exponent"]]
    ax.set_title(f"run {i}: t {t:g} mm, K {k:g} MPa, n {n:g}", fontsize=9)
    ax.set_xlabel("true strain")
axes[0].set_ylabel("true stress (MPa)")
axes[0].legend(fontsize=7)
fig.tight_layout()
plt.show()
