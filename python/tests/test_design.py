"""slfit.design chooses the tool's runs: the same JSON as ``slfit design`` for the same inputs, from
CSV paths or DataFrames, with a pilot table or a fit's result as the belief; its runs are rows of
the pool; bad requests raise."""

import json
import math

import numpy as np
import pandas as pd
import pytest
from conftest import without_seconds

import slfit

TARGETS = "C >= 1e23"


@pytest.fixture(scope="module")
def pool(tmp_dir):
    """IsoFLOP profiles at 1e17..1e21 FLOPs (7 sizes each) and at 1e23, 1e24 (the targets), with a
    text column and an index that is not 0..n-1."""
    rows = []
    for c in [1e17, 1e18, 1e19, 1e20, 1e21, 1e23, 1e24]:
        n_opt = math.sqrt(c / 120)
        for i in range(7):
            n = n_opt * 10 ** (-1.2 + 0.4 * i)
            rows.append((n, c / (6 * n), c, "big" if c >= 1e23 else "small"))
    frame = pd.DataFrame(rows, columns=["N", "D", "C", "kind"])
    frame.index = [f"run{i}" for i in range(len(frame))]
    path = tmp_dir / "design_pool.csv"
    frame.to_csv(path, index=False, float_format="%.17g")
    return frame, path


@pytest.fixture(scope="module")
def pilot(tmp_dir):
    frame = slfit.simulate("chinchilla", {"N": [1e7, 3e7, 1e8, 3e8], "D": [3e8, 1e9, 3e9]},
                           preset="hoffmann2022", noise=0.01, noise_kind="multiplicative", seed=4)
    path = tmp_dir / "design_pilot.csv"
    frame.to_csv(path, index=False, float_format="%.17g")
    return frame, path


def test_design_equals_the_tools_json(pool, pilot, run_tool):
    tool = run_tool("design", "--law", "chinchilla", "--data", pilot[1], "--candidates", pool[1],
                    "--target-where", TARGETS, "--budget", "2e20", "--seed", "1", "--json")
    r = slfit.design("chinchilla", str(pool[1]), data=str(pilot[1]), target_where=TARGETS,
                     budget=2e20, seed=1)
    assert r.to_dict() == tool
    # From DataFrames the same runs, costs and errors (only the table's name in `belief` differs).
    f = slfit.design("chinchilla", pool[0], data=pilot[0], target_where=TARGETS, budget=2e20,
                     seed=1)
    assert f.to_dict()["steps"] == tool["steps"]
    assert f.to_dict()["parameters"] == tool["parameters"] and f.noise == tool["noise"]
    assert len(r.runs) == len(tool["steps"]) > 3
    assert list(r.runs.columns) == ["step", "row", "N", "D", "cost", "cumulative_cost",
                                    "target_rmse"]
    assert r.runs["row"].tolist() == [s["row"] for s in tool["steps"]]
    assert r.runs["target_rmse"].tolist() == [s["target_rmse"] for s in tool["steps"]]
    assert r.spent == tool["spent"] <= r.budget == 2e20
    assert r.initial_rmse == tool["initial_rmse"] > r.final_rmse == tool["steps"][-1]["target_rmse"]
    assert r.candidates == 35 and r.targets == 14 and r.strategy == "v-optimal"
    assert "predicted RMSE at the targets" in r.summary()
    assert "v-optimal" in repr(r) and "runs=" in repr(r)


def test_a_fit_result_is_the_belief_a_parameter_file_would_be(pool, pilot, run_tool, tmp_dir):
    fit_json = tmp_dir / "design_fit.json"
    fit = run_tool("fit", "--law", "chinchilla", "--data", pilot[1], "--bootstrap", "40",
                   "--seed", "2", "--draws", "--json")
    fit_json.write_text(json.dumps(fit))
    tool = run_tool("design", "--law", "chinchilla", "--params", fit_json, "--candidates",
                    pool[1], "--target-where", TARGETS, "--budget", "2e20", "--samples", "8",
                    "--json")
    r = slfit.fit("chinchilla", pilot[0], bootstrap=40, seed=2)
    assert without_seconds(r.to_dict())["bootstrap"]["se"] == fit["bootstrap"]["se"]
    d = slfit.design("chinchilla", pool[0], params=r, target_where=TARGETS, budget=2e20,
                     samples=8)
    assert d.to_dict()["steps"] == tool["steps"]
    assert d.to_dict()["uncertainty"] == tool["uncertainty"]
    assert d.to_dict()["uncertainty"].startswith("bootstrap draws")
    assert d.noise == tool["noise"] > 0
    # The same belief from the parameter file's path.
    p = slfit.design("chinchilla", pool[0], params=fit_json, target_where=TARGETS, budget=2e20,
                     samples=8)
    assert p.to_dict()["steps"] == tool["steps"]


