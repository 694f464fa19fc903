"""Bad inputs raise slfit.UsageError or slfit.DataError (both ValueError) with the library's
message, options named by their keyword."""

import math

import numpy as np
import pytest

import slfit

COLS = {"N": "params", "D": "tokens"}


def test_exceptions_are_value_errors():
    assert issubclass(slfit.UsageError, ValueError)
    assert issubclass(slfit.DataError, ValueError)
    assert slfit.UsageError.__module__ == "slfit"


def test_a_wrong_column_is_named_with_a_suggestion(runs):
    with pytest.raises(slfit.DataError, match=r"table 'data' has no column 'parms' \(did you "
                                              r"mean 'params'\? map it with option 'col' N=params"):
        slfit.fit("chinchilla", runs, col={"N": "parms", "D": "tokens"})
    with pytest.raises(slfit.DataError, match=r"option 'col'"):
        slfit.fit("chinchilla", runs, col={"N": "params"})


def test_nan_in_a_column_the_fit_reads(runs):
    frame = runs.copy()
    frame.loc[3, "loss"] = math.nan
    with pytest.raises(slfit.DataError, match=r"column 'loss' of table 'data': NaN or infinite "
                                              r"value at index 3"):
        slfit.fit("chinchilla", frame, col=COLS)


def test_unknown_law():
    with pytest.raises(slfit.UsageError, match=r"chinchila.*did you mean 'chinchilla'"):
        slfit.law("chinchila")
    with pytest.raises(slfit.UsageError, match=r"did you mean 'chinchilla'"):
        slfit.fit("chinchila", {"N": [1.0], "D": [1.0], "loss": [1.0]})


def test_unknown_option_name(runs):
    with pytest.raises(slfit.UsageError, match=r"unknown option 'thread' "
                                               r"\(did you mean 'threads'\?\)"):
        slfit.fit("chinchilla", runs, col=COLS, thread=2)


def test_bad_option_values(runs):
    with pytest.raises(slfit.UsageError, match=r"objective"):
        slfit.fit("chinchilla", runs, col=COLS, objective="hubber")
    with pytest.raises(slfit.UsageError, match=r"option 'bootstrap' takes an int, got str"):
        slfit.fit("chinchilla", runs, col=COLS, bootstrap="20")


def test_a_law_file_that_does_not_parse(tmp_dir):
    path = tmp_dir / "broken.json"
    path.write_text('{"name": "x", "inputs": ["N"], "formula": "E + A/N^a",\n "parameters": ')
    with pytest.raises(slfit.UsageError, match=r"broken.json: not valid JSON"):
        slfit.Law.from_file(path)
    with pytest.raises(slfit.UsageError, match=r"Law.from_formula\('x'\): parameters.a.lowr: "
                                               r"unknown key \(did you mean 'lower'\?\)"):
        slfit.Law.from_formula("A/N^a", inputs=["N"], parameters={"A": 1, "a": {"lowr": 0}},
                               name="x")


def test_columns_of_different_lengths():
    with pytest.raises(slfit.DataError, match=r"column 'D' has 2 rows"):
        slfit.fit("chinchilla", {"N": np.ones(3), "D": np.ones(2), "loss": np.ones(3)})


def test_data_of_the_wrong_kind():
    with pytest.raises(TypeError, match=r"data: expected a pandas DataFrame"):
        slfit.fit("chinchilla", 42)
