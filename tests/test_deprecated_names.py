"""Public names that moved or were renamed keep working, with a FutureWarning naming the replacement."""

import pickle
import warnings

import numpy as np
import pytest

import skmat.models
from skmat.models import GAFSeq2Seq, load_pipeline

DEPRECATED = ["SPTSeq2Seq", "ScaledNetRegressor", "fit_target_scaling", "as_curve_input", "CURVE_INPUT_KEYS",
              "encode_value", "decode_value"]


@pytest.mark.parametrize("name", DEPRECATED)
def test_old_name_still_imports_with_a_future_warning(name):
    with pytest.warns(FutureWarning, match=rf"skmat\.models\.{name} is deprecated .*skmat 0\.3"):
        value = getattr(skmat.models, name)
    assert value is not None
    assert name not in skmat.models.__all__


def test_the_renamed_module_is_the_same_class():
    with pytest.warns(FutureWarning, match="renamed skmat.models.GAFSeq2Seq"):
        from skmat.models import SPTSeq2Seq
    assert SPTSeq2Seq is GAFSeq2Seq


def test_current_names_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in skmat.models.__all__:
            getattr(skmat.models, name)


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'SPTSeq2Sequence'"):
        skmat.models.SPTSeq2Sequence  # noqa: B018


def test_a_file_naming_the_old_module_loads_and_names_the_new_one_when_saved_again(tmp_path):
    from pathlib import Path

    here = Path(__file__).parent / "data" / "format_v2"
    assert b"skmat.models.SPTSeq2Seq" in (here / "spt_seq2seq.skmat").read_bytes()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # loading an old file is not the user's deprecated call
        pipeline = load_pipeline(here / "spt_seq2seq.skmat")
    assert isinstance(pipeline[-1].module_, GAFSeq2Seq)
    skmat.save_pipeline(pipeline, tmp_path / "again.skmat")
    data = (tmp_path / "again.skmat").read_bytes()
    assert b"skmat.models.GAFSeq2Seq" in data and b"skmat.models.SPTSeq2Seq" not in data
    X = np.load(here / "spt_inputs.npy")
    np.testing.assert_array_equal(load_pipeline(tmp_path / "again.skmat").predict(X), pipeline.predict(X))


def test_an_old_pickle_of_the_module_still_unpickles():
    net = GAFSeq2Seq(16, 4, hidden_size=8, num_layers=1, num_heads=2)
    data = pickle.dumps(net).replace(b"GAFSeq2Seq", b"SPTSeq2Seq")
    assert isinstance(pickle.loads(data), GAFSeq2Seq)
