"""The networks shipped in the package: ``skmat.load_pretrained``, ``pretrained_info``, ``available_pretrained``.

Also :func:`read_shipped`, the one reader of a shipped file (manifest entry,
checksum, class from the allow-list) that :func:`load_pretrained` and
:class:`~skmat.models.PretrainedFeatures` share.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
from functools import lru_cache
from importlib import resources

from .._errors import CorruptFileError
from ._allowed_classes import allowed_names, resolve_class

__all__ = ["available_pretrained", "load_pretrained", "pretrained_info", "read_shipped"]


@lru_cache(maxsize=1)
def _manifest():
    path = resources.files("skmat._weights") / "manifest.json"
    if not path.is_file():
        return {}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(
            f"The installed pretrained manifest {path} is corrupted ({type(error).__name__}: {error}); "
            "reinstall skmat."
        ) from None
    if not isinstance(manifest, dict) or not all(isinstance(entry, dict) for entry in manifest.values()):
        raise ValueError(f"The installed pretrained manifest {path} is not a table of networks; reinstall skmat.")
    return manifest


#: What a shipped model reads: ``pretrained_info(name)["task"]`` (entries written before it was recorded are
#: composition networks).
TASKS = ("composition", "small_punch")


def task_of(entry):
    """The task of a manifest entry: ``"composition"`` (formulas in) or ``"small_punch"`` (curves in)."""
    return entry.get("task", "composition")


def available_pretrained(task=None):
    """Names accepted by :func:`load_pretrained`.

    Parameters
    ----------
    task : {"composition", "small_punch"} or None, default=None
        Only the models of this task: ``"composition"`` networks read
        formulas, ``"small_punch"`` models read small punch load curves.
        ``None``: all.

    Returns
    -------
    list of str

    Examples
    --------
    >>> from skmat import available_pretrained
    >>> "oqmd" in available_pretrained("composition")
    True
    >>> "small-punch-flat5.5" in available_pretrained("small_punch")
    True
    """
    if task is not None and task not in TASKS:
        raise ValueError(f"task={task!r} is not one of {', '.join(repr(t) for t in TASKS)} or None.")
    return sorted(name for name, entry in _manifest().items() if task is None or task_of(entry) == task)


#: Shipped names that were replaced, and what replaced them (so that an old script gets told, not just refused).
_REPLACED = {
    "oqmd-reg2": "oqmd-reg2-l1-c4 (its fourth cycle, the last three with the absolute-error loss, 7-8 % closer on "
                 "both targets)",
    "oqmd-reg3": "oqmd-reg3-l1-c4 (its fourth cycle, the last three with the absolute-error loss, 7-8 % closer on "
                 "both targets)",
    "oqmd-reg": "oqmd-reg-l1-c4 (its fourth cycle, the last three with the absolute-error loss, 7-8 % closer on "
                "both targets)",
    "oqmd-reg-l1": "oqmd-reg-l1-c4 (its fourth cycle, 1.3-1.4 % closer on both targets)",
    "oqmd-reg2-l1": "oqmd-reg2-l1-c4 (its fourth cycle, 1.2-1.3 % closer on both targets)",
    "oqmd-reg3-l1": "oqmd-reg3-l1-c4 (its fourth cycle, 0.9-1.9 % closer on both targets)",
    "oqmd-channels-l1": "oqmd-channels-l1-c4 (its fourth cycle, under 1 % closer on both targets)",
    "oqmd-reg-l1-c3": "oqmd-reg-l1-c4 (its next cycle, under 1 % closer on both targets)",
    "oqmd-reg2-l1-c3": "oqmd-reg2-l1-c4 (its next cycle, under 1 % closer on both targets)",
    "oqmd-reg3-l1-c3": "oqmd-reg3-l1-c4 (its next cycle, under 1 % closer on both targets)",
    "oqmd-channels-l1-c3": "oqmd-channels-l1-c4 (its next cycle, under 1 % closer on both targets)",
    "oqmd-line-l1": "oqmd-line-l1-c5 (its fifth cycle, 3-4 % closer on both targets)",
    "oqmd-line-l1-c4": "oqmd-line-l1-c5 (its next cycle, 0.4 % closer on the formation enthalpy, as close on "
                       "the volume)",
    "oqmd-line2-l1": "oqmd-line2-l1-c5 (its fifth cycle, 2-3 % closer on both targets)",
    "oqmd-line2-l1-c3": "oqmd-line2-l1-c5 (a later cycle of the same lineage, under 1 % closer on both targets)",
    "oqmd-line2-l1-c4": "oqmd-line2-l1-c5 (its next cycle, under 1 % closer on both targets)",
}


def replaced_by(name):
    """What replaced the formerly shipped network ``name`` (a phrase to show), or None if nothing did."""
    if isinstance(name, str) and name not in _manifest():
        return _REPLACED.get(name)
    return None


def _entry(name):
    manifest = _manifest()
    if (replacement := replaced_by(name)) is not None:
        raise ValueError(f"The pretrained network {name!r} is no longer shipped; it was replaced by {replacement}.")
    if not isinstance(name, str) or name not in manifest:
        available = ", ".join(repr(n) for n in sorted(manifest)) or "none"
        raise ValueError(f"No pretrained network named {name!r}; available: {available}.")
    return manifest[name]


def pretrained_info(name):
    """What a pretrained network was trained on, how, and how well it does.

    Parameters
    ----------
    name : str
        One of :func:`available_pretrained`.

    Returns
    -------
    dict
        ``targets`` and ``units`` (the prediction columns, in order),
        ``elements`` (the elements of its training formulas: the only ones
        its encoder accepts), ``test_MAE`` and ``val_MAE`` per target,
        ``n_train``, the file's ``sha256`` and ``size_bytes``, and
        ``training``: the commands that trained it (``tools/pretrain.py``),
        its settings, epochs done and planned, wall and CPU hours, and the
        validation error after every epoch. A copy: changing it changes
        nothing.

    Examples
    --------
    >>> from skmat import pretrained_info
    >>> info = pretrained_info("oqmd")
    >>> info["targets"], info["units"]
    (['formation_enthalpy', 'volume_per_atom'], ['eV/atom', 'Å³/atom'])
    """
    return copy.deepcopy(_entry(name))


#: The network class of a manifest entry that names none (the entries written before it was recorded).
_DEFAULT_ESTIMATOR = "skmat.PTRCNNRegressor"


#: Estimators other than networks that a manifest entry may name (fitted models shipped as files).
_SHIPPED_ESTIMATORS = ("skmat.SPTCorrectedInverseRegressor",)


def _network_class(name, entry):
    """The model class the manifest names for ``name``, looked up in the allow-list (never by import path)."""
    estimator = entry.get("estimator", _DEFAULT_ESTIMATOR)
    if estimator in _SHIPPED_ESTIMATORS:
        return resolve_class(estimator, f"the manifest entry {name!r}", kind="estimator")
    if estimator not in allowed_names("network"):
        raise ValueError(
            f"The installed pretrained manifest names {estimator!r} as the class of {name!r}, which is not one of "
            f"skmat's networks ({', '.join(allowed_names('network'))}) or shipped estimators "
            f"({', '.join(_SHIPPED_ESTIMATORS)}); reinstall skmat."
        )
    return resolve_class(estimator, f"the manifest entry {name!r}", kind="network")


def read_shipped(name):
    """The shipped network ``name`` as a fitted Pipeline, and the SHA-256 of its file.

    The file is checked against the manifest's SHA-256 before it is read,
    and the network must be of the class the manifest names.
    """
    from ._pipeline_file import load_pipeline

    entry = _entry(name)
    if "members" in entry:
        return _read_average(name, entry), None
    network_class = _network_class(name, entry)
    path = resources.files("skmat._weights") / entry["file"]
    if not path.is_file():
        raise ValueError(f"The pretrained file {entry['file']!r} of {name!r} is missing from the installed package.")
    data = path.read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    if actual != entry["sha256"]:
        raise CorruptFileError(
            f"The pretrained file {entry['file']!r} of {name!r} does not match its checksum "
            f"(SHA-256 {actual[:12]}…, expected {entry['sha256'][:12]}…): it is corrupted or was replaced. "
            "Reinstall skmat."
        )
    pipeline = load_pipeline(io.BytesIO(data))
    if type(pipeline[-1]) is not network_class:
        raise ValueError(
            f"The pretrained file {entry['file']!r} of {name!r} holds a {type(pipeline[-1]).__name__}, but the "
            f"manifest says {network_class.__name__}; reinstall skmat."
        )
    # Marks the encoder as this network's, so that a formula with an element
    # the network has not seen gets an error saying so, and what to do
    # (skmat.encoders._base._unseen_elements_advice). A refit of the encoder drops the mark.
    if "encode" in pipeline.named_steps:
        pipeline.named_steps["encode"]._pretrained_name = name
    return pipeline, actual


def is_average(name):
    """Whether the shipped model ``name`` is an average of other shipped networks (it has no file of its own)."""
    return "members" in _entry(name)


def _read_average(name, entry):
    """The shipped average ``name``: a Pipeline of one fitted PretrainedAverage of its member networks.

    Each member must still be the file the average was scored with (its
    SHA-256 recorded in the entry), so that the recorded errors are this
    model's.
    """
    import numpy as np
    from sklearn.pipeline import Pipeline

    from ._pretrained_average import ELEMENT_GROUP_LABELS, PretrainedAverage

    members = entry["members"]
    manifest = _manifest()
    for member, digest in members.items():
        if member not in manifest or manifest[member].get("sha256") != digest:
            raise ValueError(
                f"The pretrained average {name!r} was scored with the network {member!r} of SHA-256 "
                f"{str(digest)[:12]}…, which is not the installed one; reinstall skmat."
            )
    # {target: {member: weight}}: by name, as the manifest is written with sorted keys (a list in the order the
    # members were given would be read against the sorted members and weigh the wrong networks). With
    # "weights_by": "n_elements", one such table per group of formulas: {"1": ..., "2": ..., "3": ..., "4+": ...}.
    weights, weights_by, targets = entry.get("weights"), entry.get("weights_by"), entry.get("targets", [])
    if weights_by is None:
        if weights is not None:
            weights = _weight_table(name, weights, members, targets)
    elif weights_by == "n_elements" and isinstance(weights, dict) and set(weights) == set(ELEMENT_GROUP_LABELS):
        weights = np.stack([_weight_table(name, weights[group], members, targets) for group in ELEMENT_GROUP_LABELS])
    else:
        raise ValueError(f"The manifest entry {name!r} has weights_by={weights_by!r} without one table of weights "
                         f"for each group {list(ELEMENT_GROUP_LABELS)}; reinstall skmat.")
    average = PretrainedAverage(networks=tuple(members), weights=weights, weights_by=weights_by)
    return Pipeline([("average", average.fit())])


def _weight_table(name, table, members, targets):
    """A manifest's ``{target: {member: weight}}`` as an array (members, targets); refused unless complete."""
    import numpy as np

    columns = [table.get(target) if isinstance(table, dict) else None for target in targets]
    if not columns or any(not isinstance(c, dict) or set(c) != set(members) for c in columns):
        raise ValueError(f"The manifest entry {name!r} has weights that do not give one per member and target; "
                         "reinstall skmat.")
    return np.array([[column[member] for member in members] for column in columns], dtype=np.float64).T


