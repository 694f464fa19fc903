"""Laws from the catalogue, law files and formulas, fitted as the tool fits them."""

import json

import pytest
from conftest import without_seconds

import slfit

FORMULA = "E + A / N**alpha + B / D**beta"
PARAMETERS = {
    "E": {"value": 1.5, "lower": 0, "grid": [1.0, 2.0]},
    "A": {"value": 300, "lower": 0, "transform": "log", "grid": [100, 1000]},
    "B": {"value": 300, "lower": 0, "transform": "log", "grid": [100, 1000]},
    "alpha": {"value": 0.3, "lower": 0, "upper": 2, "grid": [0.2, 0.5]},
    "beta": {"value": 0.3, "lower": 0, "upper": 2, "grid": [0.2, 0.5]},
}


def test_laws_lists_the_catalogue():
    laws = slfit.laws()
    names = [law["name"] for law in laws]
    assert "chinchilla" in names
    chinchilla = slfit.law("chinchilla")
    assert chinchilla.name == "chinchilla"
    assert [p["name"] for p in chinchilla.info["parameters"]] == ["E", "A", "B", "alpha", "beta"]
    assert "chinchilla" in chinchilla.summary()
    assert repr(chinchilla) == "slfit.Law('chinchilla')"


def test_a_formula_law_fits_as_its_law_file_does(runs, runs_csv, run_tool, tmp_dir):
    law = slfit.Law.from_formula(FORMULA, inputs=["N", "D"], parameters=PARAMETERS,
                                 name="my-chinchilla")
    assert law.name == "my-chinchilla"
    assert law.info["formula"] == FORMULA
    r = slfit.fit(law, runs, col={"N": "params", "D": "tokens"})
    assert r.converged and r.law == "my-chinchilla"
    builtin = slfit.fit("chinchilla", runs, col={"N": "params", "D": "tokens"})
    assert r.objective == pytest.approx(builtin.objective, rel=1e-6)

    path = tmp_dir / "my_chinchilla.json"
    path.write_text(json.dumps({"name": "my-chinchilla", "inputs": ["N", "D"],
                                "formula": FORMULA, "parameters": PARAMETERS}))
    tool = run_tool("fit", "--law-file", path, "--data", runs_csv, "--col", "N=params",
                    "--col", "D=tokens", "--json")
    assert without_seconds(r.to_dict()) == without_seconds(tool)
    from_file = slfit.fit(slfit.Law.from_file(path), runs, col={"N": "params", "D": "tokens"})
    assert without_seconds(from_file.to_dict()) == without_seconds(tool)
    by_path = slfit.fit(str(path), runs, col={"N": "params", "D": "tokens"})
    assert by_path.params == from_file.params


def test_a_plain_number_is_a_parameters_value(runs):
    law = slfit.Law.from_formula("E + A / N**alpha", inputs=["N"],
                                 parameters={"E": 1.5, "A": {"value": 300, "lower": 0,
                                                             "transform": "log"},
                                             "alpha": {"value": 0.3, "lower": 0, "upper": 2}})
    r = slfit.fit(law, runs[runs.tokens == 1e12], col={"N": "params"})
    assert r.status != "failed" and set(r.params) == {"E", "A", "alpha"}
