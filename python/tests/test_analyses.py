"""slfit.predict, optimal, simulate and compare give the tool's numbers for the same inputs;
FitResult.predict and plot; Ctrl-C stops a long bootstrap."""

import io
import json
import math
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT, TRUTH, without_seconds

import slfit

COLS = {"N": "params", "D": "tokens"}
KAPLAN = ROOT / "laws" / "kaplan2020.json"


def rows_equal(frame, rows):
    """A DataFrame's records equal the tool's JSON rows (null as NaN), value for value."""
    assert list(frame.columns) == list(rows[0])
    for got, want in zip(frame.to_dict("records"), rows):
        for k, v in want.items():
            if v is None:
                assert math.isnan(got[k]), k
            else:
                assert got[k] == v, (k, got[k], v)
    assert len(frame) == len(rows)


def test_predict_at_a_grid_equals_the_tool(run_tool):
    tool = run_tool("predict", "--law", "chinchilla", "--preset", "hoffmann2022", "--at",
                    "N=1e9,1e10", "--at", "D=2e10,1.4e12", "--json")
    frame = slfit.predict("chinchilla", {"N": [1e9, 1e10], "D": [2e10, 1.4e12]},
                          preset="hoffmann2022")
    rows_equal(frame, tool["rows"])
    assert frame.attrs == {"law": "chinchilla", "preset": "hoffmann2022"}
    # The tool's spelling of a grid is accepted too.
    same = slfit.predict("chinchilla", ["N=1e9,1e10", "D=2e10,1.4e12"], preset="hoffmann2022")
    assert same.equals(frame)
    n, d = frame["N"].to_numpy(), frame["D"].to_numpy()
    assert np.allclose(frame["value"], TRUTH["E"] + 406.4 / n**0.34 + 410.7 / d**0.28, rtol=1e-15)


def test_predict_at_rows_with_fitted_parameters_equals_the_tool(runs, runs_csv, run_tool, tmp_dir):
    r = slfit.fit("chinchilla", runs, col=COLS)
    fit_json = tmp_dir / "analyses_fit.json"
    fit_json.write_text(json.dumps(r.to_dict()))
    tool = run_tool("predict", "--law", "chinchilla", "--params", fit_json, "--data", runs_csv,
                    "--col", "N=params", "--col", "D=tokens", "--json")
    for params in (r, r.params, str(fit_json)):
        frame = slfit.predict("chinchilla", data=runs, params=params, col=COLS)
        rows_equal(frame, tool["rows"])
    assert np.array_equal(frame["observed"], runs["loss"])
    # FitResult.predict() reuses the fit's law, data and column map.
    assert r.predict().equals(frame)
    assert r.predict(runs.iloc[:3]).equals(frame.iloc[:3])
    at = r.predict(at={"N": 70e9, "D": 1.4e12})
    assert at["value"][0] == slfit.predict("chinchilla", {"N": 70e9, "D": 1.4e12},
                                           params=r.params)["value"][0]


def test_predict_for_a_group_of_by_uses_its_rows(runs):
    rs = slfit.fit("chinchilla", runs, col=COLS, by="size", fix={"alpha": 0.34})
    for r in rs:
        frame = r.predict()
        assert len(frame) == r.points
        assert set(np.where(frame["N"] < 1e9, 1.0, 2.0)) == {r.group}


def test_optimal_equals_the_tool(run_tool):
    tool = run_tool("optimal", "--law", "chinchilla", "--preset", "hoffmann2022", "--quantity",
                    "allocation", "--at", "C=1e21,5.76e23", "--json")
    frame = slfit.optimal("chinchilla", "allocation", {"C": [1e21, 5.76e23]},
                          preset="hoffmann2022")
    rows = tool.pop("rows")
    rows_equal(frame, rows)
    assert frame.attrs == tool
    assert frame.attrs["a"] == pytest.approx(0.28 / (0.34 + 0.28), rel=1e-15)


def test_optimal_allocation_of_a_formula_law_equals_the_tool(run_tool):
    tool = run_tool("optimal", "--law-file", KAPLAN, "--preset", "kaplan2020", "--quantity",
                    "allocation", "--at", "C=1e21", "--json")
    frame = slfit.optimal(slfit.Law.from_file(KAPLAN), "allocation", {"C": 1e21},
                          preset="kaplan2020")
    rows_equal(frame, tool.pop("rows"))