def load_pretrained(name):
    """A fitted Pipeline (encoder + network, e.g. :class:`~skmat.PTRCNNRegressor`) pretrained on a large data set.

    The network's class is the one the manifest names for it
    (``pretrained_info(name)["estimator"]``, one of skmat's network
    estimators). It predicts from formulas directly. The file is in the package, checked
    against the SHA-256 in the package's manifest, and read without pickle
    (``torch.load(weights_only=True)``), as by :func:`skmat.load_pipeline`.

    Every call returns a new pipeline, so fine-tuning one never changes
    another. To start a model for another target from its feature
    extractor, pass the network, ``load_pretrained(name)[-1]``, to
    :meth:`PTRCNNRegressor.from_regressor
    <skmat.PTRCNNRegressor.from_regressor>` or
    :meth:`PTRCNNClassifier.from_regressor
    <skmat.models.PTRCNNClassifier.from_regressor>`, with the pipeline's
    encoder in front.

    Parameters
    ----------
    name : str
        One of :func:`available_pretrained`. Composition networks
        (``available_pretrained("composition")``): ``"oqmd"``,
        ``"oqmd-channels"``, ``"oqmd-channels-l1-c4"``, ``"oqmd-reg-l1-c4"``,
        ``"oqmd-reg2-l1-c4"``, ``"oqmd-reg3-l1-c4"``, ``"oqmd-gelu2-l1"``
        (``-l1``: trained or retrained with the absolute-error loss) and the
        Mendeleev-line networks ``"oqmd-line-l1-c5"`` and
        ``"oqmd-line2-l1-c5"`` (``-cN``: the N-th cosine cycle;
        ``"oqmd-line-l1-c5"`` is the closest alone), multi-task networks for the
        DFT formation enthalpy (eV/atom) and volume per atom (Å³/atom) of
        any composition of the elements in OQMD, ``"oqmd-average"``,
        the weighted mean of eight of them
        (:class:`~skmat.models.PretrainedAverage`),
        and ``"oqmd-gap"``, a single-target network for the DFT band gap
        (eV; its ``predict`` returns shape (n,)), whose learned features
        carry over to band-gap and metal/insulator tasks.
        Small punch models (``available_pretrained("small_punch")``), which
        map a small punch load curve of the paper's geometry (flat punch
        Ø 5.5 mm; 181 forces in N at 0–4.5 mm, then the disc thickness in
        mm) to the true stress–strain curve in MPa at
        ``pretrained_info(name)["strain"]``, each with
        ``predict(X, return_std=True)`` for a calibrated band:
        ``"small-punch-flat5.5"`` (the default, the most accurate), the
        inverse fit of K and n with the simulator corrected by what it
        learned from 40 finite-element runs
        (:class:`~skmat.models.SPTCorrectedInverseRegressor`);
        ``"small-punch-flat5.5-networks"``, an ensemble of five 1D LSTMs and
        five GAF-Seq2Seqs fine-tuned on the same runs (the model to
        fine-tune with :func:`skmat.fine_tune`); and
        ``"small-punch-flat5.5-gaf-seq2seq"``, the same recipe with five of
        the paper's GAF-Seq2Seq only. ``pretrained_info(name)["validity"]`` is the
        range each was made for.

    Returns
    -------
    sklearn.pipeline.Pipeline
        Composition networks: steps ``"encode"``
        (:class:`~skmat.PeriodicTableEncoder`, accepting only the elements
        the network was trained on) and ``"model"`` (``"oqmd-average"``: one
        step, ``"average"``); ``predict`` returns one column per target of
        ``pretrained_info(name)["targets"]`` (shape (n,) for one target). Small
        punch models: ``"small-punch-flat5.5"`` one step, ``"model"``
        (:class:`~skmat.models.SPTCorrectedInverseRegressor`), which warns,
        naming the curves, for a thickness or fitted material outside the
        runs it learned from, and refuses forces far from any it can fit
        (kN given for N); the networks: steps ``"gaf"``
        (:class:`~skmat.GramianAngularFieldEncoder`) and ``"ensemble"``
        (:class:`~skmat.models.DeepEnsembleRegressor`), which warns, naming
        the curves, for a thickness outside the range of validity or forces
        far from the training range (kN given for N).

    Raises
    ------
    ValueError
        For an unknown name (the message lists the available ones), or a
        file that is missing.
    skmat.CorruptFileError
        For a file that does not match its checksum (a ``ValueError``).

    Notes
    -----
    The pipeline's ``predict`` raises :class:`skmat.FormulaError` (a
    ``ValueError``) for a formula with an element that is not in
    ``pretrained_info(name)["elements"]``: the network has not seen that
    element in training and cannot predict for it. The message names the
    formula, its row and the element, and what to do instead: fine-tune
    from this network on data that contains the element, behind a new
    encoder whose ``elements`` include it (``from_regressor`` above), or use
    a model trained on such data.

    See Also
    --------
    pretrained_info : Training record and test errors.

    Examples
    --------
    >>> from skmat import load_pretrained
    >>> model = load_pretrained("oqmd")
    >>> model.predict(["Fe2O3", "NaCl"]).shape
    (2, 2)
    >>> model.predict(["NeO2"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    skmat.FormulaError: Formula 'NeO2' at row 0 has element Ne, which the pretrained network 'oqmd' has not seen ...
    """
    return read_shipped(name)[0]
