"""The small punch simulator's fitted constants: one object, passed as ``constants=``, and refittable."""

from dataclasses import FrozenInstanceError, replace

import numpy as np
import pytest

from skmat.datasets import DEFAULT_CONSTANTS, SimulatorConstants, make_small_punch_test, simulate_small_punch

MATERIALS = dict(hardening_exponent=[0.1, 0.3], thickness=[1.0, 3.0], strength_coefficient=[200.0, 500.0])


def test_defaults_are_used_when_constants_is_none():
    a = simulate_small_punch(**MATERIALS)
    b = simulate_small_punch(**MATERIALS, constants=DEFAULT_CONSTANTS)
    np.testing.assert_array_equal(a.force, b.force)
    assert a.constants is DEFAULT_CONSTANTS


@pytest.mark.parametrize("name", SimulatorConstants.names())
def test_every_constant_changes_the_curves_but_not_the_target(name):
    base = simulate_small_punch(**MATERIALS)
    changed = replace(DEFAULT_CONSTANTS, **{name: getattr(DEFAULT_CONSTANTS, name) * 1.5 + 0.05})
    sim = simulate_small_punch(**MATERIALS, constants=changed)
    assert not np.allclose(sim.force, base.force, rtol=1e-4)
    np.testing.assert_array_equal(sim.stress, base.stress)
    assert sim.constants == changed


def test_make_small_punch_test_passes_constants_through():
    changed = replace(DEFAULT_CONSTANTS, localisation=3.0)
    a = make_small_punch_test(20, random_state=0)
    b = make_small_punch_test(20, random_state=0, constants=changed)
    assert a.constants == DEFAULT_CONSTANTS and b.constants == changed
    assert not np.allclose(a.data, b.data)
    np.testing.assert_array_equal(a.target, b.target)
    np.testing.assert_array_equal(a.params, b.params)


def test_constants_are_frozen_and_validated():
    with pytest.raises(FrozenInstanceError):
        DEFAULT_CONSTANTS.localisation = 1.0
    with pytest.raises(ValueError, match=r"SimulatorConstants.localisation must be finite and > 0, got -1"):
        replace(DEFAULT_CONSTANTS, localisation=-1.0)
    with pytest.raises(ValueError, match=r"deep_plate_factor must be finite and >= 0, got nan"):
        replace(DEFAULT_CONSTANTS, deep_plate_factor=float("nan"))
    with pytest.raises(TypeError, match="must be a real number"):
        replace(DEFAULT_CONSTANTS, localisation="2")
    with pytest.raises(TypeError, match="constants must be a SimulatorConstants or None, got dict"):
        simulate_small_punch(**MATERIALS, constants={"localisation": 2.0})
    with pytest.raises(TypeError, match="constants must be a SimulatorConstants"):
        make_small_punch_test(5, constants=(1, 2))
    assert SimulatorConstants(**DEFAULT_CONSTANTS.as_dict()) == DEFAULT_CONSTANTS
