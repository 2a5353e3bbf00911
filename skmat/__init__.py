"""skmat: scikit-learn estimators for two materials-science deep-learning methods.

Every name below is importable from the top level (from skmat import
PTRCNNRegressor), and the estimators work in a scikit-learn Pipeline,
cross_validate and GridSearchCV; help(skmat.PTRCNNRegressor) and so on tell
more about each.

Periodic-table CNN (Zheng, Zheng & Zhang, Chem. Sci. 2018)
    PeriodicTableEncoder
        Chemical formulas to images of the periodic table. By default the
        paper's 5 x 16 table, which holds 58 elements (no H, halogens, noble
        gases, Po or f-block); layout="full" has every element up to Lr.
    RandomTableEncoder, MendeleevLineEncoder
        The paper's controls: a shuffled table, and elements on one line by
        Mendeleev number.
    PTRCNNRegressor, PTRCNNClassifier
        The CNN as a (multi-target) regressor and as a classifier; both can
        start from a fitted network with from_regressor (fine-tuning).
    DeepEnsembleRegressor, DeepEnsembleClassifier
        Several networks from different seeds: the mean and, with
        predict(X, return_std=True), the spread (optionally recalibrated).
    PretrainedFeatures
        A pretrained network's learned representation (a hidden layer) as
        features for any scikit-learn model: cross-property transfer.
    PretrainedAverage
        The mean prediction of several shipped networks, and their spread
        (load_pretrained("oqmd-average")).
    load_pretrained, pretrained_info, available_pretrained
        Networks trained on OQMD, shipped in the package as fitted pipelines
        that predict from formulas: load_pretrained("oqmd").predict(["Fe2O3"]);
        and small punch models: load_pretrained("small-punch-flat5.5").
    parse_formula, parse_formulas, element_table
        The strict formula parser behind the encoders, and its element table.
    FormulaError
        The ValueError raised for a formula that cannot be parsed or encoded
        (including an element a pretrained network has not seen); the message
        names the formula, its row and what to do.

Small punch test (Yang et al. 2025)
    GramianAngularFieldEncoder
        Load curves to Gramian angular field images plus the curve itself.
    SPTSeq2SeqRegressor
        The paper's Seq2Seq model: load-displacement curves in, true
        stress-strain curves out.
    SPTInverseFitRegressor
        The classical inverse fit of the hardening law, as a baseline.
    SPTCorrectedInverseRegressor
        The inverse fit with the simulator's error learned from reference
        runs (a Gaussian-process correction), with an uncertainty band.
    CurveResampler
        Measured curves of any length onto one grid.

Saving, and failed fits
    save_pipeline, load_pipeline
        Write a fitted pipeline to one file and read it back, without pickle.
    NonFiniteLossError
        Raised when a network's training loss becomes NaN or infinite.
    CorruptFileError
        Raised when a bundled data set, a shipped network or a saved file
        does not match its checksum (a ValueError and an OSError).

Subpackages
    skmat.datasets       bundled OQMD, Materials Project and Matbench data;
                         small punch test simulator and finite-element runs
    skmat.encoders       the encoders above, and their layouts
    skmat.models         the networks, their torch modules, callbacks and
                         helpers (skmat.models.GAFSeq2Seq,
                         skmat.models.paper_training_params, ...)
    skmat.metrics        per-curve errors and scorers
    skmat.preprocessing  CurveResampler

Names are imported on first use, so "import skmat" does not pay for torch,
skorch or pandas until an estimator or loader that needs them is touched.
"""

from importlib import import_module

from ._version import __version__

_LAZY = {
    "PeriodicTableEncoder": "skmat.encoders",
    "RandomTableEncoder": "skmat.encoders",
    "MendeleevLineEncoder": "skmat.encoders",
    "GramianAngularFieldEncoder": "skmat.encoders",
    "PTRCNNRegressor": "skmat.models",
    "PTRCNNClassifier": "skmat.models",
    "PTRCNN": "skmat.models",
    "PretrainedFeatures": "skmat.models",
    "PretrainedAverage": "skmat.models",
    "DeepEnsembleRegressor": "skmat.models",
    "DeepEnsembleClassifier": "skmat.models",
    "HurdleRegressor": "skmat.models",
    "fine_tune": "skmat.models",
    "SPTSeq2SeqRegressor": "skmat.models",
    "SPTInverseFitRegressor": "skmat.models",
    "SPTCorrelationRegressor": "skmat.models",
    "SPTCorrectedInverseRegressor": "skmat.models",
    "CurveResampler": "skmat.preprocessing",
    "NonFiniteLossError": "skmat.models",
    "FormulaError": "skmat._formula",
    "CorruptFileError": "skmat._errors",
    "save_pipeline": "skmat.models",
    "load_pipeline": "skmat.models",
    "parse_formula": "skmat._formula",
    "parse_formulas": "skmat._formula",
    "element_table": "skmat._elements",
    "load_pretrained": "skmat.models._shipped",
    "pretrained_info": "skmat.models._shipped",
    "available_pretrained": "skmat.models._shipped",
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
