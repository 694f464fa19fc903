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


def test_integers_too_large_for_the_library_are_refused_by_name(runs):
    """Not wrapped around to another number, and no cast error."""
    huge = 10**30
    cases = [
        (lambda: slfit.fit("chinchilla", runs, col=COLS, seed=huge), "seed", huge),
        (lambda: slfit.fit("chinchilla", runs, col=COLS, bootstrap=10**12), "bootstrap", 10**12),
        (lambda: slfit.fit("chinchilla", runs, col=COLS, threads=10**12), "threads", 10**12),
        (lambda: slfit.simulate("chinchilla", {"N": [1e9], "D": [1e10]}, preset="hoffmann2022",
                                seed=huge), "seed", huge),
        (lambda: slfit.isoflop(runs, col={"N": "params", "D": "tokens"}, derive={"C": "6*N*D"},
                               bootstrap=10**12), "bootstrap", 10**12),
        (lambda: slfit.design("chinchilla", runs, col=COLS, preset="hoffmann2022", noise=0.01,
                              target_where="params > 1e10", budget=1e30, samples=10**12),
         "samples", 10**12),
        (lambda: slfit.design("chinchilla", runs, col=COLS, preset="hoffmann2022", noise=0.01,
                              target_where="params > 1e10", budget=1e30, seed=huge), "seed", huge),
    ]
    for call, name, value in cases:
        with pytest.raises(slfit.UsageError, match=rf"option '{name}' is out of range: {value}"):
            call()
    # numpy integers are ints.
    r = slfit.simulate("chinchilla", {"N": [1e9], "D": [1e10]}, preset="hoffmann2022",
                       seed=np.int64(3), noise=0.01)
    assert len(r) == 1
