"""
A rig's file in, a material card out
====================================

A laboratory with a small punch test rig has a load–displacement file per
test series and wants what a tensile test would have given: the true
stress–strain curve, how sure that curve is, and the figures that go on a
material card (yield strength, tensile strength, uniform elongation and the
hardening law). This example goes the whole way with the small punch model
shipped in skmat, ``skmat.load_pretrained("small-punch-flat5.5")``:

1. read the rig's file, header lines and all;
2. convert the force from kN to N, the unit the model reads;
3. remove the zero offset (toe) and the machine compliance;
4. resample onto the model's displacement grid and append the thickness;
5. predict the true stress–strain curve with a ±2σ band;
6. read the figures off the predicted curve.

The two specimens are simulated (:func:`~skmat.datasets.make_small_punch_test`
with the effects of a rig), so their true curves are known and every step
can be checked against them.
"""

# %%
# A rig's file
# ------------
# :func:`~skmat.datasets.make_small_punch_test` draws two materials within
# the range of the finite-element runs the shipped model learned from
# (K 200–550 MPa, n 0.10–0.48; discs 1–1.5 mm thick) and what the rig adds
# to each test: load-cell noise, a zero offset and the deflection of the
# load train, whose compliance is the inverse of the machine stiffness
# (50 kN/mm, a number from the rig's calibration). It records the tests on
# the model's own grid; a rig logs far more densely, at irregular steps,
# so the same two tests are recorded again on such a grid with the two
# functions it calls, :func:`~skmat.datasets.simulate_small_punch` and
# :func:`~skmat.datasets.perturb_small_punch`, and written the way a rig's
# software exports them: header lines, displacement in mm, force in kN.
import re
import tempfile
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import skmat
from skmat.datasets import make_small_punch_test, perturb_small_punch, read_curve_table, simulate_small_punch
from skmat.metrics import tensile_properties
from skmat.preprocessing import correct_rig, estimate_displacement_offset

STIFFNESS = 50_000.0  # N/mm (50 kN/mm): the machine stiffness from the rig's calibration
spt = make_small_punch_test(
    2, random_state=12, strength_coefficient_range=(200, 550), hardening_exponent_range=(0.10, 0.48),
    thickness_range=(1.0, 1.5),
    rig={"noise": (0.005, 0.01), "displacement_offset": (0.02, 0.08), "compliance": 1 / STIFFNESS},
)
truth = spt.params  # the drawn materials and rig levels, kept for checking
specimens = ["S-17", "S-18"]
thickness = truth["thickness"].round(3).to_numpy()  # what the micrometer says

rng = np.random.default_rng(12)
columns = {}
for k, (name, p) in enumerate(zip(specimens, truth.itertuples()), start=1):
    steps = rng.uniform(0.003, 0.007, 2000)  # about 0.005 mm a sample, irregular
    u = np.concatenate([[0.0], np.cumsum(steps)])
    u = u[u <= rng.uniform(4.75, 4.85)]  # the test stops past the maximum force
    clean = simulate_small_punch(strength_coefficient=p.strength_coefficient, hardening_exponent=p.hardening_exponent,
                                 thickness=p.thickness, displacement=u)
    logged = perturb_small_punch(clean.force, u, noise=p.rig_noise, displacement_offset=p.rig_displacement_offset,
                                 compliance=p.rig_compliance, random_state=k)[0]
    columns[f"Dis{k} (mm)"] = pd.Series(u.round(4))
    columns[f"Force{k} (kN)"] = pd.Series((logged / 1000).round(5))

workdir = tempfile.TemporaryDirectory()
path = Path(workdir.name) / "spt_series_2024-11-05.csv"
header = [
    "# rig: SPT-2 small punch rig, flat punch 5.5 mm, receiving die 13 mm",
    f"# machine stiffness: {STIFFNESS / 1000:g} kN/mm",
    *(f"# specimen {k}: {name}, thickness {t:.3f} mm" for k, (name, t) in enumerate(zip(specimens, thickness), 1)),
    "# crosshead speed 0.5 mm/min, room temperature",
]
with open(path, "w", encoding="utf-8") as file:
    file.write("\n".join(header) + "\n")
    pd.DataFrame(columns).to_csv(file, index=False)  # the shorter test ends in empty cells
