"""Columns from Python are read in place (issue #16): a contiguous float64 array, such as a
DataFrame's float64 column, becomes a table column without a copy, kept alive by the table for
as long as the table (or a fit's run) lives; any other array is copied."""

import gc
import weakref

import numpy as np
import pandas as pd
import pytest

import slfit
from slfit import _slfit
from slfit._data import as_data
from slfit._options import normalize

COLS = {"N": "params", "D": "tokens"}


def inside(address, array):
    return array.ctypes.data <= address < array.ctypes.data + array.nbytes


def test_a_contiguous_array_is_read_in_place():
    a = np.linspace(1.0, 2.0, 7)
    assert _slfit._column_addresses({"x": a}) == {"x": a.ctypes.data}


def test_a_frames_float64_columns_are_read_in_place(runs):
    columns, _ = as_data(runs)
    got = _slfit._column_addresses(columns)
    assert set(got) == {"params", "tokens", "loss", "size"}  # `label` is text
    for name, address in got.items():
        assert address == runs[name].to_numpy().ctypes.data, name


def test_strided_arrays_are_copied():
    a = np.arange(1.0, 11.0)
    got = _slfit._column_addresses({"x": a[::2], "y": a[::-2]})
    assert not inside(got["x"], a) and not inside(got["y"], a)
    # A frame made from a row-major 2-D array keeps it as one block: its columns are strided, so
    # they are copied too (pandas' own frames, read_csv's or a dict's, are column-contiguous).
    frame = pd.DataFrame(np.arange(1.0, 13.0).reshape(4, 3), columns=["a", "b", "c"])
    assert frame["b"].to_numpy().strides == (24,)
    columns, _ = as_data(frame)
    assert not inside(_slfit._column_addresses(columns)["b"], frame.to_numpy())


def test_a_misaligned_array_is_copied():
    raw = np.zeros(41, dtype=np.uint8)
    shifted = np.frombuffer(raw.data, dtype=np.float64, count=5, offset=1)
    assert shifted.flags.c_contiguous and not shifted.flags.aligned
    got = _slfit._column_addresses({"x": shifted})
    assert got["x"] % 8 == 0 and not inside(got["x"], raw)


def test_copies_and_views_give_the_same_fit(runs):
    contiguous = {c: runs[c].to_numpy() for c in ("params", "tokens", "loss")}
    strided = {}
    for name, values in contiguous.items():
        twice = np.repeat(values, 2)
        strided[name] = twice[::2]  # the same values, every other double of a larger array
    a = slfit.fit("chinchilla", contiguous, col=COLS)
    b = slfit.fit("chinchilla", strided, col=COLS)
    assert a.params == b.params and a.objective == b.objective


def test_a_run_keeps_its_columns_alive_and_then_lets_them_go(runs):
    # The module's own fit, so that nothing in the pure-Python layer holds the arrays: only the
    # table inside the run does once the caller's dict is gone.
    arrays = {c: runs[c].to_numpy().copy() for c in ("params", "tokens", "loss")}
    refs = [weakref.ref(a) for a in arrays.values()]
    address = arrays["loss"].ctypes.data
    entry = slfit.law("chinchilla")
    out = _slfit.fit(entry._handle, arrays, "data", normalize({"col": COLS}))
    del arrays
    gc.collect()
    assert all(r() is not None for r in refs)
    assert refs[2]().ctypes.data == address
    figure = out["run"].figure("")  # reads the columns again, after the caller let them go
    assert figure
    del out
    gc.collect()
    assert all(r() is None for r in refs)


def test_an_unusable_column_still_names_its_row():
    bad = np.array([1e9, 2e9, np.inf, 4e9])
    assert _slfit._column_addresses({"x": bad}) == {}
    good = np.array([1e10, 2e10, 3e10, 4e10])
    with pytest.raises(slfit.DataError, match=r"column 'N' of table 'data': NaN or infinite "
                                              r"value at index 2"):
        slfit.fit("chinchilla", {"N": bad, "D": good, "loss": good / 1e10})