def test_runs_are_rows_of_the_pool(pool, pilot):
    frame = pool[0]
    r = slfit.design("chinchilla", frame, data=pilot[0], target_where=TARGETS, budget=3e20,
                     where="C != 1e19", cost="6*N*D + 1e18")
    assert "index" in r.runs.columns
    chosen = frame.loc[r.runs["index"]]
    assert np.array_equal(chosen["N"].to_numpy(), r.runs["N"].to_numpy())
    assert np.array_equal(chosen["D"].to_numpy(), r.runs["D"].to_numpy())
    assert (frame.iloc[r.runs["row"] - 1].index == r.runs["index"]).all()
    assert np.allclose(6 * r.runs["N"] * r.runs["D"] + 1e18, r.runs["cost"], rtol=1e-12)
    assert r.runs["cumulative_cost"].is_monotonic_increasing
    assert r.runs["cumulative_cost"].iloc[-1] == r.spent <= 3e20
    assert (chosen["C"] < 1e23).all() and (chosen["C"] != 1e19).all()  # targets, rows left out
    assert not r.runs["index"].duplicated().any()


def test_every_strategy_stays_within_the_budget(pool, pilot):
    frame = pool[0]
    for strategy in ("v-optimal", "d-optimal", "random", "cheapest"):
        r = slfit.design("chinchilla", frame, data=pilot[0], target_where=TARGETS, budget=1e20,
                         strategy=strategy, seed=3)
        assert r.strategy == strategy and len(r.runs) > 0
        assert r.spent <= 1e20
        # Nothing affordable is left: the cheapest run not bought costs more than what is left.
        left = frame[(frame["C"] < 1e23) & ~frame.index.isin(r.runs["index"])]
        if len(left):
            assert (6 * left["N"] * left["D"]).min() > 1e20 - r.spent
    c = slfit.design("chinchilla", frame, data=pilot[0], target_where=TARGETS, budget=1e20,
                     strategy="cheapest")
    assert c.runs["cost"].is_monotonic_increasing


def test_a_preset_with_targets_and_the_thread_count(pool, pilot):
    frame = pool[0]
    candidates = frame[frame["C"] < 1e23]
    targets = {"N": [7e10, 2e11], "D": [1.4e12, 4e12]}
    one = slfit.design("chinchilla", candidates, preset="hoffmann2022", noise=0.01,
                       targets=targets, budget=1e21, threads=1)
    two = slfit.design("chinchilla", candidates, preset="hoffmann2022", noise=0.01,
                       targets=targets, budget=1e21, threads=2)
    assert one.to_dict() == two.to_dict()
    assert one.targets == 2 and one.noise == 0.01
    assert one.to_dict()["uncertainty"].startswith("none")


def test_plot_draws_the_figure(pool, pilot):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    r = slfit.design("chinchilla", pool[0], data=pilot[0], target_where=TARGETS, budget=2e20)
    fig = r.plot(title="next runs")
    assert fig.axes and fig.axes[0].get_xscale() == "log"
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any("target" in t for t in labels)


def test_bad_requests_raise(pool, pilot):
    frame = pool[0]
    with pytest.raises(slfit.UsageError, match="give exactly one of"):
        slfit.design("chinchilla", frame, target_where=TARGETS, budget=1e20)
    with pytest.raises(slfit.UsageError, match="give exactly one of"):
        slfit.design("chinchilla", frame, data=pilot[0], preset="hoffmann2022",
                     target_where=TARGETS, budget=1e20)
    with pytest.raises(slfit.DataError, match="below the cheapest candidate run's cost"):
        slfit.design("chinchilla", frame, data=pilot[0], target_where=TARGETS, budget=1e10)
    with pytest.raises(slfit.DataError, match="is not a positive number at row 1"):
        slfit.design("chinchilla", frame, data=pilot[0], target_where=TARGETS, budget=1e20,
                     cost="N - 1e8")
    with pytest.raises(slfit.UsageError, match="unknown strategy 'a-optimal'"):
        slfit.design("chinchilla", frame, data=pilot[0], target_where=TARGETS, budget=1e20,
                     strategy="a-optimal")
    with pytest.raises(slfit.UsageError, match="go with option 'data'"):
        slfit.design("chinchilla", frame, preset="hoffmann2022", noise=0.01,
                     target_where=TARGETS, budget=1e20, bootstrap=10)
    with pytest.raises(slfit.UsageError, match="option 'budget' takes a number"):
        slfit.design("chinchilla", frame, data=pilot[0], target_where=TARGETS, budget="1e20")
    kaplan = slfit.fit("kaplan2020", pilot[0])
    with pytest.raises(slfit.UsageError, match="not a single fit of law 'chinchilla'"):
        slfit.design("chinchilla", frame, params=kaplan, target_where=TARGETS, budget=1e20)
    bad = pd.DataFrame({"N": [1e12, -1.0], "D": [1e12, 1e12]})
    with pytest.raises(slfit.DataError, match="row 2"):
        slfit.design("chinchilla", frame, preset="hoffmann2022", noise=0.01, targets=bad,
                     budget=1e21)