def test_simulate_equals_the_tool(tool):
    args = ["simulate", "--law", "chinchilla", "--preset", "hoffmann2022", "--at",
            "N=1e8,1e9,1e10", "--at", "D=1e9,1e11", "--noise", "0.01", "--noise-kind",
            "multiplicative", "--seed", "7", "--target", "L"]
    out = subprocess.run([tool, *args], capture_output=True, text=True, check=True)
    expected = pd.read_csv(io.StringIO(out.stdout), float_precision="round_trip", dtype=float)
    frame = slfit.simulate("chinchilla", {"N": [1e8, 1e9, 1e10], "D": [1e9, 1e11]},
                           preset="hoffmann2022", noise=0.01, noise_kind="multiplicative",
                           seed=7, target="L")
    pd.testing.assert_frame_equal(frame, expected, check_exact=True)
    clean = slfit.simulate("chinchilla", {"N": [1e8, 1e9, 1e10], "D": [1e9, 1e11]},
                           preset="hoffmann2022", target="L")
    assert not frame["L"].equals(clean["L"])
    assert np.allclose(frame["L"], clean["L"], rtol=0.05)


def test_compare_equals_the_tool_with_a_formula_law(runs, runs_csv, run_tool):
    tool = run_tool("compare", "--laws", f"chinchilla,{KAPLAN}", "--data", runs_csv, "--col",
                    "N=params", "--col", "D=tokens", "--holdout", "params >= 3e10", "--json")
    frame = slfit.compare(["chinchilla", slfit.Law.from_file(KAPLAN)], runs, col=COLS,
                          holdout="params >= 3e10")
    assert list(frame["law"]) == ["chinchilla", "kaplan2020"]
    for (_, row), law in zip(frame.iterrows(), tool["laws"]):
        assert row["law"] == law["law"]
        for key in ("points", "k", "rss", "aic", "bic", "delta_aic", "delta_bic", "rank_aic",
                    "rank_bic"):
            assert row[key] == law[key], key
        assert row["holdout_rmse"] == law["holdout"]["rmse"]
        assert row["status"] == law["fit"]["status"]
        fit = frame.attrs["fits"][law["law"]]
        assert without_seconds(fit.to_dict()) == without_seconds(law["fit"])
    for key in ("best_by_aic", "best_by_bic", "best_by_holdout", "warnings"):
        assert frame.attrs[key] == tool[key]
    # Simulated from Chinchilla, so Chinchilla wins.
    assert frame.attrs["best_by_aic"] == "chinchilla"
    assert "best by AIC" in frame.attrs["report"]


def test_a_formula_law_predicts_as_the_tool(run_tool):
    tool = run_tool("predict", "--law-file", KAPLAN, "--preset", "kaplan2020", "--at",
                    "N=1e9", "--at", "D=1e10", "--json")
    frame = slfit.predict(KAPLAN, {"N": 1e9, "D": 1e10}, preset="kaplan2020")
    rows_equal(frame, tool["rows"])
    assert round(frame["value"][0], 6) == 2.483844  # the shelf file's check value


def test_parameters_must_be_given_once_and_whole(runs):
    grid = {"N": 1e9, "D": 1e10}
    with pytest.raises(slfit.UsageError, match=r"give exactly one of option 'preset' and "
                                               r"option 'params'"):
        slfit.predict("chinchilla", grid)
    with pytest.raises(slfit.UsageError, match=r"give exactly one of option 'preset' and "
                                               r"option 'params'"):
        slfit.predict("chinchilla", grid, params=dict(TRUTH), preset="hoffmann2022")
    partial = {k: v for k, v in TRUTH.items() if k != "beta"}
    with pytest.raises(slfit.UsageError, match=r"option 'params' does not give 'beta' of law "
                                               r"'chinchilla'"):
        slfit.predict("chinchilla", grid, params=partial)
    with pytest.raises(slfit.UsageError, match=r"unknown parameter 'gamma'"):
        slfit.predict("chinchilla", grid, params={**TRUTH, "gamma": 1.0})
    with pytest.raises(slfit.UsageError, match=r"'E' is not a finite number"):
        slfit.predict("chinchilla", grid, params={**TRUTH, "E": math.nan})
    with pytest.raises(slfit.UsageError, match=r"unknown preset 'hofman2022' for law 'chinchilla' "
                                               r"\(did you mean 'hoffmann2022'\?\)"):
        slfit.predict("chinchilla", grid, preset="hofman2022")
    with pytest.raises(slfit.DataError, match=r"has no column 'N'"):
        slfit.predict("chinchilla", data=runs, preset="hoffmann2022")
    with pytest.raises(slfit.UsageError, match=r"no analysis 'alocation'|alocation"):
        slfit.optimal("chinchilla", "alocation", {"C": 1e21}, preset="hoffmann2022")
    with pytest.raises(slfit.UsageError, match=r"at least two"):
        slfit.compare(["chinchilla"], runs, col=COLS)
    with pytest.raises(slfit.UsageError, match=r"noise_kind"):
        slfit.simulate("chinchilla", grid, preset="hoffmann2022", noise_kind="loud")