lines = path.read_text(encoding="utf-8").splitlines()
print("\n".join(lines[:9]), f"... ({len(lines)} lines)", sep="\n")

# %%
# Read it back
# ------------
# :func:`~skmat.datasets.read_curve_table` reads the file by its path. Its
# columns are numbered, ``Dis1 … DisN`` and ``Force1 … ForceN``, a unit in
# brackets after the number; one curve per column pair
# (``layout="columns"``), the shorter one ending in empty cells. (A rig file
# of one test, ``Dis (mm)`` and ``Force (kN)`` without numbers, reads the
# same way, as one curve.) The header lines, which start with ``#``, are
# skipped and come back in ``comments``: the rig's to read, and the
# thickness of each disc and the machine stiffness come from there. The
# units written in the column names come back in ``units``, one ``(x, y)``
# pair per curve.
table = read_curve_table(path, layout="columns")
print(table.names, [len(u) for u, _ in table.curves])
print("units:", table.units)

notes = "\n".join(table.comments)
thickness = np.array([float(t) for t in re.findall(r"thickness ([\d.]+) mm", notes)])  # mm
stiffness = 1000 * float(re.search(r"machine stiffness: ([\d.]+) kN/mm", notes).group(1))  # N/mm
print(f"thickness {thickness} mm, machine stiffness {stiffness:g} N/mm")

# %%
# Units: the model reads newtons
# ------------------------------
# Everything skmat's small punch models read is in N and mm (stresses come
# out in MPa). :func:`~skmat.datasets.read_curve_table` reports the units
# of the file but converts nothing, so the kN are converted here,
# explicitly, by the unit each curve's column names give. What happens
# when this is forgotten is shown below, once the curves are on the
# model's grid.
TO_N = {"N": 1.0, "kN": 1000.0}
assert all(x_unit == "mm" for x_unit, _ in table.units), table.units
curves = [(u, TO_N[y_unit] * force) for (u, force), (_, y_unit) in zip(table.curves, table.units)]  # N

# %%
# Zero offset and machine compliance
# ----------------------------------
# The rig measures the crosshead, so its displacement holds a zero offset
# (slack and seating before the punch bears on the disc) and the elastic
# deflection of the load train, ``force / stiffness``.
# :func:`~skmat.preprocessing.estimate_displacement_offset` finds the
# offset by toe compensation (the straight first part of the curve,
# between 1 % and 4 % of its maximum force, extended down to zero force);
# the compliance does not move that point. The estimates are returned, not
# applied, so they can be checked first; here against the offsets the
# simulated rig drew.
offset = estimate_displacement_offset(curves)
print(pd.DataFrame({"estimated offset (mm)": offset, "true offset (mm)": truth["rig_displacement_offset"].to_numpy()},
                   index=specimens).round(4))

# %%
# :func:`~skmat.preprocessing.correct_rig` then moves every point to the
# punch displacement ``u - force / stiffness - offset`` and reads the
# curves at the model's 181 displacements, 0 to 4.5 mm in steps of
# 0.025 mm. The disc thickness in mm follows as the last column: ``X`` has
# one row of 182 numbers per test. Against the clean simulated curve on the
# same grid, the corrected one is within a few per cent of the peak force
# everywhere (the noise, and the knee read by straight lines); the file as
# logged is not.
grid = np.linspace(0.0, 4.5, 181)  # mm, the model's grid
corrected = correct_rig(curves, compliance=1 / stiffness, displacement_offset=offset, grid=grid)  # N
X = np.column_stack([corrected, thickness])
print("X:", X.shape)

clean = simulate_small_punch(strength_coefficient=truth["strength_coefficient"],
                             hardening_exponent=truth["hardening_exponent"], thickness=truth["thickness"])
error = np.abs(corrected - clean.force).max(axis=1) / clean.force.max(axis=1)
uncorrected = np.stack([np.interp(grid, u, f) for u, f in curves])
error_raw = np.abs(uncorrected - clean.force).max(axis=1) / clean.force.max(axis=1)
print(f"largest deviation from the clean curve: {(100 * error).round(1)} % of the peak force after correction, "
      f"{(100 * error_raw).round(1)} % before")

