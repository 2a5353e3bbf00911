"""The small punch test's domain core: the mechanical model, the simulator, the rig, calibration and inverse fitting.

Layer 1, torch-free (numpy, scipy and scikit-learn only): everything here
may import from ``skmat._curve_checks``, ``skmat._validation`` and the
other layer-0 modules, and is used by ``skmat.datasets`` (the public
simulator functions), ``skmat.encoders`` (the curve container),
``skmat.models`` (the inverse fit and the networks' input) and
``skmat.metrics``. Nothing is imported here, so that a module that needs
one piece (the curve container, say) does not load the rest.

Modules
-------
_mechanics
    The reduced-order model: geometries, :class:`SimulatorConstants`, the
    punch force.
_simulator
    ``simulate_small_punch``, ``make_small_punch_test`` and their
    parameter checks and limits.
_rig
    ``perturb_small_punch``: what a test rig adds to a curve.
_calibration
    ``calibrate_small_punch``: refit the model's constants to curves.
_solver
    The vectorised bounded Levenberg–Marquardt solver of the inverse fit.
_curve_input
    The curve input of the small punch estimators: ``CurveBatch``, its
    keys, and the parsing of dict and array input.
"""