def test_plot_draws_the_tools_figure(runs, tmp_dir):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    r = slfit.fit("chinchilla", runs, col=COLS, holdout="params >= 3e10")
    fig = r.plot()
    assert len(fig.axes) == 2  # the target against D; predicted against observed
    left, right = fig.axes
    assert left.get_xscale() == "log" and "D" in left.get_xlabel()
    # Every fitted and held-out row is a point on each panel, as in `slfit fit --plot`.
    for ax in (left, right):
        points = sum(len(line.get_xdata()) for line in ax.get_lines()
                     if line.get_linestyle() == "None")
        assert points == len(runs)
    path = tmp_dir / "fit.png"
    fig.savefig(path)
    assert path.stat().st_size > 10_000
    assert slfit.fit("chinchilla", runs, col=COLS, by="size").plot("by size").axes


CHILD = """
import sys, time
import pandas as pd
import slfit
runs = pd.read_csv(sys.argv[1])
print("ready", flush=True)
start = time.perf_counter()
try:
    slfit.fit("chinchilla", runs, col={"N": "params", "D": "tokens"}, bootstrap=1_000_000,
              bootstrap_from_starts=True, starts="hoffmann", threads=1)
    print("finished", time.perf_counter() - start)
except KeyboardInterrupt:
    print("interrupted", time.perf_counter() - start)
"""


def test_ctrl_c_stops_a_long_bootstrap(runs_csv):
    env = dict(os.environ)
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(runs_csv)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "ready"
    time.sleep(1.0)
    child.send_signal(signal.SIGINT)
    try:
        out, err = child.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        child.kill()
        pytest.fail("the bootstrap went on after Ctrl-C")
    words = out.split()
    assert words[0] == "interrupted", out + err
    # A million refits from Hoffmann's 4500 starts take hours; stopped, it returns within a
    # second of the signal (the refits under way finish first).
    assert float(words[1]) < 10.0


def test_isoflop_equals_the_tool(tool, run_tool):
    from conftest import SHARED

    llama = SHARED / "llama3-isoflops" / "isoflops_points.csv"
    if not llama.exists():
        pytest.skip(f"no shared data at {llama}")
    args = ["--col", "C=compute_budget", "--col", "D=training_tokens", "--target",
            "validation_loss", "--at", "C=3.8e25", "--bootstrap", "100", "--seed", "2"]
    expected = run_tool("isoflop", "--data", llama, *args, "--json")
    df = pd.read_csv(llama, float_precision="round_trip")
    r = slfit.isoflop(df, col={"C": "compute_budget", "D": "training_tokens"},
                      target="validation_loss", at={"C": 3.8e25}, bootstrap=100, seed=2)
    assert r.to_dict() == expected
    assert r.D["exponent"] == expected["D"]["exponent"]
    assert r.D["ci95"]["exponent"] == tuple(expected["D"]["ci95"]["exponent"])
    assert list(r.budgets["C"]) == [b["C"] for b in expected["budgets"]]
    assert r.used == 10 and bool(r.budgets["used"].all())
    assert r.rows["D"][0] == expected["rows"][0]["D"]
    assert r.rows["N_lo"][0] <= r.rows["N"][0] <= r.rows["N_hi"][0]
    assert "D_opt" in r.summary()
    by = slfit.isoflop(df.assign(half=np.where(df["compute_budget"] < 1e20, "low", "high")),
                       col={"C": "compute_budget", "D": "training_tokens"},
                       target="validation_loss", by="half")
    assert [g.group for g in by] == ["low", "high"]
    with pytest.raises(slfit.DataError, match=r"fewer than two budgets give a usable minimum"):
        slfit.isoflop(df[df["compute_budget"] == 6e18],
                      col={"C": "compute_budget", "D": "training_tokens"},
                      target="validation_loss")
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    assert len(r.plot().axes) == 2


