"""Shared fixtures: simulated Chinchilla data as a CSV file and a DataFrame, the tool, the data.

Run by CTest (python.pytest) with PYTHONPATH=build/python, SLFIT_SHARED_DATA (../shared/data
beside the checkout), SLFIT_TOOL (the slfit tool, for the tests that compare with its JSON) and
SLFIT_TEST_TMP. Tests that need the shared data or the tool skip with a message without them.
"""

import json
import os
import pathlib
import subprocess

import numpy as np
import pandas as pd
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SHARED = pathlib.Path(os.environ.get("SLFIT_SHARED_DATA", ROOT.parent / "shared" / "data"))
EPOCH = SHARED / "epoch-chinchilla" / "svg_extracted_data.csv"

# Hoffmann et al.'s fit (Chinchilla's hoffmann2022 preset).
TRUTH = {"E": 1.69, "A": 406.4, "B": 410.7, "alpha": 0.34, "beta": 0.28}


def chinchilla(n, d, p=TRUTH):
    return p["E"] + p["A"] / n ** p["alpha"] + p["B"] / d ** p["beta"]


@pytest.fixture(scope="session")
def tmp_dir(tmp_path_factory):
    where = os.environ.get("SLFIT_TEST_TMP")
    if where:
        path = pathlib.Path(where)
        path.mkdir(parents=True, exist_ok=True)
        return path
    return tmp_path_factory.mktemp("slfit")


@pytest.fixture(scope="session")
def runs_csv(tmp_dir):
    """24 simulated runs (N, D, loss with 1% seeded noise; `size` 1 or 2, a text column
    `label`), as CSV."""
    rng = np.random.default_rng(3)
    n, d = np.meshgrid([1e8, 3e8, 1e9, 3e9, 1e10, 3e10], [1e9, 1e10, 1e11, 1e12])
    n, d = n.ravel(), d.ravel()
    loss = chinchilla(n, d) * (1 + 0.01 * rng.standard_normal(n.size))
    size = np.where(n < 1e9, 1.0, 2.0)
    label = np.where(n < 1e9, "small", "large")
    path = tmp_dir / "runs.csv"
    with open(path, "w") as f:  # repr: every value reads back to the same double
        f.write("params,tokens,loss,size,label\n")
        for row in zip(n, d, loss, size, label):
            f.write(",".join(repr(float(v)) for v in row[:4]) + f",{row[4]}\n")
    return path


@pytest.fixture(scope="session")
def runs(runs_csv):
    return pd.read_csv(runs_csv, float_precision="round_trip")


@pytest.fixture(scope="session")
def tool():
    path = os.environ.get("SLFIT_TOOL")
    if not path or not os.path.exists(path):
        pytest.skip("the slfit tool is not built (SLFIT_TOOL unset): no comparison with its JSON")
    return path


@pytest.fixture(scope="session")
def run_tool(tool):
    """Runs `slfit ARGS...`, returns its parsed stdout (JSON)."""

    def run(*args):
        out = subprocess.run([tool, *map(str, args)], capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    return run


@pytest.fixture(scope="session")
def epoch():
    """Epoch's Chinchilla points as the published fits use them: the 5 highest losses dropped,
    N = "Model Size", D = "Training FLOP" / (6 N) (tests/support/epoch_data.hpp)."""
    if not EPOCH.exists():
        pytest.skip(f"no shared data at {EPOCH}")
    df = pd.read_csv(EPOCH, float_precision="round_trip")
    df["N"] = df["Model Size"]
    df["D"] = df["Training FLOP"] / (6 * df["Model Size"])
    highest = df["loss"].sort_values(ascending=False, kind="stable").index[:5]
    return df.drop(index=highest).reset_index(drop=True)


def without_seconds(doc):
    """A fit document without its timings (the only fields that differ from run to run)."""
    if isinstance(doc, list):
        return [without_seconds(d) for d in doc]
    if isinstance(doc, dict):
        return {k: without_seconds(v) for k, v in doc.items() if k != "seconds"}
    return doc
