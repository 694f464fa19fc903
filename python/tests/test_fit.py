"""slfit.fit gives the tool's numbers: the same JSON for the same inputs, from a CSV path, a
DataFrame or a dict; Hoffmann et al.'s procedure on Epoch's data; no dependence on threads."""

import math
import threading
import time

import numpy as np
import pandas as pd
import pytest
from conftest import TRUTH, without_seconds

import slfit

HUBER = {"objective": "huber", "delta": 1e-3}
COLS = {"N": "params", "D": "tokens"}


def test_fit_equals_the_tools_json(runs_csv, runs, run_tool):
    tool = run_tool("fit", "--law", "chinchilla", "--data", runs_csv, "--col", "N=params",
                    "--col", "D=tokens", "--objective", "huber", "--delta", "1e-3",
                    "--starts", "hoffmann", "--json")
    from_path = slfit.fit("chinchilla", str(runs_csv), col=COLS, starts="hoffmann", **HUBER)
    from_frame = slfit.fit("chinchilla", runs, col=COLS, starts="hoffmann", **HUBER)
    from_dict = slfit.fit("chinchilla", {c: runs[c].to_numpy() for c in runs.columns},
                          col=["N=params", "D=tokens"], starts="hoffmann", **HUBER)
    for r in (from_path, from_frame, from_dict):
        assert without_seconds(r.to_dict()) == without_seconds(tool)
        assert r.params == tool["parameters"]
        assert r.objective == tool["objective"]["value"]
    r = from_frame
    assert r.converged and r.status == "converged"
    assert list(r.params) == ["E", "A", "B", "alpha", "beta"]
    assert r.cov.shape == (5, 5)
    assert np.allclose(np.sqrt(np.diag(r.cov)), list(r.se.values()), rtol=1e-12)
    assert r.starts == tool["starts"]
    assert abs(r.params["alpha"] - TRUTH["alpha"]) < 0.1
    assert "alpha" in r.summary() and "objective" in r.summary().lower()
    assert "chinchilla" in repr(r)


def test_options_take_python_values_as_the_tool_takes_text(runs, run_tool, runs_csv):
    tool = run_tool("fit", "--law", "chinchilla", "--data", runs_csv, "--col", "N=params",
                    "--derive", "D=tokens*1", "--where", "params > 1e8", "--fix", "E=1.69",
                    "--bound", "alpha=0:1", "--json")
    r = slfit.fit("chinchilla", runs, col={"N": "params"}, derive={"D": "tokens*1"},
                  where="params > 1e8", fix={"E": 1.69}, bound={"alpha": (0, 1)})
    assert without_seconds(r.to_dict()) == without_seconds(tool)
    assert r.params["E"] == 1.69 and r.points == 20


def test_by_gives_one_result_per_group(runs, run_tool, runs_csv):
    tool = run_tool("fit", "--law", "chinchilla", "--data", runs_csv, "--col", "N=params",
                    "--col", "D=tokens", "--by", "size", "--fix", "alpha=0.34", "--json")
    rs = slfit.fit("chinchilla", runs, col=COLS, by="size", fix={"alpha": 0.34})
    assert isinstance(rs, slfit.FitResults) and len(rs) == 2
    assert without_seconds(rs.to_dict()) == without_seconds(tool)
    assert {r.group for r in rs} == {1.0, 2.0}
    assert "size" in rs.summary()
    with pytest.raises(slfit.DataError, match=r"column 'label' of table 'data' holds text"):
        slfit.fit("chinchilla", runs, col=COLS, by="label")