def test_the_compute_multiplier_equals_the_tool(run_tool, tmp_dir):
    worse = {**TRUTH, "A": 2 * TRUTH["A"]}
    (tmp_dir / "worse.json").write_text(json.dumps(worse))
    (tmp_dir / "truth.json").write_text(json.dumps(TRUTH))
    tool = run_tool("optimal", "--law", "chinchilla", "--params", tmp_dir / "worse.json", "--vs",
                    tmp_dir / "truth.json", "--quantity", "multiplier", "--at", "C=1e21,1e24",
                    "--json")
    frame = slfit.optimal("chinchilla", "multiplier", {"C": [1e21, 1e24]}, params=worse,
                          vs=TRUTH)
    rows_equal(frame, tool["rows"])
    # A doubled: 2^(1/alpha) times the compute at every budget.
    assert np.allclose(frame["multiplier"], 2 ** (1 / TRUTH["alpha"]), rtol=1e-8)
    itself = slfit.optimal("chinchilla", "multiplier", {"C": 1e22}, params=TRUTH, vs=TRUTH)
    assert itself["multiplier"][0] == pytest.approx(1.0, rel=1e-8)


def test_the_multiplier_interval_from_two_bootstraps_equals_the_tool(runs, run_tool, tmp_dir):
    # The same runs as if trained on a worse mix (A doubled, the same noise), both fitted with the
    # same bootstrap; draw i of one is paired with draw i of the other.
    worse = runs.copy()
    n, d = worse["params"], worse["tokens"]
    clean = TRUTH["E"] + TRUTH["A"] / n**0.34 + TRUTH["B"] / d**0.28
    worse["loss"] = runs["loss"] / clean * (clean + TRUTH["A"] / n**0.34)
    options = dict(col=COLS, bootstrap=40, seed=2, draws=True)
    fits, files = [], []
    for name, frame in (("worse", worse), ("better", runs)):
        path = tmp_dir / f"mix_{name}.csv"
        frame.to_csv(path, index=False, float_format="%.17g")
        fits.append(slfit.fit("chinchilla", frame, **options))
        files.append(tmp_dir / f"mix_{name}.json")
        doc = run_tool("fit", "--law", "chinchilla", "--data", path, "--col", "N=params", "--col",
                       "D=tokens", "--bootstrap", "40", "--seed", "2", "--draws", "--json")
        files[-1].write_text(json.dumps(doc))
        assert without_seconds(fits[-1].to_dict()) == without_seconds(doc)
    tool = run_tool("optimal", "--law", "chinchilla", "--params", files[0], "--vs", files[1],
                    "--quantity", "multiplier", "--at", "C=1e21,1e24", "--json")
    frame = slfit.optimal("chinchilla", "multiplier", {"C": [1e21, 1e24]}, params=fits[0],
                          vs=fits[1])
    assert frame.attrs["paired_draws"] == tool["paired_draws"] == 40
    assert frame.attrs["failed_pairs"] == [r["failed_pairs"] for r in tool["rows"]]
    for got, want in zip(frame.to_dict("records"), tool["rows"]):
        for k, (lower, upper) in want["ci95"].items():
            assert (got[k + "_lower"], got[k + "_upper"]) == (lower, upper)
        assert got["multiplier"] == want["multiplier"]
        assert got["multiplier_lower"] < got["multiplier"] < got["multiplier_upper"]
    # Without draws on one side: no interval, and the warning says why.
    one = slfit.optimal("chinchilla", "multiplier", {"C": 1e22}, params=fits[0], vs=TRUTH)
    assert "multiplier_lower" not in one.columns
    assert "only the first fit" in one.attrs["warnings"][0]


def test_isoflop_with_a_law_equals_the_tool(tool, run_tool, runs_csv, tmp_dir):
    # A centred IsoFLOP design from Hoffmann et al.'s law.
    rows = []
    g = (0.34 * 406.4 / (0.28 * 410.7)) ** (1 / 0.62)
    for c in (1e18, 1e19, 1e20, 1e21):
        centre = np.log10(g * (c / 6) ** (0.28 / 0.62))
        for i in range(7):
            n = 10 ** (centre - 0.6 + 0.2 * i)
            rows.append({"budget": c, "params": n, "loss": float(
                TRUTH["E"] + TRUTH["A"] / n ** 0.34 + TRUTH["B"] / (c / (6 * n)) ** 0.28)})
    frame = pd.DataFrame(rows)
    path = tmp_dir / "iso_law.csv"
    frame.to_csv(path, index=False, float_format="%.17g")
    expected = run_tool("isoflop", "--data", path, "--col", "C=budget", "--col", "N=params",
                        "--law", "chinchilla", "--at", "C=1e24", "--json")
    r = slfit.isoflop(frame, col={"C": "budget", "N": "params"}, law="chinchilla",
                      at={"C": 1e24})
    assert without_seconds(r.to_dict()) == without_seconds(expected)
    assert r.law["fit"]["parameters"]["alpha"] == pytest.approx(0.34, abs=1e-4)
    assert "law N_opt" in r.summary()
