"""
Stress–strain curves from small punch tests with a GAF Seq2Seq model
====================================================================

Train a small version of the Seq2Seq model of Yang et al. (2025) on simulated
small punch tests and compare its predicted true stress–strain curves with
the truth.

:class:`~skmat.GramianAngularFieldEncoder` turns each load–displacement
curve into a dict of three arrays: the ``"image"``, its Gramian angular
field ``(n, 1, s, s)``; the ``"sequence"``, the curve shortened to ``s``
points and divided by one global scale ``(n, s)``, which keeps the load
level that the per-curve scaling of the image loses; and the
``"conditions"`` ``(n, k)``, known test conditions given as the last ``k``
columns of ``X`` (here ``n_conditions=1``: the disc thickness), passed
through unscaled. The regressor (:class:`~skmat.SPTSeq2SeqRegressor`) reads
that dict by key: it extracts 2-D convolution features from the image and
multi-scale 1-D convolution features from the sequence, joins the
conditions to them, encodes them with an LSTM and decodes the stress curve
with an LSTM and multi-head cross-attention.

To build in seconds this example trains a narrow network on 600 curves for a
few epochs; ``benchmarks/spt_table2.py`` runs the full comparison.
"""

# %%
# Data
# ----
import matplotlib.pyplot as plt
import numpy as np
from sklearn.pipeline import Pipeline

from skmat import GramianAngularFieldEncoder, SPTSeq2SeqRegressor
from skmat.datasets import make_small_punch_test
from skmat.metrics import summarize_curve_errors

spt = make_small_punch_test(n_samples=700, random_state=0)
X = np.column_stack([spt.data, spt.params["thickness"]])  # curve points, then thickness
y = spt.target
X_train, X_test, y_train, y_test = X[:600], X[600:], y[:600], y[600:]

# %%
# Model
# -----
# Every size is a ``module__*`` parameter, so ``GridSearchCV`` can tune the
# encoder and the network together. The encoder's default output (the dict
# of image, sequence and conditions) is what the regressor reads.
model = Pipeline([
    ("gaf", GramianAngularFieldEncoder(image_size=24, n_conditions=1)),
    ("s2s", SPTSeq2SeqRegressor(
        max_epochs=15,
        module__hidden_size=32,
        module__num_layers=2,
        module__num_heads=2,
        random_state=0,
    )),
])
model.fit(X_train, y_train)
y_pred = model.predict(X_test)
encoded = model.named_steps["gaf"].transform(X_test[:2])
print({key: value.shape for key, value in encoded.items()})

# %%
# Per-curve errors
# ----------------
# Minimum, median and maximum over the test curves, as in the paper's
# Table II (MAPE as a fraction).
print(summarize_curve_errors(y_test, y_pred).round(3))

# %%
# Predictions against truth
# -------------------------
# Four test curves from low to high stress.
peaks = y_test.max(axis=1)
picks = np.argsort(peaks)[np.linspace(5, len(peaks) - 5, 4).astype(int)]
fig, axes = plt.subplots(1, 4, figsize=(14, 3.5))
for ax, i in zip(axes, picks):
    ax.plot(spt.strain, y_test[i], "k-", lw=2, label="true")
    ax.plot(spt.strain, y_pred[i], "C1--", lw=2, label="Seq2Seq")
    ax.set_xlabel("true strain")
    ax.set_title(f"t = {X_test[i, -1]:.2f} mm")
axes[0].set_ylabel("true stress (MPa)")
axes[0].legend()
fig.tight_layout()
plt.show()