def test_bootstrap_with_a_seed_equals_the_tool(runs, run_tool, runs_csv):
    tool = run_tool("fit", "--law", "chinchilla", "--data", runs_csv, "--col", "N=params",
                    "--col", "D=tokens", "--bootstrap", "20", "--seed", "1", "--json")
    r = slfit.fit("chinchilla", runs, col=COLS, bootstrap=20, seed=1)
    assert without_seconds(r.to_dict()) == without_seconds(tool)
    b = r.bootstrap
    assert b.resamples == 20 and b.samples.shape == (20, 5)
    assert b.names == list(r.params)
    valid = b.samples[~np.isnan(b.samples).any(axis=1)]
    assert b.se["alpha"] == pytest.approx(np.std(valid[:, 3], ddof=1), rel=1e-9)
    lo, hi = b.ci95["alpha"]
    assert lo <= r.params["alpha"] <= hi
    # Chinchilla's allocation exponent a = beta / (alpha + beta), bootstrapped with them.
    assert b.derived_names == list(b.derived) and "a" in b.derived
    a = b.derived_names.index("a")
    assert b.derived_samples.shape == (20, len(b.derived_names))
    alpha, beta = b.samples[:, 3], b.samples[:, 4]
    assert np.allclose(b.derived_samples[:, a], beta / (alpha + beta), rtol=1e-12, equal_nan=True)


def test_holdout_is_in_the_result(runs, run_tool, runs_csv):
    tool = run_tool("fit", "--law", "chinchilla", "--data", runs_csv, "--col", "N=params",
                    "--col", "D=tokens", "--holdout", "params >= 3e10", "--json")
    r = slfit.fit("chinchilla", runs, col=COLS, holdout="params >= 3e10")
    assert without_seconds(r.to_dict()) == without_seconds(tool)
    assert len(r.holdout["rows"]) == 4


def test_results_do_not_depend_on_threads(runs):
    one = slfit.fit("chinchilla", runs, col=COLS, starts="hoffmann", threads=1, **HUBER)
    two = slfit.fit("chinchilla", runs, col=COLS, starts="hoffmann", threads=2, **HUBER)
    assert without_seconds(one.to_dict()) == without_seconds(two.to_dict())


def test_hoffmann_procedure_on_epochs_data_from_a_dataframe(epoch):
    r = slfit.fit("chinchilla", epoch, starts="hoffmann", **HUBER)
    assert r.points == 240 and r.starts == 4500
    assert r.converged
    # SciPy's L-BFGS-B reached 0.0010182740; slfit may go lower, never higher.
    assert r.objective <= 0.0010182740 + 1e-10
    assert r.params["alpha"] == pytest.approx(0.347311, rel=0.005)
    assert r.params["beta"] == pytest.approx(0.367173, rel=0.005)


def test_a_nan_where_the_fit_does_not_read_is_harmless(runs):
    frame = runs.assign(notes=np.where(runs.index == 2, math.nan, 1.0))
    clean = slfit.fit("chinchilla", runs, col=COLS)
    assert slfit.fit("chinchilla", frame, col=COLS).params == clean.params


def test_the_gil_is_released_while_fitting(epoch):
    """Another Python thread keeps running during a fit: the longest pause it sees is a small
    part of the fit's time (with the GIL held it would be all of it)."""
    done = {}

    def work():
        start = time.perf_counter()
        slfit.fit("chinchilla", epoch, starts="hoffmann", bootstrap=20, seed=1,
                  bootstrap_from_starts=True, threads=1, **HUBER)
        done["seconds"] = time.perf_counter() - start

    thread = threading.Thread(target=work)
    last = time.perf_counter()
    longest = 0.0
    thread.start()
    while thread.is_alive():
        now = time.perf_counter()
        longest, last = max(longest, now - last), now
    thread.join()
    assert done["seconds"] > 0.2, "the fit was too quick to tell"
    assert longest < done["seconds"] / 2


def test_frontier_keeps_the_best_row_of_each_combination(runs, runs_csv, run_tool, tmp_dir):
    # Each run twice, the copy 1% worse: the frontier is the original table.
    sweep = pd.concat([runs.assign(loss=runs["loss"] * 1.01), runs], ignore_index=True)
    path = tmp_dir / "sweep.csv"
    sweep.to_csv(path, index=False, float_format="%.17g")
    tool = run_tool("fit", "--law", "chinchilla", "--data", path, "--col", "N=params", "--col",
                    "D=tokens", "--frontier", "params,tokens", "--json")
    r = slfit.fit("chinchilla", sweep, col=COLS, frontier=["params", "tokens"])
    assert without_seconds(r.to_dict()) == without_seconds(tool)
    assert r.frontier == {"columns": ["params", "tokens"], "kept": 24, "dropped": 24}
    assert r.params == slfit.fit("chinchilla", runs, col=COLS).params
