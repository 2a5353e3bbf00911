"""skmat: scikit-learn estimators for two materials-science deep-learning methods.

* The periodic-table CNN of Zheng, Zheng & Zhang (Chem. Sci. 2018):
  :class:`PeriodicTableEncoder`, :class:`RandomTableEncoder`,
  :class:`MendeleevLineEncoder` and :class:`PTRCNNRegressor`.
* Pretrained networks for any composition: :func:`load_pretrained`.
* Bundled OQMD and Materials Project data: :mod:`skmat.datasets`.
* Small punch test curves: a simulator (:func:`skmat.datasets.make_small_punch_test`),
  :class:`CurveResampler`, :class:`GramianAngularFieldEncoder` and
  per-curve metrics in :mod:`skmat.metrics`.

Names are imported on first use, so ``import skmat`` does not pay for torch,
skorch or pandas until an estimator or loader that needs them is touched.
"""

from importlib import import_module

__version__ = "0.1.0"

_LAZY = {
    "PeriodicTableEncoder": "skmat.encoders",
    "RandomTableEncoder": "skmat.encoders",
    "MendeleevLineEncoder": "skmat.encoders",
    "GramianAngularFieldEncoder": "skmat.encoders",
    "PTRCNNRegressor": "skmat.models",
    "PTRCNNClassifier": "skmat.models",
    "PTRCNN": "skmat.models",
    "SPTSeq2SeqRegressor": "skmat.models",
    "SPTInverseFitRegressor": "skmat.models",
    "CurveResampler": "skmat.preprocessing",
    "NonFiniteLossError": "skmat.models",
    "save_pipeline": "skmat.models",
    "load_pipeline": "skmat.models",
    "parse_formula": "skmat._formula",
    "parse_formulas": "skmat._formula",
    "element_table": "skmat._elements",
    "load_pretrained": "skmat._pretrained",
    "pretrained_info": "skmat._pretrained",
    "available_pretrained": "skmat._pretrained",
}
_SUBMODULES = ("datasets", "encoders", "metrics", "models", "preprocessing")

__all__ = sorted([*_LAZY, *_SUBMODULES])


def __getattr__(name):
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
    elif name in _SUBMODULES:
        value = import_module(f"skmat.{name}")
    else:
        raise AttributeError(f"module 'skmat' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return __all__