# %%
# The shipped model and how far to trust it
# ------------------------------------------
# The inverse fit of the hardening law K, n with the calibrated simulator,
# corrected by what it learned from the 40 published finite-element runs
# (:class:`~skmat.models.SPTCorrectedInverseRegressor`: the simulator's
# error, as a function of the material and the thickness, from a Gaussian
# process); its band is scaled so that ±2σ holds 95 % of the true stress
# points of runs it did not learn from. :func:`~skmat.pretrained_info`
# records its range of validity and those out-of-fold scores. (The
# networks, ``"small-punch-flat5.5-networks"``, take the same input.)
name = "small-punch-flat5.5"
model = skmat.load_pretrained(name)
info = skmat.pretrained_info(name)
validity, scores = info["validity"], info["scores"]
fe = validity["finite_element"]
print(f"grid: {validity['displacement_mm']}, force in {validity['force_unit']}")
print(f"thickness {np.round(validity['thickness_mm'], 2)} mm; learned from K {fe['strength_coefficient_MPa']} MPa, "
      f"n {fe['hardening_exponent']}, yield stress {np.round(fe['yield_stress_MPa'])} MPa, "
      f"E {fe['elastic_modulus_MPa'][0]:g} MPa")
figures_error = scores["figures_median_ape_pct"]
print(f"out of fold on the FE runs: median MAPE {scores['mape_median_pct']} % (largest {scores['mape_max_pct']} %), "
      f"±2σ coverage {scores['coverage_2sigma']:.1%}; median error of R_m {figures_error['tensile_strength']} %, "
      f"K {figures_error['strength_coefficient']} %, n {figures_error['hardening_exponent']} %")
print(f"these tests: thickness {thickness} mm, yield stress {truth['yield_stress'].round(1).tolist()} MPa")

# %%
# Forces in kN are caught
# -----------------------
# Given the same curves in kN, the model refuses them, naming the curves:
# their maximum forces are a thousand times below any the simulator reaches
# for their thickness (the model reads N).
X_kN = np.column_stack([corrected / 1000, thickness])
try:
    model.predict(X_kN)
except ValueError as error:
    print(f"ValueError: {error}")

# %%
# The true stress–strain curve with its band
# ------------------------------------------
strain = np.asarray(info["strain"])  # = skmat.datasets.DEFAULT_STRAIN
mean, std = model.predict(X, return_std=True)
low, high = np.clip(mean - 2 * std, 0, None), mean + 2 * std  # the ±2σ band (stress >= 0)
mean = np.clip(mean, 0, None)
print(f"band half-width 2σ: {(100 * np.median(2 * std / np.maximum(mean, 1), axis=1)).round(1)} % "
      "of the stress (median over the strain points)")

# %%
# The material card
# -----------------
# :func:`~skmat.metrics.tensile_properties` reads the tensile strength
# (the Considère point, where the engineering stress peaks), the uniform
# elongation and the hardening law ``σ = K εp^n`` off a curve. The 0.2 %
# offset yield strength it cannot read here: the model's strain grid has
# no point between 0 and 2.9 % strain, and rather than a number the grid
# does not support it returns NaN and says why.
E = 70_000.0  # MPa: the elastic modulus of the finite-element model family
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    tensile_properties(strain, mean, elastic_modulus=E)
print(caught[0].message)

# %%
# The model family's hardening law, ``σ = K max(εp, 0.01)^n``, is flat
# below 1 % plastic strain, so its yield strength R_p0.2 is ``K 0.01^n``:
# it is read from the fitted K and n. The band's edges, curves 2σ below
# and above the prediction, give a range for each strength (for the
# elongation and n a band edge is no material and gives none). The true
# figures are read the same way from the true curves.


