"""Per-level parameters from Python: one multiplier per format (compression), one irreducible loss
per data set (option per), the same numbers as the tool, and the precision-efficiency decision."""

import json
import math

import numpy as np
import pandas as pd
import pytest

import slfit

from conftest import SHARED, without_seconds

QUEST = SHARED / "quest-qat" / "runs.csv"
BITS = {"w1a1": 1, "w2a2": 2, "w3a3": 3, "w4a4": 4, "w8a8": 8, "fp4": 4, "w4a4-sparse24": 2.5,
        "bf16": 16}


@pytest.fixture(scope="module")
def formats(tmp_dir):
    """Three formats with known multipliers, 12 runs each, 0.1% noise from a seeded generator."""
    rng = np.random.default_rng(4)
    rows = []
    for fmt, eff in (("dense", 1.0), ("w4a16", 0.923), ("w4a4", 0.747)):
        for n in (1e8, 3e8, 1e9, 1e10):
            for d in (1e9, 1e10, 1e11):
                loss = 1.69 + 406.4 * (n * eff) ** -0.34 + 410.7 * d ** -0.28
                rows.append({"N": n, "D": d, "format": fmt,
                             "loss": loss * math.exp(0.001 * rng.standard_normal())})
    frame = pd.DataFrame(rows)
    path = tmp_dir / "formats.csv"
    frame.to_csv(path, index=False, float_format="%.17g")
    return frame, path


def test_multipliers_per_format_match_the_tool(formats, run_tool):
    frame, path = formats
    fit = slfit.fit("compression", frame, reference="dense")
    assert fit.converged
    assert list(fit.params)[5:] == ["eff[dense]", "eff[w4a16]", "eff[w4a4]"]
    assert fit.params["eff[dense]"] == 1.0
    assert abs(fit.params["eff[w4a4]"] - 0.747) < 3 * fit.se["eff[w4a4]"]
    doc = fit.to_dict()
    assert doc["multipliers"]["w4a16"] == fit.params["eff[w4a16]"]
    tool = run_tool("fit", "--law", "compression", "--data", path, "--reference", "dense",
                    "--json")
    assert without_seconds(doc) == without_seconds(tool)


def test_predict_each_row_at_its_level(formats):
    frame, _ = formats
    fit = slfit.fit("compression", frame, reference="dense")
    pred = slfit.predict("compression", params=fit, data=frame)
    rel = (pred["value"] / pred["observed"] - 1).abs()
    assert rel.max() < 0.005
    unseen = frame.head(1).assign(format="w2a2")
    with pytest.raises(slfit.DataError, match="level 'w2a2'"):
        slfit.predict("compression", params=fit, data=unseen)


def test_per_option_any_law(formats):
    frame, _ = formats
    # Chinchilla with one irreducible loss per format: the formats differ in their loss, so each
    # gets its own E while A, B, alpha and beta stay shared.
    fit = slfit.fit("chinchilla", frame, per="E=format")
    assert [n for n in fit.params if n.startswith("E[")] == ["E[dense]", "E[w4a16]", "E[w4a4]"]
    assert fit.params["E[w4a4]"] > fit.params["E[dense]"]
    with pytest.raises(slfit.UsageError, match="has one value"):
        slfit.fit("chinchilla", frame, per="E=format", fix={"alpha[dense]": 0.3})
    with pytest.raises(slfit.DataError, match="reference level 'bf16'"):
        slfit.fit("compression", frame, reference="bf16")


@pytest.mark.skipif(not QUEST.exists(), reason=f"no shared data at {QUEST}")
def test_precision_efficiency_matches_the_tool(tmp_dir, run_tool):
    runs = pd.read_csv(QUEST, float_precision="round_trip")
    options = dict(reference="bf16", bound={"eff": (0, math.inf)}, bootstrap=100,
                   group="model_size_M", seed=2)
    fit = slfit.fit("compression", runs, **options)
    table = slfit.optimal("compression", "precision-efficiency", params=fit, bits=BITS)
    assert list(table["format"]) == list(BITS)
    best = table.loc[table["efficiency"].idxmax()]
    assert best["format"] == "w4a4" and best["best"] > 0.9
    assert best["efficiency"] == pytest.approx(4 * fit.params["eff[w4a4]"], rel=1e-15)
    assert table.attrs["draws"] == 100
    # The same from the tool, with the fit's draws in a file.
    path = tmp_dir / "quest-boot.json"
    path.write_text(json.dumps(slfit.fit("compression", runs, draws=True, **options).to_dict()))
    tool = run_tool("optimal", "--law", "compression", "--params", path, "--quantity",
                    "precision-efficiency", "--bits", ",".join(f"{k}={v}" for k, v in BITS.items()),
                    "--json")
    for row, mine in zip(tool["rows"], table.to_dict("records")):
        assert row["format"] == mine["format"]
        assert row["efficiency"] == mine["efficiency"]
        assert row["ci95"]["efficiency"] == [mine["efficiency_lower"], mine["efficiency_upper"]]
        assert row["best"] == mine["best"]
