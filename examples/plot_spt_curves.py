"""
Small punch test curves and their Gramian angular fields
========================================================

The small-punch-test Seq2Seq model of Yang et al. (2025) reads a
load–displacement curve and predicts the material's true stress–strain curve.
Its training data came from finite-element runs that are not public, so skmat
ships a reduced-order simulator of the same test: a flat punch of Ø 5.5 mm
pushed 4.5 mm into a disc clamped at r = 6.5 mm, with elastic plate bending,
the plastic-bending knee, membrane stretching with thinning and hardening,
the maximum and the softening after it.

This example draws a few materials from the paper's Table I ranges, plots
their load–displacement curves beside their stress–strain curves, and shows
the Gramian angular field (GAF) images the model's 2-D convolutions read,
and the dict of image, sequence and test conditions that the encoder hands to
the model.
"""

# %%
# Generate curves
# ---------------
# :func:`~skmat.datasets.make_small_punch_test` samples the strength
# coefficient, hardening exponent and thickness, and returns forces (N) on
# the 181-point displacement grid and true stresses (MPa) on a 35-point
# strain grid.
import matplotlib.pyplot as plt
import numpy as np

from skmat import GramianAngularFieldEncoder
from skmat.datasets import make_small_punch_test

spt = make_small_punch_test(n_samples=8, random_state=1)
print(spt.DESCR)
print(spt.params.round(3))

# %%
# Load–displacement and stress–strain, side by side
# -------------------------------------------------
# Colour follows the yield stress. Thick, strong discs carry the largest
# loads; the stress–strain curves show the elastic line, the yield point and
# power-law hardening.
order = np.argsort(spt.params["yield_stress"].to_numpy())
colors = plt.cm.viridis(np.linspace(0, 1, len(order)))
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
for color, i in zip(colors, order):
    p = spt.params.iloc[i]
    label = f"σy {p.yield_stress:.0f} MPa, n {p.hardening_exponent:.2f}, t {p.thickness:.1f} mm"
    left.plot(spt.displacement, spt.data[i] / 1000, color=color, label=label)
    right.plot(spt.strain, spt.target[i], color=color)
left.set_xlabel("punch displacement (mm)")
left.set_ylabel("force (kN)")
left.set_title("small punch test")
left.legend(fontsize=7)
right.set_xlabel("true strain")
right.set_ylabel("true stress (MPa)")
right.set_title("true stress–strain curve")
fig.tight_layout()

# %%
# Gramian angular fields
# ----------------------
# :class:`~skmat.GramianAngularFieldEncoder` shortens each curve by
# piecewise aggregate approximation (PAA), scales it to [-1, 1] on its own and
# forms ``cos(φi + φj)`` (summation) or ``sin(φi − φj)`` (difference).
# ``output="image"`` returns these images alone, ``(n, 1, 64, 64)``, as
# ``pyts.image.GramianAngularField`` would.
weakest, strongest = order[0], order[-1]
fig, axes = plt.subplots(2, 2, figsize=(7, 7))
for row, method in enumerate(("summation", "difference")):
    images = GramianAngularFieldEncoder(image_size=64, method=method, output="image").fit_transform(spt.data)
    for col, i in enumerate((weakest, strongest)):
        ax = axes[row, col]
        ax.imshow(images[i, 0], cmap="RdBu_r", vmin=-1, vmax=1, origin="lower")
        ax.set_title(f"{method}, σy {spt.params.yield_stress.iloc[i]:.0f} MPa", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
fig.tight_layout()

# %%
# What the model reads: image, sequence and conditions
# ----------------------------------------------------
# The per-curve scaling throws away the load level: two discs whose curves
# have one shape but different peaks get the same image. So the paper keeps
# the curve itself beside the image, and the encoder's default output,
# ``output="dict"``, is what :class:`~skmat.SPTSeq2SeqRegressor` reads:
#
# * ``"image"``: the GAF images, ``(n, 1, s, s)`` float32;
# * ``"sequence"``: the PAA curve, ``(n, s)`` float32, divided by one number
#   for all curves (``sequence_scale_``, the largest absolute value seen in
#   ``fit``), so the relative load levels survive;
# * ``"conditions"``: with ``n_conditions=k``, the last ``k`` columns of
#   ``X`` (here the disc thickness), ``(n, k)``, passed through unscaled and
#   left out of the image and the sequence.
X = np.column_stack([spt.data, spt.params["thickness"]])  # curve points, then thickness
encoder = GramianAngularFieldEncoder(image_size=64, n_conditions=1)
encoded = encoder.fit_transform(X)
print({key: (value.shape, value.dtype.name) for key, value in encoded.items()})
print(f"sequence_scale_ = {encoder.sequence_scale_:.0f} N")

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
for i in (weakest, strongest):
    thickness = encoded["conditions"][i, 0]
    left.plot(encoded["sequence"][i], label=f"σy {spt.params.yield_stress.iloc[i]:.0f} MPa, t {thickness:.2f} mm")
    right.plot(encoded["image"][i, 0].diagonal(), label=f"σy {spt.params.yield_stress.iloc[i]:.0f} MPa")
left.set_xlabel("PAA point")
left.set_ylabel("load / sequence_scale_")
left.set_title('"sequence": the load level is kept')
left.legend(fontsize=8)
right.set_xlabel("PAA point")
right.set_ylabel("cos(2φi)")
right.set_title('diagonal of "image": each curve scaled on its own')
fig.tight_layout()
plt.show()