def figures(stress):
    """The card's figures of each curve on the model's strain grid."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="tensile_properties: the 0.002 offset line")
        table = tensile_properties(strain, stress, elastic_modulus=E)
    table["yield_strength"] = table["strength_coefficient"] * 0.01 ** table["hardening_exponent"]
    return table


rows = {"yield_strength": "yield strength R_p0.2 (MPa)", "tensile_strength": "tensile strength R_m (MPa)",
        "uniform_elongation": "uniform elongation A_gt (%)", "strength_coefficient": "K (MPa)",
        "hardening_exponent": "n"}
STRENGTHS = ["yield_strength", "tensile_strength"]  # the figures a band edge gives
predicted, at_low, at_high, true = figures(mean), figures(low), figures(high), figures(spt.target)
for col in (predicted, at_low, at_high, true):
    col["uniform_elongation"] *= 100
for i, specimen in enumerate(specimens):
    card = pd.DataFrame({
        "predicted": predicted.loc[i, list(rows)],
        "-2σ": at_low.loc[i, STRENGTHS],
        "+2σ": at_high.loc[i, STRENGTHS],
        "true": true.loc[i, list(rows)],
    }).reindex(list(rows)).rename(index=rows)
    card["error (%)"] = 100 * (card["predicted"] / card["true"] - 1)
    print(f"\nMaterial card {specimen}, disc {thickness[i]:.3f} mm "
          f"(true σy {truth['yield_stress'][i]:.1f} MPa, K {truth['strength_coefficient'][i]:.1f} MPa, "
          f"n {truth['hardening_exponent'][i]:.3f})")
    print(card.round(3).to_string(na_rep=""))

# %%
# The curves
# ----------
# Left: the file as logged (kN, crosshead displacement) and the corrected
# curve the model reads (N, punch displacement), on axes scaled alike.
# Right: the predicted true stress–strain curves with their ±2σ bands, the
# true curves, and the yield and necking points of the card (R_m is the
# engineering stress there, the marker sits on the true-stress curve).
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
twin = left.twinx()
zoom = left.inset_axes([0.08, 0.6, 0.34, 0.33])
peak_kN = max(force_kN.max() for _, force_kN in table.curves)
colors = ["tab:blue", "tab:red"]
for i, (specimen, color) in enumerate(zip(specimens, colors)):
    u, force_kN = table.curves[i]
    left.plot(u, force_kN, color=color, lw=0.6, alpha=0.6, label=f"{specimen} as logged (kN)")
    twin.plot(grid, corrected[i], color=color, ls="--", label=f"{specimen} corrected (N)")
    zoom.plot(u, force_kN, color=color, lw=0.6, alpha=0.6)
    zoom.plot(grid, corrected[i] / 1000, color=color, ls="--")

    right.fill_between(strain, low[i], high[i], color=color, alpha=0.2, label=f"{specimen} ±2σ")
    right.plot(strain, mean[i], color=color, label=f"{specimen} predicted")
    right.plot(spt.strain, spt.target[i], color="k", ls=":", lw=1.5, label="true" if i == 0 else None)
    sy, rm, eu = predicted.loc[i, ["yield_strength", "tensile_strength", "uniform_strain"]]
    right.plot(0.002 + sy / E, sy, "o", color=color, mec="k", label="R_p0.2" if i == 0 else None)
    right.plot(eu, rm * np.exp(eu), "s", color=color, mec="k", label="necking (R_m)" if i == 0 else None)
left.set_ylim(-0.03 * peak_kN, 1.5 * peak_kN)  # room for the zoom on the first contact
twin.set_ylim(1000 * np.array(left.get_ylim()))
zoom.set(xlim=(0, 0.3), ylim=(0, 0.25 * peak_kN), title="first contact (kN)")
zoom.title.set_fontsize(7)
zoom.tick_params(labelsize=6)
left.set_xlabel("displacement (mm)")
left.set_ylabel("force as logged (kN)")
twin.set_ylabel("corrected force (N)")
left.set_title("rig file and corrected curve")
handles = left.get_legend_handles_labels()[0] + twin.get_legend_handles_labels()[0]
left.legend(handles, [h.get_label() for h in handles], fontsize=7, loc="lower right")
right.set_xlabel("true strain")
right.set_ylabel("true stress (MPa)")
right.set_title("predicted true stress–strain curve")
right.legend(fontsize=7, ncol=2, loc="lower right")
fig.tight_layout()
workdir.cleanup()
plt.show()
